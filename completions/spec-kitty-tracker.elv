
use builtin;
use str;

set edit:completion:arg-completer[spec-kitty-tracker] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'spec-kitty-tracker'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'spec-kitty-tracker'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand providers 'List supported tracker providers, categorized by backend type.'
            cand bind 'Bind the current project to an issue tracker.'
            cand status 'Show tracker binding and sync status.'
            cand unbind 'Remove tracker binding for this project.'
            cand map 'Work-package mapping commands'
            cand sync 'Tracker synchronization commands'
            cand operations 'Inspect asynchronous SaaS operations'
            cand auth 'Authentication commands for the Spec Kitty SaaS'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'spec-kitty-tracker;providers'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render provider list as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;bind'= {
            cand --provider 'Provider name'
            cand --project-slug 'SaaS project identifier for tracker routing (SaaS providers only)'
            cand --workspace 'Provider workspace/team/project identifier (local providers only)'
            cand --ownership-mode 'Who owns the issue fields when syncing (local providers only)'
            cand --doctrine-mode 'Deprecated spelling of --ownership-mode (loses when both are given)'
            cand --field-owner 'Field owner for --ownership-mode split_ownership: field=owner, owner one of local, external, shared (local providers only)'
            cand --credential 'Provider setting key=value; keys: command, cwd, server_url, base_url, username, email, team_slug (local providers only)'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --force 'Replace stored provider settings that differ (they are shared by every project bound to this provider)'
            cand --json 'Render the binding as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;status'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render status as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;unbind'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --forget-credentials 'Also remove the local provider''s stored settings (shared by every project bound to it)'
            cand --json 'Render the result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;map'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand add 'Add or update a WP-to-external issue mapping.'
            cand list 'List tracker mappings.'
        }
        &'spec-kitty-tracker;map;add'= {
            cand --wp-id 'Work package ID (e.g., WP01)'
            cand --external-id 'External issue ID'
            cand --external-key 'External issue key'
            cand --external-url 'External issue URL'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --force 'Replace the mapping of another work package that already uses this external issue'
            cand --json 'Render the mapping as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;map;list'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render mappings as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;sync'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand pull 'Pull tracker updates into the local cache.'
            cand push 'Push explicit mutations to the upstream provider.'
            cand run 'Run pull+push synchronization in one operation.'
            cand publish 'Publish local tracker snapshot (not supported by any current provider).'
        }
        &'spec-kitty-tracker;sync;pull'= {
            cand --limit 'Maximum number of items per page (1..=10000)'
            cand --cursor 'Start at this page (the next_cursor a previous pull printed; SaaS-backed providers only)'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --all 'Follow next_cursor until every page is pulled (SaaS-backed providers only)'
            cand --json 'Render sync result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;sync;push'= {
            cand --limit 'Maximum number of items (local providers only)'
            cand --items-json 'Path to JSON file with PushItem[] array (SaaS providers). Use ''-'' for stdin.'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render sync result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;sync;run'= {
            cand --limit 'Maximum number of items (1..=10000)'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render sync result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;sync;publish'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render publish result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;operations'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Show an operation''s state (and wait for it with --wait).'
        }
        &'spec-kitty-tracker;operations;show'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --wait 'Poll until the operation completes or fails'
            cand --json 'Render the operation as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand login 'Log in to the Spec Kitty SaaS.'
            cand logout 'Log out and remove the stored tokens.'
            cand status 'Show authentication status.'
        }
        &'spec-kitty-tracker;auth;login'= {
            cand -u 'Username (prompted when absent)'
            cand --username 'Username (prompted when absent)'
            cand -p 'Password (prompted, hidden, when absent; prefer --password-stdin)'
            cand --password 'Password (prompted, hidden, when absent; prefer --password-stdin)'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --password-stdin 'Read the password from standard input'
            cand -f 'Log in again even when already authenticated'
            cand --force 'Log in again even when already authenticated'
            cand --json 'Render the session as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;logout'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render the result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;status'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render authentication status as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;completions'= {
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;help'= {
            cand providers 'List supported tracker providers, categorized by backend type.'
            cand bind 'Bind the current project to an issue tracker.'
            cand status 'Show tracker binding and sync status.'
            cand unbind 'Remove tracker binding for this project.'
            cand map 'Work-package mapping commands'
            cand sync 'Tracker synchronization commands'
            cand operations 'Inspect asynchronous SaaS operations'
            cand auth 'Authentication commands for the Spec Kitty SaaS'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'spec-kitty-tracker;help;providers'= {
        }
        &'spec-kitty-tracker;help;bind'= {
        }
        &'spec-kitty-tracker;help;status'= {
        }
        &'spec-kitty-tracker;help;unbind'= {
        }
        &'spec-kitty-tracker;help;map'= {
            cand add 'Add or update a WP-to-external issue mapping.'
            cand list 'List tracker mappings.'
        }
        &'spec-kitty-tracker;help;map;add'= {
        }
        &'spec-kitty-tracker;help;map;list'= {
        }
        &'spec-kitty-tracker;help;sync'= {
            cand pull 'Pull tracker updates into the local cache.'
            cand push 'Push explicit mutations to the upstream provider.'
            cand run 'Run pull+push synchronization in one operation.'
            cand publish 'Publish local tracker snapshot (not supported by any current provider).'
        }
        &'spec-kitty-tracker;help;sync;pull'= {
        }
        &'spec-kitty-tracker;help;sync;push'= {
        }
        &'spec-kitty-tracker;help;sync;run'= {
        }
        &'spec-kitty-tracker;help;sync;publish'= {
        }
        &'spec-kitty-tracker;help;operations'= {
            cand show 'Show an operation''s state (and wait for it with --wait).'
        }
        &'spec-kitty-tracker;help;operations;show'= {
        }
        &'spec-kitty-tracker;help;auth'= {
            cand login 'Log in to the Spec Kitty SaaS.'
            cand logout 'Log out and remove the stored tokens.'
            cand status 'Show authentication status.'
        }
        &'spec-kitty-tracker;help;auth;login'= {
        }
        &'spec-kitty-tracker;help;auth;logout'= {
        }
        &'spec-kitty-tracker;help;auth;status'= {
        }
        &'spec-kitty-tracker;help;completions'= {
        }
        &'spec-kitty-tracker;help;help'= {
        }
    ]
    $completions[$command]
}
