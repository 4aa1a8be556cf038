//! `--json` outputs checked against their declaration: the JSON Schema compiled from
//! `commands.yaml` (`json_output`, `json_shapes`, `json_error`), the same documents build.rs
//! writes to docs/json/. [`super::Sandbox`] runs call [`check_output`], so every `--json`
//! document an integration test gets is validated without the test asking.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The command tree and one compiled validator per command with `--json`.
struct Declared {
    spec: command_spec::Spec,
    validators: BTreeMap<String, Schema>,
}

/// A command's validator, and one per variant of a `one_of` document (for messages that say
/// what each variant misses).
struct Schema {
    whole: jsonschema::Validator,
    variants: Vec<(String, jsonschema::Validator)>,
}

fn compile(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema {}: {e}", schema["title"]))
}

fn declared() -> &'static Declared {
    static DECLARED: OnceLock<Declared> = OnceLock::new();
    DECLARED.get_or_init(|| {
        let spec = command_spec::load(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/commands.yaml"
        )))
        .expect("commands.yaml");
        let validators = spec
            .leaves()
            .iter()
            .filter_map(|leaf| {
                let schema = command_spec::json_fields::command_schema(&spec, leaf)?;
                let variants = leaf
                    .spec
                    .json_output
                    .iter()
                    .flat_map(|o| o.one_of.iter().enumerate())
                    .map(|(i, variant)| {
                        let mut one = schema.clone();
                        let map = one.as_object_mut().expect("schema object");
                        for key in ["if", "then", "else"] {
                            map.remove(key);
                        }
                        map.insert("$ref".into(), format!("#/$defs/output/anyOf/{i}").into());
                        (variant.when.clone().unwrap_or_default(), compile(&one))
                    })
                    .collect();
                let whole = compile(&schema);
                Some((leaf.path_str(), Schema { whole, variants }))
            })
            .collect();
        Declared { spec, validators }
    })
}

/// The leaf command (`sync pull`) an argument list runs, when it has `--json`: as clap parses
/// it, else (a usage error) the longest leaf path whose words appear in a row.
pub fn command_of(args: &[&str]) -> Option<String> {
    let d = declared();
    let cli = command_spec::to_clap::build(&d.spec, "0.0.0");
    let argv = std::iter::once("spec-kitty-tracker").chain(args.iter().copied());
    let path = match cli.try_get_matches_from(argv) {
        Ok(m) => {
            let mut path = Vec::new();
            let mut at = &m;
            while let Some((name, sub)) = at.subcommand() {
                path.push(name.to_owned());
                at = sub;
            }
            path.join(" ")
        }
        Err(_) => d
            .spec
            .leaves()
            .iter()
            .filter(|l| args.windows(l.path.len()).any(|w| w == l.path.as_slice()))
            .max_by_key(|l| l.path.len())?
            .path_str(),
    };
    d.validators.contains_key(&path).then_some(path)
}

/// Why `doc` is not what `command` (`sync pull`) declares; empty when it is.
pub fn violations(command: &str, doc: &Value) -> Vec<String> {
    let Some(schema) = declared().validators.get(command) else {
        return vec![format!("`{command}` declares no --json output")];
    };
    let errors = |v: &jsonschema::Validator| -> Vec<String> {
        v.iter_errors(doc)
            .map(|e| format!("at '{}': {e}", e.instance_path()))
            .collect()
    };
    let whole = errors(&schema.whole);
    if whole.is_empty() || is_error_document(doc) || schema.variants.is_empty() {
        return whole;
    }
    schema
        .variants
        .iter()
        .flat_map(|(when, v)| {
            errors(v)
                .into_iter()
                .map(move |e| format!("as {when}: {e}"))
        })
        .collect()
}

/// Panic unless `doc` is what `command` declares.
pub fn assert_valid(command: &str, doc: &Value) {
    let errors = violations(command, doc);
    assert!(
        errors.is_empty(),
        "`{command} --json` printed a document its declaration in commands.yaml does not allow \
         (fix the output or json_output):\n  {}\n{}",
        errors.join("\n  "),
        serde_json::to_string_pretty(doc).unwrap_or_default()
    );
}

/// Whether `doc` is the error document (`{"error": {...}}`, nothing else).
pub fn is_error_document(doc: &Value) -> bool {
    doc.as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("error"))
}

/// Validate the stdout of a run with `args` when it is a `--json` document: with `--jq` only the
/// error document is (a filter prints what it likes). Output that is not one JSON document
/// (a stream cut off, nothing at all) is left to the test's own assertions.
pub fn check_output(args: &[&str], stdout: &[u8]) {
    if !args.contains(&"--json") {
        return;
    }
    let Ok(doc) = serde_json::from_slice::<Value>(stdout) else {
        return;
    };
    let filtered = args.iter().any(|a| *a == "--jq" || a.starts_with("--jq="));
    if filtered && !is_error_document(&doc) {
        return;
    }
    if let Some(command) = command_of(args) {
        assert_valid(&command, &doc);
    }
}
