//! The spec-kitty 3.2 operations of the mock (resources, bind-resolve / -confirm / -validate,
//! list-tickets, issue-search, the unrouted status and mappings): every answer in every
//! scenario follows the contract document, and each scenario plays the story it is named for.
//!
//! Oracle: `contract/tracker-api.yaml` (its 3.2 part written from
//! reference/upstream-3.2-tracker.md §4-§5), checked by the `jsonschema` crate; the stories
//! from the same reference (§5.2: exact / candidates / none, `invalid_candidate_token`).

use contract_mock::contract::Contract;
use contract_mock::{Config, Mock, MockRequest, Reply, SLUG_NAMES};
use serde_json::{json, Value};
use std::time::Duration;

const TEAM: &str = "demo-team";
const KEY: &str = "9b2e4f3a-1c5d-4e6f-8a7b-0c1d2e3f4a5b";

struct Client {
    mock: Mock,
    bearer: String,
    /// (method, path, reply) of every exchange.
    seen: Vec<(String, String, Reply)>,
}

fn json_of(r: &Reply) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

impl Client {
    async fn new(config: Config) -> Client {
        let mock = Mock::new(config);
        let login = mock
            .answer(&MockRequest {
                method: "POST".into(),
                path: "/api/v1/token/".into(),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: json!({"username": "ada", "password": "demo-password"})
                    .to_string()
                    .into_bytes(),
                ..MockRequest::default()
            })
            .await;
        let access = json_of(&login)["access"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Client {
            mock,
            bearer: format!("Bearer {access}"),
            seen: Vec::new(),
        }
    }

    async fn send(&mut self, method: &str, target: &str, body: Option<&Value>) -> Reply {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (target, None),
        };
        let mut headers = vec![
            ("Authorization".to_owned(), self.bearer.clone()),
            ("X-Team-Slug".to_owned(), TEAM.to_owned()),
        ];
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if path.ends_with("/bind-confirm/") {
            headers.push(("Idempotency-Key".into(), KEY.into()));
        }
        let req = MockRequest {
            method: method.into(),
            path: path.into(),
            query,
            headers,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        };
        let reply = self.mock.answer(&req).await;
        self.seen.push((method.into(), path.into(), reply.clone()));
        reply
    }

    async fn post(&mut self, op: &str, body: Value) -> (u16, Value) {
        let r = self
            .send("POST", &format!("/api/v1/tracker/{op}/"), Some(&body))
            .await;
        (r.status, json_of(&r))
    }

    async fn get(&mut self, target: &str) -> (u16, Value) {
        let r = self
            .send("GET", &format!("/api/v1/tracker/{target}"), None)
            .await;
        (r.status, json_of(&r))
    }
}

fn identity(slug: &str) -> Value {
    json!({"uuid": "7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f", "slug": slug, "node_id": "0123456789ab",
           "repo_slug": null, "build_id": "35eabafe-284a-5d7c-a819-7d1549333d24"})
}

#[tokio::test]
async fn every_3_2_answer_in_every_scenario_follows_the_document() {
    let mut c = Client::new(Config {
        slow: Duration::from_millis(1),
        ..Config::default()
    })
    .await;
    for slug in std::iter::once("ok").chain(SLUG_NAMES) {
        for provider in ["linear", "gitlab"] {
            c.get(&format!("resources/?provider={provider}")).await;
            c.get(&format!("status/?provider={provider}")).await;
            c.get(&format!("mappings/?provider={provider}")).await;
            let (_, resolved) = c
                .post(
                    "bind-resolve",
                    json!({"provider": provider, "project_identity": identity(slug)}),
                )
                .await;
            let token = resolved["candidate_token"]
                .as_str()
                .or_else(|| resolved["candidates"][0]["candidate_token"].as_str())
                .unwrap_or("ct-unknown")
                .to_owned();
            let (status, accepted) = c
                .post(
                    "bind-confirm",
                    json!({"provider": provider, "candidate_token": token, "project_identity": identity(slug)}),
                )
                .await;
            if status == 202 {
                let id = accepted["operation_id"].as_str().unwrap_or_default();
                for _ in 0..4 {
                    c.get(&format!("operations/{id}/")).await;
                }
            }
            for r in ["br-core", "nope"] {
                c.post(
                    "bind-validate",
                    json!({"provider": provider, "binding_ref": r, "project_identity": identity(slug)}),
                )
                .await;
            }
            c.post(
                "list-tickets",
                json!({"provider": provider, "limit": 5, "binding_ref": slug}),
            )
            .await;
            c.post(
                "issue-search",
                json!({"provider": provider, "limit": 20, "project_slug": slug, "query_key": "LIN-2", "query_text": "LIN-2"}),
            )
            .await;
        }
    }
    let contract = Contract::embedded();
    let mut statuses = std::collections::BTreeSet::new();
    for (method, path, reply) in &c.seen {
        let what = format!(
            "{method} {path} -> {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        if reply.content_type != "application/json" {
            continue; // garbage / bad-gateway: non-JSON on purpose
        }
        let checked = contract.check_response(method, path, reply.status, &reply.body);
        if json_of(reply) == json!({"status": "ok"}) {
            assert!(checked.is_err(), "{what}: missing-fields must break it");
            continue;
        }
        assert_eq!(checked, Ok(()), "{what}");
        statuses.insert(reply.status);
    }
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        [200, 202, 400, 401, 403, 429, 500]
    );
}

#[tokio::test]
async fn each_bind_scenario_plays_its_story() {
    let mut c = Client::new(Config::default()).await;
    let resolve = |slug: &str| json!({"provider": "linear", "project_identity": identity(slug)});
    let confirm = |slug: &str, token: &str| json!({"provider": "linear", "candidate_token": token, "project_identity": identity(slug)});

    // Default: exact with a token to confirm; the binding is br-<token>.
    let (_, r) = c.post("bind-resolve", resolve("proj")).await;
    assert_eq!(r["match_type"], "exact");
    let token = r["candidate_token"].as_str().expect("token").to_owned();
    let (status, b) = c.post("bind-confirm", confirm("proj", &token)).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["binding_ref"], json!(format!("br-{token}")));
    assert_eq!(b["display_label"], "Core (COR)");
    // A token the mock never issued is refused.
    let (status, e) = c.post("bind-confirm", confirm("proj", "ct-forged")).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_candidate_token"))
    );

    // candidates: three, high to low, sort_position 0..2, tokens fresh on every resolve.
    let (_, r) = c.post("bind-resolve", resolve("candidates")).await;
    assert_eq!(r["match_type"], "candidates");
    let list = r["candidates"].as_array().expect("list");
    let conf: Vec<&str> = list
        .iter()
        .filter_map(|x| x["confidence"].as_str())
        .collect();
    assert_eq!(conf, ["high", "medium", "low"]);
    let pos: Vec<u64> = list
        .iter()
        .filter_map(|x| x["sort_position"].as_u64())
        .collect();
    assert_eq!(pos, [0, 1, 2]);
    let (_, again) = c.post("bind-resolve", resolve("candidates")).await;
    assert_ne!(
        again["candidates"][1]["candidate_token"],
        list[1]["candidate_token"]
    );

    let (_, r) = c.post("bind-resolve", resolve("no-match")).await;
    assert_eq!(r["match_type"], "none");
    let (_, r) = c.post("bind-resolve", resolve("exact-bound")).await;
    assert_eq!(
        (r["match_type"].as_str(), r["binding_ref"].as_str()),
        (Some("exact"), Some("br-core"))
    );

    // expired-candidate: the first confirm is refused, a re-resolved token works.
    let (_, r) = c.post("bind-resolve", resolve("expired-candidate")).await;
    let t1 = r["candidate_token"].as_str().expect("token").to_owned();
    let (status, e) = c
        .post("bind-confirm", confirm("expired-candidate", &t1))
        .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_candidate_token"))
    );
    let (_, r) = c.post("bind-resolve", resolve("expired-candidate")).await;
    let t2 = r["candidate_token"].as_str().expect("token").to_owned();
    assert_ne!(t1, t2);
    assert_eq!(
        c.post("bind-confirm", confirm("expired-candidate", &t2))
            .await
            .0,
        200
    );
    // stale-candidate: never accepted.
    for _ in 0..2 {
        let (_, r) = c.post("bind-resolve", resolve("stale-candidate")).await;
        let t = r["candidate_token"].as_str().expect("token").to_owned();
        assert_eq!(
            c.post("bind-confirm", confirm("stale-candidate", &t))
                .await
                .0,
            400
        );
    }
    // async: 202, then the operation completes with the binding.
    let (_, r) = c.post("bind-resolve", resolve("async")).await;
    let t = r["candidate_token"].as_str().expect("token").to_owned();
    let (status, a) = c.post("bind-confirm", confirm("async", &t)).await;
    assert_eq!(status, 202);
    let id = a["operation_id"].as_str().expect("id").to_owned();
    let mut last = Value::Null;
    for _ in 0..3 {
        last = c.get(&format!("operations/{id}/")).await.1;
    }
    assert_eq!(last["status"], "completed");
    assert_eq!(last["result"]["binding_ref"], json!(format!("br-{t}")));

    // bind-validate: br-… is valid, anything else names a reason and guidance.
    let v = |r: &str| json!({"provider": "linear", "binding_ref": r, "project_identity": identity("p")});
    let (_, ok) = c.post("bind-validate", v(&format!("br-{token}"))).await;
    assert_eq!(
        (ok["valid"].as_bool(), ok["display_label"].as_str()),
        (Some(true), Some("Core (COR)"))
    );
    let (_, bad) = c.post("bind-validate", v("xyz")).await;
    assert_eq!(bad["valid"], false);
    assert!(
        bad["reason"].is_string() && bad["guidance"].is_string(),
        "{bad}"
    );

    // The unrouted status lists the fixed binding and the ones confirmed above.
    let (_, all) = c.get("status/?provider=linear").await;
    let refs: Vec<&str> = all["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .filter_map(|b| b["binding_ref"].as_str())
        .collect();
    assert_eq!(refs.len(), 4, "{all}");
    assert_eq!(refs[0], "br-mobile");
}

#[tokio::test]
async fn the_hosted_reads_list_search_and_empty() {
    let mut c = Client::new(Config::default()).await;
    let (_, r) = c.get("resources/?provider=linear").await;
    let resources = r["resources"].as_array().expect("list");
    assert_eq!(resources.len(), 3);
    assert_eq!(resources[2]["binding_ref"], "br-mobile");
    assert_eq!(resources[0]["binding_ref"], Value::Null);
    let (_, r) = c.get("resources/?provider=gitlab").await;
    assert_eq!(r, json!({"resources": []}));

    let (_, r) = c
        .post("list-tickets", json!({"provider": "linear", "limit": 5}))
        .await;
    assert_eq!(r["tickets"].as_array().map(Vec::len), Some(5));
    let (_, r) = c
        .post(
            "list-tickets",
            json!({"provider": "linear", "limit": 100, "binding_ref": "empty"}),
        )
        .await;
    assert_eq!(r, json!({"tickets": []}));
    // By key, either spelling of the identifier (LIN-4 comes as external_issue_key).
    for key in ["LIN-2", "lin-4"] {
        let (_, r) = c
            .post(
                "issue-search",
                json!({"provider": "linear", "limit": 20, "query_key": key, "query_text": key}),
            )
            .await;
        assert_eq!(
            r["candidates"].as_array().map(Vec::len),
            Some(1),
            "{key}: {r}"
        );
    }
    let (_, r) = c
        .post(
            "issue-search",
            json!({"provider": "linear", "limit": 20, "query_text": "search"}),
        )
        .await;
    let titles: Vec<&str> = r["candidates"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    assert!(
        !titles.is_empty() && titles.iter().all(|t| t.contains("Search")),
        "{titles:?}"
    );
}

#[tokio::test]
async fn the_mock_records_what_it_received() {
    let mut c = Client::new(Config::default()).await;
    c.post("list-tickets", json!({"provider": "linear", "limit": 3}))
        .await;
    c.get("resources/?provider=jira").await;
    // Refused by the contract (`limit` is an integer) and outside it: logged, without an `op`.
    c.post("list-tickets", json!({"provider": "linear", "limit": "3"}))
        .await;
    c.get("nowhere/").await;
    let taken = c.send("GET", "/__mock/received", None).await;
    let v = json_of(&taken);
    let requests = v["requests"].as_array().expect("requests");
    // The login, the four tracker requests, not the mock's own; never the token itself.
    assert_eq!(requests.len(), 5, "{v}");
    assert_eq!(requests[0]["op"], "login");
    assert_eq!(
        requests[1],
        json!({"op": "list_tickets", "method": "POST", "path": "/api/v1/tracker/list-tickets/",
               "query": [], "bearer": true, "content_type": "application/json",
               "x_team_slug": TEAM, "idempotency_key": null,
               "body": {"provider": "linear", "limit": 3}})
    );
    assert_eq!(
        (&requests[2]["op"], &requests[2]["query"]),
        (&json!("resources"), &json!([["provider", "jira"]]))
    );
    assert_eq!(
        (&requests[3]["op"], &requests[3]["body"]["limit"]),
        (&Value::Null, &json!("3"))
    );
    assert_eq!(
        (&requests[4]["op"], &requests[4]["path"]),
        (&Value::Null, &json!("/api/v1/tracker/nowhere/"))
    );
    assert!(!v
        .to_string()
        .contains(c.bearer.trim_start_matches("Bearer ")));
    // Taking them empties the record.
    let again = json_of(&c.send("GET", "/__mock/received", None).await);
    assert_eq!(again, json!({"requests": []}));
}
