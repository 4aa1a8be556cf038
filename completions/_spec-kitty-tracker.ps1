
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'spec-kitty-tracker' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'spec-kitty-tracker'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'spec-kitty-tracker' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List supported tracker providers, categorized by backend type.')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List the resources a SaaS-backed provider offers for binding.')
            [CompletionResult]::new('bind', 'bind', [CompletionResultType]::ParameterValue, 'Bind the current project to an issue tracker.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show tracker binding and sync status.')
            [CompletionResult]::new('unbind', 'unbind', [CompletionResultType]::ParameterValue, 'Remove tracker binding for this project.')
            [CompletionResult]::new('list-tickets', 'list-tickets', [CompletionResultType]::ParameterValue, 'List a SaaS-backed provider''s tickets.')
            [CompletionResult]::new('issue-search', 'issue-search', [CompletionResultType]::ParameterValue, 'Search a SaaS-backed provider''s tickets by key or text.')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Work-package mapping commands')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Tracker synchronization commands')
            [CompletionResult]::new('operations', 'operations', [CompletionResultType]::ParameterValue, 'Inspect asynchronous SaaS operations')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Authentication commands for the Spec Kitty SaaS')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'spec-kitty-tracker;providers' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render provider list as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;discover' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider name (SaaS-backed)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the resources as JSON (an array; each with its number and is_bound)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;bind' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider name')
            [CompletionResult]::new('--project-slug', '--project-slug', [CompletionResultType]::ParameterName, 'SaaS project identifier for tracker routing, without discovery (SaaS providers only)')
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Provider workspace/team/project identifier (local providers only)')
            [CompletionResult]::new('--ownership-mode', '--ownership-mode', [CompletionResultType]::ParameterName, 'Who owns the issue fields when syncing (local providers only)')
            [CompletionResult]::new('--doctrine-mode', '--doctrine-mode', [CompletionResultType]::ParameterName, 'Deprecated spelling of --ownership-mode (loses when both are given)')
            [CompletionResult]::new('--field-owner', '--field-owner', [CompletionResultType]::ParameterName, 'Field owner for --ownership-mode split_ownership: field=owner, owner one of local, external, shared (local providers only)')
            [CompletionResult]::new('--credential', '--credential', [CompletionResultType]::ParameterName, 'Provider setting key=value; keys: command, cwd, server_url, base_url, username, email, team_slug (local providers only)')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Bind to candidate N when the server offers several (SaaS providers only)')
            [CompletionResult]::new('--bind-ref', '--bind-ref', [CompletionResultType]::ParameterName, 'Bind to this binding ref, checked by the server first (SaaS providers only)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Local: replace stored provider settings that differ (they are shared by every project bound to this provider). SaaS: replace an existing binding without asking')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the binding as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;status' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Installation-wide: every binding of the bound provider''s installation, not routed to this project (GET /status/?provider=P; SaaS-backed providers only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render status as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;unbind' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--forget-credentials', '--forget-credentials', [CompletionResultType]::ParameterName, 'Also remove the local provider''s stored settings (shared by every project bound to it)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;list-tickets' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider name (SaaS-backed)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Maximum number of tickets (1..=100)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the tickets as JSON (an array of normalised tickets)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;issue-search' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider name (SaaS-backed)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'An issue key (LIN-42) or free text')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Maximum number of tickets (1..=100)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the matching tickets as JSON (an array of normalised tickets)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;map' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add or update a WP-to-external issue mapping.')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tracker mappings.')
            break
        }
        'spec-kitty-tracker;map;add' {
            [CompletionResult]::new('--wp-id', '--wp-id', [CompletionResultType]::ParameterName, 'Work package ID (e.g., WP01)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External issue ID')
            [CompletionResult]::new('--external-key', '--external-key', [CompletionResultType]::ParameterName, 'External issue key')
            [CompletionResult]::new('--external-url', '--external-url', [CompletionResultType]::ParameterName, 'External issue URL')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the mapping of another work package that already uses this external issue')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the mapping as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;map;list' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'A SaaS-backed provider whose mappings to list, instead of the binding''s')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render mappings as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;sync' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull tracker updates into the local cache.')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push explicit mutations to the upstream provider.')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run pull+push synchronization in one operation.')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Publish local tracker snapshot (not supported by any current provider).')
            break
        }
        'spec-kitty-tracker;sync;pull' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Maximum number of items per page (1..=10000)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this page (the next_cursor a previous pull printed; SaaS-backed providers only)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow next_cursor until every page is pulled (SaaS-backed providers only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render sync result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;sync;push' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Maximum number of items (local providers only)')
            [CompletionResult]::new('--items-json', '--items-json', [CompletionResultType]::ParameterName, 'Path to JSON file with PushItem[] array (SaaS providers). Use ''-'' for stdin.')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render sync result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;sync;run' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Maximum number of items (1..=10000)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render sync result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;sync;publish' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render publish result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;operations' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an operation''s state (and wait for it with --wait).')
            break
        }
        'spec-kitty-tracker;operations;show' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Poll until the operation completes or fails')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the operation as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;auth' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to the Spec Kitty SaaS.')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out and remove the stored tokens.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show authentication status.')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Print the logged-in user''s e-mail.')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Diagnose the stored login.')
            break
        }
        'spec-kitty-tracker;auth;login' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, '3.0 password login as USER (password prompted, hidden, when not given)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, '3.0 password login as USER (password prompted, hidden, when not given)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Password of the 3.0 login (prefer --password-stdin)')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password of the 3.0 login (prefer --password-stdin)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--headless', '--headless', [CompletionResultType]::ParameterName, 'Log in with a device code instead of a browser on this machine')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, '3.0 password login, reading the password from standard input')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Log in again even when already authenticated')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Log in again even when already authenticated')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the session as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;auth;logout' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Do not revoke the refresh token at the server, only delete the local session')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Do not revoke the refresh token at the server, only delete the local session')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the result as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;auth;status' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render authentication status as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;auth;whoami' {
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the user as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;auth;doctor' {
            [CompletionResult]::new('--stuck-threshold', '--stuck-threshold', [CompletionResultType]::ParameterName, 'Age after which a held refresh lock counts as stuck')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Also ask the server whether the session is active (GET /api/v1/session-status)')
            [CompletionResult]::new('--unstick-lock', '--unstick-lock', [CompletionResultType]::ParameterName, 'Release a stuck refresh.lock (only when older than the threshold)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Render the report as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;completions' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Run as if started in DIR (the project is found from there)')
            [CompletionResult]::new('--server-url', '--server-url', [CompletionResultType]::ParameterName, 'Spec Kitty server URL (overrides SPEC_KITTY_SAAS_URL and ~/.spec-kitty/config.toml)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests and decisions to stderr (tokens are never shown)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'spec-kitty-tracker;help' {
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'List supported tracker providers, categorized by backend type.')
            [CompletionResult]::new('discover', 'discover', [CompletionResultType]::ParameterValue, 'List the resources a SaaS-backed provider offers for binding.')
            [CompletionResult]::new('bind', 'bind', [CompletionResultType]::ParameterValue, 'Bind the current project to an issue tracker.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show tracker binding and sync status.')
            [CompletionResult]::new('unbind', 'unbind', [CompletionResultType]::ParameterValue, 'Remove tracker binding for this project.')
            [CompletionResult]::new('list-tickets', 'list-tickets', [CompletionResultType]::ParameterValue, 'List a SaaS-backed provider''s tickets.')
            [CompletionResult]::new('issue-search', 'issue-search', [CompletionResultType]::ParameterValue, 'Search a SaaS-backed provider''s tickets by key or text.')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Work-package mapping commands')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Tracker synchronization commands')
            [CompletionResult]::new('operations', 'operations', [CompletionResultType]::ParameterValue, 'Inspect asynchronous SaaS operations')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'Authentication commands for the Spec Kitty SaaS')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script.')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'spec-kitty-tracker;help;providers' {
            break
        }
        'spec-kitty-tracker;help;discover' {
            break
        }
        'spec-kitty-tracker;help;bind' {
            break
        }
        'spec-kitty-tracker;help;status' {
            break
        }
        'spec-kitty-tracker;help;unbind' {
            break
        }
        'spec-kitty-tracker;help;list-tickets' {
            break
        }
        'spec-kitty-tracker;help;issue-search' {
            break
        }
        'spec-kitty-tracker;help;map' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add or update a WP-to-external issue mapping.')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tracker mappings.')
            break
        }
        'spec-kitty-tracker;help;map;add' {
            break
        }
        'spec-kitty-tracker;help;map;list' {
            break
        }
        'spec-kitty-tracker;help;sync' {
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull tracker updates into the local cache.')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push explicit mutations to the upstream provider.')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run pull+push synchronization in one operation.')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Publish local tracker snapshot (not supported by any current provider).')
            break
        }
        'spec-kitty-tracker;help;sync;pull' {
            break
        }
        'spec-kitty-tracker;help;sync;push' {
            break
        }
        'spec-kitty-tracker;help;sync;run' {
            break
        }
        'spec-kitty-tracker;help;sync;publish' {
            break
        }
        'spec-kitty-tracker;help;operations' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show an operation''s state (and wait for it with --wait).')
            break
        }
        'spec-kitty-tracker;help;operations;show' {
            break
        }
        'spec-kitty-tracker;help;auth' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to the Spec Kitty SaaS.')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out and remove the stored tokens.')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show authentication status.')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Print the logged-in user''s e-mail.')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Diagnose the stored login.')
            break
        }
        'spec-kitty-tracker;help;auth;login' {
            break
        }
        'spec-kitty-tracker;help;auth;logout' {
            break
        }
        'spec-kitty-tracker;help;auth;status' {
            break
        }
        'spec-kitty-tracker;help;auth;whoami' {
            break
        }
        'spec-kitty-tracker;help;auth;doctor' {
            break
        }
        'spec-kitty-tracker;help;completions' {
            break
        }
        'spec-kitty-tracker;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
