//! `sync pull`.

use crate::context::Context;
use crate::dispatch::SyncPullArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `sync pull` (saas).
pub fn saas(_ctx: &mut Context, _args: SyncPullArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync pull` (saas)"))
}

/// `sync pull` (local).
pub fn local(_ctx: &mut Context, _args: SyncPullArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync pull` (local)"))
}
