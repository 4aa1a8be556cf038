//! The formatter against two independent oracles, Python's `json` and serde_json, over
//! generated documents (proptest, a fixed seed so CI is repeatable; `FUZZ_CASES=N` and
//! `FUZZ_SEED=N` explore further). Needs `python3` on PATH.

use jsonfmt::write_sorted;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let env = |k: &str| std::env::var(k).ok().and_then(|n| n.parse::<u64>().ok());
    ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(env("FUZZ_SEED").unwrap_or(0x5eed_2026)),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A generated JSON document: objects keep the order (and repeats) they are written in.
#[derive(Debug, Clone)]
enum Doc {
    Null,
    Bool(bool),
    Int(i64),
    /// Eighths: printed identically by Python's `repr` and serde_json.
    Eighths(i32),
    Str(String),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

fn doc() -> impl Strategy<Value = Doc> {
    let text = prop_oneof![
        "[a-z_]{0,6}",
        "\\PC{0,8}",
        "[\"\\\\/\u{0}-\u{1f}\u{7f}é€😀a-c]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        any::<i64>().prop_map(Doc::Int),
        (-4000i32..4000).prop_map(Doc::Eighths),
        text.clone().prop_map(Doc::Str),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
            prop::collection::vec((text.clone(), inner), 0..6).prop_map(Doc::Object),
        ]
    })
}

/// `doc` as JSON in the order generated, strings escaped the way serde_json and Python both
/// write them, with whitespace from `ws` between tokens.
fn render(doc: &Doc, ws: &mut impl Iterator<Item = &'static str>, out: &mut String) {
    fn gap(ws: &mut impl Iterator<Item = &'static str>, out: &mut String) {
        out.push_str(ws.next().unwrap_or(""));
    }
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(&b.to_string()),
        Doc::Int(n) => out.push_str(&n.to_string()),
        Doc::Eighths(n) => out.push_str(&format!("{:?}", f64::from(*n) / 8.0)),
        Doc::Str(s) => out.push_str(&serde_json::to_string(s).expect("string")),
        Doc::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                gap(ws, out);
                if i > 0 {
                    out.push(',');
                    gap(ws, out);
                }
                render(item, ws, out);
            }
            gap(ws, out);
            out.push(']');
        }
        Doc::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                gap(ws, out);
                if i > 0 {
                    out.push(',');
                    gap(ws, out);
                }
                out.push_str(&serde_json::to_string(k).expect("key"));
                gap(ws, out);
                out.push(':');
                gap(ws, out);
                render(v, ws, out);
            }
            gap(ws, out);
            out.push('}');
        }
    }
}

/// Oracles: Python's `json` (an independent implementation) and serde_json. For generated
/// documents in server order, with repeated keys, escapes, non-ASCII and random whitespace,
/// the formatter must print exactly `json.dumps(json.loads(doc), sort_keys=True,
/// indent=2, ensure_ascii=False)` and serde_json's sorted pretty printing of the same value.
#[test]
fn the_formatter_matches_python_and_serde_json_byte_for_byte() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let mut runner = TestRunner::new(config());
    let spaces = ["", " ", "\n", "\t", "\r\n  ", ""];
    let mut docs = Vec::new();
    for n in 0..cases {
        let tree = doc().new_tree(&mut runner).expect("value");
        let mut ws = spaces.iter().copied().cycle().skip(n % spaces.len());
        let mut text = String::new();
        render(&tree.current(), &mut ws, &mut text);
        docs.push(text);
    }
    let script = "import json, sys\nfor d in json.load(sys.stdin):\n    sys.stdout.write(json.dumps(json.loads(d), sort_keys=True, indent=2, ensure_ascii=False) + '\\n\\0')\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let input = serde_json::to_vec(&docs).expect("docs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let out = child.wait_with_output().expect("python output");
    writer.join().expect("writer").expect("write");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
    assert_eq!(python.len(), docs.len() + 1);
    for (doc, want) in docs.iter().zip(python) {
        let mut ours = Vec::new();
        write_sorted(doc.as_bytes(), &mut ours).expect("valid document");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(want),
            "python differs for {doc:?}"
        );
        let value: serde_json::Value = serde_json::from_str(doc).expect("serde parses it");
        let serde = serde_json::to_string_pretty(&value).expect("pretty") + "\n";
        assert_eq!(
            String::from_utf8_lossy(&ours),
            serde,
            "serde_json differs for {doc:?}"
        );
    }
}
