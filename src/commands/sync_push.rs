//! `sync push`: SaaS (`POST /push/` with a validated PushItem[] array) or local (the cache,
//! by doctrine).

use crate::args::SyncPushArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::saas::{self, binding, envelopes::PushEnvelope};
use crate::vocabulary::STATUSES;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
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
    let (envelope, pending) = binding::marked(&client.route, envelope);
    let outcome = super::saas_report::envelope_report(
        Template::SyncPushSaas,
        envelope,
        value,
        &push.status,
        (),
    );
    Ok(super::saas_report::hinted(
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

/// The fields of a PushItem this side checks (the item itself is sent as given, unknown fields
/// included). Each check is a deserializer; `serde_path_to_error` names the field it failed on.
#[derive(Deserialize)]
#[serde(expecting = "a PushItem object")]
struct PushItemCheck {
    #[serde(rename = "ref", deserialize_with = "reference")]
    _reference: (),
    #[serde(rename = "action", deserialize_with = "action")]
    _action: (),
    #[serde(rename = "patch", default, deserialize_with = "patch")]
    _patch: (),
    #[serde(rename = "target_status", default, deserialize_with = "target_status")]
    _target_status: (),
}

/// One rule over a field's JSON value; `Err` is the rest of the message after the field name.
fn rule<'de, D: Deserializer<'de>>(
    d: D,
    ok: impl FnOnce(&Value) -> bool,
    why: impl FnOnce() -> String,
) -> Result<(), D::Error> {
    match ok(&Value::deserialize(d)?) {
        true => Ok(()),
        false => Err(serde::de::Error::custom(why())),
    }
}

fn reference<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    rule(
        d,
        |v| match v {
            Value::Object(r) => !r.is_empty(),
            Value::String(s) => !s.trim().is_empty(),
            _ => false,
        },
        || "must be an object or a non-empty string".into(),
    )
}

fn action<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    rule(
        d,
        |v| v.as_str().is_some_and(|s| !s.trim().is_empty()),
        || "must be a non-empty string".into(),
    )
}

fn patch<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    rule(
        d,
        |v| v.is_object() || v.is_null(),
        || "must be an object".into(),
    )
}

fn target_status<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    rule(
        d,
        |v| v.is_null() || v.as_str().is_some_and(|s| STATUSES.contains(&s)),
        || format!("must be one of {}", STATUSES.join(", ")),
    )
}

/// Check one item: `ref is missing`, `` `action` must be a non-empty string ``, ...
fn validate_item(item: &Value) -> Result<(), String> {
    serde_path_to_error::deserialize::<_, PushItemCheck>(item)
        .map(drop)
        .map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            match inner.strip_prefix("missing field ") {
                Some(name) => format!("{name} is missing"),
                None if path == "." => inner,
                None => format!("`{path}` {inner}"),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_validation() {
        let ok = json!({"ref": {"system": "linear", "id": "1", "workspace": "w"}, "action": "update", "patch": {"title": "x"}, "target_status": "done"});
        assert_eq!(validate_item(&ok), Ok(()));
        for (bad, why) in [
            (
                json!(1),
                "invalid type: integer `1`, expected a PushItem object",
            ),
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
