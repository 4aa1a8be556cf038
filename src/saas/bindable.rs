//! Typed views of the spec-kitty 3.2 discovery answers (`contract/tracker-api.yaml`): the
//! fields the commands rely on are checked (a missing or mistyped one is an "unexpected
//! response" naming it); `null` reads as absent, as everywhere ([`null_is_absent`]).

use super::envelopes::null_is_absent;
use serde::Deserialize;
use serde_json::{Map, Value};

/// `GET /resources/`.
#[derive(Debug, Clone, Deserialize)]
pub struct ResourcesEnvelope {
    /// In the server's order (it numbers them for `bind --select`).
    pub resources: Vec<Resource>,
}

/// One bindable resource.
#[derive(Debug, Clone, Deserialize)]
pub struct Resource {
    /// Token for bind-confirm.
    pub candidate_token: String,
    /// What to call it.
    pub display_label: String,
    /// Provider.
    pub provider: String,
    /// Workspace and the like.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider_context: Option<Map<String, Value>>,
    /// Set when some project is bound to it.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub binding_ref: Option<String>,
    /// The project bound to it.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub bound_project_slug: Option<String>,
    /// When.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub bound_at: Option<String>,
}

impl Resource {
    /// `provider_context.workspace_name` as text.
    pub fn workspace(&self) -> String {
        match self
            .provider_context
            .as_ref()
            .and_then(|c| c.get("workspace_name"))
        {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }
}

/// `POST /bind-resolve/`.
#[derive(Debug, Clone, Deserialize)]
pub struct ResolveEnvelope {
    /// `exact`, `candidates` or `none`.
    pub match_type: String,
    /// The token to confirm (`exact` without a binding ref).
    #[serde(default, deserialize_with = "null_is_absent")]
    pub candidate_token: Option<String>,
    /// Bound already (`exact`).
    #[serde(default, deserialize_with = "null_is_absent")]
    pub binding_ref: Option<String>,
    /// Label of the exact match.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub display_label: Option<String>,
    /// Project slug of the exact match.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub project_slug: Option<String>,
    /// The candidates (`candidates`).
    #[serde(default, deserialize_with = "null_is_absent")]
    pub candidates: Vec<Candidate>,
}

/// One candidate of a `candidates` match.
#[derive(Debug, Clone, Deserialize)]
pub struct Candidate {
    /// Token for bind-confirm.
    pub candidate_token: String,
    /// What to call it.
    pub display_label: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    /// Why the server offers it.
    pub match_reason: String,
    /// 0-based position (`--select N` takes N-1).
    pub sort_position: u64,
}

/// `POST /bind-confirm/` (or the result of its operation).
#[derive(Debug, Clone, Deserialize)]
pub struct ConfirmEnvelope {
    /// The new routing key.
    pub binding_ref: String,
    /// What to call it.
    pub display_label: String,
    /// Provider details.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider_context: Option<Map<String, Value>>,
    /// Project slug, when the server names one.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub project_slug: Option<String>,
}

/// `POST /bind-validate/`.
#[derive(Debug, Clone, Deserialize)]
pub struct ValidateEnvelope {
    /// Whether the ref may be bound.
    pub valid: bool,
    /// Why not.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub reason: Option<String>,
    /// What to do instead.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub guidance: Option<String>,
    /// What to call it.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub display_label: Option<String>,
    /// Provider details.
    #[serde(default, deserialize_with = "null_is_absent")]
    pub provider_context: Option<Map<String, Value>>,
}

/// `provider_context` as the config keeps it: keys and values as text (`null` as empty).
pub fn context_pairs(context: Option<Map<String, Value>>) -> Option<Vec<(String, String)>> {
    context.map(|m| {
        m.into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect()
    })
}
