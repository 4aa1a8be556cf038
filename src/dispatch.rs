//! The top room of the generated code (from commands.yaml, see build.rs): `route()`, which
//! calls every `commands::*` handler. Only [`crate::cli`] imports this module; handlers take
//! their argument types from the low [`crate::args`] module.

use crate::args::{CommandId, Invocation, ProviderClass};
use crate::context::Context;
use crate::error::CliError;
use crate::output::{render_message, Outcome};

include!(concat!(env!("OUT_DIR"), "/route.rs"));

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A class-dependent command without a class is a reported failure (exit 1) that names the
    /// command, never a panic.
    #[test]
    fn a_command_without_a_class_is_an_internal_failure_naming_it() {
        let err = missing_class(CommandId::SyncPull);
        assert_eq!(err.kind.exit_code(), 1);
        assert_eq!(err.code, "internal");
        assert!(err.message.contains("`sync pull`"), "{}", err.message);
    }
}
