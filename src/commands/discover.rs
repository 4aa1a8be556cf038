//! `discover --provider P`: the provider's bindable resources, numbered for `bind --select`.

use crate::args::DiscoverArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{table, Outcome, Template};
use crate::saas::{self, bindable::ResourcesEnvelope, scoped};
use serde_json::{json, Value};

/// SaaS-backed provider: `GET /resources/?provider=P`. `--json` prints 3.2.7's array
/// (`number`, the resource's fields, `is_bound`).
pub fn saas(ctx: &mut Context, _args: DiscoverArgs) -> Result<Outcome, CliError> {
    let client = scoped::connect(ctx)?;
    let envelope = saas::call(client.resources())?;
    let listed: ResourcesEnvelope = envelope.typed()?;
    let rows: Vec<Value> = listed
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "number": i + 1,
                "candidate_token": r.candidate_token,
                "display_label": r.display_label,
                "provider": r.provider,
                "provider_context": r.provider_context,
                "binding_ref": r.binding_ref,
                "bound_project_slug": r.bound_project_slug,
                "bound_at": r.bound_at,
                "is_bound": r.binding_ref.is_some(),
            })
        })
        .collect();
    let cells: Vec<Vec<String>> = listed
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.display_label.clone(),
                r.provider.clone(),
                r.workspace(),
                if r.binding_ref.is_some() {
                    "bound"
                } else {
                    "available"
                }
                .to_owned(),
            ]
        })
        .collect();
    let lines = table::lines(
        &["#", "Resource", "Provider", "Workspace", "Status"],
        &cells,
    );
    let data = json!({"provider": client.provider, "count": rows.len(), "lines": lines});
    Ok(Outcome::report_with_json(
        Template::Discover,
        data,
        Value::Array(rows),
    ))
}
