//! The generated dispatch table (from commands.yaml, see build.rs) and the small helpers the
//! generated code calls.

use crate::context::Context;
use crate::error::CliError;
use crate::output::{render_message, Outcome};
pub use crate::provider::ProviderClass;

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// Where a command's provider class comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassSource {
    /// The project's binding.
    Binding,
    /// The `--provider` argument.
    ProviderArg,
    /// No provider involved.
    None,
}

/// How an argument is refused for a provider class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// Exit 3 with guidance.
    HardBreak,
    /// Exit 2.
    UsageError,
}

/// An argument refused for a provider class.
#[derive(Debug, Clone, Copy)]
pub struct ArgRefusal {
    /// Argument id.
    pub arg: &'static str,
    /// Long option name.
    pub flag: &'static str,
    /// Hard-break or usage error.
    pub kind: RefusalKind,
    /// Message (may use `{{ provider }}`).
    pub message: &'static str,
}

/// The hard-break error for `message`, rendered for the invocation's provider.
fn hard_break(message: &str, ctx: &Context) -> CliError {
    CliError::hard_break(render_message(message, ctx.provider_name()))
        .detail("provider", ctx.provider_name())
}

/// Internal error: a class-dependent command reached dispatch without a class.
fn missing_class(id: CommandId) -> CliError {
    CliError::failed(
        "internal",
        format!("no provider class resolved for `{}`", id.path().join(" ")),
    )
}

/// Parse `key=value` entries: split at the first `=`, trim both sides, both non-empty.
pub fn parse_key_values<'a>(
    flag: &str,
    raw: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<(String, String)>, CliError> {
    raw.into_iter()
        .map(|entry| {
            entry
                .split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "Invalid --{flag} value '{entry}'. Expected key=value."
                    ))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(items: &[&str]) -> Result<Vec<(String, String)>, CliError> {
        let owned: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
        parse_key_values("credential", &owned)
    }

    #[test]
    fn key_value_parsing() {
        assert_eq!(
            kv(&["token=abc=def", " a = b "]).expect("ok"),
            vec![("token".into(), "abc=def".into()), ("a".into(), "b".into())]
        );
        for bad in ["bad", "=v", "k=", " = ", ""] {
            let err = kv(&[bad]).expect_err(bad);
            assert_eq!(
                err.message,
                format!("Invalid --credential value '{bad}'. Expected key=value.")
            );
            assert_eq!(err.kind.exit_code(), 2);
        }
    }

    #[test]
    fn every_command_has_a_path_that_maps_back() {
        for id in CommandId::ALL {
            assert_eq!(CommandId::from_path(id.path()), Some(*id));
        }
    }
}
