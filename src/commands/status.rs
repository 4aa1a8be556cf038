//! `status`: the binding and its sync state.

use crate::context::Context;
use crate::dispatch::StatusArgs;
use crate::error::CliError;
use crate::output::Outcome;
use crate::saas::{self, envelopes::StatusEnvelope};
use serde_json::json;

/// SaaS-backed binding: the binding plus the remote state from `GET /status/`.
pub fn saas(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    let envelope = saas::call(client.status())?;
    envelope.typed::<StatusEnvelope>()?;
    let data = json!({
        "class": "saas",
        "provider": client.provider,
        "project_slug": client.project_slug,
        "env": envelope.value()?,
    });
    Ok(Outcome::report_raw_json("status_saas", data, envelope.body))
}

/// Local binding.
pub fn local(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let binding = ctx.binding()?;
    let provider = ctx.provider_name().to_owned();
    Ok(Outcome::report(
        "status_binding",
        json!({
            "configured": binding.workspace.is_some(),
            "class": "local",
            "provider": provider,
            "workspace": binding.workspace,
            "doctrine_mode": binding.doctrine_mode,
            "field_owners": binding.field_owners,
        }),
    ))
}
