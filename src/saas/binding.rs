//! The binding a SaaS request is routed by, and what the server may say about it
//! (reference `upstream-3.2-tracker.md` §4.2–§4.4):
//!
//! - **routing**: `binding_ref` when the `tracker:` block has one (spec-kitty 3.2 writes it),
//!   else `project_slug`, in the query of `status/` and `mappings/` and in the bodies of
//!   `pull/`, `push/` and `run/`; never both;
//! - **binding upgrade**: a top-level `binding_ref` in a response that differs from the stored
//!   one is reported as `pending_binding_upgrade` (never written to the config);
//! - **stale binding**: when routing by `binding_ref`, the error codes `binding_not_found`,
//!   `mapping_disabled` and `project_mismatch` become one message naming the binding and the
//!   command that rebinds it.

use super::envelopes::Envelope;
use crate::config::TrackerConfig;
use crate::error::{CliError, ErrorKind};
use jsonfmt::Member;
use serde_json::Value;

/// The error codes (`code`, `error_code`, `category` or `error_category` of an envelope) that
/// mean the stored `binding_ref` no longer names a usable binding.
pub const STALE_CODES: [&str; 3] = ["binding_not_found", "mapping_disabled", "project_mismatch"];

/// The JSON key that reports a binding upgrade.
pub const PENDING_KEY: &str = "pending_binding_upgrade";

/// The routing key of a request and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `binding_ref` or `project_slug`.
    pub key: &'static str,
    /// The stored value.
    pub value: String,
}

impl Route {
    /// The route of a binding: `binding_ref` when it has one, else `project_slug`.
    pub fn of(binding: &TrackerConfig) -> Option<Route> {
        binding.route().map(|(key, value)| Route {
            key,
            value: value.to_owned(),
        })
    }

    /// Whether requests are routed by `binding_ref`.
    pub fn by_ref(&self) -> bool {
        self.key == "binding_ref"
    }

    /// The `binding_ref` a response reports when it differs from the stored one: a non-empty
    /// string other than the ref requests are routed by (a project-slug binding has none, so
    /// any ref the server names is an upgrade), as 3.2.7's `_report_binding_upgrade` decides.
    pub fn upgrade_in(&self, envelope: &Envelope) -> Option<String> {
        let member = envelope.outline.get(&envelope.body, "binding_ref")?;
        let reported: String = serde_json::from_slice(&envelope.body[member.value.clone()]).ok()?;
        let current = self.by_ref() && reported == self.value;
        (!reported.is_empty() && !current).then_some(reported)
    }

    /// `err` as the stale-binding error when it carries one of [`STALE_CODES`] and requests
    /// are routed by `binding_ref`; otherwise unchanged.
    pub fn stale(&self, provider: &str, err: CliError) -> CliError {
        if !self.by_ref() || !is_stale(&err) {
            return err;
        }
        let code = err.code.clone();
        let mut stale = CliError::new(
            ErrorKind::NotAllowed,
            "stale_binding",
            format!(
                "Tracker binding '{}' is stale: {}",
                self.value,
                err.message.trim_end_matches('.')
            ),
        )
        .hint(rebind_hint(provider));
        stale.details = err.details;
        stale
            .detail("binding_ref", self.value.as_str())
            .detail("server_code", code)
    }
}

/// Whether an error carries a stale-binding code.
fn is_stale(err: &CliError) -> bool {
    let detail = |k: &str| {
        err.details
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    std::iter::once(Some(err.code.clone()))
        .chain(["error_code", "category", "error_category"].map(detail))
        .flatten()
        .any(|c| STALE_CODES.contains(&c.as_str()))
}

/// The command that binds the project again (and so applies a binding upgrade).
pub fn rebind_command(provider: &str) -> String {
    format!("spec-kitty-tracker bind --provider {provider}")
}

fn rebind_hint(provider: &str) -> String {
    format!("run `{}` to rebind", rebind_command(provider))
}

/// The stderr hint for a pending binding upgrade (human output only).
pub fn upgrade_hint(provider: &str, pending: &str) -> String {
    format!(
        "the server reports a newer binding for this project ({pending}); `{}` applies it",
        rebind_command(provider)
    )
}

/// The response checked for a binding upgrade: the pending ref, and the envelope with
/// `pending_binding_upgrade` set for `--json` (human output reads the envelope's other
/// members).
pub fn marked(route: &Route, envelope: Envelope) -> (Envelope, Option<String>) {
    let pending = route.upgrade_in(&envelope);
    (with_pending(envelope, pending.as_deref()), pending)
}

/// `envelope` with `pending_binding_upgrade` set (to null when there is none), for `--json`.
/// The member is written in place before the object's closing brace (a large page is not
/// copied) and added to the outline; the printed document's keys are sorted anyway. A body
/// that already has the key gets it replaced (through a copy).
pub fn with_pending(mut envelope: Envelope, pending: Option<&str>) -> Envelope {
    let value = serde_json::to_vec(&pending).unwrap_or_else(|_| b"null".to_vec());
    let close = envelope.body.iter().rposition(|&b| b == b'}');
    let (true, Some(close), None) = (
        envelope.outline.object,
        close,
        envelope.outline.get(&envelope.body, PENDING_KEY),
    ) else {
        return replaced(envelope, &value);
    };
    let mut member = Vec::with_capacity(PENDING_KEY.len() + value.len() + 4);
    if !envelope.outline.members.is_empty() {
        member.push(b',');
    }
    let key_start = close + member.len() + 1;
    member.extend_from_slice(format!("\"{PENDING_KEY}\":").as_bytes());
    let value_start = close + member.len();
    member.extend_from_slice(&value);
    envelope.body.splice(close..close, member);
    envelope.outline.members.push(Member {
        key: key_start..key_start + PENDING_KEY.len(),
        escaped: false,
        value: value_start..value_start + value.len(),
        elements: 0,
    });
    envelope
}

/// The body rebuilt from its outline without any `pending_binding_upgrade` member, then with
/// ours (an odd body is returned as it is).
fn replaced(envelope: Envelope, value: &[u8]) -> Envelope {
    if !envelope.outline.object {
        return envelope;
    }
    let body = &envelope.body;
    let mut out = Vec::with_capacity(body.len() + 40);
    out.push(b'{');
    for m in envelope
        .outline
        .members
        .iter()
        .filter(|m| &body[m.key.clone()] != PENDING_KEY.as_bytes())
    {
        out.extend_from_slice(&body[m.key.start - 1..m.key.end + 1]);
        out.push(b':');
        out.extend_from_slice(&body[m.value.clone()]);
        out.push(b',');
    }
    out.extend_from_slice(format!("\"{PENDING_KEY}\":").as_bytes());
    out.extend_from_slice(value);
    out.push(b'}');
    let endpoint = envelope.endpoint.clone();
    Envelope::new(out, endpoint).unwrap_or(envelope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body: &str) -> Envelope {
        Envelope::new(body.as_bytes().to_vec(), "GET /x/").expect("json")
    }

    fn by_ref() -> Route {
        Route {
            key: "binding_ref",
            value: "br-1".into(),
        }
    }

    /// Oracle: reference §4.4 and 3.2.7's `_report_binding_upgrade` (a non-empty top-level
    /// `binding_ref` other than the stored one is an upgrade; a slug binding stores none).
    #[test]
    fn upgrades_are_reported_only_when_the_ref_differs() {
        assert_eq!(
            by_ref()
                .upgrade_in(&envelope(r#"{"binding_ref":"br-2"}"#))
                .as_deref(),
            Some("br-2")
        );
        assert_eq!(
            by_ref().upgrade_in(&envelope(r#"{"binding_ref":"br-1"}"#)),
            None
        );
        assert_eq!(
            by_ref().upgrade_in(&envelope(r#"{"binding_ref":null}"#)),
            None
        );
        assert_eq!(by_ref().upgrade_in(&envelope(r#"{"status":"ok"}"#)), None);
        let slug = Route {
            key: "project_slug",
            value: "p".into(),
        };
        assert_eq!(
            slug.upgrade_in(&envelope(r#"{"binding_ref":"br-2"}"#))
                .as_deref(),
            Some("br-2")
        );
        assert_eq!(slug.upgrade_in(&envelope(r#"{"binding_ref":""}"#)), None);
        assert_eq!(slug.upgrade_in(&envelope(r#"{"binding_ref":7}"#)), None);
    }

    /// Oracle: the validator's own outline of the edited body (so the formatter prints
    /// exactly the members a fresh parse sees) and serde_json's reading of it.
    #[test]
    fn the_pending_member_is_added_in_place_or_replaced() {
        for (body, pending, want) in [
            (
                r#"{"a":1,"pending_binding_upgrade":"x"}"#,
                Some("br-2"),
                serde_json::json!({"a": 1, "pending_binding_upgrade": "br-2"}),
            ),
            (
                "{}",
                None,
                serde_json::json!({"pending_binding_upgrade": null}),
            ),
            (
                " { \"a\" : [1, {\"b\": \"}\"}] }\n",
                Some("r\"1"),
                serde_json::json!({"a": [1, {"b": "}"}], "pending_binding_upgrade": "r\"1"}),
            ),
        ] {
            let e = with_pending(envelope(body), pending);
            let v: Value = serde_json::from_slice(&e.body).expect("json");
            assert_eq!(v, want, "{body}");
            let fresh = jsonfmt::validate(&e.body).expect("valid");
            let keys = |o: &jsonfmt::Outline| -> Vec<Vec<u8>> {
                o.members
                    .iter()
                    .map(|m| e.body[m.key.clone()].to_vec())
                    .collect()
            };
            assert_eq!(keys(&fresh), keys(&e.outline), "{body}");
            assert_eq!(fresh.members.last(), e.outline.members.last(), "{body}");
        }
    }

    /// Oracle: reference §4.3 (the three codes, from the code or the category, only when
    /// routing by `binding_ref`).
    #[test]
    fn stale_codes_become_one_rebind_message() {
        let err = CliError::failed("not_found", "No binding br-1")
            .detail("category", "binding_not_found");
        let stale = by_ref().stale("linear", err.clone());
        assert_eq!(stale.code, "stale_binding");
        assert_eq!(
            stale.message,
            "Tracker binding 'br-1' is stale: No binding br-1"
        );
        assert_eq!(
            stale.hints,
            vec!["run `spec-kitty-tracker bind --provider linear` to rebind".to_owned()]
        );
        let slug = Route {
            key: "project_slug",
            value: "p".into(),
        };
        assert_eq!(slug.stale("linear", err).code, "not_found");
        let other = by_ref().stale("linear", CliError::failed("server_error", "boom"));
        assert_eq!(other.code, "server_error");
        let coded = by_ref().stale("jira", CliError::failed("project_mismatch", "x"));
        assert_eq!(coded.code, "stale_binding");
    }
}
