
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
            cand discover 'List the resources a SaaS-backed provider offers for binding.'
            cand bind 'Bind the current project to an issue tracker.'
            cand status 'Show tracker binding and sync status.'
            cand unbind 'Remove tracker binding for this project.'
            cand list-tickets 'List a SaaS-backed provider''s tickets.'
            cand issue-search 'Search a SaaS-backed provider''s tickets by key or text.'
            cand map 'Work-package mapping commands'
            cand sync 'Tracker synchronization commands'
            cand operations 'Inspect asynchronous SaaS operations'
            cand auth 'Authentication commands for the Spec Kitty SaaS'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'spec-kitty-tracker;providers'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render provider list as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;discover'= {
            cand --provider 'Provider name (SaaS-backed)'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render the resources as JSON (an array; each with its number and is_bound)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;bind'= {
            cand --provider 'Provider name'
            cand --project-slug 'SaaS project identifier for tracker routing, without discovery (SaaS providers only)'
            cand --workspace 'Provider workspace/team/project identifier (local providers only)'
            cand --ownership-mode 'Who owns the issue fields when syncing (local providers only)'
            cand --doctrine-mode 'Deprecated spelling of --ownership-mode (loses when both are given)'
            cand --field-owner 'Field owner for --ownership-mode split_ownership: field=owner, owner one of local, external, shared (local providers only)'
            cand --credential 'Provider setting key=value; keys: command, cwd, server_url, base_url, username, email, team_slug (local providers only)'
            cand --select 'Bind to candidate N when the server offers several (SaaS providers only)'
            cand --bind-ref 'Bind to this binding ref, checked by the server first (SaaS providers only)'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --force 'Local: replace stored provider settings that differ (they are shared by every project bound to this provider). SaaS: replace an existing binding without asking'
            cand --json 'Render the binding as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;status'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --all 'Installation-wide: every binding of the bound provider''s installation, not routed to this project (GET /status/?provider=P; SaaS-backed providers only)'
            cand --json 'Render status as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;unbind'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
        &'spec-kitty-tracker;list-tickets'= {
            cand --provider 'Provider name (SaaS-backed)'
            cand --limit 'Maximum number of tickets (1..=100)'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render the tickets as JSON (an array of normalised tickets)'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;issue-search'= {
            cand --provider 'Provider name (SaaS-backed)'
            cand --query 'An issue key (LIN-42) or free text'
            cand --limit 'Maximum number of tickets (1..=100)'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render the matching tickets as JSON (an array of normalised tickets)'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --provider 'A SaaS-backed provider whose mappings to list, instead of the binding''s'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
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
            cand whoami 'Print the logged-in user''s e-mail.'
            cand doctor 'Diagnose the stored login.'
        }
        &'spec-kitty-tracker;auth;login'= {
            cand -u '3.0 password login as USER (password prompted, hidden, when not given)'
            cand --username '3.0 password login as USER (password prompted, hidden, when not given)'
            cand -p 'Password of the 3.0 login (prefer --password-stdin)'
            cand --password 'Password of the 3.0 login (prefer --password-stdin)'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --headless 'Log in with a device code instead of a browser on this machine'
            cand --password-stdin '3.0 password login, reading the password from standard input'
            cand -f 'Log in again even when already authenticated'
            cand --force 'Log in again even when already authenticated'
            cand --json 'Render the session as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;logout'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand -f 'Do not revoke the refresh token at the server, only delete the local session'
            cand --force 'Do not revoke the refresh token at the server, only delete the local session'
            cand --json 'Render the result as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;status'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render authentication status as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;whoami'= {
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --json 'Render the user as JSON'
            cand -v 'Log requests and decisions to stderr (tokens are never shown)'
            cand --verbose 'Log requests and decisions to stderr (tokens are never shown)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'spec-kitty-tracker;auth;doctor'= {
            cand --stuck-threshold 'Age after which a held refresh lock counts as stuck'
            cand --jq 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted'
            cand -C 'Run as if started in DIR (the project is found from there)'
            cand --project 'Run as if started in DIR (the project is found from there)'
            cand --server-url 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)'
            cand --server 'Also ask the server whether the session is active (GET /api/v1/session-status)'
            cand --unstick-lock 'Release a stuck refresh.lock (only when older than the threshold)'
            cand --json 'Render the report as JSON'
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
            cand discover 'List the resources a SaaS-backed provider offers for binding.'
            cand bind 'Bind the current project to an issue tracker.'
            cand status 'Show tracker binding and sync status.'
            cand unbind 'Remove tracker binding for this project.'
            cand list-tickets 'List a SaaS-backed provider''s tickets.'
            cand issue-search 'Search a SaaS-backed provider''s tickets by key or text.'
            cand map 'Work-package mapping commands'
            cand sync 'Tracker synchronization commands'
            cand operations 'Inspect asynchronous SaaS operations'
            cand auth 'Authentication commands for the Spec Kitty SaaS'
            cand completions 'Print a shell completion script.'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'spec-kitty-tracker;help;providers'= {
        }
        &'spec-kitty-tracker;help;discover'= {
        }
        &'spec-kitty-tracker;help;bind'= {
        }
        &'spec-kitty-tracker;help;status'= {
        }
        &'spec-kitty-tracker;help;unbind'= {
        }
        &'spec-kitty-tracker;help;list-tickets'= {
        }
        &'spec-kitty-tracker;help;issue-search'= {
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
            cand whoami 'Print the logged-in user''s e-mail.'
            cand doctor 'Diagnose the stored login.'
        }
        &'spec-kitty-tracker;help;auth;login'= {
        }
        &'spec-kitty-tracker;help;auth;logout'= {
        }
        &'spec-kitty-tracker;help;auth;status'= {
        }
        &'spec-kitty-tracker;help;auth;whoami'= {
        }
        &'spec-kitty-tracker;help;auth;doctor'= {
        }
        &'spec-kitty-tracker;help;completions'= {
        }
        &'spec-kitty-tracker;help;help'= {
        }
    ]
    $completions[$command]
}
