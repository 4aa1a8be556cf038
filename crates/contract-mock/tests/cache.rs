//! `Config::cache_bodies` (`--cache-bodies`, the benchmark's floor): the cached mock serves
//! exactly the bytes the uncached mock builds for the same request, on every repeat, and a page
//! is cached per provider, project, limit and cursor (another cursor or limit is another page).
//!
//! Oracles: the uncached mock (the bytes a request gets without the cache), and the contract
//! document `contract/tracker-api.yaml` (every cached body is a valid pull response, and the
//! pages chained by `next_cursor` hold every issue once, in order).

use contract_mock::contract::Contract;
use contract_mock::{Config, Mock, MockRequest, Reply};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

const ISSUES: usize = 23;

async fn send(mock: &Mock, path: &str, bearer: Option<&str>, body: &Value) -> Reply {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(token) = bearer {
        headers.push(("Authorization".into(), format!("Bearer {token}")));
        headers.push(("X-Team-Slug".into(), "demo-team".into()));
    }
    mock.answer(&MockRequest {
        method: "POST".into(),
        path: path.into(),
        query: None,
        headers,
        body: body.to_string().into_bytes(),
    })
    .await
}

/// A mock with `ISSUES` issues and an access token for it.
async fn logged_in(cache_bodies: bool) -> (Mock, String) {
    let mock = Mock::new(Config {
        issues: ISSUES,
        cache_bodies,
        ..Config::default()
    });
    let login = json!({"username": "alice", "password": "demo-password"});
    let r = send(&mock, "/api/v1/token/", None, &login).await;
    assert_eq!(r.status, 200);
    let token = serde_json::from_slice::<Value>(&r.body).unwrap()["access"]
        .as_str()
        .unwrap()
        .to_owned();
    (mock, token)
}

fn pull(provider: &str, slug: &str, limit: usize, cursor: Option<&str>) -> Value {
    let mut body = json!({"provider": provider, "project_slug": slug, "limit": limit});
    if let Some(c) = cursor {
        body["cursor"] = json!(c);
    }
    body
}

#[tokio::test]
async fn cached_pages_are_the_uncached_bytes_and_differ_by_cursor_and_limit() {
    let (plain, plain_token) = logged_in(false).await;
    let (cached, cached_token) = logged_in(true).await;
    let contract = Contract::embedded();
    let requests = [
        ("linear", "p", 5, None),
        ("linear", "p", 5, Some("c5")),
        ("linear", "p", 5, Some("c20")),
        ("linear", "p", 10, None),
        ("linear", "p", 100, None),
        ("jira", "p", 5, None),
        ("linear", "partial", 5, None),
        ("linear", "other-project", 5, None),
    ];
    let mut bodies: HashMap<Vec<u8>, usize> = HashMap::new();
    for (i, (provider, slug, limit, cursor)) in requests.iter().enumerate() {
        let req = pull(provider, slug, *limit, *cursor);
        let want = send(&plain, "/api/v1/tracker/pull/", Some(&plain_token), &req).await;
        let first = send(&cached, "/api/v1/tracker/pull/", Some(&cached_token), &req).await;
        let again = send(&cached, "/api/v1/tracker/pull/", Some(&cached_token), &req).await;
        assert_eq!((want.status, first.status, again.status), (200, 200, 200));
        assert_eq!(first.content_type, "application/json");
        assert!(first.body == want.body, "{req}: cached bytes differ");
        assert!(again.body == want.body, "{req}: the repeat differs");
        assert_eq!(
            contract.check_response("POST", "/api/v1/tracker/pull/", 200, &first.body),
            Ok(()),
            "{req}"
        );
        // Same bytes for two requests only where the document says the page is the same:
        // another project of the same provider with no scenario gets the same issues.
        if let Some(j) = bodies.insert(first.body.clone(), i) {
            assert_eq!(
                (requests[j].0, requests[j].2, requests[j].3, *slug),
                (*provider, *limit, *cursor, "other-project"),
                "{req} is served the page of request {j}"
            );
        }
    }
    assert_eq!(bodies.len(), requests.len() - 1);
}

#[tokio::test]
async fn cached_pages_chained_by_next_cursor_hold_every_issue_once() {
    let (cached, token) = logged_in(true).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..2 {
        seen.clear();
        cursor = None;
        // Bounded: a cache that ignored the cursor would serve the first page forever.
        for _ in 0..=ISSUES {
            let req = pull("linear", "p", 4, cursor.as_deref());
            let r = send(&cached, "/api/v1/tracker/pull/", Some(&token), &req).await;
            let page: Value = serde_json::from_slice(&r.body).unwrap();
            for item in page["items"].as_array().unwrap() {
                seen.push(item["ref"]["id"].as_str().unwrap().to_owned());
            }
            if page["has_more"] != true {
                assert_eq!(page["next_cursor"], Value::Null, "{page}");
                break;
            }
            cursor = page["next_cursor"].as_str().map(str::to_owned);
        }
    }
    let want: Vec<String> = (1..=ISSUES).map(|n| format!("id-{n:06}")).collect();
    assert_eq!(seen, want, "second walk, every page from the cache");
    assert_eq!(cursor.as_deref(), Some("c20"));
}

#[tokio::test]
async fn missing_fields_bypasses_the_cache() {
    let (cached, token) = logged_in(true).await;
    let (plain, plain_token) = logged_in(false).await;
    let req = pull("linear", "missing-fields", 5, None);
    let mut distinct = BTreeSet::new();
    for _ in 0..2 {
        let r = send(&cached, "/api/v1/tracker/pull/", Some(&token), &req).await;
        let want = send(&plain, "/api/v1/tracker/pull/", Some(&plain_token), &req).await;
        assert_eq!((r.status, &r.body), (want.status, &want.body));
        assert!(Contract::embedded()
            .check_response("POST", "/api/v1/tracker/pull/", 200, &r.body)
            .is_err());
        distinct.insert(r.body);
    }
    assert_eq!(distinct.len(), 1);
}
