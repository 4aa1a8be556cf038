//! The spec-kitty 3.2 operations: bindable resources, bind-resolve / -confirm / -validate, the
//! hosted ticket reads (list-tickets, issue-search) and the unrouted status (`status --all`).
//! Shapes from reference/upstream-3.2-tracker.md §5, checked against the contract document like
//! every other answer.
//!
//! Scenarios: bind-* play the scenario named by `project_identity.slug`, list-tickets and
//! issue-search the one named by their routing key, resources and the unrouted status the
//! `--scenario` default. The data: every SaaS provider has three resources (Core and Platform
//! available, Mobile bound) except gitlab, an installation with nothing connected (no
//! resources, no tickets). Candidate tokens are issued fresh on every answer (`ct-<resource>-<n>`)
//! and a confirm needs one the mock issued; the binding it makes is `br-<token>`. bind-validate
//! accepts every ref that starts with `br-`.

use super::{envelope, reply, state_tripped, Config, Reply, Scenario, State};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;

/// The resources of every provider but gitlab: (label, key, bound project).
const RESOURCES: [(&str, &str, Option<&str>); 3] = [
    ("Core (COR)", "core", None),
    ("Platform (PLT)", "platform", None),
    ("Mobile (MOB)", "mobile", Some("mobile-app")),
];

/// Ticket titles, cycled through by the hosted reads.
const TITLES: [&str; 4] = [
    "Bind projects by discovery",
    "List tickets from the dashboard",
    "Search issues by key",
    "Show every binding of the installation",
];

/// One hosted request, already checked against the contract.
pub(crate) struct Hosted<'a> {
    /// The operation id of the document.
    pub op: &'a str,
    /// Query parameters.
    pub query: &'a HashMap<String, String>,
    /// The JSON body (`Null` for GET).
    pub body: &'a Value,
    /// The Idempotency-Key header.
    pub idempotency: Option<&'a str>,
    /// The bearer token.
    pub token: &'a str,
}

/// The answer to a 3.2 operation (the unrouted status and mappings included), or `None` when
/// `op` is one of the frozen six, which the caller answers.
pub(crate) async fn answer(
    call: &Hosted<'_>,
    config: &Config,
    state: &Mutex<State>,
) -> Option<Reply> {
    let routed = ["binding_ref", "project_slug"]
        .iter()
        .any(|k| call.query.contains_key(*k));
    let provider = match call.op {
        "resources" | "status" | "mappings" => {
            call.query.get("provider").cloned().unwrap_or_default()
        }
        "bind_resolve" | "bind_confirm" | "bind_validate" | "list_tickets" | "issue_search" => {
            text(call.body, "provider")
        }
        _ => return None,
    };
    if matches!(call.op, "status" | "mappings") && routed {
        return None;
    }
    let key = match call.op {
        "bind_resolve" | "bind_confirm" | "bind_validate" => {
            text(&call.body["project_identity"], "slug")
        }
        "list_tickets" | "issue_search" => {
            let r = text(call.body, "binding_ref");
            if r.is_empty() {
                text(call.body, "project_slug")
            } else {
                r
            }
        }
        _ => String::new(),
    };
    let scenario = Scenario::from_slug(&key).unwrap_or(config.default_scenario);
    if let Some(resp) = scenario
        .interrupt(
            call.op,
            call.token,
            call.idempotency,
            state_tripped(state),
            config,
        )
        .await
    {
        return Some(resp);
    }
    let empty = scenario == Scenario::Empty || provider == "gitlab";
    let body = match call.op {
        "resources" => resources(&provider, empty, state),
        "status" => installation(&provider, empty, state),
        "mappings" => super::data::mappings(&provider),
        "bind_resolve" => resolve(scenario, state),
        "bind_confirm" => return Some(confirm(call, &provider, &key, scenario, state)),
        "bind_validate" => validate(call.body, &provider, state),
        "list_tickets" => json!({"tickets": tickets(&provider, limit(call.body), empty, |_| true)}),
        _ => search(call.body, &provider, empty),
    };
    if scenario == Scenario::MissingFields {
        return Some(reply(200, &json!({"status": "ok"})));
    }
    Some(reply(200, &body))
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

fn limit(body: &Value) -> usize {
    body["limit"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(20)
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh candidate token for resource `index` (0-based), remembered for bind-confirm.
fn issue_token(index: usize, state: &Mutex<State>) -> String {
    let mut st = lock(state);
    st.candidates_issued += 1;
    let token = format!("ct-{}-{}", index + 1, st.candidates_issued);
    st.candidates.insert(token.clone(), index);
    token
}

fn context() -> Value {
    json!({"workspace_name": "Acme"})
}

fn resources(provider: &str, empty: bool, state: &Mutex<State>) -> Value {
    if empty {
        return json!({"resources": []});
    }
    let list: Vec<Value> = RESOURCES
        .iter()
        .enumerate()
        .map(|(i, (label, key, bound))| {
            json!({
                "candidate_token": issue_token(i, state),
                "display_label": label,
                "provider": provider,
                "provider_context": context(),
                "binding_ref": bound.map(|_| format!("br-{key}")),
                "bound_project_slug": bound,
                "bound_at": bound.map(|_| "2026-11-20T08:00:00Z"),
            })
        })
        .collect();
    json!({"resources": list})
}

fn resolve(scenario: Scenario, state: &Mutex<State>) -> Value {
    match scenario {
        Scenario::NoMatch => json!({"match_type": "none", "candidates": []}),
        Scenario::ExactBound => json!({
            "match_type": "exact", "binding_ref": "br-core", "display_label": RESOURCES[0].0,
            "candidate_token": null, "project_slug": null, "candidates": [],
        }),
        Scenario::Candidates => {
            let reasons = [
                ("high", "repository name matches the resource key"),
                ("medium", "project slug resembles the resource name"),
                ("low", "only resource of the workspace not yet bound"),
            ];
            let list: Vec<Value> = reasons
                .iter()
                .enumerate()
                .map(|(i, (confidence, why))| {
                    json!({
                        "candidate_token": issue_token(i, state),
                        "display_label": RESOURCES[i].0,
                        "confidence": confidence,
                        "match_reason": why,
                        "sort_position": i,
                    })
                })
                .collect();
            json!({"match_type": "candidates", "candidates": list})
        }
        _ => json!({
            "match_type": "exact", "candidate_token": issue_token(0, state),
            "display_label": RESOURCES[0].0, "binding_ref": null, "candidates": [],
        }),
    }
}

fn confirm(
    call: &Hosted<'_>,
    provider: &str,
    slug: &str,
    scenario: Scenario,
    state: &Mutex<State>,
) -> Reply {
    let token = text(call.body, "candidate_token");
    let known = lock(state).candidates.get(&token).copied();
    let refused = match scenario {
        Scenario::StaleCandidate => true,
        Scenario::ExpiredCandidate => state_tripped(state)(format!("expired-candidate:{slug}")),
        _ => false,
    };
    let Some(index) = known.filter(|_| !refused) else {
        return reply(
            400,
            &envelope(
                400,
                "invalid_candidate_token",
                "The candidate token has expired or is not known. Resolve the binding again.",
                false,
            ),
        );
    };
    let binding_ref = format!("br-{token}");
    let body = json!({
        "binding_ref": binding_ref,
        "display_label": RESOURCES[index].0,
        "provider": provider,
        "provider_context": context(),
        "bound_at": "2026-12-01T12:00:00Z",
        "project_slug": slug,
    });
    {
        let mut st = lock(state);
        st.bindings.push(json!({
            "binding_ref": binding_ref, "project_slug": slug, "display_label": RESOURCES[index].0,
            "provider": provider, "status": "bound", "bound_at": "2026-12-01T12:00:00Z",
        }));
    }
    if let Some(polls) = scenario.accepts() {
        let id = format!("op-{}", uuid::Uuid::new_v4().simple());
        let outcome = scenario.operation_outcome(&id, body);
        lock(state).operations.insert(id.clone(), (polls, outcome));
        return reply(202, &json!({"operation_id": id, "status": "pending"}));
    }
    reply(200, &body)
}

fn validate(body: &Value, provider: &str, state: &Mutex<State>) -> Value {
    let binding_ref = text(body, "binding_ref");
    if !binding_ref.starts_with("br-") {
        return json!({
            "valid": false,
            "binding_ref": binding_ref,
            "reason": "no binding with this ref exists in the installation",
            "guidance": format!("Bind one of the {provider} resources that discovery lists."),
        });
    }
    let label = lock(state)
        .bindings
        .iter()
        .find(|b| b["binding_ref"] == json!(binding_ref))
        .and_then(|b| b["display_label"].as_str().map(str::to_owned))
        .unwrap_or_else(|| RESOURCES[0].0.to_owned());
    json!({
        "valid": true, "binding_ref": binding_ref, "display_label": label,
        "provider": provider, "provider_context": context(), "reason": null, "guidance": null,
    })
}

fn installation(provider: &str, empty: bool, state: &Mutex<State>) -> Value {
    let mut bindings = Vec::new();
    if !empty {
        bindings.push(json!({
            "binding_ref": "br-mobile", "project_slug": "mobile-app", "display_label": RESOURCES[2].0,
            "provider": provider, "status": "bound", "bound_at": "2026-11-20T08:00:00Z",
        }));
        bindings.extend(
            lock(state)
                .bindings
                .iter()
                .filter(|b| b["provider"] == json!(provider))
                .cloned(),
        );
    }
    json!({
        "provider": provider,
        "connected": !empty,
        "bindings": bindings,
        "resource_count": if empty { 0 } else { RESOURCES.len() },
    })
}

/// Ticket `n` (1-based). Servers differ in how they spell a ticket, so every fourth one comes
/// with `external_issue_key` and a plain `status` instead of `identifier` and `state`.
fn ticket(provider: &str, n: usize) -> Value {
    let prefix = match provider {
        "linear" => "LIN",
        "jira" => "PROJ",
        "github" => "GH",
        _ => "GL",
    };
    let key = format!("{prefix}-{n}");
    let states = ["Todo", "In Progress", "In Review", "Done"];
    let state = states[n % states.len()];
    let mut t = json!({
        "external_issue_id": format!("id-{n:06}"),
        "title": format!("{} ({n})", TITLES[n % TITLES.len()]),
        "url": format!("https://tracker.example/{key}"),
        "team": {"key": "COR", "name": "Core"},
        "assignee": if n.is_multiple_of(3) { json!({"id": "u-1", "name": "Ada"}) } else { Value::Null },
        "created_at": "2026-11-01T09:00:00Z",
        "updated_at": format!("2026-11-{:02}T10:00:00Z", 1 + n % 28),
        "body": format!("Body of {key}."),
    });
    if n.is_multiple_of(4) {
        t["external_issue_key"] = json!(key);
        t["status"] = json!(state);
    } else {
        t["identifier"] = json!(key);
        t["state"] = json!({"name": state});
    }
    t
}

/// The number of tickets the hosted reads know.
const TICKETS: usize = 12;

fn tickets(provider: &str, limit: usize, empty: bool, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    if empty {
        return Vec::new();
    }
    (1..=TICKETS)
        .map(|n| ticket(provider, n))
        .filter(|t| keep(t))
        .take(limit)
        .collect()
}

/// issue-search: by key when `query_key` is given (either identifier spelling, any case), else
/// the titles containing `query_text` (any case).
fn search(body: &Value, provider: &str, empty: bool) -> Value {
    let key = body["query_key"].as_str().map(str::to_lowercase);
    let needle = text(body, "query_text").to_lowercase();
    let hits = tickets(provider, limit(body), empty, |t| match &key {
        Some(k) => ["identifier", "external_issue_key"]
            .iter()
            .any(|f| t[*f].as_str().is_some_and(|v| v.to_lowercase() == *k)),
        None => t["title"]
            .as_str()
            .is_some_and(|v| v.to_lowercase().contains(&needle)),
    });
    json!({"candidates": hits})
}
