//! `map add` (local providers): upsert a WP ↔ issue mapping in the cache.

use crate::args::MapAddArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::local::store::{now_iso, Mapping};
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use serde::Serialize;

/// Save the mapping. An external issue already mapped to another work package is an error
/// naming that mapping, unless `--force` replaces it.
pub fn local(ctx: &mut Context, args: MapAddArgs) -> Result<Outcome, CliError> {
    let binding = LocalBinding::load(ctx)?;
    let workspace = binding.require_workspace()?.to_owned();
    let mut store = binding.open_store(ctx)?;
    let wp_id = args.wp_id.trim().to_owned();
    let external_id = args.external_id.trim().to_owned();
    if wp_id.is_empty() || external_id.is_empty() {
        return Err(CliError::usage(
            "--wp-id and --external-id must not be empty",
        ));
    }
    let existing = store.mapping_for_external(&binding.provider, &workspace, &external_id)?;
    let replaced = match existing {
        Some(m) if m.wp_id != wp_id && !args.force => {
            return Err(CliError::failed(
                "mapping_exists",
                format!(
                    "{}:{} is already mapped to {} (mapping {} -> {})",
                    binding.provider, external_id, m.wp_id, m.wp_id, m.external_id
                ),
            )
            .hint(format!(
                "pass --force to move it to {wp_id}, or choose another --external-id"
            )))
        }
        Some(m) if m.wp_id != wp_id => Some(m.wp_id),
        _ => None,
    };
    let now = now_iso();
    let mapping = Mapping {
        wp_id: wp_id.clone(),
        system: binding.provider.clone(),
        workspace,
        external_id: external_id.clone(),
        external_key: args.external_key.filter(|k| !k.trim().is_empty()),
        external_url: args.external_url.filter(|u| !u.trim().is_empty()),
        created_at: now.clone(),
        updated_at: now,
    };
    store.transaction(|tx| {
        if let Some(old) = &replaced {
            tx.delete_mapping(old, &mapping.system)?;
        }
        tx.upsert_mapping(&mapping)
    })?;
    let report = Saved {
        wp_id,
        external_id,
        replaced,
    };
    Ok(Outcome::report(Template::MapAdd, &report))
}

/// The mapping saved, and the work package it was moved from.
#[derive(Serialize)]
struct Saved {
    wp_id: String,
    external_id: String,
    replaced: Option<String>,
}
