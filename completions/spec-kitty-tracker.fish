# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_spec_kitty_tracker_global_optspecs
    string join \n C/project= server-url= v/verbose h/help V/version
end

function __fish_spec_kitty_tracker_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_spec_kitty_tracker_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_spec_kitty_tracker_using_subcommand
    set -l cmd (__fish_spec_kitty_tracker_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -s V -l version -d 'Print version'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "providers" -d 'List supported tracker providers, categorized by backend type.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "discover" -d 'List the resources a SaaS-backed provider offers for binding.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "bind" -d 'Bind the current project to an issue tracker.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "status" -d 'Show tracker binding and sync status.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "unbind" -d 'Remove tracker binding for this project.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "list-tickets" -d 'List a SaaS-backed provider\'s tickets.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "issue-search" -d 'Search a SaaS-backed provider\'s tickets by key or text.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "map" -d 'Work-package mapping commands'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "sync" -d 'Tracker synchronization commands'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "operations" -d 'Inspect asynchronous SaaS operations'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "auth" -d 'Authentication commands for the Spec Kitty SaaS'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "completions" -d 'Print a shell completion script.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -l json -d 'Render provider list as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand providers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -l provider -d 'Provider name (SaaS-backed)' -r -f -a "linear\t'SaaS-backed: Linear'
jira\t'SaaS-backed: Jira'
github\t'SaaS-backed: GitHub Issues'
gitlab\t'SaaS-backed: GitLab Issues'
beads\t'local: the bd command-line tool'
fp\t'local: the fp command-line tool'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -l json -d 'Render the resources as JSON (an array; each with its number and is_bound)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand discover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l provider -d 'Provider name' -r -f -a "linear\t'SaaS-backed: Linear'
jira\t'SaaS-backed: Jira'
github\t'SaaS-backed: GitHub Issues'
gitlab\t'SaaS-backed: GitLab Issues'
beads\t'local: the bd command-line tool'
fp\t'local: the fp command-line tool'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l project-slug -d 'SaaS project identifier for tracker routing, without discovery (SaaS providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l workspace -d 'Provider workspace/team/project identifier (local providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l ownership-mode -d 'Who owns the issue fields when syncing (local providers only)' -r -f -a "external_authoritative\t'the tracker owns every field (default)'
spec_kitty_authoritative\t'Spec Kitty owns every field'
split_ownership\t'each field has the owner given by --field-owner'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l doctrine-mode -d 'Deprecated spelling of --ownership-mode (loses when both are given)' -r -f -a "external_authoritative\t'the tracker owns every field (default)'
spec_kitty_authoritative\t'Spec Kitty owns every field'
split_ownership\t'each field has the owner given by --field-owner'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l field-owner -d 'Field owner for --ownership-mode split_ownership: field=owner, owner one of local, external, shared (local providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l credential -d 'Provider setting key=value; keys: command, cwd, server_url, base_url, username, email, team_slug (local providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l select -d 'Bind to candidate N when the server offers several (SaaS providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l bind-ref -d 'Bind to this binding ref, checked by the server first (SaaS providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l force -d 'Local: replace stored provider settings that differ (they are shared by every project bound to this provider). SaaS: replace an existing binding without asking'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -l json -d 'Render the binding as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand bind" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -l all -d 'Installation-wide: every binding of the bound provider\'s installation, not routed to this project (GET /status/?provider=P; SaaS-backed providers only)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -l json -d 'Render status as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -l forget-credentials -d 'Also remove the local provider\'s stored settings (shared by every project bound to it)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -l json -d 'Render the result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand unbind" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -l provider -d 'Provider name (SaaS-backed)' -r -f -a "linear\t'SaaS-backed: Linear'
jira\t'SaaS-backed: Jira'
github\t'SaaS-backed: GitHub Issues'
gitlab\t'SaaS-backed: GitLab Issues'
beads\t'local: the bd command-line tool'
fp\t'local: the fp command-line tool'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -l limit -d 'Maximum number of tickets (1..=100)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -l json -d 'Render the tickets as JSON (an array of normalised tickets)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand list-tickets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l provider -d 'Provider name (SaaS-backed)' -r -f -a "linear\t'SaaS-backed: Linear'
jira\t'SaaS-backed: Jira'
github\t'SaaS-backed: GitHub Issues'
gitlab\t'SaaS-backed: GitLab Issues'
beads\t'local: the bd command-line tool'
fp\t'local: the fp command-line tool'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l query -d 'An issue key (LIN-42) or free text' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l limit -d 'Maximum number of tickets (1..=100)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -l json -d 'Render the matching tickets as JSON (an array of normalised tickets)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand issue-search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -f -a "add" -d 'Add or update a WP-to-external issue mapping.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and not __fish_seen_subcommand_from add list" -f -a "list" -d 'List tracker mappings.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l wp-id -d 'Work package ID (e.g., WP01)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l external-id -d 'External issue ID' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l external-key -d 'External issue key' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l external-url -d 'External issue URL' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l force -d 'Replace the mapping of another work package that already uses this external issue'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -l json -d 'Render the mapping as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -l provider -d 'A SaaS-backed provider whose mappings to list, instead of the binding\'s' -r -f -a "linear\t'SaaS-backed: Linear'
jira\t'SaaS-backed: Jira'
github\t'SaaS-backed: GitHub Issues'
gitlab\t'SaaS-backed: GitLab Issues'
beads\t'local: the bd command-line tool'
fp\t'local: the fp command-line tool'"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -l json -d 'Render mappings as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand map; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -f -a "pull" -d 'Pull tracker updates into the local cache.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -f -a "push" -d 'Push explicit mutations to the upstream provider.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -f -a "run" -d 'Run pull+push synchronization in one operation.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and not __fish_seen_subcommand_from pull push run publish" -f -a "publish" -d 'Publish local tracker snapshot (not supported by any current provider).'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l limit -d 'Maximum number of items per page (1..=10000)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l cursor -d 'Start at this page (the next_cursor a previous pull printed; SaaS-backed providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l all -d 'Follow next_cursor until every page is pulled (SaaS-backed providers only)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -l json -d 'Render sync result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -l limit -d 'Maximum number of items (local providers only)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -l items-json -d 'Path to JSON file with PushItem[] array (SaaS providers). Use \'-\' for stdin.' -r -F
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -l json -d 'Render sync result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -l limit -d 'Maximum number of items (1..=10000)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -l json -d 'Render sync result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -l json -d 'Render publish result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand sync; and __fish_seen_subcommand_from publish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and not __fish_seen_subcommand_from show" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and not __fish_seen_subcommand_from show" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and not __fish_seen_subcommand_from show" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and not __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and not __fish_seen_subcommand_from show" -f -a "show" -d 'Show an operation\'s state (and wait for it with --wait).'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -l wait -d 'Poll until the operation completes or fails'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -l json -d 'Render the operation as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand operations; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -f -a "login" -d 'Log in to the Spec Kitty SaaS.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -f -a "logout" -d 'Log out and remove the stored tokens.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -f -a "status" -d 'Show authentication status.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -f -a "whoami" -d 'Print the logged-in user\'s e-mail.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and not __fish_seen_subcommand_from login logout status whoami doctor" -f -a "doctor" -d 'Diagnose the stored login.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s u -l username -d '3.0 password login as USER (password prompted, hidden, when not given)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s p -l password -d 'Password of the 3.0 login (prefer --password-stdin)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -l headless -d 'Log in with a device code instead of a browser on this machine'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -l password-stdin -d '3.0 password login, reading the password from standard input'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s f -l force -d 'Log in again even when already authenticated'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -l json -d 'Render the session as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -s f -l force -d 'Do not revoke the refresh token at the server, only delete the local session'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -l json -d 'Render the result as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -l json -d 'Render authentication status as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -l json -d 'Render the user as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l stuck-threshold -d 'Age after which a held refresh lock counts as stuck' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l jq -d 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted' -r
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l server -d 'Also ask the server whether the session is active (GET /api/v1/session-status)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l unstick-lock -d 'Release a stuck refresh.lock (only when older than the threshold)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -l json -d 'Render the report as JSON'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand auth; and __fish_seen_subcommand_from doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand completions" -s C -l project -d 'Run as if started in DIR (the project is found from there)' -r -f -a "(__fish_complete_directories)"
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand completions" -l server-url -d 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)' -r -f
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand completions" -s v -l verbose -d 'Log requests and decisions to stderr (tokens are never shown)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "providers" -d 'List supported tracker providers, categorized by backend type.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "discover" -d 'List the resources a SaaS-backed provider offers for binding.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "bind" -d 'Bind the current project to an issue tracker.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "status" -d 'Show tracker binding and sync status.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "unbind" -d 'Remove tracker binding for this project.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "list-tickets" -d 'List a SaaS-backed provider\'s tickets.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "issue-search" -d 'Search a SaaS-backed provider\'s tickets by key or text.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "map" -d 'Work-package mapping commands'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "sync" -d 'Tracker synchronization commands'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "operations" -d 'Inspect asynchronous SaaS operations'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "auth" -d 'Authentication commands for the Spec Kitty SaaS'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "completions" -d 'Print a shell completion script.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and not __fish_seen_subcommand_from providers discover bind status unbind list-tickets issue-search map sync operations auth completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "add" -d 'Add or update a WP-to-external issue mapping.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from map" -f -a "list" -d 'List tracker mappings.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from sync" -f -a "pull" -d 'Pull tracker updates into the local cache.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from sync" -f -a "push" -d 'Push explicit mutations to the upstream provider.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from sync" -f -a "run" -d 'Run pull+push synchronization in one operation.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from sync" -f -a "publish" -d 'Publish local tracker snapshot (not supported by any current provider).'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from operations" -f -a "show" -d 'Show an operation\'s state (and wait for it with --wait).'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "login" -d 'Log in to the Spec Kitty SaaS.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Log out and remove the stored tokens.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "status" -d 'Show authentication status.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "whoami" -d 'Print the logged-in user\'s e-mail.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "doctor" -d 'Diagnose the stored login.'
complete -c spec-kitty-tracker -n "__fish_spec_kitty_tracker_using_subcommand completions" -f -a "bash zsh fish elvish powershell"
