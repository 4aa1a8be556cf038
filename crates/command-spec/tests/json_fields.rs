//! Declared `--json` documents (docs/commands-yaml.md, "JSON value"): the JSON Schema compiled
//! from a declaration accepts exactly the documents it describes (closed and open objects,
//! optional and nullable members, maps, named shapes, variants, the error document), and help
//! lists the declared fields.

use command_spec::json_fields::{command_schema, long_help, short_help};
use command_spec::{load, Spec};
use serde_json::{json, Value};

const SPEC: &str = r#"
name: t
about: a
long_about: b
json_shapes:
  point: {type: object, fields: [{name: x, type: integer, help: the x}]}
json_error:
  type: object
  open: true
  fields:
    - {name: code, type: string, help: machine code}
    - {name: exit_code, type: integer, help: exit code}
    - {name: hints, type: array, items: {type: string}, optional: true, help: what next}
commands:
  - name: x
    about: a
    long_about: b
    class_from: none
    json: Print JSON
    json_output:
      one_of:
        - when: closed
          type: object
          fields:
            - {name: kind, type: string, enum: [closed], help: which}
            - {name: at, type: point, nullable: true, help: where}
            - {name: note, type: string, optional: true, help: a note}
            - {name: tags, type: object, values: {type: string}, help: tag values}
        - when: open
          type: object
          open: true
          fields:
            - {name: kind, type: string, enum: [open], help: which}
    examples: [{command: t x, help: h}]
    dispatch: {any: m::f}
"#;

fn spec() -> Spec {
    load(SPEC).expect("valid")
}

fn valid(doc: &Value) -> bool {
    let spec = spec();
    let leaf = &spec.leaves()[0];
    let schema = command_schema(&spec, leaf).expect("x has --json");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("a valid schema")
        .is_valid(doc)
}

#[test]
fn the_schema_accepts_what_is_declared_and_nothing_else() {
    let closed = json!({"kind": "closed", "at": {"x": 1}, "tags": {"a": "b"}});
    assert!(valid(&closed));
    let mut with = closed.clone();
    with["at"] = Value::Null;
    with["note"] = json!("n");
    assert!(valid(&with), "nullable and optional members");
    for (key, value) in [
        ("extra", json!(1)),       // an undeclared member of a closed object
        ("at", json!({"x": "1"})), // a named shape's member of the wrong type
        ("tags", json!({"a": 1})), // a map value of the wrong type
        ("kind", json!("other")),  // outside the enum
        ("note", Value::Null),     // optional is not nullable
    ] {
        let mut bad = closed.clone();
        bad[key] = value;
        assert!(!valid(&bad), "{key}: {bad}");
    }
    let mut missing = closed.clone();
    missing.as_object_mut().expect("object").remove("tags");
    assert!(!valid(&missing), "a required member is missing");
    assert!(
        valid(&json!({"kind": "open", "anything": [1]})),
        "open variant"
    );
}

#[test]
fn the_error_document_is_one_member_holding_the_declared_object() {
    assert!(valid(
        &json!({"error": {"code": "c", "exit_code": 1, "more": true}})
    ));
    assert!(
        !valid(&json!({"error": {"code": "c"}})),
        "exit_code missing"
    );
    assert!(!valid(
        &json!({"error": {"code": "c", "exit_code": 1}, "extra": 1})
    ));
}

#[test]
fn help_lists_the_fields_of_every_variant() {
    let spec = spec();
    let output = spec.commands[0].json_output.as_ref().expect("declared");
    assert_eq!(
        short_help(&spec, output),
        "JSON fields:\n  at, kind, note, tags\n"
    );
    let long = long_help(&spec, output);
    assert!(
        long.starts_with("JSON fields (closed):\n  kind  which\n"),
        "{long}"
    );
    assert!(long.contains("\n  at    where (may be null)\n"), "{long}");
    assert!(
        long.contains("\n  note  a note (may be absent)\n"),
        "{long}"
    );
    assert!(
        long.contains("\nJSON fields (open):\n  kind  which\n"),
        "{long}"
    );
    assert!(
        long.ends_with("On failure: {\"error\": {code, exit_code, ...}}\n"),
        "{long}"
    );
}
