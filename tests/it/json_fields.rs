//! Each command's `--json` document is declared once, in commands.yaml (`json_output`, with the
//! shared `json_shapes` and the error document `json_error`). These tests hold the outputs to it:
//! every `--json` golden under tests/cmd (error documents included) validates against its
//! command's JSON Schema, a changed field does not, and `--help` lists the declared fields.
//! (The integration tests validate every `--json` document they run through
//! `common::Sandbox`, see tests/it/common/json_fields.rs.)

use crate::common;

use crate::common::json_fields::{assert_valid, command_of, is_error_document, violations};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Values a golden's bare `[..]` wildcard is tried as.
const ANY_VALUE: [&str; 7] = ["0", "0.5", "\"x\"", "true", "null", "{}", "[]"];

/// Placeholder a bare `[..]` becomes before parsing.
const WILDCARD: &str = "<any value>";

fn goldens(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("tests/cmd").flatten() {
        let path = entry.path();
        if path.is_dir() {
            goldens(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// `args` and `stdout` of a trycmd case.
fn case(path: &Path) -> (Vec<String>, Option<String>) {
    let text = std::fs::read_to_string(path).expect("read case");
    let doc: toml_edit::DocumentMut = text.parse().expect("case is TOML");
    let args = doc
        .get("args")
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let stdout = doc
        .get("stdout")
        .and_then(|s| s.as_str())
        .map(str::to_owned);
    (args, stdout)
}

/// The text with every `[..]` that stands for a whole value (outside a string) replaced by a
/// placeholder string; `[..]` inside a string is text for trycmd and stays.
fn mark_wildcards(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("[..]") {
            out.push_str(&format!("\"{WILDCARD}\""));
            rest = &rest[4..];
            continue;
        }
        match c {
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// JSON pointers of the placeholders in `doc`.
fn wildcards(doc: &Value, at: String, out: &mut Vec<String>) {
    match doc {
        Value::String(s) if s == WILDCARD => out.push(at),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                wildcards(v, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                wildcards(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

/// Why the golden's document is not what `command` declares (empty: it is), its wildcards
/// standing for any value that fits.
fn golden_violations(command: &str, doc: &Value) -> Vec<String> {
    let mut holes = Vec::new();
    wildcards(doc, String::new(), &mut holes);
    let mut first = None;
    for combination in 0..ANY_VALUE.len().pow(holes.len() as u32) {
        let mut filled = doc.clone();
        let mut n = combination;
        for hole in &holes {
            let value = serde_json::from_str(ANY_VALUE[n % ANY_VALUE.len()]).expect("value");
            *filled.pointer_mut(hole).expect("hole") = value;
            n /= ANY_VALUE.len();
        }
        let errors = violations(command, &filled);
        if errors.is_empty() {
            return errors;
        }
        first.get_or_insert(errors);
    }
    first.unwrap_or_default()
}

#[test]
fn every_json_golden_matches_its_declaration() {
    let mut cases = Vec::new();
    goldens(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd"),
        &mut cases,
    );
    cases.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for path in &cases {
        let (args, stdout) = case(path);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if !args.contains(&"--json") {
            continue;
        }
        let stdout =
            stdout.unwrap_or_else(|| panic!("{}: --json case without stdout", path.display()));
        let parsed = serde_json::from_str::<Value>(&mark_wildcards(&stdout));
        if args.iter().any(|a| a.starts_with("--jq")) {
            // A filter's output is not the document; its failures print the error document.
            match parsed {
                Ok(ref doc) if is_error_document(doc) => {}
                _ => continue,
            }
        }
        let doc = parsed.unwrap_or_else(|e| {
            panic!(
                "{}: --json stdout is not one JSON document: {e}",
                path.display()
            )
        });
        let command = command_of(&args)
            .unwrap_or_else(|| panic!("{}: no command with --json in {args:?}", path.display()));
        let errors = golden_violations(&command, &doc);
        if !errors.is_empty() {
            failures.push(format!(
                "{} ({command}):\n    {}",
                path.display(),
                errors.join("\n    ")
            ));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "--json goldens that differ from their declaration in commands.yaml:\n  {}",
        failures.join("\n  ")
    );
    // 96 since the byte-identical copies were folded (tests/cmd/README.md).
    assert!(
        checked >= 90,
        "only {checked} --json goldens found under tests/cmd"
    );
}

#[test]
fn wildcards_stand_for_whole_values_only() {
    let text = mark_wildcards("{\"a\": [..], \"b\": \"ct-[..]\", \"c\": \"q\\\"[..]\"}");
    let doc: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(doc["a"], json!(WILDCARD));
    assert_eq!(doc["b"], json!("ct-[..]"));
    assert_eq!(doc["c"], json!("q\"[..]"));
}

#[test]
fn a_changed_field_fails_validation() {
    let providers = json!({"saas": ["github"], "local": ["beads"]});
    assert_valid("providers", &providers);

    // An unknown member of a closed document, a missing one, a wrong type.
    let mut extra = providers.clone();
    extra["remote"] = json!([]);
    let mut missing = providers.clone();
    missing.as_object_mut().expect("object").remove("local");
    let mut retyped = providers.clone();
    retyped["saas"] = json!("github");
    for (doc, why) in [(extra, "remote"), (missing, "local"), (retyped, "saas")] {
        let errors = violations("providers", &doc);
        assert!(errors.iter().any(|e| e.contains(why)), "{why}: {errors:?}");
    }

    // The error document: exit_code is required, other members are open.
    let error =
        json!({"error": {"code": "network", "message": "m", "exit_code": 5, "reason": "r"}});
    assert_valid("sync pull", &error);
    let mut no_exit = error.clone();
    no_exit["error"]
        .as_object_mut()
        .expect("object")
        .remove("exit_code");
    assert!(!violations("sync pull", &no_exit).is_empty());

    // A server document is open (kept as received), ours are closed.
    let server = json!({"status": "ok", "summary": {"total": 0, "succeeded": 0, "failed": 0, "skipped": 0}, "pending_binding_upgrade": null, "future_field": 1});
    assert_valid("sync pull", &server);
    // A nested change in one variant of a document is named with that variant.
    let mut local_pull = json!({"provider": "beads", "conflicts": [], "errors": [], "deleted_remotely": [],
        "stats": {"pulled_created": 1, "pulled_updated": 0, "pushed_created": 0, "pushed_updated": 0, "skipped": 0}});
    assert_valid("sync pull", &local_pull);
    local_pull["stats"]["pulled_deleted"] = json!(0);
    let errors = violations("sync pull", &local_pull);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("as local providers") && e.contains("pulled_deleted")),
        "{errors:?}"
    );

    let unbound = json!({"provider": "beads", "credentials_cleared": false});
    assert_valid("unbind", &unbound);
    let mut unbound_extra = unbound.clone();
    unbound_extra["cache_removed"] = json!(true);
    assert!(!violations("unbind", &unbound_extra).is_empty());
}

#[test]
fn short_help_lists_every_declared_field() {
    let spec = command_spec::load(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/commands.yaml"
    )))
    .expect("valid");
    for leaf in spec.leaves() {
        let Some(output) = &leaf.spec.json_output else {
            continue;
        };
        let mut args = leaf.path.clone();
        args.push("-h");
        let out = std::process::Command::new(common::bin())
            .args(&args)
            .env_clear()
            .output()
            .expect("run");
        let help = common::stdout(&out);
        let list = help
            .split_once("\nJSON fields:\n")
            .map(|(_, list)| list.split_whitespace().collect::<String>())
            .unwrap_or_else(|| panic!("{args:?}: no JSON fields in\n{help}"));
        let names = command_spec::json_fields::field_names(&spec, output).join(",");
        assert_eq!(list, names, "{args:?}");
    }
}

/// `auth whoami --json` has no golden: both of its documents are checked here (through
/// `Sandbox::run`, which validates every `--json` output).
#[test]
fn auth_whoami_documents_match_the_declaration() {
    let sb = common::Sandbox::saas();
    let out = sb.run(&["auth", "whoami", "--json"]);
    assert_eq!(common::code(&out), 4, "{}", common::stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("the error document");
    assert!(is_error_document(&doc), "{doc}");
    sb.write_credentials(&common::session_toml(
        "http://127.0.0.1:9",
        "acc-1",
        "ref-1",
        false,
    ));
    let out = sb.run(&["auth", "whoami", "--json"]);
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc, json!({"email": "alice"}));
    assert_valid("auth whoami", &doc);
}
