//! Deterministic fixture data of the mock: issues, envelopes, mappings.

use super::{Fields, Scenario};
use serde_json::{json, Value};

/// The NormalizedIssue statuses of the contract (SPEC §5.1), cycled through by generated issues.
const STATUSES: [&str; 6] = [
    "todo",
    "in_progress",
    "in_review",
    "blocked",
    "done",
    "canceled",
];

fn key_prefix(provider: &str) -> &'static str {
    match provider {
        "linear" => "LIN",
        "jira" => "PROJ",
        "github" => "GH",
        _ => "GL",
    }
}

fn identity_path(provider: &str) -> Value {
    json!({
        "type": "installation",
        "installation_id": "inst-0001",
        "user_link_id": null,
        "provider": provider,
        "provider_account_id": "acct-demo",
    })
}

/// Issue number `n` (1-based) as a NormalizedIssue.
pub fn issue(provider: &str, n: usize) -> Value {
    const TYPES: [&str; 6] = ["epic", "story", "task", "bug", "chore", "subtask"];
    let key = format!("{}-{n}", key_prefix(provider));
    json!({
        "ref": {"system": provider, "id": format!("id-{n:06}"), "workspace": "demo-workspace", "key": key, "url": format!("https://tracker.example/{key}")},
        "title": format!("Issue {n}: make the tracker sync dependable"),
        "body": format!("Body of issue {n}."),
        "status": STATUSES[n % STATUSES.len()],
        "issue_type": TYPES[n % TYPES.len()],
        "priority": n % 5,
        "assignees": if n.is_multiple_of(3) { json!(["alice"]) } else { json!([]) },
        "labels": ["spec-kitty"],
        "parent_ref": null,
        "links": [],
        "custom_fields": {},
        "created_at": "2026-11-01T09:00:00Z",
        "updated_at": format!("2026-11-{:02}T10:00:00Z", 1 + n % 28),
        "provider_metadata": {},
    })
}

fn summary(total: usize, failed: usize) -> Value {
    json!({"total": total, "succeeded": total - failed, "failed": failed, "skipped": 0})
}

/// One pull page: cursor `c<offset>`.
pub fn issues_page(f: &Fields, total: usize, scenario: Scenario) -> Value {
    let offset = f
        .cursor
        .as_deref()
        .and_then(|c| c.strip_prefix('c'))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(total);
    let end = (offset + f.limit).min(total);
    let items: Vec<Value> = (offset + 1..=end).map(|n| issue(&f.provider, n)).collect();
    let count = items.len();
    let partial = scenario == Scenario::Partial && count > 0;
    let has_more = end < total;
    json!({
        "status": if partial { "partial" } else { "ok" },
        "summary": summary(count, usize::from(partial)),
        "items": items,
        "item_errors": if partial {
            json!([{"ref": {"system": f.provider, "id": "id-000001", "key": format!("{}-1", key_prefix(&f.provider))}, "code": "mapping_failed", "message": "Unknown status 'Triage' could not be mapped"}])
        } else { json!([]) },
        "identity_path": identity_path(&f.provider),
        "has_more": has_more,
        "next_cursor": if has_more { json!(format!("c{end}")) } else { Value::Null },
        "doctrine": {"mode": "external_authoritative"},
    })
}

/// Push result for the pushed items.
pub fn push_result(f: &Fields, scenario: Scenario) -> Value {
    let partial = scenario == Scenario::Partial && !f.items.is_empty();
    let outcomes: Vec<Value> = f
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let failed = partial && i == 0;
            json!({
                "ref": item.get("ref").cloned().unwrap_or(Value::Null),
                "action": item.get("action").cloned().unwrap_or(Value::Null),
                "outcome": if failed { "failed" } else { "updated" },
                "remote_ref": remote_ref(&f.provider, item.get("ref")),
                "version": i + 1,
                "message": if failed { "Field 'title' is owned by the provider" } else { "" },
            })
        })
        .collect();
    json!({
        "status": if partial { "partial" } else { "ok" },
        "summary": summary(f.items.len(), usize::from(partial)),
        "items": outcomes,
        "item_errors": if partial { json!([{"ref": f.items[0].get("ref").cloned().unwrap_or(Value::Null), "code": "field_owned_externally", "message": "Field 'title' is owned by the provider"}]) } else { json!([]) },
        "identity_path": identity_path(&f.provider),
        "doctrine": {"mode": "external_authoritative"},
    })
}

/// The provider's reference of a pushed item: its ExternalRef, or one built from a key string.
fn remote_ref(provider: &str, pushed: Option<&Value>) -> Value {
    match pushed {
        Some(Value::String(key)) => {
            json!({"system": provider, "workspace": "demo-workspace", "id": key, "key": key, "url": null})
        }
        Some(r @ Value::Object(_)) => r.clone(),
        _ => Value::Null,
    }
}

/// Run result: a pull of `limit` issues and an empty push.
pub fn run_result(f: &Fields, total: usize, scenario: Scenario) -> Value {
    let pulled = f.limit.min(total);
    let partial = scenario == Scenario::Partial;
    json!({
        "status": if partial { "partial" } else { "ok" },
        "summary": summary(pulled, usize::from(partial && pulled > 0)),
        "pull": {"status": "ok", "summary": summary(pulled, 0)},
        "push": {"status": "ok", "summary": summary(0, 0)},
        "identity_path": identity_path(&f.provider),
        "doctrine": {"mode": "external_authoritative"},
    })
}

/// Status body.
pub fn status_body(provider: &str, slug: &str) -> Value {
    json!({
        "provider": provider,
        "project_slug": slug,
        "connected": true,
        "identity_path": identity_path(provider),
        "sync_state": "idle",
        "last_synced_at": "2026-11-24T09:30:00Z",
    })
}

/// Mappings body.
pub fn mappings(provider: &str) -> Value {
    let p = key_prefix(provider);
    json!({"mappings": [
        {"wp_id": "WP01", "system": provider, "workspace": "demo-workspace", "external_id": "id-000001", "external_key": format!("{p}-1"), "external_url": format!("https://tracker.example/{p}-1")},
        {"wp_id": "WP02", "system": provider, "workspace": "demo-workspace", "external_id": "id-000002", "external_key": null, "external_url": null},
    ]})
}
