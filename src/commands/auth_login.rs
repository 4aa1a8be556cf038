//! `auth login`.

use crate::context::Context;
use crate::dispatch::AuthLoginArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `auth login` (run).
pub fn run(_ctx: &mut Context, _args: AuthLoginArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`auth login` (run)"))
}
