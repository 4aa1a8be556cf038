//! `sync push`: SaaS (`POST /push/` with a validated PushItem[] array) or local (the cache,
//! by doctrine).

use crate::args::SyncPushArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::saas::{self, envelopes::PushEnvelope};
use crate::vocabulary::STATUSES;
use serde_json::{json, Value};
use std::io::Read;

/// SaaS-backed push.
pub fn saas(ctx: &mut Context, args: SyncPushArgs) -> Result<Outcome, CliError> {
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
    Ok(saas::envelope_report(
        Template::SyncPushSaas,
        &envelope,
        value,
        &push.status,
        json!({}),
    ))
}

/// Local push by doctrine.
pub fn local(ctx: &mut Context, args: SyncPushArgs) -> Result<Outcome, CliError> {
    super::local_sync::run(ctx, super::local_sync::Step::Push, args.limit)
}

/// Read and validate the PushItem[] array from a file or `-` (stdin). Problems are usage
/// errors naming the item and field.
pub fn read_items(source: &str) -> Result<Vec<Value>, CliError> {
    let (name, bytes) = if source == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::usage(format!("--items-json -: cannot read stdin: {e}")))?;
        ("stdin".to_owned(), buf)
    } else {
        let bytes = std::fs::read(source).map_err(|e| {
            CliError::usage(format!(
                "--items-json {source}: cannot read it: {}",
                crate::error::io_reason(&e)
            ))
        })?;
        (source.to_owned(), bytes)
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
