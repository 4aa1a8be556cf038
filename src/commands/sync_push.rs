//! `sync push`.

use crate::context::Context;
use crate::dispatch::SyncPushArgs;
use crate::error::CliError;
use crate::output::Outcome;

/// `sync push` (saas).
pub fn saas(_ctx: &mut Context, _args: SyncPushArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync push` (saas)"))
}

/// `sync push` (local).
pub fn local(_ctx: &mut Context, _args: SyncPushArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync push` (local)"))
}
