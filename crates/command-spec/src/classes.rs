//! Human-readable summary of what each provider class gets from a command, derived from the
//! dispatch table so `--help`, man pages and behaviour can never disagree.

use crate::model::{CommandSpec, DispatchKey, Refusal, Route};

/// One line per provider class, e.g. `("saas", "refused: Mappings for ...")`.
pub fn class_lines(cmd: &CommandSpec) -> Vec<(&'static str, String)> {
    let Some(dispatch) = &cmd.dispatch else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for key in [DispatchKey::Saas, DispatchKey::Local, DispatchKey::Removed] {
        let Some(route) = dispatch.get(&key) else {
            continue;
        };
        let mut text = match route {
            Route::Handler(_) => "supported".to_owned(),
            Route::Refuse(r) => format!("refused (exit 3): {}", one_line(r.message())),
        };
        if matches!(route, Route::Handler(_)) {
            for arg in &cmd.args {
                let Some(refusal) = arg.classes.get(&key) else {
                    continue;
                };
                let flag = arg.long.as_deref().unwrap_or(&arg.name);
                let exit = match refusal {
                    Refusal::HardBreak(_) => 3,
                    Refusal::UsageError(_) => 2,
                };
                text.push_str(&format!(
                    "; --{flag} is refused (exit {exit}): {}",
                    one_line(refusal.message())
                ));
            }
        }
        lines.push((key.as_str(), text));
    }
    lines
}

/// Placeholders are shown as `<provider>` and line breaks folded, for help text.
fn one_line(message: &str) -> String {
    message
        .replace("{{ provider }}", "<provider>")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The "Provider classes" and "Examples" block appended to a leaf's long help.
pub fn after_long_help(cmd: &CommandSpec) -> Option<String> {
    let mut out = String::new();
    let lines = class_lines(cmd);
    if !lines.is_empty() {
        out.push_str("Provider classes:\n");
        for (class, text) in lines {
            out.push_str(&format!("  {class:<8} {text}\n"));
        }
    }
    if !cmd.examples.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("Examples:\n");
        for ex in &cmd.examples {
            out.push_str(&format!("  {}\n      {}\n", ex.help, ex.command));
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out.trim_end().to_owned())
    }
}
