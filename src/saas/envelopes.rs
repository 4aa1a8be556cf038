//! Typed views of the SaaS envelopes (SPEC §5.1). The raw JSON is kept for `--json` (unknown
//! fields included); these types check the fields the CLI relies on, so a response with a
//! missing field or a wrong type is a clear "unexpected response" error, never a panic.

use crate::error::CliError;
use crate::http::errors::unexpected_response;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON object body exactly as the server sent it, with the endpoint it came from.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Raw body bytes (a JSON object).
    pub body: Vec<u8>,
    /// `METHOD /path/` for messages.
    pub endpoint: String,
}

impl Envelope {
    /// A typed view; a body that is not JSON, or lacks a field the CLI needs, is an
    /// "unexpected response from server" error naming the endpoint.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let why = if e.is_syntax() || e.is_eof() {
                format!("the body is not JSON ({e})")
            } else {
                e.to_string()
            };
            unexpected_response(&self.endpoint, &why)
        })
    }

    /// A typed view that borrows from the body (raw sub-documents).
    pub fn typed_borrowed<'a, T: Deserialize<'a>>(&'a self) -> Result<T, CliError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| unexpected_response(&self.endpoint, &e.to_string()))
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
    #[serde(default)]
    pub installation_id: Option<String>,
    /// User link id.
    #[serde(default)]
    pub user_link_id: Option<String>,
    /// Provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Provider account.
    #[serde(default)]
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
    #[serde(default)]
    pub items: Vec<IgnoredAny>,
    /// Per-item errors.
    #[serde(default)]
    pub item_errors: Vec<Value>,
    /// Identity path.
    #[serde(default)]
    pub identity_path: Option<IdentityPath>,
    /// More pages follow.
    #[serde(default)]
    pub has_more: bool,
    /// Cursor of the next page.
    #[serde(default)]
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
    #[serde(default)]
    pub items: Vec<PushOutcome>,
    /// Per-item errors.
    #[serde(default)]
    pub item_errors: Vec<Value>,
    /// Identity path.
    #[serde(default)]
    pub identity_path: Option<IdentityPath>,
}

/// One pushed item's outcome.
#[derive(Debug, Clone, Deserialize)]
pub struct PushOutcome {
    /// The item's ref.
    #[serde(rename = "ref", default)]
    pub reference: Value,
    /// The action.
    #[serde(default)]
    pub action: Option<String>,
    /// created | updated | skipped | failed ...
    #[serde(default)]
    pub outcome: Option<String>,
    /// Message.
    #[serde(default)]
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
    #[serde(default)]
    pub identity_path: Option<IdentityPath>,
}

/// Status response (the contract fixes few fields; all optional but typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusEnvelope {
    /// Provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Project.
    #[serde(default)]
    pub project_slug: Option<String>,
    /// Identity path.
    #[serde(default)]
    pub identity_path: Option<IdentityPath>,
    /// Sync state.
    #[serde(default)]
    pub sync_state: Option<String>,
    /// Whether connected.
    #[serde(default)]
    pub connected: Option<bool>,
    /// Last sync time.
    #[serde(default)]
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
    #[serde(default)]
    pub system: Option<String>,
    /// External id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// External key.
    #[serde(default)]
    pub external_key: Option<String>,
}

/// Polled operation.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// Operation id.
    #[serde(default)]
    pub operation_id: Option<String>,
    /// pending | running | completed | failed.
    pub status: String,
    /// Result envelope when completed.
    #[serde(default)]
    pub result: Option<Box<serde_json::value::RawValue>>,
    /// Error envelope (or message) when failed.
    #[serde(default)]
    pub error: Option<Value>,
}

/// Deserialize a typed view of `value`; the error text says which field is wrong.
pub fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    T::deserialize(value).map_err(|e| e.to_string())
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
        assert!(err.contains("invalid type: string \"3\""), "{err}");
        let ok = typed::<PullEnvelope>(&json!({"status": "ok", "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}, "extra": [1]}))
            .expect("unknown fields are accepted");
        assert!(!ok.has_more);
    }
}
