//! `sync run`: SaaS (`POST /run/`, polled when accepted) or local (pull then push).

use crate::args::SyncRunArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::saas::{self, binding, envelopes::RunEnvelope};

/// SaaS-backed run.
pub fn saas(ctx: &mut Context, args: SyncRunArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    let envelope = saas::call(client.run(args.limit))?;
    let run: RunEnvelope = envelope.typed()?;
    let value = envelope.value()?;
    let (envelope, pending) = binding::marked(&client.route, envelope);
    let outcome = super::saas_report::envelope_report(
        Template::SyncRunSaas,
        envelope,
        value,
        &run.status,
        (),
    );
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// Local run: pull then push.
pub fn local(ctx: &mut Context, args: SyncRunArgs) -> Result<Outcome, CliError> {
    super::local_sync::run(ctx, super::local_sync::Step::Run, args.limit)
}
