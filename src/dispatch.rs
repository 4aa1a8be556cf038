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
