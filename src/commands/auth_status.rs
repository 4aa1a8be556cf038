//! `auth status`.

use crate::context::Context;
use crate::dispatch::AuthStatusArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `auth status` (run).
pub fn run(_ctx: &mut Context, _args: AuthStatusArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`auth status` (run)"))
}
