//! `map list`.

use crate::context::Context;
use crate::dispatch::MapListArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `map list` (saas).
pub fn saas(_ctx: &mut Context, _args: MapListArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`map list` (saas)"))
}

/// `map list` (local).
pub fn local(_ctx: &mut Context, _args: MapListArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`map list` (local)"))
}
