//! `status`: the binding and its sync state.

use crate::args::StatusArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use crate::saas::{self, binding, envelopes::StatusEnvelope};
use serde_json::json;

/// SaaS-backed binding: the binding plus the remote state from `GET /status/` (with `--all`:
/// the installation, see [`super::status_all`]).
pub fn saas(ctx: &mut Context, args: StatusArgs) -> Result<Outcome, CliError> {
    if args.all {
        return super::status_all::run(ctx);
    }
    let client = saas::connect(ctx)?;
    let envelope = saas::call(client.status())?;
    envelope.typed::<StatusEnvelope>()?;
    let data = json!({
        "class": "saas",
        "provider": client.provider,
        "route_key": client.route.key,
        "route_value": client.route.value,
        "env": envelope.value()?,
    });
    let (envelope, pending) = binding::marked(&client.route, envelope, ctx.json);
    let outcome = Outcome::report_raw_json(Template::StatusSaas, data, envelope.body);
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// Local binding: configuration and cache statistics (opening the cache creates it).
pub fn local(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let binding = LocalBinding::load(ctx)?;
    if binding.workspace.is_none() {
        let data = json!({"configured": false, "db_path": null, "issue_count": 0, "mapping_count": 0, "provider": null, "workspace": null});
        return Ok(Outcome::report(Template::StatusLocal, data));
    }
    let store = binding.open_store(ctx)?;
    let data = json!({
        "configured": true,
        "credentials_present": !binding.settings.is_empty(),
        "db_path": store.path.display().to_string(),
        "doctrine_mode": binding.ownership_mode,
        "ownership_mode": binding.ownership_mode,
        "field_owners": binding.field_owners,
        "issue_count": store.issue_count()?,
        "last_checkpoint": store.checkpoint(&binding.checkpoint_key())?.and_then(|(_, since)| since),
        "mapping_count": store.mapping_count()?,
        "provider": binding.provider,
        "workspace": binding.workspace,
    });
    Ok(Outcome::report(Template::StatusLocal, data))
}
