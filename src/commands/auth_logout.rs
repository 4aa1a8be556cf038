//! `auth logout`.

use crate::context::Context;
use crate::dispatch::AuthLogoutArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `auth logout` (run).
pub fn run(_ctx: &mut Context, _args: AuthLogoutArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`auth logout` (run)"))
}
