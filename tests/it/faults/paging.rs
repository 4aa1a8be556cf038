//! Hostile pull bodies and pagers (issue 11, items 3, 7 and 14): cursors that go round in a
//! circle, a pager that never ends, a spool that would fill the temp dir, invalid UTF-8 deep in
//! a body, server values that try to take the place of the merged items, and counts that
//! overflow. Oracle: the contract (SPEC §5: `next_cursor` moves forward, the envelope fields),
//! RFC 8259/3629 (a body that is not UTF-8 is not JSON) and serde_json reading our stdout.

use crate::common::{code, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Requests after which the test servers stop paging (so an endless pager ends in the test).
const GIVE_UP: usize = 40;

fn sandbox(url: &str) -> Sandbox {
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", url)
        .env("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS", "5000");
    sb.write_credentials(&session_toml(url, "acc-1", "ref-1", false));
    sb
}

fn page(items: Value, next: Option<&str>) -> Value {
    let n = items.as_array().map_or(0, Vec::len);
    json!({
        "status": "ok",
        "summary": {"total": n, "succeeded": n, "failed": 0, "skipped": 0},
        "items": items,
        "item_errors": [],
        "has_more": next.is_some(),
        "next_cursor": next,
    })
}

/// A pull server whose answer depends on the request's cursor and how many came before.
async fn pager(answer: fn(Option<&str>, usize) -> Value) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/pull/"))
        .respond_with(move |req: &Request| {
            let n = seen.fetch_add(1, Ordering::SeqCst) + 1;
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let body = if n >= GIVE_UP {
                page(json!([]), None)
            } else {
                answer(body["cursor"].as_str(), n)
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    (server, count)
}

fn json_error(out: &std::process::Output) -> Value {
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error document");
    assert!(v["error"].is_object(), "{v}");
    v
}

#[tokio::test]
async fn a_cursor_seen_before_ends_the_pull_with_an_error() {
    // a, b, a, b, ... (the red team's endless loop).
    let (server, count) = pager(|cursor, _| match cursor {
        None | Some("b") => page(json!([{"id": 1}]), Some("a")),
        _ => page(json!([{"id": 2}]), Some("b")),
    })
    .await;
    let sb = sandbox(&server.uri());
    let out = sb.run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("page 3 returned next_cursor \"a\", a cursor already followed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_error(&out)["error"]["code"], "unexpected_response");
    assert_eq!(count.load(Ordering::SeqCst), 3, "stops at the first repeat");
}

#[tokio::test]
async fn pages_and_the_spool_are_capped() {
    // Fresh cursors for ever: c1, c2, ...
    let (server, count) = pager(|_, n| {
        let items: Vec<Value> = (0..20)
            .map(|i| json!({"id": n * 100 + i, "title": "x".repeat(100)}))
            .collect();
        page(json!(items), Some(&format!("c{n}")))
    })
    .await;
    let sb = sandbox(&server.uri()).env("SPEC_KITTY_TRACKER_MAX_PAGES", "5");
    let out = sb.run(&["sync", "pull", "--all"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: stopped after 5 pages: the server still reports more (has_more is true)\nhint: pull with a larger --limit, or set SPEC_KITTY_TRACKER_MAX_PAGES"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(count.swap(0, Ordering::SeqCst), 5);

    // 20 items of ~150 formatted bytes a page: the third page passes 6000 bytes.
    let sb = sandbox(&server.uri()).env("SPEC_KITTY_TRACKER_MAX_SPOOL_BYTES", "6000");
    let out = sb.run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("passed the 6000-byte limit for buffering them in a temp file (page 3)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_error(&out)["error"]["code"], "spool_full");
    // Fetching overlaps formatting by at most one page: page 4 may already be on its way while
    // page 3 is spooled, nothing after it is asked for.
    let asked = count.load(Ordering::SeqCst);
    assert!((3..=4).contains(&asked), "{asked} pages asked for");
}

/// A pull body with invalid UTF-8 inside an item (where nothing typed reads it).
fn bad_utf8_page(next: Option<&str>) -> Vec<u8> {
    let mut body =
        serde_json::to_vec(&page(json!([{"id": 1, "title": "MARK"}]), next)).expect("page");
    let at = body.windows(4).position(|w| w == b"MARK").expect("mark");
    body.splice(at..at + 4, b"ok \xff\xfe".iter().copied());
    body
}

#[tokio::test]
async fn invalid_utf8_in_a_pull_body_is_an_error_with_or_without_json() {
    for all in [false, true] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v1/tracker/pull/"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(bad_utf8_page(None), "application/json"),
            )
            .mount(&server)
            .await;
        let sb = sandbox(&server.uri());
        let mut args = vec!["sync", "pull"];
        if all {
            args.push("--all");
        }
        let human = sb.run(&args);
        assert_eq!(code(&human), 1, "{}", stderr(&human));
        assert!(!stdout(&human).contains("Pull ok"), "{}", stdout(&human));
        assert!(
            stderr(&human).starts_with("error: unexpected response from server (POST /api/v1/tracker/pull/): the body is not JSON (invalid UTF-8 in a string at byte"),
            "{}",
            stderr(&human)
        );
        args.push("--json");
        let out = sb.run(&args);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert_eq!(json_error(&out)["error"]["code"], "unexpected_response");
    }
    // The same handling for status and run: the whole body is checked, not only typed fields.
    for (verb, endpoint, body) in [
        ("GET", "/api/v1/tracker/status/", &b"{\"provider\": \"linear\", \"note\": \"\xff\"}"[..]),
        ("POST", "/api/v1/tracker/run/", b"{\"status\": \"ok\", \"summary\": {\"total\": 0, \"succeeded\": 0, \"failed\": 0, \"skipped\": 0}, \"note\": \"\xc3\"}"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method(verb))
            .and(path(endpoint))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"))
            .mount(&server)
            .await;
        let args: &[&str] = if endpoint.contains("status") { &["status", "--json"] } else { &["sync", "run", "--json"] };
        let out = sandbox(&server.uri()).run(args);
        assert_eq!(code(&out), 1, "{endpoint}: {}", stderr(&out));
        assert!(stderr(&out).contains("invalid UTF-8"), "{}", stderr(&out));
        assert_eq!(json_error(&out)["error"]["code"], "unexpected_response");
    }
}

#[tokio::test]
async fn no_server_value_takes_the_place_of_the_merged_items() {
    const MARKER: &str = "@@spec-kitty-tracker:items@@";
    let (server, _) = pager(|cursor, _| {
        let mut body = page(
            json!([{"id": if cursor.is_none() { 1 } else { 2 }, "title": MARKER}]),
            cursor.is_none().then_some("next"),
        );
        body["item_errors"] = json!([{"code": "x", "message": MARKER, "items": MARKER}]);
        body["items_note"] = json!({"items": MARKER});
        body
    })
    .await;
    let out = sandbox(&server.uri()).run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(
        v["items"],
        json!([{"id": 1, "title": MARKER}, {"id": 2, "title": MARKER}])
    );
    assert_eq!(v["item_errors"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["item_errors"][0]["items"], MARKER);
    assert_eq!(v["pages"], 2);
}

#[tokio::test]
async fn summary_counts_that_overflow_across_pages_saturate() {
    let (server, _) = pager(|cursor, _| {
        let mut body = page(json!([]), cursor.is_none().then_some("next"));
        body["summary"]["total"] = json!(if cursor.is_none() { u64::MAX } else { 2 });
        body
    })
    .await;
    let out = sandbox(&server.uri()).run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["summary"]["total"], json!(u64::MAX), "not wrapped to 1");
    let human = sandbox(&server.uri()).run(&["sync", "pull", "--all"]);
    assert_eq!(code(&human), 0, "{}", stderr(&human));
    assert!(
        stdout(&human).contains(&format!("- total: {}\n", u64::MAX)),
        "{}",
        stdout(&human)
    );
}

/// RFC 8259 §4: names in an object SHOULD be unique, and parsers differ on which repeat they
/// keep. The streamed `--all` pull has already passed on the first `items` when a second one
/// arrives, so it refuses the page rather than guess, as the one-page pull's typed reading
/// (serde's derive) refuses every repeated field.
#[tokio::test]
async fn a_page_with_two_items_members_is_refused() {
    let body = br#"{"status": "ok", "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}, "items": [{"id": 1}], "has_more": false, "items": [{"id": 2}]}"#;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/pull/"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"))
        .mount(&server)
        .await;
    let sb = sandbox(&server.uri());
    let out = sb.run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`items` appears twice in the body (at byte 126)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_error(&out)["error"]["code"], "unexpected_response");
    let one = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(code(&one), 1, "{}", stderr(&one));
    assert!(
        stderr(&one).contains("duplicate field `items`"),
        "{}",
        stderr(&one)
    );
}

/// A server answering every pull, push and run with `status` for the pages `bad_pages` (1-based;
/// the other pages say `ok`), two pages to a pull.
async fn status_server(status: &'static str, bad_pages: &'static [usize]) -> MockServer {
    let server = MockServer::start().await;
    let summary = json!({"total": 1, "succeeded": 1, "failed": 0, "skipped": 0});
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/pull/"))
        .respond_with(move |req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let n = if body["cursor"].is_string() { 2 } else { 1 };
            let mut answer = page(json!([{"id": n}]), (n == 1).then_some("p2"));
            if bad_pages.contains(&n) {
                answer["status"] = json!(status);
            }
            ResponseTemplate::new(200).set_body_json(answer)
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/push/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": status, "summary": summary, "items": [], "item_errors": []}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/run/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": status, "summary": summary,
            "pull": {"status": "ok", "summary": summary}, "push": {"status": "ok", "summary": summary}, "identity_path": null})))
        .mount(&server)
        .await;
    server
}

/// Red-team 2 item 2. Oracle: the contract's `SyncStatus` vocabulary (contract/tracker-api.yaml:
/// `ok | partial | error`) and SPEC §8 (a failure exits 1). A result status outside it fails
/// closed — sync pull (one page, `--all`, human and `--json`), push and run exit 1 and a warning
/// names the status — and the merged `--all` status never improves on a page's, whichever page
/// says it. (Was: exit 0, and `--all` printed "Pull ok" over a page's `failed`.)
#[tokio::test]
async fn result_statuses_the_contract_does_not_list_fail_closed() {
    let contract = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contract/tracker-api.yaml"
    ))
    .expect("contract");
    assert!(
        contract.contains("SyncStatus:\n      type: string\n      enum: [ok, partial, error]"),
        "the contract's status vocabulary changed: revisit this test"
    );
    let items = tempfile::NamedTempFile::new().expect("items");
    std::fs::write(items.path(), r#"[{"ref": "PROJ-1", "action": "update"}]"#).expect("write");
    let items = items.path().display().to_string();
    for status in ["failed", "cancelled", "ERROR", "OK", "completed"] {
        let warning = format!(
            "warning: the server answered status {status:?}, which the contract does not list (ok, partial, error): treated as a failure\n"
        );
        for bad_pages in [&[1usize][..], &[2], &[1, 2]] {
            let server = status_server(status, bad_pages).await;
            let sb = sandbox(&server.uri());
            let human = sb.run(&["sync", "pull", "--all"]);
            assert_eq!(
                code(&human),
                1,
                "{status} {bad_pages:?}: {}",
                stdout(&human)
            );
            assert!(
                stdout(&human).starts_with(&format!("Pull {status}\n")),
                "{status} {bad_pages:?}: {}",
                stdout(&human)
            );
            assert!(stderr(&human).contains(&warning), "{}", stderr(&human));
            let merged = sb.run(&["sync", "pull", "--all", "--json"]);
            assert_eq!(code(&merged), 1, "{status} {bad_pages:?}");
            let v: Value = serde_json::from_slice(&merged.stdout).expect("one JSON document");
            assert_eq!(v["status"], status, "{bad_pages:?}: never improved to ok");
            assert_eq!(v["pages"], 2);
            assert!(stderr(&merged).contains(&warning), "{}", stderr(&merged));
        }
        let server = status_server(status, &[1]).await;
        let sb = sandbox(&server.uri());
        for (args, shown) in [
            (vec!["sync", "pull"], format!("Pull {status}\n")),
            (
                vec!["sync", "push", "--items-json", &items],
                format!("Push {status}\n"),
            ),
            (vec!["sync", "run"], format!("Sync run {status}\n")),
        ] {
            let out = sb.run(&args);
            assert_eq!(code(&out), 1, "{status} {args:?}: {}", stderr(&out));
            assert!(
                stdout(&out).starts_with(&shown),
                "{args:?}: {}",
                stdout(&out)
            );
            assert!(
                stderr(&out).contains(&warning),
                "{args:?}: {}",
                stderr(&out)
            );
            let mut json_args = args.clone();
            json_args.push("--json");
            let out = sb.run(&json_args);
            assert_eq!(code(&out), 1, "{status} {json_args:?}: {}", stderr(&out));
            let v: Value = serde_json::from_slice(&out.stdout).expect("the envelope");
            assert_eq!(v["status"], status);
        }
    }
}

/// Red-team 2 item 5. Oracle: the contract (`PullResponse` lists `doctrine`; SPEC §5.1:
/// unknown members are kept in `--json`) and serde_json reading the one-page `--json` output of
/// the same first page: every member of it that `--all` does not merge itself (`doctrine`,
/// unknown keys, an escaped key) is in the merged document with the same value, wherever it
/// stands in the body (before, between or after the items); a later page's members do not
/// replace the first page's. (Was: all dropped.)
#[tokio::test]
async fn pull_all_json_keeps_the_first_page_s_other_members() {
    let contract = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contract/tracker-api.yaml"
    ))
    .expect("contract");
    assert!(contract.contains("        doctrine: { $ref: \"#/components/schemas/Doctrine\" }"));
    const SUMMARY: &str = r#""summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}"#;
    let first = format!(
        r#"{{"doctrine": {{"mode": "split", "field_owners": {{"title": "local"}}}}, "status": "ok", {SUMMARY},
            "a_before": [1, {{"x": null}}], "items": [{{"id": 1}}], "between": "\u00e9\n", "has_more": true,
            "k\u00e9y": 1.5e3, "next_cursor": "p2", "identity_path": null, "item_errors": [],
            "zz_after": {{"deep": [[[]]]}}, "repeated": 1, "repeated": 2}}"#
    );
    let second = format!(
        r#"{{"status": "ok", {SUMMARY}, "items": [{{"id": 2}}], "has_more": false, "next_cursor": null,
            "identity_path": null, "doctrine": {{"mode": "second page"}}, "page2_only": true}}"#
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tracker/pull/"))
        .respond_with(move |req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let page = if body["cursor"].is_string() {
                &second
            } else {
                &first
            };
            ResponseTemplate::new(200).set_body_raw(page.clone().into_bytes(), "application/json")
        })
        .mount(&server)
        .await;
    let sb = sandbox(&server.uri());
    let one = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    let one: Value = serde_json::from_slice(&one.stdout).expect("the one-page document");
    let all = sb.run(&["sync", "pull", "--all", "--json"]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    let all: Value = serde_json::from_slice(&all.stdout).expect("the merged document");
    let merged_here = [
        "has_more",
        "identity_path",
        "item_errors",
        "items",
        "next_cursor",
        "pages",
        "pending_binding_upgrade",
        "status",
        "summary",
    ];
    let one = one.as_object().expect("object");
    let carried: Vec<&String> = one
        .keys()
        .filter(|k| !merged_here.contains(&k.as_str()))
        .collect();
    assert_eq!(
        carried,
        ["a_before", "between", "doctrine", "k\u{e9}y", "repeated", "zz_after"],
        "the one-page document keeps them all"
    );
    for key in carried {
        assert_eq!(all[key], one[key], "{key}");
    }
    assert_eq!(all["doctrine"]["mode"], "split", "the first page's");
    assert!(
        all.get("page2_only").is_none(),
        "only the first page's members are carried"
    );
    assert_eq!(all["items"], json!([{"id": 1}, {"id": 2}]));
    assert_eq!(all["pages"], 2);
}
