//! End to end against the contract mock: login, bind, paging with `--all`, and the mock's own
//! contract checks (it must catch client bugs).

use crate::common;

use crate::common::{code, stderr, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn logged_in(mock: &mock::Running) -> Sandbox {
    let sb = Sandbox::new(None).env("SPEC_KITTY_SAAS_URL", &mock.url);
    let login = sb.run_with_stdin(
        &["auth", "login", "-u", "alice", "--password-stdin"],
        "demo-password",
    );
    assert_eq!(code(&login), 0, "{}", stderr(&login));
    assert_eq!(
        code(&sb.run(&["bind", "--provider", "jira", "--project-slug", "paging"])),
        0
    );
    sb
}

#[test]
fn pull_all_over_five_pages_returns_every_issue_once() {
    let mock = mock::spawn(
        mock::Config {
            issues: 25,
            ..mock::Config::default()
        },
        0,
    )
    .expect("mock");
    let sb = logged_in(&mock);
    let out = sb.run(&["sync", "pull", "--all", "--limit", "5", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["pages"], 5);
    assert_eq!(v["has_more"], false);
    let keys: Vec<&str> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["ref"]["key"].as_str().expect("key"))
        .collect();
    let unique: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(
        (keys.len(), unique.len()),
        (25, 25),
        "every issue exactly once"
    );
    assert_eq!(keys.first(), Some(&"PROJ-1"));
    assert_eq!(
        v["summary"],
        json!({"failed": 0, "skipped": 0, "succeeded": 25, "total": 25})
    );
    let human = sb.run(&["sync", "pull", "--all", "--limit", "5"]);
    assert!(
        common::stdout(&human).contains("- pages: 5\n- items: 25\n"),
        "{}",
        common::stdout(&human)
    );
}

#[tokio::test]
async fn the_mock_rejects_requests_that_break_the_contract() {
    let mock = mock::spawn(
        mock::Config {
            seed: Some(("t-access".into(), "t-refresh".into())),
            ..mock::Config::default()
        },
        0,
    )
    .expect("mock");
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value, key: Option<&str>| {
        let mut req = http
            .post(format!("{}{path}", mock.url))
            .bearer_auth("t-access")
            .header("X-Team-Slug", "demo-team")
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send()
    };
    let push = json!({"provider": "linear", "project_slug": "p", "items": []});
    let cases = [
        (
            post("/api/v1/tracker/push/", push.clone(), None).await,
            "header `Idempotency-Key` is required",
        ),
        (
            post("/api/v1/tracker/push/", push.clone(), Some("not-a-uuid")).await,
            "header `Idempotency-Key` is invalid",
        ),
        (
            post(
                "/api/v1/tracker/pull/",
                json!({"provider": "linear", "project_slug": "p", "limit": 5}),
                Some("0b6f7e8e-2a53-4a52-9c2f-3f6a0f1f6a11"),
            )
            .await,
            "header `Idempotency-Key` must not be sent on pull",
        ),
        (
            post(
                "/api/v1/tracker/pull/",
                json!({"provider": "linear", "project_slug": "p"}),
                None,
            )
            .await,
            "request body: \"limit\" is a required property",
        ),
        (
            post(
                "/api/v1/tracker/pull/",
                json!({"provider": "beads", "project_slug": "p", "limit": 5}),
                None,
            )
            .await,
            "body field `provider`: \"beads\" is not one of",
        ),
        (
            post(
                "/api/v1/tracker/run/",
                json!({"provider": "linear", "project_slug": "p", "limit": 5}),
                Some("0b6f7e8e-2a53-4a52-9c2f-3f6a0f1f6a11"),
            )
            .await,
            "request body: \"pull_first\" is a required property",
        ),
    ];
    for (resp, want) in cases {
        let resp = resp.expect("sent");
        assert_eq!(resp.status().as_u16(), 400);
        let body: Value =
            serde_json::from_slice(&resp.bytes().await.expect("body")).expect("envelope");
        assert_eq!(body["code"], "contract_violation");
        assert!(
            body["message"].as_str().expect("message").contains(want),
            "{body}"
        );
    }
    let no_team = http
        .get(format!(
            "{}/api/v1/tracker/status/?provider=linear&project_slug=p",
            mock.url
        ))
        .bearer_auth("t-access")
        .send()
        .await
        .expect("sent");
    assert_eq!(no_team.status().as_u16(), 400);
    let bad_token = http
        .get(format!(
            "{}/api/v1/tracker/status/?provider=linear&project_slug=p",
            mock.url
        ))
        .bearer_auth("nope")
        .header("X-Team-Slug", "demo-team")
        .send()
        .await
        .expect("sent");
    assert_eq!(bad_token.status().as_u16(), 401);
    let no_slash = http
        .get(format!(
            "{}/api/v1/tracker/status?provider=linear&project_slug=p",
            mock.url
        ))
        .bearer_auth("t-access")
        .header("X-Team-Slug", "demo-team")
        .send()
        .await
        .expect("sent");
    assert_eq!(no_slash.status().as_u16(), 404, "paths end with a slash");
}

/// Issue 14.6: on a terminal every 429 wait is announced before it starts, and the final 429
/// says what to do. Oracle: a real pseudo-terminal (`script`, util-linux) makes stderr a
/// terminal; the mock's `rate-storm` answers 429 with `retry_after_seconds: 2` forever.
#[test]
fn rate_limit_waits_are_announced_on_a_terminal() {
    if common::windows_build() {
        // Listed in scripts/wine-test.sh too.
        common::skip_on_platform(
            "under Wine (Wine draws the Windows console onto the pty with its own cursor \
             escapes, ESC[1C for a space, so the text cannot be compared)",
        );
        return;
    }
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let sb = logged_in(&mock);
    assert_eq!(
        code(&sb.run(&[
            "bind",
            "--provider",
            "linear",
            "--project-slug",
            "rate-storm"
        ])),
        0
    );
    let Some(mut terminal) = sb.on_terminal(&["sync", "pull"]) else {
        return;
    };
    let out = terminal
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    for n in 1..=3 {
        assert!(
            text.contains(&format!("note: rate limited, retrying in 2 s ({n} of 3)\n")),
            "wait {n} not announced:\n{text}"
        );
    }
    assert!(
        text.contains("error: Too many requests for this team.\nhint: the Spec Kitty SaaS still refused after 3 retries; wait a minute, then run the command again\n"),
        "{text}"
    );
    // Off a terminal (a pipe, as in scripts) the waits stay silent.
    let piped = sb.run_env(&["sync", "pull"], &[("SPEC_KITTY_TRACKER_POLL_SCALE", "1")]);
    assert!(!stderr(&piped).contains("note:"), "{}", stderr(&piped));
}

/// `--jq EXPR` against the real `jq`: for each expression, the command's `--json` output piped
/// through `jq -S` (sorted keys, the house style of every `--json` document) must equal what
/// `--jq` prints. Documents: `providers --json` and a pulled page with server data.
#[test]
fn jq_filters_as_the_real_jq_does() {
    if !common::have("jq", "the real jq is the oracle of `--jq`") {
        return;
    }
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let sb = logged_in(&mock);
    let cases: [(&[&str], &[&str]); 2] = [
        (
            &["providers", "--json"],
            &[
                ".saas[0]",
                ".",
                ".local | length",
                "[.saas[] | select(startswith(\"g\"))]",
            ],
        ),
        (
            &["sync", "pull", "--limit", "3", "--json"],
            &[
                ".items[].ref.key",
                ".items | map({key: .ref.key, title, labels}) ",
                "[.items[] | .priority] | add",
                ".summary | to_entries | map(\"\\(.key)=\\(.value)\") | join(\",\")",
                ".identity_path | keys",
                ".items[0] | del(.body) | with_entries(select(.value != null))",
                "[paths | length] | max",
                ".missing // \"fallback\"",
                ".items | group_by(.issue_type) | map({(.[0].issue_type): length}) | add",
                "empty",
            ],
        ),
    ];
    for (args, exprs) in cases {
        let plain = sb.run(args);
        assert_eq!(code(&plain), 0, "{}", stderr(&plain));
        let doc: Value = serde_json::from_slice(&plain.stdout).expect("--json is JSON");
        if let Some(items) = doc.get("items") {
            assert_eq!(items.as_array().map(Vec::len), Some(3), "a page with data");
        }
        for expr in exprs {
            let mut jq = std::process::Command::new("jq")
                .args(["-S", expr])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("jq runs");
            {
                use std::io::Write;
                let mut stdin = jq.stdin.take().expect("stdin");
                stdin.write_all(&plain.stdout).expect("feed jq");
            }
            let expected = jq.wait_with_output().expect("jq output");
            assert!(expected.status.success(), "jq failed on {expr}");
            let mut filtered = args.to_vec();
            filtered.extend(["--jq", expr]);
            let out = sb.run(&filtered);
            assert_eq!(code(&out), 0, "{expr}: {}", stderr(&out));
            assert_eq!(
                common::stdout(&out),
                String::from_utf8_lossy(&expected.stdout),
                "--jq {expr} differs from jq -S"
            );
        }
    }
}
