//! The `tracker.egress` gate (reference `upstream-3.2-tracker.md` §6, Channel 2): a project that
//! recorded `egress: refused` (or any value other than `permitted`, a fault) sends no tracker
//! data. Every SaaS request and every local `sync pull | push | run` is refused before anything
//! runs: no request, no provider command, no cache or config write. Absent or `permitted`
//! behaves as before. spec-kitty 3.2's Channel 1 (hosted-sync consent, which its local sync
//! also requires) is not copied (README, differences).
//!
//! Bound commands ask [`check`] with their binding; the requests that need no binding
//! (`discover`, `list-tickets`, `issue-search`, `map list --provider`, `status --all`, bind's
//! discovery) ask [`check_project`], which reads the same block from the project's config.

use crate::config::{Egress, TrackerConfig};
use crate::context::Context;
use crate::error::{CliError, ErrorKind};

/// Refuse when the tracker block's recorded `egress` does not permit sending tracker data.
pub fn check(ctx: &mut Context, tracker: &TrackerConfig) -> Result<(), CliError> {
    let why = match tracker.egress() {
        Egress::Absent | Egress::Permitted => return Ok(()),
        Egress::Refused => "is recorded as 'refused'".to_owned(),
        Egress::Fault(value) => format!(
            "is set to {}, which is not a legal value (legal values are 'refused' and 'permitted')",
            shown(&value)
        ),
    };
    let path = ctx.config()?.shown.clone();
    Err(CliError::new(
        ErrorKind::NotAllowed,
        "egress_refused",
        format!("Refusing to send tracker data: tracker.egress in {path} {why}; nothing was sent or changed."),
    )
    .hint(format!(
        "to allow it, set `egress: permitted` under `tracker:` in {path} (or remove the key)"
    ))
    .detail("path", path)
    .detail("egress", serde_json::to_value(&tracker.egress).unwrap_or_default()))
}

/// [`check`] for a request that needs no binding, with the project's tracker block (bound or
/// not). Outside a project (no project found, or `-C` naming none) nothing is recorded, so
/// nothing is refused. A config that cannot be read (unreadable, not UTF-8, malformed YAML)
/// stops the command with its own error, before any request: a recorded refusal in it cannot
/// be told apart from none. spec-kitty 3.2.7 does the same (its `load_tracker_config` fails
/// on such a file before the request, and its verdict counts an unreadable config as a fault).
pub fn check_project(ctx: &mut Context) -> Result<(), CliError> {
    if ctx.project_root().is_err() {
        return Ok(());
    }
    let tracker = ctx.config()?.tracker();
    check(ctx, &tracker)
}

/// A recorded value as messages show it (YAML flow text, `null` for a present null).
fn shown(value: &yaml_serde::Value) -> String {
    match value {
        yaml_serde::Value::Null => "null".to_owned(),
        yaml_serde::Value::String(s) => format!("'{s}'"),
        other => serde_json::to_string(other).unwrap_or_else(|_| "?".to_owned()),
    }
}
