//! `discover --provider P`: the provider's bindable resources, numbered for `bind --select`.

use crate::args::DiscoverArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{table::Table, Outcome, Template};
use crate::saas::{self, bindable::ResourcesEnvelope, scoped};
use serde::Serialize;
use serde_json::{Map, Value};

/// SaaS-backed provider: `GET /resources/?provider=P`. `--json` prints 3.2.7's array
/// (`number`, the resource's fields, `is_bound`).
pub fn saas(ctx: &mut Context, _args: DiscoverArgs) -> Result<Outcome, CliError> {
    let client = scoped::connect(ctx)?;
    let envelope = saas::call(client.resources())?;
    let listed: ResourcesEnvelope = envelope.typed()?;
    let rows: Vec<Row> = listed
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            number: i + 1,
            candidate_token: &r.candidate_token,
            display_label: &r.display_label,
            provider: &r.provider,
            provider_context: r.provider_context.as_ref(),
            binding_ref: r.binding_ref.as_deref(),
            bound_project_slug: r.bound_project_slug.as_deref(),
            bound_at: r.bound_at.as_deref(),
            is_bound: r.binding_ref.is_some(),
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
    let shown = Shown {
        provider: &client.provider,
        table: Table::new(
            &["#", "Resource", "Provider", "Workspace", "Status"],
            &cells,
        ),
    };
    Ok(Outcome::report(Template::Discover, &shown).json(&rows))
}

/// The table of resources (`--json` prints the rows).
#[derive(Serialize)]
struct Shown<'a> {
    provider: &'a str,
    #[serde(flatten)]
    table: Table,
}

/// A bindable resource as `--json` lists it.
#[derive(Serialize)]
struct Row<'a> {
    /// Its number for `bind --select`.
    number: usize,
    candidate_token: &'a str,
    display_label: &'a str,
    provider: &'a str,
    provider_context: Option<&'a Map<String, Value>>,
    binding_ref: Option<&'a str>,
    bound_project_slug: Option<&'a str>,
    bound_at: Option<&'a str>,
    is_bound: bool,
}
