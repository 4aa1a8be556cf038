//! `bind`: write the `tracker:` section for a SaaS-backed or local provider.

use crate::args::BindArgs;
use crate::config::edit::TrackerBlock;
use crate::config::{DEFAULT_MODE, DOCTRINE_MODES};
use crate::context::Context;
use crate::credentials::{set_provider, CredentialsFile};
use crate::error::CliError;
use crate::local::model::CORE_FIELDS;
use crate::output::{warn, Outcome, Template};
use serde_json::json;

/// Field owners a split doctrine accepts.
pub const OWNERS: [&str; 3] = ["local", "external", "shared"];

/// Bind a SaaS-backed provider (needs `--project-slug`).
pub fn saas(ctx: &mut Context, args: BindArgs) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let slug = non_blank(args.project_slug.as_deref())
        .ok_or_else(|| CliError::usage("--project-slug is required for SaaS-backed providers."))?;
    let block = TrackerBlock {
        provider: provider.clone(),
        project_slug: Some(slug.clone()),
        workspace: None,
        mode: DEFAULT_MODE.to_owned(),
        field_owners: Vec::new(),
    };
    ctx.config()?.save_tracker(&block)?;
    Ok(Outcome::report(
        Template::Bind,
        json!({ "class": "saas", "provider": provider, "project_slug": slug }),
    ))
}

/// Bind a local provider (needs `--workspace`; stores `--credential` pairs).
pub fn local(ctx: &mut Context, args: BindArgs) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let workspace = non_blank(args.workspace.as_deref())
        .ok_or_else(|| CliError::usage("--workspace is required for local providers."))?;
    let mode = validate_mode(args.doctrine_mode.as_deref())?;
    let owners = validate_owners(&args.field_owner)?;
    if !owners.is_empty() && mode != "split_ownership" {
        warn("--field-owner only takes effect with --doctrine-mode split_ownership");
    }
    let root = ctx.state_root()?;
    let block = TrackerBlock {
        provider: provider.clone(),
        project_slug: None,
        workspace: Some(workspace.clone()),
        mode: mode.clone(),
        field_owners: owners.clone(),
    };
    let config = ctx.config()?;
    if !args.credential.is_empty() {
        CredentialsFile::new(&root).update(|doc| {
            set_provider(doc, &provider, &args.credential);
            Ok(())
        })?;
    }
    config.save_tracker(&block)?;
    Ok(Outcome::report(
        Template::Bind,
        json!({
            "class": "local",
            "provider": provider,
            "workspace": workspace,
            "doctrine_mode": mode,
            "field_owners": owners.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "credentials_saved": !args.credential.is_empty(),
        }),
    ))
}

fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn validate_mode(raw: Option<&str>) -> Result<String, CliError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_MODE.to_owned());
    };
    let mode = raw.trim().to_lowercase();
    if DOCTRINE_MODES.contains(&mode.as_str()) {
        Ok(mode)
    } else {
        Err(CliError::usage(format!(
            "Invalid doctrine mode '{raw}'. Expected one of: {}",
            DOCTRINE_MODES.join(", ")
        )))
    }
}

fn validate_owners(pairs: &[(String, String)]) -> Result<Vec<(String, String)>, CliError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (field, owner) in pairs {
        if !CORE_FIELDS.contains(&field.as_str()) {
            return Err(CliError::usage(format!(
                "Invalid --field-owner field '{field}'. Expected one of: {}",
                CORE_FIELDS.join(", ")
            )));
        }
        let owner = owner.to_lowercase();
        if !OWNERS.contains(&owner.as_str()) {
            return Err(CliError::usage(format!(
                "Invalid --field-owner owner '{owner}' for '{field}'. Expected one of: {}",
                OWNERS.join(", ")
            )));
        }
        match out.iter_mut().find(|(f, _)| f == field) {
            Some(entry) => entry.1 = owner,
            None => out.push((field.clone(), owner)),
        }
    }
    Ok(out)
}
