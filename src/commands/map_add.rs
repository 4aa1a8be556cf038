//! `map add`.

use crate::context::Context;
use crate::dispatch::MapAddArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `map add` (local).
pub fn local(_ctx: &mut Context, _args: MapAddArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`map add` (local)"))
}
