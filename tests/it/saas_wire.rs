//! Wire-level tests of the SaaS client against wiremock: exact method, path, headers and body,
//! the Idempotency-Key rules, the polling schedule, 401 refresh, 429 back-off and the
//! two-process refresh race.

use crate::common;

use crate::common::stubs::{any_path, get, post, reply, status, Registry};
use crate::common::{code, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::process::Output;
use wiremock::matchers::{body_json, header, query_param};
use wiremock::{Request, ResponseTemplate};

const ITEMS: &str = r#"[{"ref": {"system": "linear", "workspace": "w", "id": "1"}, "action": "update", "patch": {"title": "T"}}]"#;

fn pull_ok() -> Value {
    json!({"status": "ok", "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}, "items": [{"ref": {"id": "1"}}],
           "item_errors": [], "identity_path": {"type": "installation", "provider": "linear"}, "has_more": false, "next_cursor": null, "future_field": 7})
}

fn push_ok() -> Value {
    json!({"status": "ok", "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}, "items": [], "item_errors": []})
}

fn sandbox(server: &Registry, expired_access: bool) -> Sandbox {
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", &server.uri())
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    sb.write_credentials(&session_toml(
        &server.uri(),
        "acc-1",
        "ref-1",
        expired_access,
    ));
    sb
}

fn push(sb: &Sandbox) -> Output {
    sb.run_with_stdin(&["sync", "push", "--items-json", "-"], ITEMS)
}

fn header_of(req: &Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn pull_sends_exactly_the_contract_request() {
    let server = Registry::start().await;
    let request = post("/api/v1/tracker/pull/")
        .and(header("authorization", "Bearer acc-1"))
        .and(header("x-team-slug", "acme"))
        .and(header("accept", "application/json"))
        .and(body_json(
            json!({"provider": "linear", "project_slug": "demo-project", "limit": 7}),
        ));
    server
        .register(request, reply(200, pull_ok()))
        .times(1)
        .await;
    let sb = sandbox(&server, false);
    let out = sb.run(&["sync", "pull", "--limit", "7", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["future_field"], 7, "unknown fields are kept");
    let reqs = server.requests_to("/api/v1/tracker/pull/").await;
    assert_eq!(header_of(&reqs[0], "idempotency-key"), None);
    let ua = header_of(&reqs[0], "user-agent").unwrap_or_default();
    assert!(ua.starts_with("spec-kitty-tracker/"), "{ua}");
}

#[tokio::test]
async fn status_and_mappings_are_gets_with_query() {
    let server = Registry::start().await;
    for p in ["/api/v1/tracker/status/", "/api/v1/tracker/mappings/"] {
        let request = get(p)
            .and(query_param("provider", "linear"))
            .and(query_param("project_slug", "demo-project"))
            .and(header("x-team-slug", "acme"));
        let body = json!({"sync_state": "idle", "mappings": []});
        server.register(request, reply(200, body)).times(1).await;
    }
    let sb = sandbox(&server, false);
    assert_eq!(code(&sb.run(&["status"])), 0);
    let out = sb.run(&["map", "list"]);
    assert_eq!(stdout(&out), "No mappings found\n");
}

#[tokio::test]
async fn idempotency_key_is_reused_across_401_and_429_retries() {
    let server = Registry::start().await;
    let push_path = "/api/v1/tracker/push/";
    let expired = json!({"code": "token_expired", "message": "expired"});
    let refreshed = json!({"access": "acc-2", "refresh": "ref-2", "access_lifetime": 900});
    let slow_down =
        json!({"code": "rate_limited", "message": "slow down", "retry_after_seconds": 2});
    let with_token = |token: &str| post(push_path).and(header("authorization", token));
    let refresh = post("/api/v1/token/refresh/").and(body_json(json!({"refresh": "ref-1"})));
    server
        .register(with_token("Bearer acc-1"), reply(401, expired))
        .await;
    server
        .register(refresh, reply(200, refreshed))
        .times(1)
        .await;
    server
        .register(with_token("Bearer acc-2"), reply(429, slow_down))
        .up_to(2)
        .await;
    server
        .register(with_token("Bearer acc-2"), reply(200, push_ok()))
        .await;
    let sb = sandbox(&server, false);
    let out = push(&sb);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let reqs = server.requests_to(push_path).await;
    assert_eq!(reqs.len(), 4, "401, then 429 twice, then 200");
    let keys: Vec<String> = reqs
        .iter()
        .map(|r| header_of(r, "idempotency-key").expect("key on push"))
        .collect();
    assert!(
        uuid::Uuid::parse_str(&keys[0]).is_ok_and(|u| u.get_version_num() == 4),
        "{keys:?}"
    );
    assert!(
        keys.iter().all(|k| k == &keys[0]),
        "same key on every retry: {keys:?}"
    );
    let body: Value = serde_json::from_slice(&reqs[0].body).expect("body");
    assert_eq!(
        body,
        json!({"provider": "linear", "project_slug": "demo-project", "items": serde_json::from_str::<Value>(ITEMS).expect("items")})
    );
    let creds = sb.read_credentials();
    assert!(
        creds.contains("access = \"acc-2\"") && creds.contains("refresh = \"ref-2\""),
        "{creds}"
    );
    let again = push(&sb);
    let reqs = server.requests_to(push_path).await;
    assert_eq!(code(&again), 0);
    assert_ne!(
        header_of(&reqs[4], "idempotency-key"),
        Some(keys[0].clone()),
        "a new logical push gets a new key"
    );
}

#[tokio::test]
async fn rate_limit_storm_stops_after_three_retries() {
    let server = Registry::start().await;
    let busy = status(429)
        .insert_header("retry-after", "1")
        .set_body_string("busy");
    server
        .register(post("/api/v1/tracker/run/"), busy)
        .times(4)
        .await;
    let sb = sandbox(&server, false);
    let out = sb.run(&["sync", "run"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stderr(&out),
        "error: Rate limited by SaaS API.\nhint: the Spec Kitty SaaS still refused after 3 retries; wait a minute, then run the command again\n"
    );
    let keys: Vec<Option<String>> = server
        .requests_to("/api/v1/tracker/run/")
        .await
        .iter()
        .map(|r| header_of(r, "idempotency-key"))
        .collect();
    assert!(
        keys.iter().all(|k| k.is_some() && *k == keys[0]),
        "{keys:?}"
    );
    let body: Value =
        serde_json::from_slice(&server.requests_to("/api/v1/tracker/run/").await[0].body)
            .expect("json");
    assert_eq!(
        body,
        json!({"provider": "linear", "project_slug": "demo-project", "pull_first": true, "limit": 100})
    );
}

#[tokio::test]
async fn second_401_is_session_expired_after_exactly_one_refresh() {
    let server = Registry::start().await;
    let refreshed = json!({"access": "acc-2", "refresh": "ref-2"});
    server
        .register(post("/api/v1/tracker/pull/"), status(401))
        .times(2)
        .await;
    server
        .register(post("/api/v1/token/refresh/"), reply(200, refreshed))
        .times(1)
        .await;
    let sb = sandbox(&server, false);
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 4);
    assert_eq!(
        stderr(&out),
        "error: Session expired. Run `spec-kitty auth login` to re-authenticate.\nhint: run `spec-kitty-tracker auth login` (one login serves spec-kitty and spec-kitty-tracker)\n"
    );
}

#[tokio::test]
async fn refresh_rejected_keeps_the_credentials_and_says_session_expired() {
    let server = Registry::start().await;
    server
        .register(post("/api/v1/token/refresh/"), status(401))
        .times(1)
        .await;
    server
        .register(post("/api/v1/tracker/pull/"), reply(200, pull_ok()))
        .never()
        .await;
    let sb = sandbox(&server, true);
    let before = sb.read_credentials();
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(
        (code(&out), stderr(&out).as_str()),
        (
            4,
            "error: Session expired. Run `spec-kitty auth login` to re-authenticate.\nhint: run `spec-kitty-tracker auth login` (one login serves spec-kitty and spec-kitty-tracker)\n"
        )
    );
    assert_eq!(sb.read_credentials(), before);
}

#[tokio::test]
async fn expired_access_is_refreshed_before_the_call() {
    let server = Registry::start().await;
    let refreshed = json!({"access": "acc-2", "expires_in": "600"});
    let pull = post("/api/v1/tracker/pull/").and(header("authorization", "Bearer acc-2"));
    server
        .register(post("/api/v1/token/refresh/"), reply(200, refreshed))
        .times(1)
        .await;
    server.register(pull, reply(200, pull_ok())).times(1).await;
    let sb = sandbox(&server, true);
    let foreign = "[tracker.providers.beads]\ncommand = \"bd\"  # mine\n";
    sb.write_credentials(&format!("{}{foreign}", sb.read_credentials()));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let creds = sb.read_credentials();
    assert!(
        creds.contains("refresh = \"ref-1\""),
        "a refresh without a new refresh token keeps the old one:\n{creds}"
    );
    assert!(
        creds.ends_with(foreign),
        "a refresh keeps foreign tables byte for byte:\n{creds}"
    );
}

#[tokio::test]
async fn accepted_push_is_polled_in_order_until_completed() {
    let server = Registry::start().await;
    let accepted = json!({"operation_id": "op-7", "status": "pending"});
    let running = json!({"operation_id": "op-7", "status": "running"});
    let completed = json!({"operation_id": "op-7", "status": "completed", "result": push_ok()});
    let op = "/api/v1/tracker/operations/op-7/";
    server
        .register(post("/api/v1/tracker/push/"), reply(202, accepted))
        .times(1)
        .await;
    server.register(get(op), reply(200, running)).up_to(3).await;
    server.register(get(op), reply(200, completed)).await;
    let sb = sandbox(&server, false);
    let out = push(&sb);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Push ok\n"), "{}", stdout(&out));
    let all = server.received().await;
    let order: Vec<String> = all
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        order,
        vec![
            "POST /api/v1/tracker/push/".to_owned(),
            format!("GET {op}"),
            format!("GET {op}"),
            format!("GET {op}"),
            format!("GET {op}"),
        ]
    );
    assert!(
        all[1..]
            .iter()
            .all(|r| header_of(r, "idempotency-key").is_none()),
        "polls carry no Idempotency-Key"
    );
}

#[tokio::test]
async fn a_never_finishing_operation_times_out_with_the_poll_schedule() {
    let server = Registry::start().await;
    let pending = json!({"operation_id": "op-9", "status": "pending"});
    let op = "/api/v1/tracker/operations/op-9/";
    server
        .register(post("/api/v1/tracker/run/"), reply(202, pending.clone()))
        .await;
    server.register(get(op), reply(200, pending)).await;
    let sb = sandbox(&server, false).env("SPEC_KITTY_TRACKER_POLL_SCALE", "5");
    let out = sb.run(&["sync", "run", "--json"]);
    assert_eq!(code(&out), 5);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json error");
    assert_eq!(v["error"]["code"], "operation_timeout");
    assert_eq!(v["error"]["operation_id"], "op-9");
    let polls = server.requests_to(op).await.len();
    // Delays 1,2,4,8,16 then 30 s (jitter 0.8-1.2) within 300 s: 12 to 16 polls when idle;
    // request time counts against the 5 minutes, so a loaded machine sees a few fewer.
    assert!((8..=17).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn tokens_are_not_sent_to_another_server() {
    let server = Registry::start().await;
    server
        .register(any_path("POST"), reply(200, pull_ok()))
        .never()
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    sb.write_credentials(&session_toml(
        "https://app.spec-kitty.ai",
        "acc-1",
        "ref-1",
        false,
    ));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 4);
    assert!(stderr(&out).starts_with(&format!(
        "error: The stored session belongs to https://app.spec-kitty.ai, not to {}; no token is sent to another server.\nhint: run `spec-kitty-tracker auth login --server-url {}`",
        server.uri(), server.uri()
    )), "{}", stderr(&out));
}

/// Two processes hit an expired access token at once with a single-use refresh token: both
/// succeed, the server sees one refresh, the file holds one consistent pair. 20 rounds.
#[tokio::test]
async fn concurrent_refresh_spends_the_refresh_token_once() {
    for round in 0..20 {
        let server = Registry::start().await;
        let refresh = "/api/v1/token/refresh/";
        let first = post(refresh).and(body_json(json!({"refresh": "ref-1"})));
        let refreshed = json!({"access": "acc-2", "refresh": "ref-2", "access_lifetime": 900});
        let status_call =
            get("/api/v1/tracker/status/").and(header("authorization", "Bearer acc-2"));
        server.register(first, reply(200, refreshed)).up_to(1).await;
        // The refresh token is single-use: a second refresh would be refused, and must not come.
        server.register(post(refresh), status(401)).never().await;
        server
            .register(status_call, reply(200, json!({"sync_state": "idle"})))
            .await;
        let sb = sandbox(&server, true);
        let a = sb
            .command(&["status", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("a");
        let b = sb
            .command(&["status", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("b");
        let (a, b) = (
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        );
        for out in [&a, &b] {
            common::assert_no_secrets(out);
            assert_eq!(code(out), 0, "round {round}: {}", stderr(out));
        }
        assert_eq!(
            server.requests_to("/api/v1/token/refresh/").await.len(),
            1,
            "round {round}: one network refresh"
        );
        let doc: toml_edit::DocumentMut = sb.read_credentials().parse().expect("valid TOML");
        assert_eq!(
            (
                doc["tokens"]["access"].as_str(),
                doc["tokens"]["refresh"].as_str()
            ),
            (Some("acc-2"), Some("ref-2"))
        );
    }
}

#[tokio::test]
async fn verbose_errors_show_the_envelope_code_and_category() {
    let server = Registry::start().await;
    let envelope = json!({
        "code": "no_installation", "category": "config", "http_status": 403, "message": "No installation for provider linear",
        "retryable": false, "user_action_required": true, "source": "saas", "details": {"provider": "linear"}
    });
    server
        .register(get("/api/v1/tracker/status/"), reply(403, envelope))
        .await;
    let sb = sandbox(&server, false);
    let plain = sb.run(&["status"]);
    assert_eq!(stderr(&plain), "error: No installation for provider linear (action required — check the Spec Kitty dashboard)\n");
    let verbose = sb.run(&["-v", "status"]);
    let note = stderr(&verbose)
        .lines()
        .find(|l| l.starts_with("note: "))
        .unwrap_or_default()
        .to_owned();
    assert!(
        note.starts_with("note: code=no_installation ")
            && note.contains("category=config")
            && note.contains(r#"details={"provider":"linear"}"#),
        "{note}"
    );
    let json = sb.run(&["status", "--json"]);
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(
        (
            v["error"]["category"].as_str(),
            v["error"]["details"]["provider"].as_str(),
            v["error"]["exit_code"].as_u64()
        ),
        (Some("config"), Some("linear"), Some(1))
    );
}

/// Answers the scripted responses in order (the last one repeats), noting when each came in.
struct Script {
    replies: Vec<ResponseTemplate>,
    arrivals: std::sync::Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
}

impl wiremock::Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().expect("lock");
        arrivals.push(std::time::Instant::now());
        let i = (arrivals.len() - 1).min(self.replies.len() - 1);
        self.replies[i].clone()
    }
}

/// SPEC §5 item 4: a 429 whose envelope names no delay (null or absent) waits for the
/// `Retry-After` header (seconds or an HTTP-date), else 5 s, and never more than 60 s.
/// Oracle: RFC 9110 §10.2.3 and SPEC §5; times are nominal seconds at 20 ms each.
#[tokio::test]
async fn rate_limit_waits_follow_retry_after_when_the_envelope_names_no_delay() {
    let server = Registry::start().await;
    let envelope = |retry: Option<Value>| {
        let mut e = json!({"code": "rate_limited", "category": "rate_limit", "http_status": 429, "message": "slow down",
                           "retryable": true, "user_action_required": false, "source": "saas"});
        if let Some(r) = retry {
            e["retry_after_seconds"] = r;
        }
        e
    };
    let in_8s = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(8);
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&in_8s)
        .expect("date");
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let script = Script {
        replies: vec![
            reply(429, envelope(Some(Value::Null))).insert_header("retry-after", date.as_str()),
            reply(429, envelope(None)),
            reply(429, envelope(None)).insert_header("retry-after", "3600"),
            reply(200, pull_ok()),
        ],
        arrivals: arrivals.clone(),
    };
    server
        .register(post("/api/v1/tracker/pull/"), script)
        .times(4)
        .await;
    let sb = sandbox(&server, false);
    let out = sb.run_env(
        &["sync", "pull", "--json"],
        &[("SPEC_KITTY_TRACKER_POLL_SCALE", "20")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let at = arrivals.lock().expect("lock").clone();
    let gap = |i: usize| at[i + 1].duration_since(at[i]).as_millis();
    // The HTTP-date is whole seconds, 8 s ahead when written: at least 6 s are left.
    assert!(gap(0) >= 6 * 20, "HTTP-date wait {} ms", gap(0));
    assert!(gap(1) >= 5 * 20, "default wait {} ms", gap(1));
    assert!(
        gap(2) >= 60 * 20 && gap(2) < 600 * 20,
        "capped wait {} ms (uncapped: 72 s)",
        gap(2)
    );
}

/// Send one raw HTTP/1.1 request (RFC 9112) to `server` and return its status line.
fn raw_request(server: &Registry, request_line: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.address()).expect("connect");
    write!(
        stream,
        "{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The stub registry itself (tests/common/stubs.rs): a stub nobody called fails the test.
/// Oracle: wiremock's own expectation check, which panics when the server is dropped.
#[tokio::test]
#[should_panic(
    expected = "GET /unused/.\n\tExpected range of matching incoming requests: 1 <= x\n\tNumber of matched incoming requests: 0"
)]
async fn the_stub_registry_fails_on_a_stub_never_used() {
    let server = Registry::start().await;
    server.register(get("/used/"), status(204)).await;
    server.register(get("/unused/"), status(204)).await;
    assert_eq!(
        raw_request(&server, "GET /used/ HTTP/1.1"),
        "HTTP/1.1 204 No Content"
    );
}

/// The stub registry itself: a request no stub matches still gets `404` (what the product
/// always saw), then fails the test. Oracle: the status line read off a raw TCP socket.
#[tokio::test]
#[should_panic(expected = "a request that no registered stub matched")]
async fn the_stub_registry_fails_on_an_unmatched_request() {
    let server = Registry::start().await;
    server.register(get("/used/"), status(204)).await;
    assert_eq!(
        raw_request(&server, "GET /used/ HTTP/1.1"),
        "HTTP/1.1 204 No Content"
    );
    assert_eq!(
        raw_request(&server, "POST /used/ HTTP/1.1"),
        "HTTP/1.1 404 Not Found"
    );
}
