//! The `tracker.egress` gate (reference `upstream-3.2-tracker.md` §6, Channel 2): a project that
//! recorded `egress: refused` (or any value other than `permitted`, a fault) sends no tracker
//! data. Every SaaS request and every local `sync pull | push | run` is refused before anything
//! runs: no request, no provider command, no cache or config write. Absent or `permitted`
//! behaves as before. spec-kitty 3.2's Channel 1 (hosted-sync consent, which its local sync
//! also requires) is not copied (README, differences).

use crate::config::{Egress, TrackerConfig};
use crate::context::Context;
use crate::error::{CliError, ErrorKind};

/// Refuse when the binding's recorded `egress` does not permit sending tracker data.
pub fn check(ctx: &mut Context, binding: &TrackerConfig) -> Result<(), CliError> {
    let why = match binding.egress() {
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
    .detail("egress", serde_json::to_value(&binding.egress).unwrap_or_default()))
}

/// A recorded value as messages show it (YAML flow text, `null` for a present null).
fn shown(value: &yaml_serde::Value) -> String {
    match value {
        yaml_serde::Value::Null => "null".to_owned(),
        yaml_serde::Value::String(s) => format!("'{s}'"),
        other => serde_json::to_string(other).unwrap_or_else(|_| "?".to_owned()),
    }
}
