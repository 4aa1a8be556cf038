//! The mock's OAuth login follows the contract document and the RFCs it is written from.
//!
//! Oracles: `contract/tracker-api.yaml` (every answer checked with [`Contract::check_response`]),
//! RFC 7636 Appendix B (the verifier `dBjftJeZ...` and its challenge `E9Melhoa...`: the
//! authorization-code grant must accept that pair and refuse another verifier), RFC 8628 §3.5
//! (the error codes of a device-code poll) and RFC 6749 §4.1.2 (the redirect carries the code and
//! the unchanged state).

use contract_mock::contract::{parse_query, Contract};
use contract_mock::{Config, Mock, MockRequest, Reply};
use serde_json::Value;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT: &str = "http://127.0.0.1:28888/callback";
const STATE: &str = "state-0123456789abcdefghijklmnopqrstuvwxyz";

async fn send(
    mock: &Mock,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (target, None),
    };
    let req = MockRequest {
        method: method.into(),
        path: path.into(),
        query,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    };
    let reply = mock.answer(&req).await;
    // The mock's own refusal of a request that breaks the contract is an error envelope, not
    // one of the operation's documented answers.
    let violation = serde_json::from_slice::<Value>(&reply.body)
        .is_ok_and(|v| v["code"] == "contract_violation");
    if !path.starts_with("/__mock/") && !violation {
        Contract::embedded()
            .check_response(method, path, reply.status, &reply.body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    }
    reply
}

async fn form(mock: &Mock, path: &str, body: &str) -> (u16, Value) {
    let r = send(
        mock,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body,
    )
    .await;
    (
        r.status,
        serde_json::from_slice(&r.body).unwrap_or(Value::Null),
    )
}

fn authorize_target(challenge: &str) -> String {
    format!(
        "/oauth/authorize?client_id=cli_native&redirect_uri={}&response_type=code&scope=offline_access&code_challenge={challenge}&code_challenge_method=S256&state={STATE}",
        REDIRECT.replace(':', "%3A").replace('/', "%2F")
    )
}

#[tokio::test]
async fn the_browser_grant_checks_the_verifier_against_the_challenge() {
    let mock = Mock::new(Config::default());
    let mut codes = Vec::new();
    for _ in 0..2 {
        let r = send(&mock, "GET", &authorize_target(CHALLENGE), &[], "").await;
        assert_eq!(r.status, 302);
        let location = r.location.expect("Location");
        let (base, query) = location.split_once('?').expect("query");
        assert_eq!(base, REDIRECT);
        let q: Vec<(String, String)> = parse_query(query);
        assert_eq!(
            q[1],
            ("state".to_owned(), STATE.to_owned()),
            "the state comes back unchanged"
        );
        codes.push(q[0].1.clone());
    }
    let exchange = |code: &str, verifier: &str| {
        format!("grant_type=authorization_code&code={code}&redirect_uri={}&client_id=cli_native&code_verifier={verifier}", REDIRECT.replace(':', "%3A").replace('/', "%2F"))
    };
    let wrong = "x".repeat(43);
    let (status, v) = form(&mock, "/oauth/token", &exchange(&codes[0], &wrong)).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_grant")));
    let (status, v) = form(&mock, "/oauth/token", &exchange(&codes[1], VERIFIER)).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["session_id"].as_str().is_some_and(|s| !s.is_empty()));
    let (status, _) = form(&mock, "/oauth/token", &exchange(&codes[1], VERIFIER)).await;
    assert_eq!(status, 400, "a code is single use");
    let bearer = format!("Bearer {}", v["access_token"].as_str().expect("token"));
    let me = send(
        &mock,
        "GET",
        "/api/v1/me",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    let me: Value = serde_json::from_slice(&me.body).expect("me");
    assert_eq!(me["user_id"], me["email"]);
    let status = send(
        &mock,
        "GET",
        "/api/v1/session-status",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(status.status, 200);
    // A plain-method challenge or a non-loopback redirect breaks the contract.
    let r = send(
        &mock,
        "GET",
        &authorize_target(CHALLENGE).replace("S256", "plain"),
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &mock,
        "GET",
        &authorize_target(CHALLENGE).replace("127.0.0.1", "evil.example"),
        &[],
        "",
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn device_codes_answer_rfc_8628_errors_until_approved() {
    let mock = Mock::new(Config::default());
    let (status, d) = form(
        &mock,
        "/oauth/device",
        "client_id=cli_native&scope=offline_access",
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let poll = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={}&client_id=cli_native",
        d["device_code"].as_str().expect("code")
    );
    let control = |verb: &str| format!("/__mock/oauth/device/{verb}");
    let mut seen = Vec::new();
    for verb in ["none", "slow_down", "deny"] {
        if verb != "none" {
            send(&mock, "POST", &control(verb), &[], "").await;
        }
        let (status, v) = form(&mock, "/oauth/token", &poll).await;
        seen.push((status, v["error"].as_str().unwrap_or_default().to_owned()));
    }
    assert_eq!(
        seen,
        [
            (400, "authorization_pending".to_owned()),
            (400, "slow_down".to_owned()),
            (400, "access_denied".to_owned())
        ]
    );
    let (_, d) = form(
        &mock,
        "/oauth/device",
        "client_id=cli_native&scope=offline_access",
    )
    .await;
    let poll = poll.replace(
        poll.split("device_code=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .expect("code"),
        d["device_code"].as_str().expect("code"),
    );
    send(&mock, "POST", &control("expire"), &[], "").await;
    assert_eq!(
        form(&mock, "/oauth/token", &poll).await.1["error"],
        "expired_token"
    );
    let (_, d) = form(
        &mock,
        "/oauth/device",
        "client_id=cli_native&scope=offline_access",
    )
    .await;
    let user_code = d["user_code"].as_str().expect("user code").to_owned();
    send(
        &mock,
        "POST",
        &format!("{}?user_code={user_code}", control("approve")),
        &[],
        "",
    )
    .await;
    let poll = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={}&client_id=cli_native",
        d["device_code"].as_str().expect("code")
    );
    let (status, v) = form(&mock, "/oauth/token", &poll).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        form(&mock, "/oauth/token", &poll).await.1["error"],
        "invalid_grant",
        "spent"
    );
    // A grant without its own fields breaks the contract, naming the field.
    let (status, v) = form(
        &mock,
        "/oauth/token",
        "grant_type=authorization_code&client_id=cli_native&code=c",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["code"], "contract_violation", "{v}");
}
