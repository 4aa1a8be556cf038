//! Responses built from the contract document's schemas (the oracle: `contract/tracker-api.yaml`,
//! written from SPEC §5.1 and the upstream data model): each nullable field null or set, each
//! optional field present or absent, unknown keys added at every level, unicode and boundary
//! values. [`Shape`] forces one of the corner cases everywhere at once.

use contract_mock::contract::Contract;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{json, Map, Value};

/// How fields are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Every choice random.
    Any,
    /// Every nullable field null (optional fields present), no unknown keys.
    AllNull,
    /// Every optional field absent, no nullable field null, no unknown keys.
    AllAbsent,
    /// Every optional field present and set, and unknown keys added to every object.
    AllUnknown,
}

/// A strategy for values of `schema` (a schema of the document, `$ref`s allowed).
pub fn value(schema: &Value, shape: Shape) -> BoxedStrategy<Value> {
    Gen {
        contract: Contract::embedded(),
        shape,
    }
    .schema(schema, 0)
}

/// A strategy for the components schema `name`.
pub fn named(name: &str, shape: Shape) -> BoxedStrategy<Value> {
    value(
        &json!({"$ref": format!("#/components/schemas/{name}")}),
        shape,
    )
}

/// A strategy for the JSON body of `operation_id`'s response to `status`.
pub fn response(operation_id: &str, status: u16, shape: Shape) -> BoxedStrategy<Value> {
    let schema = Contract::embedded()
        .response_schema(operation_id, status)
        .unwrap_or_else(|| panic!("{operation_id} {status} is not in the contract"))
        .clone();
    value(&schema, shape)
}

struct Gen {
    contract: &'static Contract,
    shape: Shape,
}

impl Gen {
    fn schema(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let schema = self.contract.resolve(schema).clone();
        if let Some(excluded) = schema
            .get("not")
            .and_then(|n| n.get("enum"))
            .and_then(Value::as_array)
        {
            // `not: {enum: [...]}` (the only `not` the document uses on values): filter.
            let excluded = excluded.clone();
            let mut rest = schema.clone();
            rest.as_object_mut().map(|o| o.remove("not"));
            return self
                .schema(&rest, depth)
                .prop_filter("a value the document excludes", move |v| {
                    !excluded.contains(v)
                })
                .boxed();
        }
        if let Some(c) = schema.get("const") {
            return Just(c.clone()).boxed();
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return proptest::sample::select(values.clone()).boxed();
        }
        if let Some(options) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            return self.choose(
                options.iter().map(|o| self.schema(o, depth)).collect(),
                options,
            );
        }
        let types: Vec<String> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ => vec!["any".into()],
        };
        let options: Vec<Value> = types.iter().map(|t| json!({ "type": t })).collect();
        let strategies = types
            .iter()
            .map(|t| self.typed(t, &schema, depth))
            .collect();
        self.choose(strategies, &options)
    }

    /// One of the alternatives; the shapes that force nulls (or forbid them) pick accordingly.
    fn choose(
        &self,
        mut strategies: Vec<BoxedStrategy<Value>>,
        options: &[Value],
    ) -> BoxedStrategy<Value> {
        let is_null = |o: &Value| o.get("type").and_then(Value::as_str) == Some("null");
        let null_at = options.iter().position(is_null);
        match (self.shape, null_at) {
            (Shape::AllNull, Some(_)) => Just(Value::Null).boxed(),
            (Shape::AllAbsent | Shape::AllUnknown, Some(i)) if strategies.len() > 1 => {
                drop(strategies.remove(i));
                Union::new(strategies).boxed()
            }
            _ if strategies.len() == 1 => strategies.remove(0),
            _ => Union::new(strategies).boxed(),
        }
    }

    fn typed(&self, kind: &str, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        match kind {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "integer" => {
                let min = schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MIN);
                let max = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX);
                prop_oneof![
                    3 => min.max(0)..=max.min(1000).max(min.max(0)),
                    1 => Just(min),
                    1 => Just(max),
                    1 => min..=max,
                ]
                .prop_map(Value::from)
                .boxed()
            }
            "number" => {
                let min = schema
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .unwrap_or(-1e9);
                prop_oneof![
                    3 => min.max(0.0)..min.max(0.0) + 3.0,
                    1 => Just(min),
                    1 => Just(1e9),
                ]
                .prop_map(Value::from)
                .boxed()
            }
            "string" => string(schema),
            "array" => {
                if depth > 6 {
                    return Just(json!([])).boxed();
                }
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                // Lists of the envelope (items, mappings) get up to 2 members, nested ones 1.
                let max = if depth <= 2 { 2 } else { 1 };
                proptest::collection::vec(self.schema(&items, depth + 1), 0..=max)
                    .prop_map(Value::Array)
                    .boxed()
            }
            "object" => self.object(schema, depth),
            _ => any_json(depth).boxed(),
        }
    }

    fn object(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let value = self.schema(property, depth + 1);
            let name = name.clone();
            let present = value.clone().prop_map({
                let name = name.clone();
                move |v| Some((name.clone(), v))
            });
            fields.push(if required.contains(&name.as_str()) {
                present.boxed()
            } else {
                match self.shape {
                    Shape::AllAbsent => Just(None).boxed(),
                    // Present; a nullable one is null under AllNull (see `choose`).
                    Shape::AllNull | Shape::AllUnknown => present.boxed(),
                    Shape::Any => prop_oneof![Just(None), present].boxed(),
                }
            });
        }
        let unknown = match (self.shape, closed) {
            (_, true) | (Shape::AllNull | Shape::AllAbsent, _) => Just(Vec::new()).boxed(),
            (Shape::AllUnknown, false) => {
                proptest::collection::vec((unknown_key(), any_json(depth + 2)), 1..=2).boxed()
            }
            (Shape::Any, false) => {
                proptest::collection::vec((unknown_key(), any_json(depth + 2)), 0..=2).boxed()
            }
        };
        let open = schema
            .get("properties")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty);
        let filler = if open && !closed && self.shape != Shape::AllAbsent {
            // Free-form objects (custom_fields, doctrine, details ...): arbitrary members.
            proptest::collection::vec(("[a-z_]{1,8}", any_json(depth + 2)), 0..=2).boxed()
        } else {
            Just(Vec::new()).boxed()
        };
        (fields, unknown, filler)
            .prop_map(|(fields, unknown, filler)| {
                let mut map = Map::new();
                for (k, v) in filler.into_iter().chain(unknown) {
                    map.insert(k, v);
                }
                for (k, v) in fields.into_iter().flatten() {
                    map.insert(k, v);
                }
                Value::Object(map)
            })
            .boxed()
    }
}

/// Keys no schema uses, including non-ASCII ones.
fn unknown_key() -> impl Strategy<Value = String> {
    prop_oneof!["x_[a-z]{1,10}", "x_\\PC{1,6}", Just("x_".to_owned())]
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let strategy = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => (
            0i64..4_102_444_800,
            0u32..1_000_000,
            -14i32 * 60..=14 * 60,
            any::<bool>(),
        )
            .prop_map(|(secs, micros, offset, zulu)| {
                let ts = jiff::Timestamp::new(secs, (micros * 1000) as i32).expect("timestamp");
                if zulu {
                    ts.to_string()
                } else {
                    let off = jiff::tz::Offset::from_seconds(offset * 60).expect("offset");
                    // RFC 3339 wants `±HH:MM`; jiff prints a whole-hour offset as `-01`.
                    let sign = if offset < 0 { '-' } else { '+' };
                    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
                    format!("{}{sign}{h:02}:{m:02}", off.to_datetime(ts))
                }
            })
            .boxed(),
        Some("uuid") => any::<u128>()
            .prop_map(|n| uuid::Uuid::from_u128(n).to_string())
            .boxed(),
        _ => prop_oneof![
            4 => "\\PC{0,12}",
            1 => Just(String::new()),
            1 => Just("null".to_owned()),
            1 => Just("\"quoted\" \\ back\\slash \u{2028} tab\t".to_owned()),
            1 => Just("Ünïcödé — 漢字 😀 \u{202e}rtl".to_owned()),
            1 => (0usize..100).prop_map(|n| "long ".repeat(60 + n)),
        ]
        .boxed(),
    };
    strategy
        .prop_map(move |s| {
            if s.chars().count() < min {
                format!("{s}{}", "x".repeat(min))
            } else if s.chars().count() > max {
                s.chars().take(max).collect()
            } else {
                s
            }
        })
        .prop_map(Value::String)
        .boxed()
}

/// Any JSON value, small.
pub fn any_json(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    if depth > 6 {
        return leaf.boxed();
    }
    leaf.prop_recursive(1, 4, 2, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

#[test]
fn generated_responses_follow_the_document() {
    // The generator's own oracle: whatever it builds must pass the document's check.
    let contract = Contract::embedded();
    let cases = [
        ("status", "GET", "/api/v1/tracker/status/", 200),
        ("mappings", "GET", "/api/v1/tracker/mappings/", 200),
        ("pull", "POST", "/api/v1/tracker/pull/", 200),
        ("push", "POST", "/api/v1/tracker/push/", 200),
        ("push", "POST", "/api/v1/tracker/push/", 202),
        ("run", "POST", "/api/v1/tracker/run/", 200),
        ("operation", "GET", "/api/v1/tracker/operations/op-1/", 200),
        ("pull", "POST", "/api/v1/tracker/pull/", 429),
        ("refresh", "POST", "/api/v1/token/refresh/", 200),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(super::config(64));
    for shape in [
        Shape::Any,
        Shape::AllNull,
        Shape::AllAbsent,
        Shape::AllUnknown,
    ] {
        for (op, method, path, status) in cases {
            runner
                .run(&response(op, status, shape), |body| {
                    let checked =
                        contract.check_response(method, path, status, body.to_string().as_bytes());
                    prop_assert_eq!(checked, Ok(()), "{:?} {} {}", shape, op, status);
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// A response as `--json` prints it for status, map list, sync pull (one page), push and run:
/// with `pending_binding_upgrade` set (reference upstream-3.2-tracker.md §4.4: the key is
/// always present). The harness binding routes by project_slug and stores no binding_ref, so
/// any non-empty string `binding_ref` in the response is the pending upgrade (3.2.7's
/// `_report_binding_upgrade`).
pub fn with_pending(v: &Value) -> Value {
    let mut v = v.clone();
    let pending = v["binding_ref"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map_or(Value::Null, |s| Value::String(s.to_owned()));
    if let Some(obj) = v.as_object_mut() {
        obj.insert("pending_binding_upgrade".into(), pending);
    }
    v
}
