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
