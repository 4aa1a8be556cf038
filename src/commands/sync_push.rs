//! `sync push`: SaaS (`POST /push/` with a validated PushItem[] array) or local (the cache,
//! by doctrine).

use crate::args::SyncPushArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::saas::{self, binding, envelopes::PushEnvelope};
use crate::vocabulary::STATUSES;
use serde_json::{json, Value};
use std::io::Read;

/// SaaS-backed push.
pub fn saas(ctx: &mut Context, args: SyncPushArgs) -> Result<Outcome, CliError> {
    // A refused egress is said before the items are even read.
    let binding = ctx.binding()?;
    crate::egress::check(ctx, &binding)?;
    let source = args.items_json.as_deref().ok_or_else(|| {
        CliError::usage(
            "--items-json is required for SaaS-backed providers.\nProvide a JSON file with PushItem[] mutations, or use '-' for stdin.\nFor full bidirectional sync, use: tracker sync run",
        )
    })?;
    let items = read_items(source)?;
    let client = saas::connect(ctx)?;
    let envelope = saas::call(client.push(items))?;
    let push: PushEnvelope = envelope.typed()?;
    let value = envelope.value()?;
    let (envelope, pending) = binding::marked(&client.route, envelope, ctx.json);
    let outcome = saas::envelope_report(
        Template::SyncPushSaas,
        &envelope,
        value,
        &push.status,
        json!({}),
    );
    Ok(binding::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// Local push by doctrine.
pub fn local(ctx: &mut Context, args: SyncPushArgs) -> Result<Outcome, CliError> {
    super::local_sync::run(ctx, super::local_sync::Step::Push, args.limit)
}

/// Largest `--items-json` input read, in bytes. A push of 10 000 items (the `--limit` cap) with
/// a kilobyte of patch each is 10 MiB; past this the input is refused instead of filling memory
/// (`/dev/zero`, a wrong file).
pub const MAX_ITEMS_JSON_BYTES: u64 = 64 * 1024 * 1024;

/// Read and validate the PushItem[] array from a file or `-` (stdin). Problems are usage
/// errors naming the item and field; input past [`MAX_ITEMS_JSON_BYTES`] is refused.
pub fn read_items(source: &str) -> Result<Vec<Value>, CliError> {
    let (name, bytes) = if source == "-" {
        let bytes = read_capped(std::io::stdin().lock(), "stdin")?;
        ("stdin".to_owned(), bytes)
    } else {
        let unreadable = |e: std::io::Error| {
            CliError::usage(format!(
                "--items-json {source}: cannot read it: {}",
                crate::error::io_reason(&e)
            ))
        };
        let file = std::fs::File::open(source).map_err(unreadable)?;
        if let Ok(meta) = file.metadata() {
            if meta.is_file() && meta.len() > MAX_ITEMS_JSON_BYTES {
                return Err(too_large(source));
            }
        }
        (source.to_owned(), read_capped(file, source)?)
    };
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::usage(format!("--items-json {name}: not valid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(CliError::usage(
            "--items-json must contain a JSON array of PushItem objects.",
        ));
    };
    for (i, item) in items.iter().enumerate() {
        validate_item(item)
            .map_err(|why| CliError::usage(format!("--items-json {name}: item {i}: {why}")))?;
    }
    Ok(items)
}

/// Read at most [`MAX_ITEMS_JSON_BYTES`] from `input`; more is an error naming `name`.
fn read_capped(input: impl Read, name: &str) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    input
        .take(MAX_ITEMS_JSON_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| {
            CliError::usage(format!(
                "--items-json {name}: cannot read it: {}",
                crate::error::io_reason(&e)
            ))
        })?;
    if buf.len() as u64 > MAX_ITEMS_JSON_BYTES {
        return Err(too_large(name));
    }
    Ok(buf)
}

fn too_large(name: &str) -> CliError {
    CliError::usage(format!(
        "--items-json {name}: larger than {} MiB; no push needs that much",
        MAX_ITEMS_JSON_BYTES >> 20
    ))
    .hint("split the items into several pushes")
}

fn validate_item(item: &Value) -> Result<(), String> {
    let obj = item.as_object().ok_or("not an object")?;
    match obj.get("ref") {
        Some(Value::Object(r)) if !r.is_empty() => {}
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(_) => return Err("`ref` must be an object or a non-empty string".into()),
        None => return Err("`ref` is missing".into()),
    }
    match obj.get("action") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(_) => return Err("`action` must be a non-empty string".into()),
        None => return Err("`action` is missing".into()),
    }
    if let Some(patch) = obj.get("patch") {
        if !patch.is_object() && !patch.is_null() {
            return Err("`patch` must be an object".into());
        }
    }
    if let Some(target) = obj.get("target_status") {
        match target {
            Value::Null => {}
            Value::String(s) if STATUSES.contains(&s.as_str()) => {}
            _ => {
                return Err(format!(
                    "`target_status` must be one of {}",
                    STATUSES.join(", ")
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_validation() {
        let ok = json!({"ref": {"system": "linear", "id": "1", "workspace": "w"}, "action": "update", "patch": {"title": "x"}, "target_status": "done"});
        assert_eq!(validate_item(&ok), Ok(()));
        for (bad, why) in [
            (json!(1), "not an object"),
            (json!({"action": "update"}), "`ref` is missing"),
            (json!({"ref": {}, "action": "update"}), "`ref` must be"),
            (json!({"ref": "LIN-1"}), "`action` is missing"),
            (json!({"ref": "LIN-1", "action": 3}), "`action` must be"),
            (
                json!({"ref": "LIN-1", "action": "u", "patch": [1]}),
                "`patch` must be",
            ),
            (
                json!({"ref": "LIN-1", "action": "u", "target_status": "closed"}),
                "`target_status` must be one of",
            ),
        ] {
            let err = validate_item(&bad).expect_err("invalid");
            assert!(err.starts_with(why), "{err} / {why}");
        }
    }
}
