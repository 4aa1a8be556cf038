//! `bind`: write the `tracker:` section for a SaaS-backed or local provider.

use crate::args::BindArgs;
use crate::config::{ConfigFile, DEFAULT_MODE};
use crate::context::Context;
use crate::credentials::{merge_provider, CredentialsFile};
use crate::error::{CliError, ErrorKind};
use crate::local::model::CORE_FIELDS;
use crate::output::{warn, Outcome, Template};
use serde::Serialize;
use std::collections::BTreeMap;

/// The warning for the hidden `--doctrine-mode` spelling (printed once per run).
pub const DOCTRINE_MODE_DEPRECATED: &str = "--doctrine-mode is deprecated: use --ownership-mode (the mode is written under `ownership:` in .kittify/config.yaml, as spec-kitty 3.2 does)";

/// Field owners a split ownership accepts.
pub const OWNERS: [&str; 3] = ["local", "external", "shared"];

/// Provider settings a local binding may store: `command` and `cwd` drive the provider CLI;
/// the others name the cache file (reference/local-providers.md §7).
pub const KNOWN_SETTINGS: [&str; 7] = [
    "command",
    "cwd",
    "server_url",
    "base_url",
    "username",
    "email",
    "team_slug",
];

/// Bind a SaaS-backed provider: by discovery (see [`super::bind_discovery`]), or with
/// `--project-slug` by slug as the 3.0 contract does.
pub fn saas(ctx: &mut Context, args: BindArgs) -> Result<Outcome, CliError> {
    if args.project_slug.is_none() {
        return super::bind_discovery::run(ctx, args);
    }
    let provider = ctx.provider_name().to_owned();
    let slug = non_blank(args.project_slug.as_deref())
        .ok_or_else(|| CliError::usage("--project-slug must not be empty."))?;
    let root = ctx.project_root()?.to_path_buf();
    let (_lock, config) = ConfigFile::locked(&root, &ctx.cwd)?;
    config.save_tracker(&config.tracker().slug_block(&provider, &slug))?;
    let report = BySlug {
        class: "saas",
        provider,
        project_slug: slug,
    };
    Ok(Outcome::report(Template::Bind, &report))
}

/// A SaaS binding saved by project slug.
#[derive(Serialize)]
struct BySlug {
    class: &'static str,
    provider: String,
    project_slug: String,
}

/// A local binding saved.
#[derive(Serialize)]
struct Local {
    class: &'static str,
    provider: String,
    workspace: String,
    ownership_mode: String,
    /// The 3.0 name of `ownership_mode`.
    doctrine_mode: String,
    field_owners: BTreeMap<String, String>,
    credentials_saved: bool,
    /// Stored settings this bind changed (with `--force`).
    credentials_replaced: Vec<String>,
}

/// Bind a local provider (needs `--workspace`; stores `--credential` pairs in the provider's
/// table, which every project bound to that provider shares: changing a stored value needs
/// `--force`).
pub fn local(ctx: &mut Context, args: BindArgs) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let workspace = non_blank(args.workspace.as_deref())
        .ok_or_else(|| CliError::usage("--workspace is required for local providers."))?;
    if args.doctrine_mode.is_some() {
        warn(DOCTRINE_MODE_DEPRECATED);
    }
    // The old spelling loses when both are given (as in spec-kitty 3.2).
    let mode = args
        .ownership_mode
        .clone()
        .or_else(|| args.doctrine_mode.clone())
        .unwrap_or_else(|| DEFAULT_MODE.to_owned());
    let owners = validate_owners(&args.field_owner)?;
    validate_settings(&args.credential)?;
    if !owners.is_empty() && mode != "split_ownership" {
        warn("--field-owner only takes effect with --ownership-mode split_ownership");
    }
    // The config is locked and read before the credentials are touched: a config that cannot be
    // read or locked stops the bind with nothing written.
    let project = ctx.project_root()?.to_path_buf();
    let (_lock, config) = ConfigFile::locked(&project, &ctx.cwd)?;
    let block = config
        .tracker()
        .local_block(&provider, &workspace, &mode, owners.clone());
    let root = ctx.state_root()?;
    let mut changed = Vec::new();
    if !args.credential.is_empty() {
        changed = CredentialsFile::new(&root).update(|doc| {
            let changed = merge_provider(doc, &provider, &args.credential, args.force);
            if changed.is_empty() || args.force {
                Ok(changed)
            } else {
                Err(settings_conflict(&provider, &changed))
            }
        })?;
    }
    config.save_tracker(&block)?;
    let report = Local {
        class: "local",
        provider,
        workspace,
        doctrine_mode: mode.clone(),
        ownership_mode: mode,
        field_owners: owners.into_iter().collect(),
        credentials_saved: !args.credential.is_empty(),
        credentials_replaced: changed,
    };
    Ok(Outcome::report(Template::Bind, &report))
}

/// Refuse setting keys the local connectors do not know, listing the known ones.
fn validate_settings(pairs: &[(String, String)]) -> Result<(), CliError> {
    match pairs
        .iter()
        .find(|(k, _)| !KNOWN_SETTINGS.contains(&k.as_str()))
    {
        Some((key, _)) => Err(CliError::usage(format!(
            "Unknown --credential key '{key}'. Known keys: {}",
            KNOWN_SETTINGS.join(", ")
        ))),
        None => Ok(()),
    }
}

/// The error for a bind that would change stored settings another project may rely on.
fn settings_conflict(provider: &str, keys: &[String]) -> CliError {
    CliError::new(ErrorKind::Usage, "settings_conflict", format!(
        "this bind would change the stored {provider} settings {} ([tracker.providers.{provider}] is shared by every project bound to {provider})",
        keys.join(", ")
    ))
    .hint(format!(
        "add --force to replace them for every project, or bind without --credential to use the stored {provider} settings"
    ))
    .detail("keys", keys.to_vec())
}

fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
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
