//! Every response the mock can produce, in every scenario, follows the contract document.
//!
//! Oracle: `contract/tracker-api.yaml`, written from SPEC §5/§5.1/§6 and the upstream data
//! model, checked by the `jsonschema` crate. The walk plays each scenario's whole story (login,
//! every operation, cursor pages, 401 → refresh → retry, 429 retries, 202 → polls → end) plus
//! the error answers (contract violations, bad credentials, spent refresh tokens, unknown
//! operations, another team). The scenarios that exist to break the contract are held to that:
//! `garbage` and `bad-gateway` must answer non-JSON bodies, `missing-fields` must fail the check.

use contract_mock::contract::Contract;
use contract_mock::{Config, Mock, MockRequest, Reply, Scenario, SLUG_NAMES};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;

const TEAM: &str = "demo-team";

struct Walk {
    mock: Mock,
    /// (scenario, method, path, reply) of every exchange.
    seen: Vec<(String, String, String, Reply)>,
    scenario: String,
}

impl Walk {
    async fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (target, None),
        };
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if body.is_some() {
            all.push(("Content-Type".into(), "application/json".into()));
        }
        let req = MockRequest {
            method: method.into(),
            path: path.into(),
            query,
            headers: all,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        };
        let reply = self.mock.answer(&req).await;
        self.seen.push((
            self.scenario.clone(),
            method.into(),
            path.into(),
            reply.clone(),
        ));
        reply
    }

    /// A form-encoded POST (the OAuth endpoints of 3.1+ sessions).
    async fn send_form(&mut self, path: &str, form: &str) -> Reply {
        let req = MockRequest {
            method: "POST".into(),
            path: path.into(),
            query: None,
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: form.as_bytes().to_vec(),
        };
        let reply = self.mock.answer(&req).await;
        self.seen.push((
            self.scenario.clone(),
            "POST".into(),
            path.into(),
            reply.clone(),
        ));
        reply
    }

    async fn login(&mut self) -> (String, String) {
        let r = self
            .send(
                "POST",
                "/api/v1/token/",
                &[],
                Some(&json!({"username": "alice", "password": "demo-password"})),
            )
            .await;
        assert_eq!(r.status, 200);
        let v = json_of(&r);
        (
            v["access"].as_str().unwrap_or_default().into(),
            v["refresh"].as_str().unwrap_or_default().into(),
        )
    }

    /// One operation to its end, as a client would drive it.
    async fn operation(
        &mut self,
        tokens: &mut (String, String),
        method: &str,
        target: &str,
        body: Option<Value>,
    ) {
        let key = uuid_v4();
        let idempotent = target.contains("/push/") || target.contains("/run/");
        let mut refreshed = false;
        let mut limited = 0;
        let mut cursor: Option<String> = None;
        for _ in 0..20 {
            let bearer = format!("Bearer {}", tokens.0);
            let mut headers = vec![("Authorization", bearer.as_str()), ("X-Team-Slug", TEAM)];
            if idempotent {
                headers.push(("Idempotency-Key", key.as_str()));
            }
            let mut body = body.clone();
            if let (Some(b), Some(c)) = (body.as_mut(), &cursor) {
                b["cursor"] = json!(c);
            }
            let r = self.send(method, target, &headers, body.as_ref()).await;
            match r.status {
                401 if !refreshed => {
                    refreshed = true;
                    let refresh = json!({"refresh": tokens.1});
                    let t = self
                        .send("POST", "/api/v1/token/refresh/", &[], Some(&refresh))
                        .await;
                    assert_eq!(t.status, 200);
                    let v = json_of(&t);
                    *tokens = (
                        v["access"].as_str().unwrap_or_default().into(),
                        v["refresh"].as_str().unwrap_or_default().into(),
                    );
                }
                429 if limited < 3 => limited += 1,
                202 => {
                    let id = json_of(&r)["operation_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    for _ in 0..5 {
                        let bearer = format!("Bearer {}", tokens.0);
                        let p = self
                            .send(
                                "GET",
                                &format!("/api/v1/tracker/operations/{id}/"),
                                &[("Authorization", bearer.as_str()), ("X-Team-Slug", TEAM)],
                                None,
                            )
                            .await;
                        if matches!(json_of(&p)["status"].as_str(), Some("completed" | "failed")) {
                            break;
                        }
                    }
                    return;
                }
                200 if target.contains("/pull/") && json_of(&r)["has_more"] == true => {
                    cursor = json_of(&r)["next_cursor"].as_str().map(str::to_owned);
                }
                _ => return,
            }
        }
    }
}

fn json_of(r: &Reply) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn uuid_v4() -> String {
    "9b2e4f3a-1c5d-4e6f-8a7b-0c1d2e3f4a5b".into()
}

fn items() -> Value {
    json!([
        {"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000001", "key": "LIN-1"}, "action": "update", "patch": {"title": "T"}},
        {"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000002", "key": null, "url": null}, "action": "transition", "target_status": "done"},
        {"ref": "LIN-3", "action": "comment", "patch": null, "target_status": null}
    ])
}

#[tokio::test]
async fn every_response_in_every_scenario_follows_the_document() {
    let mut walk = Walk {
        mock: Mock::new(Config {
            issues: 7,
            slow: Duration::from_millis(1),
            ..Config::default()
        }),
        seen: Vec::new(),
        scenario: String::new(),
    };
    let scenarios: Vec<&str> = std::iter::once("ok").chain(SLUG_NAMES).collect();
    for slug in &scenarios {
        walk.scenario = (*slug).to_owned();
        let mut tokens = walk.login().await;
        let q = format!("?provider=linear&project_slug={slug}");
        walk.operation(
            &mut tokens,
            "GET",
            &format!("/api/v1/tracker/status/{q}"),
            None,
        )
        .await;
        walk.operation(
            &mut tokens,
            "GET",
            &format!("/api/v1/tracker/mappings/{q}"),
            None,
        )
        .await;
        let pull = json!({"provider": "linear", "project_slug": slug, "limit": 3});
        walk.operation(&mut tokens, "POST", "/api/v1/tracker/pull/", Some(pull))
            .await;
        let push = json!({"provider": "linear", "project_slug": slug, "items": items()});
        walk.operation(&mut tokens, "POST", "/api/v1/tracker/push/", Some(push))
            .await;
        let run =
            json!({"provider": "linear", "project_slug": slug, "pull_first": true, "limit": 5});
        walk.operation(&mut tokens, "POST", "/api/v1/tracker/run/", Some(run))
            .await;
    }
    // The error answers of no particular scenario.
    walk.scenario = "errors".into();
    let (access, refresh) = walk.login().await;
    let bearer = format!("Bearer {access}");
    let auth = [("Authorization", bearer.as_str()), ("X-Team-Slug", TEAM)];
    walk.send(
        "POST",
        "/api/v1/token/",
        &[],
        Some(&json!({"username": "alice", "password": "wrong"})),
    )
    .await;
    walk.send(
        "POST",
        "/api/v1/token/",
        &[],
        Some(&json!({"username": "alice"})),
    )
    .await;
    walk.send(
        "POST",
        "/api/v1/token/refresh/",
        &[],
        Some(&json!({"refresh": refresh})),
    )
    .await;
    walk.send(
        "POST",
        "/api/v1/token/refresh/",
        &[],
        Some(&json!({"refresh": refresh})),
    )
    .await;
    walk.send(
        "GET",
        "/api/v1/tracker/status/?provider=linear&project_slug=p&x=1",
        &auth,
        None,
    )
    .await;
    walk.send(
        "GET",
        "/api/v1/tracker/status/?provider=linear&project_slug=p",
        &auth[..1],
        None,
    )
    .await;
    walk.send(
        "GET",
        "/api/v1/tracker/status/?provider=linear&project_slug=p",
        &[("X-Team-Slug", TEAM)],
        None,
    )
    .await;
    walk.send(
        "GET",
        "/api/v1/tracker/status/?provider=linear&project_slug=p",
        &[auth[0], ("X-Team-Slug", "other")],
        None,
    )
    .await;
    walk.send(
        "POST",
        "/api/v1/tracker/pull/",
        &auth,
        Some(&json!({"provider": "linear", "project_slug": "p", "limit": "10"})),
    )
    .await;
    walk.send(
        "POST",
        "/api/v1/tracker/push/",
        &auth,
        Some(&json!({"provider": "linear", "project_slug": "p", "items": []})),
    )
    .await;
    walk.send("GET", "/api/v1/tracker/operations/op-unknown/", &auth, None)
        .await;
    // The OAuth refresh grant and revocation of 3.1+ sessions: a fresh refresh token is
    // granted once, then refused (invalid_grant); a revoked one is refused too.
    let (_, fresh) = walk.login().await;
    let grant = format!("grant_type=refresh_token&refresh_token={fresh}&client_id=cli_native");
    let granted = walk.send_form("/oauth/token", &grant).await;
    assert_eq!(granted.status, 200);
    let refused = walk.send_form("/oauth/token", &grant).await;
    assert_eq!(
        (refused.status, json_of(&refused)["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let rotated = json_of(&granted)["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let revoked = walk
        .send_form(
            "/oauth/revoke",
            &format!("token={rotated}&token_type_hint=refresh_token"),
        )
        .await;
    assert_eq!(json_of(&revoked), json!({"revoked": true}));
    let after_revoke = walk
        .send_form(
            "/oauth/token",
            &format!("grant_type=refresh_token&refresh_token={rotated}&client_id=cli_native"),
        )
        .await;
    assert_eq!(after_revoke.status, 400);

    let contract = Contract::embedded();
    let mut classes = BTreeSet::new();
    for (scenario, method, path, reply) in &walk.seen {
        let checked = contract.check_response(method, path, reply.status, &reply.body);
        let what = format!(
            "{scenario}: {method} {path} -> {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        match scenario.as_str() {
            "garbage" | "bad-gateway" if reply.content_type != "application/json" => {
                assert!(
                    serde_json::from_slice::<Value>(&reply.body).is_err(),
                    "{what}: a non-JSON scenario body parses"
                );
                continue;
            }
            "missing-fields" if reply.status == 200 && path.starts_with("/api/v1/tracker/") => {
                assert!(
                    checked.is_err(),
                    "{what}: missing-fields must break the contract"
                );
                continue;
            }
            _ => {}
        }
        assert_eq!(checked, Ok(()), "{what}");
        assert_eq!(reply.content_type, "application/json", "{what}");
        classes.insert(reply.status);
    }
    // The walk reaches every response class the mock has, so it cannot shrink unnoticed.
    assert_eq!(
        classes.into_iter().collect::<Vec<_>>(),
        [200, 202, 400, 401, 403, 404, 429, 500]
    );
    assert!(walk.seen.len() > 100, "{} exchanges", walk.seen.len());
    assert!(scenarios
        .iter()
        .all(|s| *s == "ok" || Scenario::from_slug(s).is_some()));
}

#[tokio::test]
async fn the_mock_names_the_broken_rule() {
    let mut walk = Walk {
        mock: Mock::new(Config::default()),
        seen: Vec::new(),
        scenario: "violations".into(),
    };
    let (access, _) = walk.login().await;
    let bearer = format!("Bearer {access}");
    let r = walk
        .send(
            "POST",
            "/api/v1/tracker/pull/",
            &[("Authorization", bearer.as_str())],
            Some(&json!({"provider": "linear", "project_slug": "p", "limit": 10})),
        )
        .await;
    let v = json_of(&r);
    assert_eq!(
        (r.status, v["code"].as_str()),
        (400, Some("contract_violation"))
    );
    assert_eq!(v["message"], "header `X-Team-Slug` is required");
    assert_eq!(
        v["details"],
        json!({"location": "header", "field": "X-Team-Slug", "rule": "required"})
    );
    let r = walk
        .send(
            "POST",
            "/api/v1/tracker/pull/",
            &[("Authorization", bearer.as_str()), ("X-Team-Slug", TEAM)],
            Some(&json!({"provider": "linear", "project_slug": "p", "limit": "10"})),
        )
        .await;
    let v = json_of(&r);
    assert_eq!(
        (r.status, v["code"].as_str()),
        (400, Some("contract_violation"))
    );
    assert_eq!(
        v["details"],
        json!({"location": "body", "field": "limit", "rule": "type"})
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("body field `limit`: \"10\" is not of type \"integer\""),
        "{v}"
    );
    let r = walk
        .send_form(
            "/oauth/token",
            "grant_type=refresh_token&refresh_token=r&client_id=other",
        )
        .await;
    let v = json_of(&r);
    assert_eq!(
        (r.status, v["details"]["field"].as_str()),
        (400, Some("client_id")),
        "{v}"
    );
}
