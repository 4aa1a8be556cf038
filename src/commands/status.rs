//! `status`: the binding and its sync state.

use super::saas_report::document;
use crate::args::StatusArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use crate::saas::{self, binding, envelopes::StatusEnvelope};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// SaaS-backed binding: the binding plus the remote state from `GET /status/` (with `--all`:
/// the installation, see [`super::status_all`]).
pub fn saas(ctx: &mut Context, args: StatusArgs) -> Result<Outcome, CliError> {
    if args.all {
        return super::status_all::run(ctx);
    }
    let client = saas::connect(ctx)?;
    let envelope = saas::call(client.status())?;
    envelope.typed::<StatusEnvelope>()?;
    let view = SaasStatus {
        provider: &client.provider,
        route_key: client.route.key,
        route_value: &client.route.value,
        env: envelope.value()?,
    };
    let outcome = Outcome::report(Template::StatusSaas, &view);
    let (envelope, pending) = binding::marked(&client.route, envelope);
    let outcome = outcome.document(document(envelope));
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// What `status` shows of a SaaS binding: its route and the server's status envelope.
#[derive(Serialize)]
struct SaasStatus<'a> {
    provider: &'a str,
    route_key: &'a str,
    route_value: &'a str,
    env: Value,
}

/// Local binding: configuration and cache statistics (opening the cache creates it).
pub fn local(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let binding = LocalBinding::load(ctx)?;
    if binding.workspace.is_none() {
        let report = Unconfigured {
            configured: false,
            db_path: None,
            issue_count: 0,
            mapping_count: 0,
            provider: None,
            workspace: None,
        };
        return Ok(Outcome::report(Template::StatusLocal, &report));
    }
    let store = binding.open_store(ctx)?;
    let report = LocalStatus {
        configured: true,
        credentials_present: !binding.settings.is_empty(),
        db_path: store.path.display().to_string(),
        doctrine_mode: &binding.ownership_mode,
        ownership_mode: &binding.ownership_mode,
        field_owners: &binding.field_owners,
        issue_count: store.issue_count()?,
        last_checkpoint: store
            .checkpoint(&binding.checkpoint_key())?
            .and_then(|(_, since)| since),
        mapping_count: store.mapping_count()?,
        provider: &binding.provider,
        workspace: binding.workspace.as_deref(),
    };
    Ok(Outcome::report(Template::StatusLocal, &report))
}

/// `status` of a local binding without a workspace.
#[derive(Serialize)]
struct Unconfigured {
    configured: bool,
    db_path: Option<String>,
    issue_count: u64,
    mapping_count: u64,
    provider: Option<String>,
    workspace: Option<String>,
}

/// `status` of a local binding: its settings and the cache's counts.
#[derive(Serialize)]
struct LocalStatus<'a> {
    configured: bool,
    credentials_present: bool,
    db_path: String,
    /// The 3.0 name of `ownership_mode`.
    doctrine_mode: &'a str,
    ownership_mode: &'a str,
    field_owners: &'a BTreeMap<String, String>,
    issue_count: i64,
    last_checkpoint: Option<String>,
    mapping_count: i64,
    provider: &'a str,
    workspace: Option<&'a str>,
}
