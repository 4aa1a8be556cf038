//! The spec-kitty 3.2 operations of the tracker API (contract/tracker-api.yaml; shapes from
//! reference/upstream-3.2-tracker.md §4.2 and §5): the provider-scoped reads that need no
//! binding (resources, the unrouted status and mappings, list-tickets, issue-search) and the
//! bind-by-discovery calls. Reads carry no Idempotency-Key; bind-confirm is a write (an
//! Idempotency-Key, a 202 polled to its result, as push and run). These methods send only the
//! provider and what they are given: the routing key of the list-tickets and issue-search
//! bodies is the caller's decision (sent only when the project is bound to this provider).

use super::{encode, Envelope, TrackerClient, BASE, PULL, READ};
use crate::error::CliError;
use crate::saas::binding::Route;
use serde_json::{json, Value};

impl TrackerClient {
    /// `?provider=P`, no routing key.
    fn provider_query(&self) -> String {
        format!("?provider={}", encode(&self.provider))
    }

    /// `GET /resources/?provider=P` (`discover`).
    pub async fn resources(&self) -> Result<Envelope, CliError> {
        let path = format!("{BASE}/resources/");
        self.call(&path, self.provider_query(), None, READ).await
    }

    /// `GET /status/?provider=P`: the installation's status, every binding (`status --all`).
    pub async fn installation_status(&self) -> Result<Envelope, CliError> {
        let path = format!("{BASE}/status/");
        self.call(&path, self.provider_query(), None, READ).await
    }

    /// `GET /mappings/?provider=P`: every mapping of the provider, never routed
    /// (`map list --provider`).
    pub async fn provider_mappings(&self) -> Result<Envelope, CliError> {
        let path = format!("{BASE}/mappings/");
        self.call(&path, self.provider_query(), None, READ).await
    }

    /// `POST /bind-resolve/` with the project identity (a read).
    pub async fn bind_resolve(&self, identity: &Value) -> Result<Envelope, CliError> {
        let body = json!({"provider": self.provider, "project_identity": identity});
        let path = format!("{BASE}/bind-resolve/");
        self.call(&path, String::new(), Some(body), PULL).await
    }

    /// `POST /bind-validate/` for a binding ref given by hand (a read).
    pub async fn bind_validate(
        &self,
        binding_ref: &str,
        identity: &Value,
    ) -> Result<Envelope, CliError> {
        let body = json!({"provider": self.provider, "binding_ref": binding_ref, "project_identity": identity});
        let path = format!("{BASE}/bind-validate/");
        self.call(&path, String::new(), Some(body), PULL).await
    }

    /// `POST /bind-confirm/`: a write (Idempotency-Key; a 202 is polled to its result).
    pub async fn bind_confirm(
        &self,
        candidate_token: &str,
        identity: &Value,
    ) -> Result<Envelope, CliError> {
        let body = json!({"provider": self.provider, "candidate_token": candidate_token, "project_identity": identity});
        self.mutate(&format!("{BASE}/bind-confirm/"), body).await
    }

    /// `POST /list-tickets/` `{provider, limit, R?}`.
    pub async fn list_tickets(
        &self,
        limit: i64,
        route: Option<&Route>,
    ) -> Result<Envelope, CliError> {
        let mut body = json!({"provider": self.provider, "limit": limit});
        if let Some(r) = route {
            body[r.key] = json!(r.value);
        }
        let path = format!("{BASE}/list-tickets/");
        self.call(&path, String::new(), Some(body), PULL).await
    }

    /// `POST /issue-search/` `{provider, limit, R?, query_key?, query_text}`; `query_key` (the
    /// trimmed query) when it looks like an issue key.
    pub async fn issue_search(
        &self,
        query: &str,
        limit: i64,
        route: Option<&Route>,
    ) -> Result<Envelope, CliError> {
        let mut body = json!({"provider": self.provider, "limit": limit, "query_text": query});
        if let Some(r) = route {
            body[r.key] = json!(r.value);
        }
        if looks_like_key(query.trim()) {
            body["query_key"] = json!(query.trim());
        }
        let path = format!("{BASE}/issue-search/");
        self.call(&path, String::new(), Some(body), PULL).await
    }
}

/// 3.2.7's issue-key test, `^[A-Za-z][A-Za-z0-9_]*-\d+$` (ASCII digits: the contract's
/// pattern).
pub fn looks_like_key(q: &str) -> bool {
    let Some((head, digits)) = q.rsplit_once('-') else {
        return false;
    };
    let mut head_chars = head.chars();
    head_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && head_chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::looks_like_key;

    #[test]
    fn issue_keys_as_3_2_7_tells_them() {
        // Oracle: the regular expression of reference/upstream-3.2-tracker.md §5.4.
        for key in ["LIN-12", "a-1", "Core_2-007", "x9-0"] {
            assert!(looks_like_key(key), "{key}");
        }
        for text in [
            "LIN-",
            "-12",
            "1AB-2",
            "LIN 12",
            "LIN-12a",
            "A-B-1x",
            "search words",
            "",
        ] {
            assert!(!looks_like_key(text), "{text}");
        }
        // Only the last dash separates the number (A-B-1 has a dash in the key part).
        assert!(!looks_like_key("A-B-1"));
    }
}
