//! The `--json` formatter alone, in MB/s of received JSON: `cargo bench --bench jsonfmt`.
//! Input: the contract mock's 10 000-issue pull page (5.6 MB), as the mock sends it (keys
//! sorted, as serde_json writes them) and with every object's keys reversed (a server that
//! does not sort: every object is re-ordered). Output goes to `io::sink()`.

use contract_mock::{pull_page_body, Fields, Scenario};
use divan::counter::BytesCount;
use divan::Bencher;
use jsonfmt::{validate, write_sorted, Formatter};
use serde_json::Value;

fn main() {
    divan::main();
}

fn page() -> Vec<u8> {
    let fields = Fields {
        provider: "linear".into(),
        project_slug: "bench".into(),
        by_ref: false,
        has_slug: true,
        limit: 10_000,
        cursor: None,
        items: Vec::new(),
    };
    pull_page_body(&fields, 10_000, Scenario::Ok)
}

/// `value` compactly, every object's keys in reverse order.
fn reversed(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().rev().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).expect("key"));
                out.push(':');
                reversed(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                reversed(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn server_order() -> Vec<u8> {
    let value: Value = serde_json::from_slice(&page()).expect("mock page");
    let mut text = String::new();
    reversed(&value, &mut text);
    text.into_bytes()
}

#[divan::bench]
fn validate_only(bencher: Bencher) {
    let body = page();
    bencher
        .counter(BytesCount::of_slice(&body))
        .bench(|| validate(divan::black_box(&body)).expect("valid"));
}

/// The formatting pass alone over an already validated `body`.
fn bench_format(bencher: Bencher, body: Vec<u8>) {
    let outline = validate(&body).expect("valid");
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        let mut sink = std::io::sink();
        let mut f = Formatter::new(&mut sink);
        f.document(divan::black_box(&body), &outline)
            .expect("format");
        f.finish().expect("flush");
    });
}

#[divan::bench]
fn format_sorted_input(bencher: Bencher) {
    bench_format(bencher, page());
}

#[divan::bench]
fn format_server_order_input(bencher: Bencher) {
    bench_format(bencher, server_order());
}

#[divan::bench]
fn validate_and_format(bencher: Bencher) {
    let body = page();
    bencher
        .counter(BytesCount::of_slice(&body))
        .bench(|| write_sorted(divan::black_box(&body), &mut std::io::sink()).expect("format"));
}

#[divan::bench]
fn serde_json_skip_for_comparison(bencher: Bencher) {
    let body = page();
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        serde_json::from_slice::<serde::de::IgnoredAny>(divan::black_box(&body)).expect("json")
    });
}
