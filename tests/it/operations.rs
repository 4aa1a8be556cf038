//! `operations show <ID> [--wait]` for every operation state against a loopback wiremock
//! server. Independent oracle: SPEC §5 (the poll path `GET /api/v1/tracker/operations/{id}/`,
//! no Idempotency-Key on reads) and §5 step 2 (pending/running go on, `completed` renders
//! `result`, `failed` renders `error` like an error envelope, exit 1), §8 (exit codes, one JSON
//! document with `--json`, also on failure).

use crate::common::{code, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OP: &str = "/api/v1/tracker/operations/op-1/";

fn summary() -> Value {
    json!({"total": 2, "succeeded": 2, "failed": 0, "skipped": 0})
}

fn sandbox(server: &MockServer) -> Sandbox {
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", &server.uri())
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    sb.write_credentials(&session_toml(&server.uri(), "acc-1", "ref-1", false));
    sb
}

/// A server whose operation op-1 answers `states` in order (the last one forever).
async fn server_with(states: &[Value]) -> MockServer {
    let server = MockServer::start().await;
    let (last, first) = states.split_last().expect("states");
    for state in first {
        Mock::given(method("GET"))
            .and(path(OP))
            .respond_with(ResponseTemplate::new(200).set_body_json(state))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ResponseTemplate::new(200).set_body_json(last))
        .mount(&server)
        .await;
    server
}

async fn polls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == OP && r.method.as_str() == "GET")
        .count()
}

#[tokio::test]
async fn show_reports_each_state_once_without_waiting() {
    let cases = [
        (
            json!({"operation_id": "op-1", "status": "pending"}),
            0,
            "Operation op-1\n- status: pending\n",
        ),
        (
            json!({"operation_id": "op-1", "status": "running"}),
            0,
            "Operation op-1\n- status: running\n",
        ),
        (
            json!({"operation_id": "op-1", "status": "completed", "result": {"status": "ok", "summary": summary()}}),
            0,
            "Operation op-1\n- status: completed\n",
        ),
        (
            json!({"operation_id": "op-1", "status": "failed", "error": {"code": "provider_down", "message": "Linear is unavailable"}}),
            1,
            "Operation op-1\n- status: failed\n- error: Linear is unavailable\n",
        ),
    ];
    for (body, want_code, want) in cases {
        let server = server_with(std::slice::from_ref(&body)).await;
        let sb = sandbox(&server);
        let out = sb.run(&["operations", "show", "op-1"]);
        assert_eq!(
            (code(&out), stdout(&out).as_str()),
            (want_code, want),
            "{body}: {}",
            stderr(&out)
        );
        assert_eq!(polls(&server).await, 1, "one GET without --wait");
        let req = &server.received_requests().await.unwrap_or_default()[0];
        assert!(
            req.headers.get("idempotency-key").is_none(),
            "reads carry no Idempotency-Key"
        );

        let json_out = sb.run(&["operations", "show", "op-1", "--json"]);
        assert_eq!(code(&json_out), want_code);
        let v: Value = serde_json::from_slice(&json_out.stdout).expect("one JSON document");
        assert_eq!(v, body, "--json is the envelope as received");
    }
}

#[tokio::test]
async fn wait_polls_through_pending_and_running_then_renders_the_result() {
    let server = server_with(&[
        json!({"operation_id": "op-1", "status": "pending"}),
        json!({"operation_id": "op-1", "status": "running"}),
        json!({"operation_id": "op-1", "status": "completed", "result": {"status": "partial", "summary": summary(), "extra": 1}}),
    ])
    .await;
    let sb = sandbox(&server);
    let out = sb.run(&["operations", "show", "op-1", "--wait"]);
    assert_eq!(
        code(&out),
        1,
        "SPEC §8: a partial result exits 1; {}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "Operation op-1 completed\n- status: partial\n- total: 2\n- succeeded: 2\n- failed: 0\n- skipped: 0\n",
        "the result's status and summary"
    );
    assert_eq!(polls(&server).await, 3);

    let server = server_with(&[
        json!({"operation_id": "op-1", "status": "running"}),
        json!({"operation_id": "op-1", "status": "completed", "result": {"status": "ok", "summary": summary(), "future": [1]}}),
    ])
    .await;
    let out = sandbox(&server).run(&["operations", "show", "op-1", "--wait", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v,
        json!({"status": "ok", "summary": summary(), "future": [1]}),
        "--json is the result envelope, unknown fields kept"
    );
}

#[tokio::test]
async fn wait_on_a_completed_operation_without_result_reports_completed() {
    let server = server_with(&[json!({"operation_id": "op-1", "status": "completed"})]).await;
    let out = sandbox(&server).run(&["operations", "show", "op-1", "--wait"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Operation op-1 completed\n- status: completed\n"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn wait_on_a_failed_operation_renders_its_error_like_an_error_envelope() {
    let cases = [
        (
            json!({"code": "provider_rate_limited", "category": "provider", "message": "Linear said no", "retryable": true}),
            "error: Linear said no\n",
            "provider_rate_limited",
        ),
        (
            json!("plain words"),
            "error: plain words\n",
            "operation_failed",
        ),
        (Value::Null, "error: Operation failed\n", "operation_failed"),
    ];
    for (error, want, want_code) in cases {
        let server = server_with(&[
            json!({"operation_id": "op-1", "status": "running"}),
            json!({"operation_id": "op-1", "status": "failed", "error": error}),
        ])
        .await;
        let sb = sandbox(&server);
        let out = sb.run(&["operations", "show", "op-1", "--wait"]);
        assert_eq!((code(&out), stderr(&out).as_str()), (1, want), "{error}");
        assert_eq!(stdout(&out), "");

        let out = sb.run(&["operations", "show", "op-1", "--wait", "--json"]);
        assert_eq!(code(&out), 1);
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["error"]["code"], want_code, "{v}");
        assert_eq!(v["error"]["operation_id"], "op-1");
        assert_eq!(v["error"]["exit_code"], 1);
    }
}

#[tokio::test]
async fn wait_stops_at_a_state_the_contract_does_not_name() {
    let server = server_with(&[
        json!({"operation_id": "op-1", "status": "pending"}),
        json!({"operation_id": "op-1", "status": "cancelled"}),
    ])
    .await;
    let out = sandbox(&server).run(&["operations", "show", "op-1", "--wait", "--json"]);
    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["error"]["code"], "unknown_operation_status");
    assert_eq!(v["error"]["status"], "cancelled");
    assert_eq!(polls(&server).await, 2, "no poll after the unknown state");
}

#[tokio::test]
async fn wait_gives_up_when_polling_fails_and_says_how_to_check_later() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "not_found", "category": "saas", "http_status": 404, "message": "No operation op-1",
            "retryable": false, "user_action_required": false, "source": "saas"})))
        .mount(&server)
        .await;
    let out = sandbox(&server).run(&["operations", "show", "op-1", "--wait"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stderr(&out),
        "error: Polling operation op-1 failed: No operation op-1\nhint: check it later with `spec-kitty-tracker operations show op-1 --wait`\n"
    );
}

#[tokio::test]
async fn a_body_without_a_status_is_an_unexpected_response_not_a_panic() {
    let server = server_with(&[json!({"operation_id": "op-1"})]).await;
    let sb = sandbox(&server);
    for args in [
        &["operations", "show", "op-1"][..],
        &["operations", "show", "op-1", "--wait"][..],
    ] {
        let out = sb.run(args);
        assert_eq!(code(&out), 1, "{args:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with("error: ") && err.contains("unexpected response"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn ids_that_would_change_the_path_are_usage_errors_before_any_request() {
    // Logged in to a server that is not there: a request would be a network error (exit 5).
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", "http://127.0.0.1:9");
    sb.write_credentials(&session_toml("http://127.0.0.1:9", "acc-1", "ref-1", false));
    let long = "a".repeat(201);
    for id in ["", ".", "..", long.as_str()] {
        let out = sb.run(&["operations", "show", id]);
        assert_eq!(code(&out), 2, "{id:?}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error: invalid operation id"),
            "{id:?}: {}",
            stderr(&out)
        );
    }
}

#[tokio::test]
async fn any_other_id_is_sent_as_exactly_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let sb = sandbox(&server);
    for id in ["../status", "a/b?c#d"] {
        let out = sb.run(&["operations", "show", id]);
        assert_eq!(code(&out), 0, "{id}: {}", stderr(&out));
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/tracker/operations/..%2Fstatus/",
            "/api/v1/tracker/operations/a%2Fb%3Fc%23d/"
        ],
        "RFC 3986 §3.3: '/', '?' and '#' are percent-encoded inside a segment"
    );
}

/// Red-team 2 item 2, the polled result. Oracle: the contract's `SyncStatus` (`ok | partial |
/// error`): a completed operation whose result says another status fails closed (exit 1, a
/// warning naming it); one without a result is simply completed (exit 0, as above).
#[tokio::test]
async fn wait_on_a_result_with_a_status_outside_the_contract_fails_closed() {
    for status in ["failed", "cancelled", "ERROR"] {
        let server = server_with(&[json!({"operation_id": "op-1", "status": "completed",
                                           "result": {"status": status, "summary": summary()}})])
        .await;
        let out = sandbox(&server).run(&["operations", "show", "op-1", "--wait"]);
        assert_eq!(code(&out), 1, "{status}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "warning: the server answered status {status:?}, which the contract does not list"
            )),
            "{}",
            stderr(&out)
        );
    }
}
