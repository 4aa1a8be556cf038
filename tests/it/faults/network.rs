//! Server and network faults on the SaaS path: each one ends in one clear message, the
//! documented exit code, a bounded number of requests, and nothing written.

use crate::common::stubs::{get, post, reply, status, Registry};
use crate::common::{code, session_toml, stderr, Sandbox};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::ResponseTemplate;

/// A sandbox logged in to `url` with fast timeouts.
fn sandbox(url: &str) -> Sandbox {
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", url)
        .env("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS", "400")
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    sb.write_credentials(&session_toml(url, "acc-1", "ref-1", false));
    sb
}

/// A raw TCP server that runs `serve` for every connection and counts them.
fn raw_server(serve: fn(std::net::TcpStream)) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || serve(stream));
        }
    });
    (url, count)
}

fn read_request(stream: &mut std::net::TcpStream) {
    let mut buf = [0u8; 65536];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.read(&mut buf);
}

fn assert_network_failure(sb: &Sandbox, args: &[&str], url: &str) {
    assert_network_failure_says(
        sb,
        args,
        &format!(
            "error: Cannot connect to Spec Kitty SaaS at {url}. Check your network connection.\n"
        ),
    );
}

/// Red-team 2 item 7: a server that accepted the connection and then stalled or cut its answer
/// is reported as that (exit 5 still), not as a network to check.
fn stalled(url: &str) -> String {
    format!("error: Timed out waiting for Spec Kitty SaaS at {url}: it accepted the connection, then sent nothing more within the time limit.\nhint: run the command again; if it keeps happening, the server is in trouble\n")
}

fn cut_short(url: &str) -> String {
    format!("error: Spec Kitty SaaS at {url} closed the connection before its response was complete.\nhint: run the command again; if it keeps happening, the server is in trouble\n")
}

fn assert_network_failure_says(sb: &Sandbox, args: &[&str], message: &str) {
    let before = sb.read_credentials();
    let started = Instant::now();
    let out = sb.run(args);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(stderr(&out), message);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded by the timeout"
    );
    assert_eq!(sb.read_credentials(), before, "nothing written");
}

#[test]
fn connection_refused_fails_at_once() {
    let url = "http://127.0.0.1:9";
    assert_network_failure(&sandbox(url), &["sync", "pull"], url);
}

#[test]
fn dns_failure_fails_at_once() {
    let url = "https://spec-kitty-tracker-test.invalid";
    assert_network_failure(&sandbox(url), &["status"], url);
}

#[test]
fn tls_failure_is_a_network_error_with_one_attempt() {
    let (http_url, count) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let url = http_url.replace("http://", "https://");
    assert_network_failure(&sandbox(&url), &["sync", "pull"], &url);
    assert_eq!(count.load(Ordering::SeqCst), 1, "no retry storm");
}

#[test]
fn a_server_that_never_answers_hits_the_timeout() {
    let (url, count) = raw_server(|mut s| {
        read_request(&mut s);
        std::thread::sleep(Duration::from_secs(5));
    });
    assert_network_failure_says(&sandbox(&url), &["sync", "pull"], &stalled(&url));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn headers_then_a_stalled_body_hits_the_timeout() {
    let (url, _) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"status\"");
        std::thread::sleep(Duration::from_secs(5));
    });
    assert_network_failure_says(&sandbox(&url), &["sync", "pull", "--json"], &stalled(&url));
}

#[test]
fn a_reset_mid_body_is_a_network_error() {
    let (url, _) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"status\":");
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    assert_network_failure_says(&sandbox(&url), &["sync", "run"], &cut_short(&url));
    // Closed before a byte of the answer.
    let (url, _) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    assert_network_failure_says(&sandbox(&url), &["status"], &cut_short(&url));
}

#[test]
fn a_300_mib_body_is_refused_without_reading_it() {
    let (url, _) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                300u64 << 20
            )
            .as_bytes(),
        );
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..300 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let sb = sandbox(&url).env("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS", "20000");
    let out = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is larger than 256 MiB (314572800 bytes); refusing to read it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_chunked_body_past_the_cap_is_refused() {
    let (url, _) = raw_server(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..64 {
            let _ = s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
            if s.write_all(&chunk).is_err() || s.write_all(b"\r\n").is_err() {
                return;
            }
        }
        let _ = s.write_all(b"0\r\n\r\n");
    });
    let sb = sandbox(&url).env("SPEC_KITTY_TRACKER_MAX_BODY_BYTES", "1048576");
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is larger than 1 MiB"),
        "{}",
        stderr(&out)
    );
}

async fn answering(body: ResponseTemplate, endpoint: &str) -> Registry {
    let server = Registry::start().await;
    let call = if endpoint.ends_with("status/") {
        get(endpoint)
    } else {
        post(endpoint)
    };
    server.register(call, body).times(1).await;
    server
}

#[tokio::test]
async fn hostile_and_malformed_bodies_are_clear_errors() {
    let nested = format!(
        "{{\"status\":\"ok\",\"summary\":{{\"total\":0,\"succeeded\":0,\"failed\":0,\"skipped\":0}},\"unknown\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases: Vec<(ResponseTemplate, &str)> = vec![
        (
            status(200).set_body_string(nested),
            "nested deeper than 128 levels",
        ),
        (
            reply(
                200,
                json!({"status": "ok", "summary": {"total": "many", "succeeded": 0, "failed": 0, "skipped": 0}}),
            ),
            "invalid type: string \"many\"",
        ),
        (
            reply(
                200,
                json!({"status": 7, "summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}}),
            ),
            "invalid type: integer `7`, expected a string",
        ),
        (
            reply(
                200,
                json!({"summary": {"total": 1, "succeeded": 1, "failed": 0, "skipped": 0}}),
            ),
            "missing field `status`",
        ),
        (
            status(200).set_body_raw(b"{\"status\": \"ok\xff\"}".to_vec(), "application/json"),
            "the body is not JSON",
        ),
        (reply(200, json!([1, 2])), "the body is not a JSON object"),
    ];
    for (response, want) in cases {
        let server = answering(response, "/api/v1/tracker/pull/").await;
        let sb = sandbox(&server.uri());
        let out = sb.run(&["sync", "pull", "--json"]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: unexpected response from server (POST /api/v1/tracker/pull/)")
                && err.contains(want),
            "{want}: {err}"
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error document");
        assert_eq!(v["error"]["code"], "unexpected_response");
    }
}

#[tokio::test]
async fn polling_errors_name_the_operation() {
    for (response, want) in [
        (reply(404, json!({"code": "operation_not_found", "message": "No operation op-1"})), "Polling operation op-1 failed: No operation op-1"),
        (status(500).set_body_string("boom"), "Polling operation op-1 failed: HTTP 500 from GET /api/v1/tracker/operations/op-1/: boom"),
        (status(200).set_body_string("garbage"), "Polling operation op-1 failed: unexpected response from server (GET /api/v1/tracker/operations/op-1/)"),
    ] {
        let server = Registry::start().await;
        let accepted = json!({"operation_id": "op-1", "status": "pending"});
        server.register(post("/api/v1/tracker/run/"), reply(202, accepted)).times(1).await;
        server.register(get("/api/v1/tracker/operations/op-1/"), response).times(1).await;
        let out = sandbox(&server.uri()).run(&["sync", "run"]);
        assert_eq!(code(&out), 1);
        let err = stderr(&out);
        assert!(err.starts_with(&format!("error: {want}")), "{err}");
        assert!(err.contains("hint: check it later with `spec-kitty-tracker operations show op-1 --wait`"), "{err}");
    }
}

/// What `status` / `sync pull` print when the server URL answers with something that is not
/// the API: `(stderr, the --json error object)`.
async fn not_the_api(response: ResponseTemplate, endpoint: &str) -> (String, Value) {
    let args: &[&str] = match endpoint.ends_with("status/") {
        true => &["status"],
        false => &["sync", "pull"],
    };
    let mut outs = Vec::new();
    for json in [false, true] {
        let server = answering(response.clone(), endpoint).await;
        let sb = sandbox(&server.uri());
        let mut argv = args.to_vec();
        if json {
            argv.push("--json");
        }
        let out = sb.run(&argv);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        // The server is the one in the messages; name it `SERVER` so the texts are fixed.
        let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&server.uri(), "SERVER");
        outs.push((text(&out.stderr), text(&out.stdout)));
        // Never followed: the only request is the one to the API (the 404 fallback stub
        // expects none).
        assert_eq!(server.received().await.len(), 1);
    }
    let error: Value = serde_json::from_str(&outs[1].1).expect("one JSON error document");
    assert_eq!(outs[0].0, outs[1].0, "--json prints the same on stderr");
    (outs[0].0.clone(), error["error"].clone())
}

const NOT_THE_API: &str = "usually a proxy, sign-in page or captive portal in front of the API, or a URL that is not the API's (e.g. the dashboard's); check --server-url / SPEC_KITTY_SAAS_URL";

// Oracle: RFC 9110 §15.4 — a 3xx says the target is elsewhere, named by `Location` (§10.2.2);
// following it would send the bearer token to that other place (RFC 6750 §5.3), so it is
// reported with where it points. Cross-checked with `curl -sS -o /dev/null -w '%{http_code}
// %{redirect_url}'` against the same stub: `302 https://sso.example.com/login`.
#[tokio::test]
async fn a_redirect_names_its_location_and_the_server_url() {
    let found = status(302).insert_header("location", "https://sso.example.com/login");
    let (err, json) = not_the_api(found, "/api/v1/tracker/status/").await;
    let hint = format!("hint: the server URL SERVER answers with a redirect: {NOT_THE_API}; redirects are not followed, so that the login token is not sent elsewhere");
    assert_eq!(
        err,
        format!("error: HTTP 302 from GET /api/v1/tracker/status/ (redirect to https://sso.example.com/login)\n{hint}\n")
    );
    assert_eq!(json["code"], "server_error");
    assert_eq!(json["http_status"], 302);
    assert_eq!(json["location"], "https://sso.example.com/login");
    assert_eq!(json["endpoint"], "GET /api/v1/tracker/status/");

    // 307 keeps the method (RFC 9110 §15.4.8): a POST is not re-sent either; a relative
    // Location is named as sent, the body's first bytes as for any other status.
    let temporary = status(307)
        .insert_header("location", "/login?next=%2Fapi")
        .set_body_string("Temporary Redirect");
    let (err, json) = not_the_api(temporary, "/api/v1/tracker/pull/").await;
    assert_eq!(
        err,
        format!("error: HTTP 307 from POST /api/v1/tracker/pull/ (redirect to /login?next=%2Fapi): Temporary Redirect\n{hint}\n")
    );
    assert_eq!(json["location"], "/login?next=%2Fapi");
    assert_eq!(json["http_status"], 307);
}

// Oracle: RFC 9110 §8.3 — `Content-Type: text/html` says the body is an HTML page, not the
// JSON the API contract (contract/ openapi, `application/json`) answers with; SPEC §5 rules 6
// and 8 keep their texts (status + first 200 bytes; "unexpected response from server").
#[tokio::test]
async fn an_html_page_names_its_content_type_and_the_server_url() {
    let hint = format!("hint: the server URL SERVER answers with an HTML page: {NOT_THE_API}");
    let page = "<!DOCTYPE html><html><body>Sign in</body></html>";
    let ok = status(200).set_body_raw(page.as_bytes().to_vec(), "text/html; charset=utf-8");
    let (err, json) = not_the_api(ok, "/api/v1/tracker/status/").await;
    assert_eq!(
        err,
        format!("error: unexpected response from server (GET /api/v1/tracker/status/): the body is an HTML page (text/html; charset=utf-8), not JSON\n{hint}\n")
    );
    assert_eq!(json["code"], "unexpected_response");
    assert_eq!(json["content_type"], "text/html; charset=utf-8");

    let gateway = status(502).set_body_raw(
        b"<html><h1>502 Bad Gateway</h1></html>".to_vec(),
        "text/html",
    );
    let (err, json) = not_the_api(gateway, "/api/v1/tracker/pull/").await;
    assert_eq!(
        err,
        format!("error: HTTP 502 from POST /api/v1/tracker/pull/ (an HTML page, text/html): <html><h1>502 Bad Gateway</h1></html>\nhint: a gateway or proxy in front of the API at SERVER answered for it; the API behind it may be down or restarting: try again later, and if it persists check --server-url / SPEC_KITTY_SAAS_URL\n")
    );
    assert_eq!(json["code"], "server_error");
    assert_eq!(json["http_status"], 502);
    assert_eq!(json["content_type"], "text/html");
}

// Oracle: RFC 9110 §15.4 (3xx, Location) and §8.3 (Content-Type), as above: the login's token
// request goes through the same screen as the tracker API, so its password is not sent on
// either (one request, to the server URL given).
#[tokio::test]
async fn the_login_request_is_screened_the_same_way() {
    let cases = [
        (
            status(301).insert_header("location", "https://app.example.com/api/v1/token/"),
            "error: HTTP 301 from POST /api/v1/token/ (redirect to https://app.example.com/api/v1/token/)",
            "with a redirect",
        ),
        (
            status(200).set_body_raw(b"<html>Portal</html>".to_vec(), "text/html"),
            "error: unexpected response from server (POST /api/v1/token/): the body is an HTML page (text/html), not JSON",
            "with an HTML page",
        ),
    ];
    for (response, error, answers) in cases {
        let server = Registry::start().await;
        server
            .register(post("/api/v1/token/"), response)
            .times(1)
            .await;
        let sb = Sandbox::saas();
        let out = crate::auth::login(&sb, &server);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let hint = format!(
            "hint: the server URL {} answers {answers}: {NOT_THE_API}",
            server.uri()
        );
        let err = stderr(&out);
        assert!(err.starts_with(&format!("{error}\n{hint}")), "{err}");
        assert!(!sb.credentials().exists());
    }
}

// Oracle: the API contract (contract/tracker-api.yaml: status answers a JSON object) — a body
// that is that JSON is used even when a server labels it `text/html` (RFC 9110 §8.3 lets the
// recipient look at the data); only a body that is not JSON is "an HTML page".
#[tokio::test]
async fn json_labelled_html_is_still_read() {
    let body = serde_json::to_vec(&json!({"sync_state": "idle"})).expect("json");
    let server = answering(
        status(200).set_body_raw(body, "text/html"),
        "/api/v1/tracker/status/",
    )
    .await;
    let out = sandbox(&server.uri()).run(&["status", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("the status document");
    assert_eq!(v["sync_state"], "idle", "{v}");
}

// Oracle: RFC 9110 §5.5 — a field value may carry obs-text bytes (here UTF-8 of U+009B, the C1
// CSI a terminal obeys); the Location is server text, printed escaped and cut like any other
// (README "Output": C0/DEL/C1 escaped, runs over 400 characters cut), kept whole in --json.
#[tokio::test]
async fn a_hostile_location_is_escaped_and_cut() {
    let location = format!("https://sso.example.com/\u{9b}31m{}", "a".repeat(1000));
    let value = wiremock::http::HeaderValue::from_bytes(location.as_bytes()).expect("obs-text");
    let found = status(302).insert_header("location", value);
    let (err, json) = not_the_api(found, "/api/v1/tracker/status/").await;
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: HTTP 302 from GET /api/v1/tracker/status/ (redirect to https://sso.example.com/\\u{9b}31maaa")
            && first.ends_with("more characters))")
            && first.len() < 200,
        "{first}"
    );
    assert_eq!(json["location"], location.as_str());
}
