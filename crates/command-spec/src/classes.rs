//! Human-readable summary of what each provider class gets from a command, derived from the
//! dispatch table so `--help`, man pages and behaviour can never disagree.

use crate::json_fields;
use crate::model::{CommandSpec, DispatchKey, Refusal, Route, Spec};

/// What one provider class gets from a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassBehaviour {
    /// `saas`, `local` or `removed`.
    pub class: &'static str,
    /// `supported`, or `refused (exit 3): <message>`.
    pub summary: String,
    /// One line per option refused for this class.
    pub refused_options: Vec<String>,
}

/// The behaviour of each provider class for a leaf command (empty for class-free commands).
pub fn class_lines(cmd: &CommandSpec) -> Vec<ClassBehaviour> {
    let Some(dispatch) = &cmd.dispatch else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for key in [DispatchKey::Saas, DispatchKey::Local, DispatchKey::Removed] {
        let Some(route) = dispatch.get(&key) else {
            continue;
        };
        let (summary, refused_options) = match route {
            Route::Refuse(r) => (
                format!("refused (exit 3): {}", one_line(r.message())),
                Vec::new(),
            ),
            Route::Handler(_) => {
                let refused = cmd
                    .args
                    .iter()
                    .filter_map(|arg| {
                        let refusal = arg.classes.get(&key)?;
                        let flag = arg.long.as_deref().unwrap_or(&arg.name);
                        let exit = match refusal {
                            Refusal::HardBreak(_) => 3,
                            Refusal::UsageError(_) => 2,
                        };
                        Some(format!(
                            "--{flag} refused (exit {exit}): {}",
                            one_line(refusal.message())
                        ))
                    })
                    .collect();
                ("supported".to_owned(), refused)
            }
        };
        lines.push(ClassBehaviour {
            class: key.as_str(),
            summary,
            refused_options,
        });
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

/// The "Provider classes", "JSON fields" and "Examples" block appended to a leaf's long help.
pub fn after_long_help(spec: &Spec, cmd: &CommandSpec) -> Option<String> {
    let mut out = String::new();
    let lines = class_lines(cmd);
    if !lines.is_empty() {
        out.push_str("Provider classes:\n");
        for line in lines {
            out.push_str(&format!("  {:<8} {}\n", line.class, line.summary));
            for refused in &line.refused_options {
                out.push_str(&format!("           {refused}\n"));
            }
        }
    }
    if let Some(output) = &cmd.json_output {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&json_fields::long_help(spec, output));
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

/// The block appended to a leaf's short help (`-h`): the names of its `--json` fields.
pub fn after_help(spec: &Spec, cmd: &CommandSpec) -> Option<String> {
    let output = cmd.json_output.as_ref()?;
    Some(json_fields::short_help(spec, output).trim_end().to_owned())
}
