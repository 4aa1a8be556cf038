//! `map list`: work-package mappings (SaaS: from the control plane; local: from the cache).

use crate::args::MapListArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::local::store::Mapping;
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use crate::saas::{self, envelopes, errors::unexpected_response};
use serde::Serialize;
use serde_json::Value;

/// SaaS-backed: `GET /mappings/`; `--json` prints `{"mappings": [...], "pending_binding_upgrade":
/// <ref|null>}` with the mappings as the server sent them. With `--provider`: `?provider=P`
/// alone, never routed (it works without a binding), and no upgrade to report.
pub fn saas(ctx: &mut Context, args: MapListArgs) -> Result<Outcome, CliError> {
    let (client, envelope) = if args.provider.is_some() {
        let client = saas::scoped::connect(ctx)?;
        let envelope = saas::call(client.provider_mappings())?;
        (client, envelope)
    } else {
        let client = saas::connect(ctx)?;
        let envelope = saas::call(client.mappings())?;
        (client, envelope)
    };
    let pending = match args.provider {
        Some(_) => None,
        None => client.route.upgrade_in(&envelope),
    };
    let value = envelope.value()?;
    let rows = match value.get("mappings") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(rows)) => rows.clone(),
        Some(_) => {
            return Err(unexpected_response(
                &envelope.endpoint,
                "`mappings` is not a list",
            ))
        }
    };
    for row in &rows {
        envelopes::typed::<envelopes::Mapping>(row)
            .map_err(|why| unexpected_response(&envelope.endpoint, &why))?;
    }
    let report = ServerMappings {
        mappings: rows,
        pending_binding_upgrade: pending.as_deref(),
    };
    let outcome = Outcome::report(Template::MapList, &report);
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// Local: mappings from the SQLite cache, ordered by wp_id.
pub fn local(ctx: &mut Context, _args: MapListArgs) -> Result<Outcome, CliError> {
    let binding = LocalBinding::load(ctx)?;
    let store = binding.open_store(ctx)?;
    let report = CachedMappings {
        mappings: store.mappings()?,
    };
    Ok(Outcome::report(Template::MapList, &report))
}

/// The control plane's mappings as it sent them, and a newer binding it reports.
#[derive(Serialize)]
struct ServerMappings<'a> {
    mappings: Vec<Value>,
    pending_binding_upgrade: Option<&'a str>,
}

/// The cache's mappings.
#[derive(Serialize)]
struct CachedMappings {
    mappings: Vec<Mapping>,
}
