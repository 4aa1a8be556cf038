//! The ticket lists of `list-tickets` (`tickets`) and `issue-search` (`candidates`), normalised
//! as spec-kitty 3.2.7 normalises them (reference/upstream-3.2-tracker.md §5.4): servers spell
//! identifiers and states differently, so every ticket becomes
//! `{identifier, external_issue_id, title, url, state: {name}, team, assignee, created_at,
//! updated_at, body}`. A member that is not a list reads as empty; items that are not objects
//! are dropped.

use serde_json::{json, Map, Value};

/// The normalised tickets of `list` (the response member).
pub fn normalise(list: Option<&Value>) -> Vec<Value> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(normalise_one)
        .collect()
}

/// The first of `keys` whose value is truthy in Python's sense (not null, false, 0 or empty).
fn first_truthy(t: &Map<String, Value>, keys: &[&str]) -> Value {
    keys.iter()
        .filter_map(|k| t.get(*k))
        .find(|v| truthy(v))
        .cloned()
        .unwrap_or(Value::Null)
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn or_null(t: &Map<String, Value>, key: &str) -> Value {
    t.get(key).cloned().unwrap_or(Value::Null)
}

fn normalise_one(t: &Map<String, Value>) -> Value {
    let state_name = match t.get("state") {
        Some(Value::Object(s)) => or_null(s, "name"),
        _ => or_null(t, "status"),
    };
    let team = match t.get("team") {
        Some(v @ Value::Object(_)) => v.clone(),
        _ => Value::Null,
    };
    let assignee = match t.get("assignee") {
        None | Some(Value::Null) => Value::Null,
        Some(v @ Value::Object(_)) => v.clone(),
        Some(scalar) => json!({"id": scalar, "name": null}),
    };
    let text = |key: &str| match t.get(key) {
        None | Some(Value::Null) => json!(""),
        Some(v) => v.clone(),
    };
    json!({
        "identifier": first_truthy(t, &["identifier", "external_issue_key", "external_issue_id"]),
        "external_issue_id": first_truthy(t, &["external_issue_id", "id"]),
        "title": text("title"),
        "url": text("url"),
        "state": {"name": state_name},
        "team": team,
        "assignee": assignee,
        "created_at": or_null(t, "created_at"),
        "updated_at": or_null(t, "updated_at"),
        "body": or_null(t, "body"),
    })
}

/// A cell of the human table: a string as is, another value as JSON, nothing as empty.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_normalise_as_3_2_7_does() {
        // Oracle: the rules of reference/upstream-3.2-tracker.md §5.4, case by case.
        let list = json!([
            {"identifier": "", "external_issue_key": "LIN-1", "external_issue_id": "i1", "title": "A",
             "state": {"name": "Todo"}, "team": {"key": "C"}, "assignee": "u-7", "extra": 1},
            {"id": "9", "status": "Done", "state": "weird", "assignee": {"id": "u"}, "team": "T"},
            "not an object",
            {"state": {"other": 1}}
        ]);
        let got = normalise(Some(&list));
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            json!({"identifier": "LIN-1", "external_issue_id": "i1", "title": "A", "url": "",
            "state": {"name": "Todo"}, "team": {"key": "C"}, "assignee": {"id": "u-7", "name": null},
            "created_at": null, "updated_at": null, "body": null})
        );
        assert_eq!(got[1]["identifier"], Value::Null);
        assert_eq!(got[1]["external_issue_id"], "9");
        assert_eq!(got[1]["state"], json!({"name": "Done"}));
        assert_eq!(got[1]["team"], Value::Null);
        assert_eq!(got[2]["state"], json!({"name": null}));
        assert!(normalise(Some(&json!({"a": 1}))).is_empty());
        assert!(normalise(None).is_empty());
    }
}
