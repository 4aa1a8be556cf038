//! Bind by discovery end to end against the contract mock: `discover`, `bind` (exact,
//! `--select`, candidates without a terminal, none, expired and stale candidate tokens, a 202
//! confirm, `--bind-ref` valid and invalid, an existing binding), then the binding in use.
//!
//! Oracles: reference/upstream-3.2-tracker.md §5.2 (the flow, its messages and the requests
//! 3.2.7 sends), §3.1 (the block a SaaS bind writes) and §2 (the identity block); the contract
//! document, which the mock checks every request against; and what the mock recorded
//! (`GET /__mock/received`).

use crate::common;

use crate::common::interop::{received, IDENTITY};
use crate::common::{code, stderr, stdout, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// A project whose identity slug selects the mock's scenario, logged in, `extra` appended.
fn project(mock: &mock::Running, slug: &str, extra: &str) -> Sandbox {
    let config = format!("# kept\n{}{extra}", IDENTITY.replace("SLUG", slug));
    logged_in(mock, &config)
}

/// A project with `config`, logged in to `mock` (polls not slowed down).
pub fn logged_in(mock: &mock::Running, config: &str) -> Sandbox {
    let sb = Sandbox::new(Some(config))
        .env("SPEC_KITTY_SAAS_URL", &mock.url)
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    sb.write_credentials(&common::session_toml(
        &mock.url,
        mock::SEED_ACCESS,
        mock::SEED_REFRESH,
        false,
    ));
    sb
}

fn config(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
}

/// The tracker requests the mock received since the last call: (method, path, body).
fn requests(mock: &mock::Running) -> Vec<(String, String, Value, Option<String>)> {
    received(mock)
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                r["path"].as_str().unwrap_or_default().to_owned(),
                r["body"].clone(),
                r["idempotency_key"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn identity(slug: &str) -> Value {
    json!({"uuid": "7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f", "slug": slug, "node_id": "0123456789ab",
           "repo_slug": null, "build_id": "35eabafe-284a-5d7c-a819-7d1549333d24"})
}

#[test]
fn an_exact_match_is_confirmed_and_the_binding_routes_every_command() {
    let mock = common::seeded_mock();
    let sb = project(&mock, "fresh", "");
    let out = sb.run(&["bind", "--provider", "linear", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let binding_ref = v["binding_ref"].as_str().expect("ref").to_owned();
    assert!(binding_ref.starts_with("br-ct-1-"), "{v}");
    assert_eq!(v["display_label"], "Core (COR)");
    // The requests, as 3.2.7 sends them (§9.5): resolve with the identity, then confirm the
    // token as a write (an Idempotency-Key), nothing else.
    let seen = requests(&mock);
    let paths: Vec<&str> = seen.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/tracker/bind-resolve/",
            "/api/v1/tracker/bind-confirm/"
        ]
    );
    assert_eq!(
        seen[0].2,
        json!({"provider": "linear", "project_identity": identity("fresh")})
    );
    assert_eq!(seen[0].3, None);
    let token = binding_ref.trim_start_matches("br-");
    assert_eq!(
        seen[1].2,
        json!({"provider": "linear", "candidate_token": token, "project_identity": identity("fresh")})
    );
    assert!(
        seen[1].3.is_some(),
        "bind-confirm carries an Idempotency-Key"
    );
    // The block in the 3.2 layout (§3.1), after the untouched rest of the file.
    let text = config(&sb);
    let expected_tail = format!(
        "tracker:\n  provider: linear\n  binding_ref: {binding_ref}\n  project_slug: fresh\n  display_label: Core (COR)\n  provider_context:\n    workspace_name: Acme\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {{}}\n"
    );
    assert_eq!(
        text,
        format!(
            "# kept\n{}{expected_tail}",
            IDENTITY.replace("SLUG", "fresh")
        )
    );
    // The binding is used: status, pull, push, run, map list all work against the mock.
    let items = sb.dir.path().join("items.json");
    std::fs::write(&items, r#"[{"ref": "LIN-1", "action": "comment"}]"#).expect("items");
    for args in [
        vec!["status"],
        vec!["sync", "pull", "--limit", "3"],
        vec![
            "sync",
            "push",
            "--items-json",
            items.to_str().expect("path"),
        ],
        vec!["sync", "run"],
        vec!["map", "list"],
    ] {
        let out = sb.run(&args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    // status --all lists the new binding.
    let out = sb.run(&["status", "--all", "--json"]);
    let all: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        all["bindings"]
            .as_array()
            .expect("bindings")
            .iter()
            .any(|b| b["binding_ref"] == json!(binding_ref)),
        "{all}"
    );
}

#[test]
fn candidates_need_a_selection_without_a_terminal_and_select_picks_one() {
    let mock = common::seeded_mock();
    let sb = project(&mock, "candidates", "");
    let out = sb.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: Multiple resources found for provider 'linear':\n  1. Core (COR) (high confidence)\n     Reason: repository name matches the resource key\n  2. Platform (PLT) (medium confidence)\n     Reason: project slug resembles the resource name\n  3. Mobile (MOB) (low confidence)\n     Reason: only resource of the workspace not yet bound\nhint: choose one with `spec-kitty-tracker bind --provider linear --select N` (no terminal to ask on)\n"
    );
    assert!(!config(&sb).contains("tracker:"), "nothing written");
    let _ = requests(&mock);
    let out = sb.run(&["bind", "--provider", "linear", "--select", "2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out)
            .starts_with("Tracker binding saved\n- provider: linear\n- binding_ref: br-ct-2-"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).ends_with("- display_label: Platform (PLT)\n"));
    let seen = requests(&mock);
    assert_eq!(seen.len(), 2);
    assert!(seen[1].2["candidate_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("ct-2-")));
    // Out of range: 3.2.7's message.
    let out = sb.run(&["bind", "--provider", "linear", "--select", "4", "--force"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: Selection 4 is out of range. Valid range: 1-3.\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_match_expired_and_stale_tokens_and_a_202_confirm() {
    let mock = common::seeded_mock();
    let out = project(&mock, "no-match", "").run(&["bind", "--provider", "jira"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: No bindable resources found for provider 'jira'. Verify the tracker is connected in the SaaS dashboard.\n"),
        "{}",
        stderr(&out)
    );
    let _ = requests(&mock);

    // The first confirm is refused; one new resolve, and its token is confirmed.
    let sb = project(&mock, "expired-candidate", "");
    let out = sb.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let paths: Vec<String> = requests(&mock).into_iter().map(|r| r.1).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/tracker/bind-resolve/",
            "/api/v1/tracker/bind-confirm/",
            "/api/v1/tracker/bind-resolve/",
            "/api/v1/tracker/bind-confirm/"
        ]
    );

    // Refused every time: retried once, then 3.2.7's message.
    let sb = project(&mock, "stale-candidate", "");
    let out = sb.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: The candidate token has expired or is not known."),
        "{}",
        stderr(&out)
    );
    assert_eq!(requests(&mock).len(), 4);
    assert!(!config(&sb).contains("tracker:"));

    // bind-confirm accepted with 202 and polled like push.
    let sb = project(&mock, "async", "");
    let out = sb.run(&["bind", "--provider", "github", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let paths: Vec<String> = requests(&mock).into_iter().map(|r| r.1).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/api/v1/tracker/operations/")),
        "{paths:?}"
    );
    assert!(config(&sb).contains("  binding_ref: br-ct-1-"));
}

#[test]
fn a_bind_ref_is_validated_first() {
    let mock = common::seeded_mock();
    let sb = project(&mock, "ci", "");
    let out = sb.run(&["bind", "--provider", "linear", "--bind-ref", "nope"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: Binding ref 'nope' is not valid: no binding with this ref exists in the installation. Bind one of the linear resources that discovery lists.\n"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["bind", "--provider", "linear", "--bind-ref", "br-core"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let seen = requests(&mock);
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.1 == "/api/v1/tracker/bind-validate/"));
    assert_eq!(
        seen[1].2,
        json!({"provider": "linear", "binding_ref": "br-core", "project_identity": identity("ci")})
    );
    assert!(config(&sb).contains("tracker:\n  provider: linear\n  binding_ref: br-core\n"));
}

#[test]
fn an_existing_binding_needs_force_without_a_terminal() {
    let mock = common::seeded_mock();
    let sb = project(
        &mock,
        "rebind",
        "tracker:\n  provider: jira\n  binding_ref: br-old\n  display_label: Old\n",
    );
    let before = config(&sb);
    let out = sb.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: Existing binding: jira: Old. Replacing it needs --force when there is no terminal to ask on.\nhint: add --force to replace the binding\n"
    );
    assert_eq!(config(&sb), before);
    assert!(requests(&mock).is_empty(), "nothing sent before the answer");
    let out = sb.run(&["bind", "--provider", "linear", "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(config(&sb).contains("  provider: linear\n  binding_ref: br-ct-"));
}

#[test]
fn a_missing_identity_is_generated_and_written_before_the_first_request() {
    let mock = common::seeded_mock();
    let sb = Sandbox::new(Some("# only a comment\nvcs:\n  type: git\n"))
        .env("SPEC_KITTY_SAAS_URL", &mock.url)
        .env("USER", "ada")
        .env("LOGNAME", "ada");
    sb.write_credentials(&common::session_toml(
        &mock.url,
        mock::SEED_ACCESS,
        mock::SEED_REFRESH,
        false,
    ));
    let out = sb.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = config(&sb);
    assert!(
        text.starts_with("# only a comment\nvcs:\n  type: git\nproject:\n  uuid: "),
        "{text}"
    );
    let doc: Value = yaml_to_json(&text);
    let sent = &requests(&mock)[0].2["project_identity"];
    assert_eq!(
        sent,
        &doc["project"]
            .as_object()
            .map(|p| {
                let mut p = p.clone();
                p.insert("repo_slug".into(), Value::Null);
                Value::Object(p)
            })
            .expect("project")
    );
    // No git origin here: the slug is the directory's name (§2.2).
    assert_eq!(doc["project"]["slug"], "project");
}

fn yaml_to_json(text: &str) -> Value {
    let v: yaml_serde::Value = yaml_serde::from_str(text).expect("yaml");
    serde_json::to_value(v).expect("json")
}

/// Run `args` on a pseudo-terminal (util-linux `script`), typing `keys` once it had time to
/// draw; its output with the terminal's CR LF made LF.
fn on_terminal(sb: &Sandbox, args: &[&str], keys: &[&str]) -> Option<(i32, String)> {
    let mut child = sb
        .on_terminal(args)?
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script");
    let mut input = child.stdin.take().expect("stdin");
    for key in keys {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        input.write_all(key.as_bytes()).expect("type");
        input.flush().expect("flush");
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(input);
    let out = child.wait_with_output().expect("wait");
    Some((code(&out), stdout(&out).replace("\r\n", "\n")))
}

#[test]
fn on_a_terminal_the_candidates_are_a_list_and_a_rebind_is_asked() {
    let mock = common::seeded_mock();
    let sb = project(&mock, "candidates", "");
    // Down once, Enter: the second candidate (after a new resolve, as 3.2.7 does).
    let Some((status, text)) =
        on_terminal(&sb, &["bind", "--provider", "linear"], &["\x1b[B", "\r"])
    else {
        return;
    };
    assert_eq!(status, 0, "{text}");
    assert!(
        text.contains("Platform (PLT) (medium confidence)"),
        "{text}"
    );
    assert!(text.contains("- display_label: Platform (PLT)\n"), "{text}");
    let paths: Vec<String> = requests(&mock).into_iter().map(|r| r.1).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/tracker/bind-resolve/",
            "/api/v1/tracker/bind-resolve/",
            "/api/v1/tracker/bind-confirm/"
        ]
    );
    let bound = config(&sb);
    // Replacing the binding: "n" keeps it and sends nothing.
    let Some((status, text)) = on_terminal(&sb, &["bind", "--provider", "linear"], &["n"]) else {
        return;
    };
    assert_eq!(status, 0, "{text}");
    assert!(
        text.contains("Existing binding: linear: Platform (PLT)"),
        "{text}"
    );
    assert!(text.contains("Bind cancelled."), "{text}");
    assert_eq!(config(&sb), bound);
    assert!(requests(&mock).is_empty());
}

#[test]
fn from_a_fresh_project_discover_then_select_2_then_every_command() {
    // The issue's "done when": a fresh project (no identity yet; its origin names the mock's
    // `candidates` scenario), discover, bind --select 2, then the binding in use.
    let mock = common::seeded_mock();
    let sb = Sandbox::new(Some("vcs:\n  type: git\n")).env("SPEC_KITTY_SAAS_URL", &mock.url);
    sb.write_credentials(&common::session_toml(
        &mock.url,
        mock::SEED_ACCESS,
        mock::SEED_REFRESH,
        false,
    ));
    let git = |args: &[&str]| {
        assert!(Command::new("git")
            .args(args)
            .current_dir(sb.project())
            .output()
            .expect("git")
            .status
            .success());
    };
    git(&["init", "-q"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/candidates.git",
    ]);
    let out = sb.run(&["discover", "--provider", "linear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("\n2  Platform (PLT)  linear    Acme       available\n"));
    let out = sb.run(&["bind", "--provider", "linear", "--select", "2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = config(&sb);
    assert!(text.contains("project:\n  uuid: "), "{text}");
    assert!(text.contains("  slug: candidates\n"), "{text}");
    assert!(text.contains("  binding_ref: br-ct-2-"), "{text}");
    let _ = requests(&mock);
    let items = sb.dir.path().join("items.json");
    std::fs::write(&items, r#"[{"ref": "LIN-1", "action": "comment"}]"#).expect("items");
    for args in [
        vec!["status"],
        vec!["sync", "pull"],
        vec![
            "sync",
            "push",
            "--items-json",
            items.to_str().expect("path"),
        ],
        vec!["sync", "run"],
        vec!["map", "list"],
    ] {
        let out = sb.run(&args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    // Each routed by the binding_ref bind wrote (reference §4.2), never by project_slug.
    let written = text
        .lines()
        .find_map(|l| l.strip_prefix("  binding_ref: "))
        .expect("binding_ref")
        .to_owned();
    let sent = received(&mock);
    assert_eq!(sent.len(), 5, "one request each: {sent:?}");
    for r in &sent {
        let routed = r["query"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p == &json!(["binding_ref", written]))
            || r["body"]["binding_ref"] == json!(written);
        assert!(routed, "{r}");
        assert!(
            r["body"].get("project_slug").is_none()
                && !r["query"].to_string().contains("project_slug"),
            "{r}"
        );
    }
}

#[test]
fn list_tickets_adds_the_url_where_the_terminal_is_wide_enough() {
    let mock = common::seeded_mock();
    for (columns, url) in [("200", true), ("60", false)] {
        let sb = project(&mock, "tickets", "").env("COLUMNS", columns);
        let Some((status, text)) = on_terminal(
            &sb,
            &["list-tickets", "--provider", "linear", "--limit", "2"],
            &[],
        ) else {
            return;
        };
        assert_eq!(status, 0, "{text}");
        assert!(text.contains("Identifier  Title"), "{text}");
        assert_eq!(text.contains("  URL\n"), url, "COLUMNS={columns}: {text}");
        assert_eq!(
            text.contains("https://tracker.example/LIN-1"),
            url,
            "{text}"
        );
    }
    // Not a terminal: never the URL (the table stays the same for scripts).
    let out = project(&mock, "tickets", "").env("COLUMNS", "200").run(&[
        "list-tickets",
        "--provider",
        "linear",
        "--limit",
        "1",
    ]);
    assert_eq!(
        stdout(&out),
        "Identifier  Title                                State\nLIN-1       List tickets from the dashboard (1)  In Progress\n"
    );
}

#[test]
fn the_stale_binding_hint_rebinds_by_discovery() {
    // A binding_ref the server no longer knows (the mock's `binding-not-found`): status says
    // it is stale and names the command that rebinds; that command works on a terminal (it
    // asks first) and with --force without one.
    let mock = common::seeded_mock();
    let sb = project(
        &mock,
        "stale",
        "tracker:\n  provider: linear\n  binding_ref: binding-not-found\n",
    );
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let hint = stderr(&out)
        .lines()
        .find_map(|l| l.strip_prefix("hint: run `"))
        .and_then(|l| l.split_once('`'))
        .map(|(cmd, _)| cmd.to_owned())
        .expect("a rebind hint");
    assert_eq!(hint, "spec-kitty-tracker bind --provider linear");
    let args: Vec<&str> = hint.split(' ').skip(1).collect();
    let Some((status, text)) = on_terminal(&sb, &args, &["y"]) else {
        return;
    };
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("Tracker binding saved"), "{text}");
    assert!(config(&sb).contains("  binding_ref: br-ct-1-"));
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Without a terminal the same command needs --force, and then works too.
    let sb = project(
        &mock,
        "stale",
        "tracker:\n  provider: linear\n  binding_ref: binding-not-found\n",
    );
    let mut forced = args.clone();
    assert_eq!(code(&sb.run(&args)), 2);
    forced.push("--force");
    assert_eq!(code(&sb.run(&forced)), 0);
}
