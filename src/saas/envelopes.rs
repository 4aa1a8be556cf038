//! Typed views of the SaaS envelopes (SPEC §5.1, `contract/tracker-api.yaml`). The raw JSON is
//! kept for `--json` (unknown fields included); these types check the fields the CLI relies on,
//! so a response with a missing field or a wrong type is a clear "unexpected response" error
//! naming the endpoint and the field path, never a panic.
//!
//! One rule covers every optional field: `null` means the same as absent ([`null_is_absent`]),
//! as the contract's `?` fields may be either. Only the fields the CLI cannot do without are
//! required here; the rest default.

use crate::error::CliError;
use crate::http::errors::unexpected_response;
use jsonfmt::{Invalid, Outline};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// A JSON object body exactly as the server sent it, with the endpoint it came from.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Raw body bytes (a JSON object).
    pub body: Vec<u8>,
    /// `METHOD /path/` for messages.
    pub endpoint: String,
    /// The body's top level, from the one validating pass it went through on arrival.
    pub outline: Outline,
}

impl Envelope {
    /// Check `body` (one JSON document, UTF-8, at most 128 levels: one pass) and keep its
    /// outline, so nothing after this parses the whole body again to print or page it.
    pub fn new(body: Vec<u8>, endpoint: impl Into<String>) -> Result<Envelope, Invalid> {
        let outline = jsonfmt::validate(&body)?;
        Ok(Envelope {
            body,
            endpoint: endpoint.into(),
            outline,
        })
    }

    /// A typed view; a body that is not JSON, or lacks a field the CLI needs, is an
    /// "unexpected response from server" error naming the endpoint.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        self.typed_borrowed()
    }

    /// A typed view that borrows from the body (raw sub-documents).
    pub fn typed_borrowed<'a, T: Deserialize<'a>>(&'a self) -> Result<T, CliError> {
        let mut json = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut json)
            .map_err(|e| unexpected_response(&self.endpoint, &explain(e)))
    }

    /// The whole body as a JSON value (for small envelopes).
    pub fn value(&self) -> Result<Value, CliError> {
        self.typed()
    }
}

/// `summary` of pull / push / run.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Items considered.
    pub total: u64,
    /// Items that succeeded.
    pub succeeded: u64,
    /// Items that failed.
    pub failed: u64,
    /// Items skipped.
    pub skipped: u64,
}

/// How the SaaS reached the provider.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct IdentityPath {
    /// `installation` or `user_link`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Installation id.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub installation_id: Option<String>,
    /// User link id.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub user_link_id: Option<String>,
    /// Provider.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider: Option<String>,
    /// Provider account.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider_account_id: Option<String>,
}

/// Pull response.
#[derive(Debug, Clone, Deserialize)]
pub struct PullEnvelope {
    /// ok | partial | error.
    pub status: String,
    /// Counts.
    pub summary: Summary,
    /// NormalizedIssue objects (only counted here; `--json` streams them from the body).
    #[serde(default, deserialize_with = "null_is_absent")]
    pub items: Vec<IgnoredAny>,
    /// Per-item errors.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub item_errors: Vec<Value>,
    /// Identity path.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub identity_path: Option<IdentityPath>,
    /// More pages follow.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub has_more: bool,
    /// Cursor of the next page.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub next_cursor: Option<String>,
}

/// Push response.
#[derive(Debug, Clone, Deserialize)]
pub struct PushEnvelope {
    /// ok | partial | error.
    pub status: String,
    /// Counts.
    pub summary: Summary,
    /// Per-item outcomes.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub items: Vec<PushOutcome>,
    /// Per-item errors.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub item_errors: Vec<Value>,
    /// Identity path.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub identity_path: Option<IdentityPath>,
}

/// One pushed item's outcome.
#[derive(Debug, Clone, Deserialize)]
pub struct PushOutcome {
    /// The item's ref.
    #[serde(rename = "ref", default)]
    pub reference: Value,
    /// The action.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub action: Option<String>,
    /// created | updated | skipped | failed ...
    #[serde(default, deserialize_with = "null_is_absent")]
    pub outcome: Option<String>,
    /// Message.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub message: Option<String>,
}

/// Run response.
#[derive(Debug, Clone, Deserialize)]
pub struct RunEnvelope {
    /// ok | partial | error.
    pub status: String,
    /// Counts.
    pub summary: Summary,
    /// Identity path.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub identity_path: Option<IdentityPath>,
}

/// Status response (the contract fixes few fields; all optional but typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusEnvelope {
    /// Provider.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider: Option<String>,
    /// Project.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub project_slug: Option<String>,
    /// Identity path.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub identity_path: Option<IdentityPath>,
    /// Sync state.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub sync_state: Option<String>,
    /// Whether connected.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub connected: Option<bool>,
    /// Last sync time.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub last_synced_at: Option<String>,
}

/// Mappings response.
#[derive(Debug, Clone, Deserialize)]
pub struct MappingsEnvelope {
    /// Mapping rows.
    pub mappings: Vec<Mapping>,
}

/// One mapping row.
#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    /// Work package id.
    pub wp_id: String,
    /// Provider system.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub system: Option<String>,
    /// External id.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub external_id: Option<String>,
    /// External key.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub external_key: Option<String>,
}

/// Polled operation.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// Operation id.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub operation_id: Option<String>,
    /// pending | running | completed | failed.
    pub status: String,
    /// Result envelope when completed.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub result: Option<Box<serde_json::value::RawValue>>,
    /// Error envelope (or message) when failed.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub error: Option<Value>,
}

/// Deserialize a typed view of `value`; the error text says which field is wrong.
pub fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(explain)
}

/// The one rule for optional fields: `null` is read as if the field were absent (its default).
/// Use as `#[serde(default, deserialize_with = "null_is_absent")]`.
pub fn null_is_absent<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A deserialisation error with the path of the field it concerns: `summary.total: invalid
/// type: ...`, `items[2].ref: ...`; a body that is not JSON says so.
fn explain(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        format!("the body is not JSON ({inner})")
    } else if path == "." {
        inner.to_string()
    } else {
        format!("`{path}`: {inner}")
    }
}

impl PullEnvelope {
    /// The fields a human summary shows (no items), as template data.
    pub fn summary_view(&self) -> Value {
        serde_json::json!({
            "status": self.status,
            "summary": self.summary,
            "item_errors": self.item_errors,
            "identity_path": self.identity_path,
            "has_more": self.has_more,
            "next_cursor": self.next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_or_mistyped_fields_are_named() {
        let err = typed::<PullEnvelope>(&json!({"status": "ok"})).expect_err("no summary");
        assert!(err.contains("summary"), "{err}");
        let err = typed::<PullEnvelope>(&json!({"status": "ok", "summary": {"total": "3", "succeeded": 0, "failed": 0, "skipped": 0}}))
            .expect_err("string count");
        assert!(
            err.starts_with("`summary.total`: invalid type: string \"3\""),
            "{err}"
        );
        let err = typed::<PushEnvelope>(&json!({"status": "ok", "summary": {"total": 0, "succeeded": 0, "failed": 0, "skipped": 0}, "items": [{"action": 7}]}))
            .expect_err("numeric action");
        assert!(
            err.starts_with("`items[0].action`: invalid type: integer"),
            "{err}"
        );
        let ok = typed::<PullEnvelope>(&json!({"status": "ok", "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}, "extra": [1]}))
            .expect("unknown fields are accepted");
        assert!(!ok.has_more);
    }

    #[test]
    fn null_reads_as_absent_for_every_optional_field() {
        let pull = typed::<PullEnvelope>(&json!({"status": "ok", "summary": {"total": 0, "succeeded": 0, "failed": 0, "skipped": 0},
            "items": null, "item_errors": null, "identity_path": {"type": "user_link", "installation_id": null, "user_link_id": null},
            "has_more": null, "next_cursor": null, "doctrine": null}))
        .expect("nulls are absent");
        assert!(pull.item_errors.is_empty() && !pull.has_more && pull.next_cursor.is_none());
        let env = Envelope::new(
            br#"{"status": "completed", "operation_id": null, "result": null, "error": null}"#
                .to_vec(),
            "GET /op/",
        )
        .expect("json");
        let op: Operation = env.typed().expect("nulls are absent");
        assert!(op.result.is_none() && op.error.is_none());
        let env = Envelope::new(
            br#"{"status": "completed", "result": {"status": "ok"}}"#.to_vec(),
            "GET /op/",
        )
        .expect("json");
        let op: Operation = env.typed().expect("raw result");
        assert_eq!(
            op.result.map(|r| r.get().to_owned()).as_deref(),
            Some(r#"{"status": "ok"}"#)
        );
        let err = Envelope::new(b"{\"status\": 1}".to_vec(), "GET /op/")
            .expect("json")
            .typed::<Operation>()
            .expect_err("numeric status");
        assert!(
            err.message.starts_with(
                "unexpected response from server (GET /op/): `status`: invalid type: integer `1`"
            ),
            "{}",
            err.message
        );
    }
}
