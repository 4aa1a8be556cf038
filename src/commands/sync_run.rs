//! `sync run`.

use crate::context::Context;
use crate::dispatch::SyncRunArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `sync run` (saas).
pub fn saas(_ctx: &mut Context, _args: SyncRunArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync run` (saas)"))
}

/// `sync run` (local).
pub fn local(_ctx: &mut Context, _args: SyncRunArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync run` (local)"))
}
