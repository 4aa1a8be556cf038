//! `status --all`: the bound provider's installation as a whole (every binding), not routed to
//! this project.

use super::saas_report::document;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{table::Table, Outcome, Template};
use crate::saas::{self, scoped, tickets::cell};
use serde::Serialize;
use serde_json::Value;

/// `GET /status/?provider=P` for the bound SaaS provider; `--json` prints the payload as
/// received. Human: provider, connection and resource count, then a table of the bindings
/// (reference/upstream-3.2-tracker.md §5.3 names the columns and their fallbacks).
pub fn run(ctx: &mut Context) -> Result<Outcome, CliError> {
    let client = scoped::connect(ctx)?;
    let envelope = saas::call(client.installation_status())?;
    let value = envelope.value()?;
    let provider = match value.get("provider") {
        Some(Value::String(p)) if !p.is_empty() => p.clone(),
        _ => client.provider.clone(),
    };
    let bindings = value.get("bindings").and_then(Value::as_array);
    let rows: Vec<Vec<String>> = bindings
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .map(|b| {
                    let first = |keys: &[&str]| {
                        keys.iter()
                            .filter_map(|k| b.get(*k))
                            .map(cell)
                            .find(|s| !s.is_empty())
                    };
                    let status = first(&["status", "sync_state"]).unwrap_or_else(|| {
                        let bound = first(&["binding_ref", "bound_at"]).is_some();
                        if bound { "bound" } else { "unknown" }.to_owned()
                    });
                    vec![
                        first(&[
                            "project_name",
                            "project_slug",
                            "project",
                            "slug",
                            "name",
                            "display_label",
                        ])
                        .unwrap_or_else(|| "unknown".to_owned()),
                        first(&["provider"]).unwrap_or_else(|| provider.clone()),
                        status,
                        first(&["bound_at"]).unwrap_or_else(|| "-".to_owned()),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    let table = Table::new(&["Project", "Provider", "Status", "Bound at"], &rows);
    let present = |key: &str| value.get(key).map(cell).filter(|s| !s.is_empty());
    let view = Installation {
        connected: present("connected"),
        resources: present("resource_count"),
        listed: bindings.is_some(),
        provider,
        table,
    };
    Ok(Outcome::report(Template::StatusAll, &view).document(document(envelope)))
}

/// What `status --all` shows of the installation (`--json` prints the payload).
#[derive(Serialize)]
struct Installation {
    provider: String,
    connected: Option<String>,
    resources: Option<String>,
    /// The payload lists the bindings (even none).
    listed: bool,
    #[serde(flatten)]
    table: Table,
}
