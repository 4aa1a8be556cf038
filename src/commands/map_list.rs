//! `map list`: work-package mappings (SaaS: from the control plane; local: from the cache).

use crate::args::MapListArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use crate::saas::{
    self,
    envelopes::{typed, Mapping},
    errors::unexpected_response,
};
use serde_json::{json, Value};

/// SaaS-backed: `GET /mappings/` (with `--provider`: `?provider=P` alone); `--json` prints
/// `{"mappings": [...]}` as the server sent them.
pub fn saas(ctx: &mut Context, args: MapListArgs) -> Result<Outcome, CliError> {
    let envelope = if args.provider.is_some() {
        // Every mapping of the provider, never routed (works without a binding).
        saas::call(saas::scoped::connect(ctx)?.provider_mappings())?
    } else {
        saas::call(saas::connect(ctx)?.mappings())?
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
        typed::<Mapping>(row).map_err(|why| unexpected_response(&envelope.endpoint, &why))?;
    }
    Ok(Outcome::report(
        Template::MapList,
        json!({ "mappings": rows }),
    ))
}

/// Local: mappings from the SQLite cache, ordered by wp_id.
pub fn local(ctx: &mut Context, _args: MapListArgs) -> Result<Outcome, CliError> {
    let binding = LocalBinding::load(ctx)?;
    let store = binding.open_store(ctx)?;
    Ok(Outcome::report(
        Template::MapList,
        json!({ "mappings": store.mappings()? }),
    ))
}
