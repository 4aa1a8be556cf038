//! The low room of the generated code (from commands.yaml, see build.rs): command ids, the
//! table of leaf metadata, the typed argument structs handlers take, and `Invocation`.
//! Handlers import their argument types from here; the generated `route()` that calls the
//! handlers lives above, in [`crate::dispatch`].

use crate::error::CliError;
pub use crate::provider::ProviderClass;

include!(concat!(env!("OUT_DIR"), "/args.rs"));

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

/// One row of the generated leaf table: what commands.yaml says about a leaf command.
#[derive(Debug)]
struct LeafMeta {
    /// Names from the root, e.g. `["sync", "pull"]`.
    path: &'static [&'static str],
    /// Whether SPEC_KITTY_ENABLE_SAAS_SYNC must be enabled.
    gated: bool,
    /// Where the provider class comes from.
    class_source: ClassSource,
    /// Whether the command accepts `--json`.
    has_json: bool,
    /// Whether a binding to an unknown provider is routed as `removed`.
    allows_unknown_binding: bool,
    /// Arguments refused, per provider class.
    refusals: &'static [(ProviderClass, &'static [ArgRefusal])],
}

impl CommandId {
    fn meta(self) -> &'static LeafMeta {
        &LEAVES[self as usize]
    }

    /// Look a command up by its path of names.
    pub fn from_path(path: &[&str]) -> Option<CommandId> {
        Self::ALL.iter().copied().find(|id| id.path() == path)
    }

    /// The command's path of names, e.g. `["sync", "pull"]`.
    pub fn path(self) -> &'static [&'static str] {
        self.meta().path
    }

    /// Whether SPEC_KITTY_ENABLE_SAAS_SYNC must be enabled.
    pub fn gated(self) -> bool {
        self.meta().gated
    }

    /// Where the provider class comes from.
    pub fn class_source(self) -> ClassSource {
        self.meta().class_source
    }

    /// Whether the command accepts `--json`.
    pub fn has_json(self) -> bool {
        self.meta().has_json
    }

    /// Whether a binding to an unknown provider is routed as `removed`.
    pub fn allows_unknown_binding(self) -> bool {
        self.meta().allows_unknown_binding
    }

    /// Arguments this command refuses for a provider class.
    pub fn arg_refusals(self, class: ProviderClass) -> &'static [ArgRefusal] {
        self.meta()
            .refusals
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(&[], |(_, r)| r)
    }
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
        assert_eq!(LEAVES.len(), CommandId::ALL.len());
        for id in CommandId::ALL {
            assert_eq!(CommandId::from_path(id.path()), Some(*id));
        }
    }
}
