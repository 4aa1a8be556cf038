//! The declared `--json` documents (`json_output`, `json_shapes`, `json_error` in
//! `commands.yaml`): their invariants, the "JSON fields" lists of `--help` and the man pages, and
//! JSON Schema (draft 2020-12) documents. One declaration, four readers: a field cannot change
//! in one of them alone.

use crate::model::{JsonShape, Leaf, Spec};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Value types a shape may name besides the `json_shapes` entries.
pub const BUILTIN_TYPES: [&str; 7] = [
    "string", "integer", "number", "boolean", "object", "array", "any",
];

/// The JSON Schema dialect of the generated documents.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `$defs` names the generated schemas use for the command's document and the error document.
const RESERVED: [&str; 2] = ["output", "error"];

/// Help text and man pages wrap at this width (clap's `max_term_width`).
const WIDTH: usize = 100;

/// Where a shape sits, which decides the keys it needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A whole document, an array element or a named shape.
    Value,
    /// A member of an object (`name` and `help`).
    Field,
    /// An entry of `one_of` (`when`).
    Variant,
}

/// Invariants of `json_shapes`, `json_error` and every command's `json_output`.
pub fn validate(spec: &Spec, errors: &mut Vec<String>) {
    for (name, shape) in &spec.json_shapes {
        if RESERVED.contains(&name.as_str()) || BUILTIN_TYPES.contains(&name.as_str()) {
            errors.push(format!(
                "json_shapes.{name}: the name is reserved (a built-in type, `output` or `error`)"
            ));
        }
        check(
            spec,
            &format!("json_shapes.{name}"),
            shape,
            Role::Value,
            errors,
        );
    }
    match &spec.json_error {
        Some(shape) if shape.ty.as_deref() == Some("object") => {
            check(spec, "json_error", shape, Role::Value, errors);
        }
        Some(_) => errors.push("json_error: must be an `object`".to_owned()),
        None => {}
    }
}

/// A leaf's `json` / `json_output` pair.
pub fn validate_command(
    spec: &Spec,
    at: &str,
    json: bool,
    output: Option<&JsonShape>,
    errors: &mut Vec<String>,
) {
    match (json, output) {
        (true, None) => errors.push(format!(
            "{at}: a command with `json` declares its document in `json_output`"
        )),
        (false, Some(_)) => errors.push(format!("{at}: `json_output` needs `json`")),
        (true, Some(shape)) => {
            if spec.json_error.is_none() {
                errors.push(format!(
                    "{at}: commands with `json` need the top-level `json_error`"
                ));
            }
            check(
                spec,
                &format!("{at}: json_output"),
                shape,
                Role::Value,
                errors,
            );
        }
        (false, None) => {}
    }
}

fn check(spec: &Spec, at: &str, shape: &JsonShape, role: Role, errors: &mut Vec<String>) {
    let mut fail = |why: &str| errors.push(format!("{at}: {why}"));
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    match role {
        Role::Field if blank(&shape.name) || blank(&shape.help) => {
            fail("a field needs `name` and `help`");
        }
        Role::Variant if blank(&shape.when) => fail("a `one_of` entry needs `when`"),
        _ => {}
    }
    if role != Role::Field && (shape.name.is_some() || shape.optional) {
        fail("`name` and `optional` belong to fields of an object");
    }
    if role != Role::Variant && shape.when.is_some() {
        fail("`when` belongs to `one_of` entries");
    }
    let ty = shape.ty.as_deref();
    if !shape.one_of.is_empty() {
        if ty.is_some() {
            fail("a value with `one_of` has no `type`");
        }
    } else {
        match ty {
            None => fail("`type` is missing"),
            Some(t) if !BUILTIN_TYPES.contains(&t) && !spec.json_shapes.contains_key(t) => {
                fail(&format!(
                    "unknown type '{t}' (not built in, not in json_shapes)"
                ));
            }
            _ => {}
        }
    }
    let object = ty == Some("object");
    if !object && (!shape.fields.is_empty() || shape.open || shape.values.is_some()) {
        fail("`fields`, `open` and `values` belong to an `object`");
    }
    if shape.values.is_some() && (!shape.fields.is_empty() || shape.open) {
        fail("an object with `values` is a map: no `fields`, not `open`");
    }
    if (ty == Some("array")) != shape.items.is_some() {
        fail("an `array` needs `items` (and only an array has them)");
    }
    if !shape.allowed.is_empty() && ty != Some("string") {
        fail("`enum` belongs to a `string`");
    }
    let mut names = BTreeSet::new();
    for field in &shape.fields {
        let name = field.name.as_deref().unwrap_or("?");
        if !names.insert(name) {
            errors.push(format!("{at}: field '{name}' is declared twice"));
        }
        check(spec, &format!("{at}.{name}"), field, Role::Field, errors);
    }
    for (sub, inner) in [("items", &shape.items), ("values", &shape.values)] {
        if let Some(inner) = inner {
            check(spec, &format!("{at}.{sub}"), inner, Role::Value, errors);
        }
    }
    for (i, variant) in shape.one_of.iter().enumerate() {
        check(
            spec,
            &format!("{at}.one_of[{i}]"),
            variant,
            Role::Variant,
            errors,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

/// The JSON Schema document of a leaf's `--json` output (its document, or the error document
/// on failure); `None` for a command without `--json`.
pub fn command_schema(spec: &Spec, leaf: &Leaf<'_>) -> Option<Value> {
    let output = leaf.spec.json_output.as_ref()?;
    let mut used = BTreeSet::new();
    uses(spec, output, &mut used);
    if let Some(error) = &spec.json_error {
        uses(spec, error, &mut used);
    }
    let mut defs = Map::new();
    defs.insert("output".into(), schema_of(output));
    defs.insert("error".into(), error_document(spec));
    for name in used {
        defs.insert(name.to_owned(), schema_of(&spec.json_shapes[name]));
    }
    Some(json!({
        "$schema": DIALECT,
        "title": format!("{} {} --json", spec.name, leaf.path_str()),
        "description": format!(
            "What `{} {} --json` prints on stdout: its document, or on failure the error document (one member, `error`). Generated from commands.yaml.",
            spec.name, leaf.path_str()
        ),
        "if": {"type": "object", "required": ["error"], "maxProperties": 1},
        "then": {"$ref": "#/$defs/error"},
        "else": {"$ref": "#/$defs/output"},
        "$defs": defs,
    }))
}

/// `{"error": {...}}` around the declared error object.
fn error_document(spec: &Spec) -> Value {
    let inner = spec.json_error.as_ref().map_or(json!({}), schema_of);
    json!({
        "type": "object",
        "description": "A failure: what --json prints instead of the document.",
        "required": ["error"],
        "additionalProperties": false,
        "properties": {"error": inner},
    })
}

/// The `json_shapes` names `shape` uses, transitively.
fn uses<'a>(spec: &'a Spec, shape: &'a JsonShape, out: &mut BTreeSet<&'a str>) {
    if let Some((name, named)) = shape
        .ty
        .as_deref()
        .and_then(|t| spec.json_shapes.get_key_value(t))
    {
        if out.insert(name.as_str()) {
            uses(spec, named, out);
        }
    }
    for inner in children(shape) {
        uses(spec, inner, out);
    }
}

fn children(shape: &JsonShape) -> impl Iterator<Item = &JsonShape> {
    shape
        .fields
        .iter()
        .chain(shape.items.as_deref())
        .chain(shape.values.as_deref())
        .chain(&shape.one_of)
}

/// The schema of one shape (named shapes become `$ref`s into `$defs`).
pub fn schema_of(shape: &JsonShape) -> Value {
    let mut s = Map::new();
    let ty = shape.ty.as_deref();
    match ty {
        None => {
            let variants: Vec<Value> = shape.one_of.iter().map(schema_of).collect();
            s.insert("anyOf".into(), Value::Array(variants));
        }
        Some("any") => {}
        Some(t) if BUILTIN_TYPES.contains(&t) => {
            s.insert("type".into(), json!(t));
        }
        Some(named) => {
            s.insert("$ref".into(), json!(format!("#/$defs/{named}")));
        }
    }
    if let Some(title) = &shape.when {
        s.insert("title".into(), json!(title));
    }
    if let Some(help) = &shape.help {
        s.insert("description".into(), json!(help));
    }
    if !shape.allowed.is_empty() {
        s.insert("enum".into(), json!(shape.allowed));
    }
    if ty == Some("object") {
        if let Some(values) = &shape.values {
            s.insert("additionalProperties".into(), schema_of(values));
        } else {
            let properties: Map<String, Value> = shape
                .fields
                .iter()
                .map(|f| (f.name.clone().unwrap_or_default(), schema_of(f)))
                .collect();
            s.insert("properties".into(), Value::Object(properties));
            s.insert("required".into(), json!(required(shape)));
            if !shape.open {
                s.insert("additionalProperties".into(), json!(false));
            }
        }
    }
    if let Some(items) = &shape.items {
        s.insert("items".into(), schema_of(items));
    }
    if shape.nullable {
        nullable(&mut s, ty);
    }
    Value::Object(s)
}

/// The names of an object's members that are always present.
fn required(shape: &JsonShape) -> Vec<&str> {
    shape
        .fields
        .iter()
        .filter(|f| !f.optional)
        .filter_map(|f| f.name.as_deref())
        .collect()
}

/// Let `s` also accept `null`.
fn nullable(s: &mut Map<String, Value>, ty: Option<&str>) {
    match ty {
        Some("any") => {}
        Some(t) if BUILTIN_TYPES.contains(&t) => {
            s.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = s.get_mut("enum") {
                values.push(Value::Null);
            }
        }
        // A `$ref` or `anyOf`: wrapped, the description stays outside.
        _ => {
            let description = s.remove("description");
            let title = s.remove("title");
            let inner = std::mem::take(s);
            s.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
            if let Some(d) = description {
                s.insert("description".into(), d);
            }
            if let Some(t) = title {
                s.insert("title".into(), t);
            }
        }
    }
}

/// Every leaf's schema: `(file name, pretty JSON text)`, e.g. `sync-pull.schema.json`.
pub fn schema_files(spec: &Spec) -> Vec<(String, String)> {
    spec.leaves()
        .iter()
        .filter_map(|leaf| {
            let schema = command_schema(spec, leaf)?;
            let text = serde_json::to_string_pretty(&schema).ok()? + "\n";
            Some((format!("{}.schema.json", leaf.path.join("-")), text))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Help and man pages

/// One list of fields: the whole document's, a variant's or an array element's.
pub struct FieldList<'a> {
    /// `None` for the document itself; else e.g. `local providers` or `each element`.
    pub label: Option<String>,
    /// The fields, in declaration order.
    pub fields: Vec<&'a JsonShape>,
    /// The description of the object that has them.
    pub help: Option<&'a str>,
}

/// A named shape resolved to its declaration.
fn resolve<'a>(spec: &'a Spec, shape: &'a JsonShape) -> &'a JsonShape {
    match shape.ty.as_deref().and_then(|t| spec.json_shapes.get(t)) {
        Some(named) => resolve(spec, named),
        None => shape,
    }
}

/// The top-level field lists of a document: one per variant, the element's of an array.
pub fn field_lists<'a>(spec: &'a Spec, output: &'a JsonShape) -> Vec<FieldList<'a>> {
    let shape = resolve(spec, output);
    if !shape.one_of.is_empty() {
        return shape
            .one_of
            .iter()
            .flat_map(|v| {
                field_lists(spec, v).into_iter().map(|list| FieldList {
                    label: Some(match list.label {
                        Some(inner) => format!("{}, {inner}", v.when.as_deref().unwrap_or("")),
                        None => v.when.clone().unwrap_or_default(),
                    }),
                    fields: list.fields,
                    help: list.help,
                })
            })
            .collect();
    }
    if let Some(items) = &shape.items {
        return field_lists(spec, items)
            .into_iter()
            .map(|list| FieldList {
                label: Some(list.label.unwrap_or_else(|| "each element".to_owned())),
                fields: list.fields,
                help: list.help,
            })
            .collect();
    }
    vec![FieldList {
        label: None,
        fields: shape.fields.iter().collect(),
        help: shape.help.as_deref(),
    }]
}

/// Every top-level field name of a document (all variants), sorted as `--json` prints keys.
pub fn field_names<'a>(spec: &'a Spec, output: &'a JsonShape) -> Vec<&'a str> {
    let names: BTreeSet<&str> = field_lists(spec, output)
        .iter()
        .flat_map(|l| l.fields.iter().filter_map(|f| f.name.as_deref()))
        .collect();
    names.into_iter().collect()
}

/// The member names of a field that holds an object (or an array of objects) with declared
/// fields, e.g. `type, installation_id, ...` of an `identity_path`.
pub fn members<'a>(spec: &'a Spec, field: &'a JsonShape) -> Option<Vec<&'a str>> {
    let mut shape = resolve(spec, field);
    if let Some(items) = &shape.items {
        shape = resolve(spec, items);
    }
    let names: Vec<&str> = shape
        .fields
        .iter()
        .filter_map(|f| f.name.as_deref())
        .collect();
    (!names.is_empty()).then_some(names)
}

/// A field's description with whether it may be absent or null.
pub fn describe(field: &JsonShape) -> String {
    let help = field
        .help
        .as_deref()
        .unwrap_or_default()
        .trim_end_matches('.');
    let mark = match (field.optional, field.nullable) {
        (true, true) => " (may be absent or null)",
        (true, false) => " (may be absent)",
        (false, true) => " (may be null)",
        (false, false) => "",
    };
    format!("{help}{mark}")
}

/// The error document in one line: `On failure: {"error": {code, message, exit_code, ...}}`.
pub fn failure_line(spec: &Spec) -> Option<String> {
    let error = spec.json_error.as_ref()?;
    let more = error.open || error.fields.iter().any(|f| f.optional);
    Some(format!(
        "On failure: {{\"error\": {{{}{}}}}}",
        required(error).join(", "),
        if more { ", ..." } else { "" }
    ))
}

/// Short help (`-h`): the field names, as gh lists them.
pub fn short_help(spec: &Spec, output: &JsonShape) -> String {
    let mut out = String::from("JSON fields:\n");
    out.push_str(&wrap(&field_names(spec, output).join(", "), 2, 2));
    out
}

/// Long help (`--help`): each field with its description, per variant.
pub fn long_help(spec: &Spec, output: &JsonShape) -> String {
    let mut blocks = Vec::new();
    for list in field_lists(spec, output) {
        let mut block = match &list.label {
            Some(label) => format!("JSON fields ({label}):\n"),
            None => "JSON fields:\n".to_owned(),
        };
        let width = list
            .fields
            .iter()
            .filter_map(|f| f.name.as_deref())
            .map(str::len)
            .max()
            .unwrap_or(0);
        if list.fields.is_empty() {
            let why = list.help.unwrap_or("the document has no fields");
            block.push_str(&wrap(&format!("none: {why}"), 2, 4));
        }
        for field in &list.fields {
            let name = field.name.as_deref().unwrap_or_default();
            let text = format!("{name:<width$}  {}", describe(field));
            block.push_str(&wrap(&text, 2, 2 + width + 2));
        }
        blocks.push(block);
    }
    let mut out = blocks.join("\n");
    if let Some(line) = failure_line(spec) {
        out.push('\n');
        out.push_str(&wrap(&line, 0, 2));
    }
    out
}

/// `text` broken at spaces to `WIDTH` columns: the first line indented by `first`, the others
/// by `rest`; ends with a newline.
pub fn wrap(text: &str, first: usize, rest: usize) -> String {
    let mut out = String::new();
    let mut line = " ".repeat(first);
    let mut empty = true;
    for (i, word) in text.split(' ').enumerate() {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(rest);
            empty = true;
        }
        if !empty || (i > 0 && word.is_empty()) {
            line.push(' ');
        }
        line.push_str(word);
        empty = word.is_empty() && empty;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_alignment_spaces_and_breaks_at_the_width() {
        assert_eq!(wrap("ab    cd", 2, 6), "  ab    cd\n");
        let long = ["word"; 30].join(" ");
        let text = wrap(&long, 2, 4);
        assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
        assert!(text
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("    word")));
    }
}
