//! Projects bound by spec-kitty 3.2 (reference `upstream-3.2-tracker.md` §3, §4, §6), end to end
//! against the contract mock and the stub `bd`:
//!
//! - a `tracker:` block with `binding_ref` and no `project_slug` routes every SaaS command by
//!   `binding_ref` (the mock's request log, `GET /__mock/received`, is the oracle:
//!   `binding_ref` on every tracker request, `project_slug` on none), through `--all` paging,
//!   202 polling, 401 and 429 retries;
//! - a newer `binding_ref` in a response is reported as `pending_binding_upgrade` and never
//!   written; the stale-binding codes become one message with the rebind command;
//! - `egress: refused` (or a fault) stops every SaaS command before a request and local sync
//!   before `bd` starts;
//! - a 3.2-layout `ownership: {mode: spec_kitty_authoritative}` makes push revert remote edits.

use crate::common::interop::{received, tracker_requests as requests};
use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};

fn spawn() -> mock::Running {
    mock::spawn(
        mock::Config {
            issues: 12,
            ..mock::Config::default()
        },
        0,
    )
    .expect("mock")
}

/// Logged in at `mock`, the project bound as spec-kitty 3.2 binds it: `binding_ref` only
/// (the §3.1 layout, `project_slug` null).
fn bound_by_ref(mock: &mock::Running, binding_ref: &str, extra: &str) -> Sandbox {
    let config = format!(
        "project:\n  slug: demo\ntracker:\n  provider: linear\n  binding_ref: {binding_ref}\n  project_slug:\n  display_label: Core (COR)\n  provider_context:\n    workspace_name: Acme\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {{}}\n{extra}"
    );
    let sb = Sandbox::new(Some(&config))
        .env("SPEC_KITTY_SAAS_URL", &mock.url)
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    let login = sb.run_with_stdin(
        &["auth", "login", "-u", "alice", "--password-stdin"],
        "demo-password",
    );
    assert_eq!(code(&login), 0, "{}", stderr(&login));
    sb
}

fn config_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
}

const ITEMS: &str = r#"[{"ref": "LIN-1", "action": "update", "patch": {"title": "x"}}]"#;

fn ok(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.run_with_stdin(args, ITEMS);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Every tracker request of the log was routed by `binding_ref` = `want`, none by project_slug.
fn assert_routed_by_ref(log: &[Value], want: &str) {
    for r in log {
        let op = r["op"].as_str().unwrap_or_default();
        let carrier = match op {
            "status" | "mappings" => &r["query"],
            "pull" | "push" | "run" => &r["body"],
            _ => continue,
        };
        assert_eq!(carrier["binding_ref"], want, "{op}: {r}");
        assert!(
            carrier.get("project_slug").is_none(),
            "{op} sent project_slug: {r}"
        );
    }
}

/// Done-when of issue 22: status, map list, sync pull (human, --json, --all), push 200 and
/// 202, run, operations show all succeed on a binding_ref-only block, and the mock saw
/// binding_ref on every tracker request (including the retried 401 / 429 ones).
#[test]
fn binding_ref_only_blocks_route_every_saas_command_by_binding_ref() {
    let mock = spawn();
    let sb = bound_by_ref(&mock, "br-main", "");
    let human = ok(&sb, &["status"]);
    assert!(human.contains("- binding_ref: br-main\n"), "{human}");
    let status: Value = serde_json::from_str(&ok(&sb, &["status", "--json"])).expect("json");
    assert_eq!(status["pending_binding_upgrade"], Value::Null);
    assert_eq!(status["binding_ref"], "br-main");
    let maps: Value = serde_json::from_str(&ok(&sb, &["map", "list", "--json"])).expect("json");
    assert_eq!(maps["mappings"].as_array().map(Vec::len), Some(2));
    assert_eq!(maps["pending_binding_upgrade"], Value::Null);
    ok(&sb, &["sync", "pull"]);
    let pulled: Value = serde_json::from_str(&ok(&sb, &["sync", "pull", "--json"])).expect("json");
    assert_eq!(pulled["pending_binding_upgrade"], Value::Null);
    let all: Value = serde_json::from_str(&ok(
        &sb,
        &["sync", "pull", "--all", "--limit", "5", "--json"],
    ))
    .expect("json");
    assert_eq!(
        (all["pages"].as_u64(), all["items"].as_array().map(Vec::len)),
        (Some(3), Some(12))
    );
    assert_eq!(all["pending_binding_upgrade"], Value::Null);
    ok(&sb, &["sync", "push", "--items-json", "-"]);
    ok(&sb, &["sync", "run"]);
    // The mock's log since its start (each call takes what came since the last one).
    let mut all = requests(&mock);
    let ops: Vec<&str> = all
        .iter()
        .map(|r| r["op"].as_str().unwrap_or("(refused by the contract)"))
        .collect();
    assert_eq!(
        ops,
        ["status", "status", "mappings", "pull", "pull", "pull", "pull", "pull", "push", "run"]
    );
    assert_routed_by_ref(&all, "br-main");

    // 202 + polling (the mock's `async` scenario), and operations show.
    let sb = bound_by_ref(&mock, "async", "");
    let pushed: Value =
        serde_json::from_str(&ok(&sb, &["sync", "push", "--items-json", "-", "--json"]))
            .expect("json");
    assert_eq!(pushed["pending_binding_upgrade"], Value::Null);
    let ran: Value = serde_json::from_str(&ok(&sb, &["sync", "run", "--json"])).expect("json");
    assert_eq!(ran["pending_binding_upgrade"], Value::Null);
    let log = requests(&mock);
    assert!(
        log.iter().any(|r| r["op"] == "operation"),
        "the 202 answers were polled"
    );
    all.extend(log);
    // 401 → one refresh → retry, and 429 → wait → retry, each still routed by binding_ref.
    for scenario in ["expired-token", "rate-limited"] {
        let sb = bound_by_ref(&mock, scenario, "");
        ok(&sb, &["status"]);
        ok(&sb, &["sync", "pull", "--all", "--limit", "5"]);
    }
    let log = requests(&mock);
    for scenario in ["expired-token", "rate-limited"] {
        let mine: Vec<Value> = log
            .iter()
            .filter(|r| {
                r["query"]["binding_ref"] == scenario || r["body"]["binding_ref"] == scenario
            })
            .cloned()
            .collect();
        // status + 3 pages = 4 logical requests; the retries are the extra ones.
        assert!(
            mine.len() > 4,
            "{scenario}: retried requests: {}",
            mine.len()
        );
    }
    all.extend(log);
    assert!(
        all.iter()
            .all(|r| r["query"].get("project_slug").is_none()
                && r["body"].get("project_slug").is_none()),
        "no request carried project_slug"
    );
}

/// Operations show on a binding_ref-only block: a push whose operation never finishes names
/// it, and `operations show` finds it.
#[test]
fn operations_show_works_on_a_binding_ref_only_block() {
    let mock = spawn();
    let sb = bound_by_ref(&mock, "never", "");
    let out = sb.run_with_stdin(&["sync", "push", "--items-json", "-"], ITEMS);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let err = stderr(&out);
    let id = err
        .split_whitespace()
        .find(|w| w.starts_with("op-"))
        .expect("the timed-out push names its operation");
    let shown = sb.run(&["operations", "show", id, "--json"]);
    assert_eq!(code(&shown), 0, "{}", stderr(&shown));
    assert_routed_by_ref(&requests(&mock), "never");
}

/// Reference §4.4: a different top-level binding_ref is reported in --json (status, pull,
/// push, run, map list) and as one hint line on stderr in human output; never written.
#[test]
fn a_newer_binding_ref_is_reported_never_written() {
    let mock = spawn();
    let sb = bound_by_ref(&mock, mock::UPGRADE_REF, "");
    let before = config_text(&sb);
    for args in [
        &["status", "--json"][..],
        &["map", "list", "--json"],
        &["sync", "pull", "--json"],
        &["sync", "pull", "--all", "--limit", "5", "--json"],
        &["sync", "push", "--items-json", "-", "--json"],
        &["sync", "run", "--json"],
    ] {
        let v: Value = serde_json::from_str(&ok(&sb, args)).expect("json");
        assert_eq!(v["pending_binding_upgrade"], "upgrade-v2", "{args:?}");
    }
    for args in [
        &["status"][..],
        &["map", "list"],
        &["sync", "pull"],
        &["sync", "run"],
    ] {
        let out = sb.run(args);
        assert_eq!(code(&out), 0);
        let err = stderr(&out);
        let hints: Vec<&str> = err.lines().filter(|l| l.contains("upgrade-v2")).collect();
        assert_eq!(
            hints,
            ["hint: the server reports a newer binding for this project (upgrade-v2); `spec-kitty-tracker bind --provider linear` applies it"],
            "{args:?}: {err}"
        );
    }
    assert_eq!(config_text(&sb), before, "the upgrade is never written");
}

/// Reference §4.3: binding_not_found / mapping_disabled / project_mismatch, when routing by
/// binding_ref, are one message naming the binding, a hint with the rebind command, exit 3.
#[test]
fn stale_binding_codes_name_the_binding_and_the_rebind_command() {
    let mock = spawn();
    for (stale, _) in mock::STALE_REFS {
        let sb = bound_by_ref(&mock, stale, "");
        for args in [&["status"][..], &["sync", "pull"], &["map", "list"]] {
            let out = sb.run(args);
            assert_eq!(code(&out), 3, "{args:?}");
            assert_eq!(
                stderr(&out),
                format!("error: Tracker binding '{stale}' is stale: No active binding {stale} for this project\nhint: run `spec-kitty-tracker bind --provider linear` to rebind\n"),
            );
        }
        let out = sb.run(&["sync", "run", "--json"]);
        assert_eq!(code(&out), 3);
        let v: Value = serde_json::from_slice(&out.stdout).expect("json error");
        assert_eq!(v["error"]["code"], "stale_binding", "{v}");
        assert_eq!(v["error"]["server_code"], stale.replace('-', "_"));
    }
}

/// Reference §6: egress refused (or any value but `permitted`) refuses every SaaS command
/// before a request is sent; nothing is written.
#[test]
fn egress_refused_stops_every_saas_command_before_a_request() {
    let mock = spawn();
    for (egress, why) in [
        ("refused", "is recorded as 'refused'"),
        (
            "Permitted",
            "is set to 'Permitted', which is not a legal value",
        ),
        ("", "is set to null, which is not a legal value"),
    ] {
        let sb = bound_by_ref(&mock, "br-main", &format!("  egress: {egress}\n"));
        let before = config_text(&sb);
        received(&mock); // the login
        for args in [
            &["status"][..],
            &["map", "list"],
            &["sync", "pull"],
            &["sync", "pull", "--all"],
            &["sync", "push", "--items-json", "-"],
            &["sync", "run"],
            &["operations", "show", "op-1"],
        ] {
            let out = sb.run_with_stdin(args, ITEMS);
            assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(
                err.starts_with(&format!("error: Refusing to send tracker data: tracker.egress in .kittify/config.yaml {why}")),
                "{args:?}: {err}"
            );
            assert!(err.contains("hint: to allow it, set `egress: permitted` under `tracker:` in .kittify/config.yaml"), "{err}");
        }
        assert_eq!(
            received(&mock),
            Vec::<Value>::new(),
            "{egress}: nothing reached the server"
        );
        assert_eq!(config_text(&sb), before);
    }
    let sb = bound_by_ref(&mock, "br-main", "  egress: permitted\n");
    ok(&sb, &["status"]);
}

const BEADS_32: &str = "project:\n  slug: demo\ntracker:\n  provider: beads\n  binding_ref:\n  project_slug:\n  display_label:\n  provider_context:\n  workspace: demo-ws\n  ownership:\n    mode: spec_kitty_authoritative\n    field_owners: {}\n";

fn beads_state() -> Value {
    json!({"next": 10, "issues": [
        {"id": "demo-001", "title": "Seed issue A", "status": "open", "priority": 1, "issue_type": "feature",
         "created_at": "2026-03-05T09:00:00Z", "updated_at": "2026-03-05T09:30:00Z", "labels": []},
        {"id": "demo-002", "title": "Seed issue B", "status": "in_progress", "priority": 3, "issue_type": "bug",
         "created_at": "2026-03-05T10:00:00Z", "updated_at": "2026-03-05T11:00:00Z", "labels": []}
    ]})
}

/// Done-when: a 3.2-layout local block with `ownership: {mode: spec_kitty_authoritative}`
/// (the layout of reference §3.1) makes push revert remote edits.
#[test]
fn a_3_2_ownership_block_makes_push_revert_remote_edits() {
    let sb = local_sandbox(BEADS_32);
    sb.write_stub_state(&beads_state());
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let status: Value = serde_json::from_str(&ok(&sb, &["status", "--json"])).expect("json");
    assert_eq!(status["ownership_mode"], "spec_kitty_authoritative");
    assert_eq!(status["doctrine_mode"], "spec_kitty_authoritative");
    let mut state = sb.stub_state();
    state["issues"][1]["title"] = json!("Renamed remotely");
    state["issues"][1]["updated_at"] = json!("2026-03-06T12:00:00Z");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        sb.stub_state()["issues"][1]["title"],
        "Seed issue B",
        "the remote edit is reverted"
    );
}

/// Done-when: `egress: refused` stops local sync pull/push/run before `bd` is started (the stub
/// logs every argv), and no cache is created.
#[test]
fn egress_refused_stops_local_sync_before_bd_starts() {
    for egress in ["refused", "'Permitted'", "{a: 1}"] {
        let sb = local_sandbox(&format!("{BEADS_32}  egress: {egress}\n"));
        sb.write_stub_state(&beads_state());
        for args in [
            &["sync", "pull"][..],
            &["sync", "push"],
            &["sync", "run"],
            &["sync", "pull", "--json"],
        ] {
            let out = sb.run(args);
            assert_eq!(code(&out), 3, "{egress} {args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("tracker.egress in .kittify/config.yaml"),
                "{}",
                stderr(&out)
            );
        }
        assert!(sb.take_argv().is_empty(), "bd was never started");
        assert!(
            !sb.state().join("trackers").exists(),
            "no cache was created"
        );
        // Not gated: status, map list, bind, unbind (as in 3.2).
        assert_eq!(code(&sb.run(&["status"])), 0);
    }
}

/// Reference §3.1: bind keeps `egress` and unknown keys; unbind leaves `tracker: {egress}`;
/// without egress, bind then unbind gives back the original bytes.
#[test]
fn bind_and_unbind_keep_egress_and_unknown_keys() {
    let original = "# project\nproject:\n  slug: demo   # kept\ntracker:\n  custom_key: {keep: me}\n  egress: refused\nvcs:\n  type: git\n";
    let sb = local_sandbox(original);
    sb.bind_beads("ws1", &[]);
    let bound = config_text(&sb);
    assert!(
        bound.contains("tracker:\n  custom_key: {keep: me}\n  provider: beads\n"),
        "{bound}"
    );
    assert!(
        bound.contains("    field_owners: {}\n  egress: refused\nvcs:\n"),
        "{bound}"
    );
    assert_eq!(code(&sb.run(&["unbind"])), 0);
    assert_eq!(
        config_text(&sb),
        "# project\nproject:\n  slug: demo   # kept\ntracker:\n  egress: refused\nvcs:\n  type: git\n"
    );
    let plain = "# project\r\nproject:\r\n  slug: demo\r\n";
    let sb = local_sandbox(plain);
    sb.bind_beads(
        "ws1",
        &[
            "--ownership-mode",
            "split_ownership",
            "--field-owner",
            "title=local",
        ],
    );
    assert_eq!(code(&sb.run(&["unbind"])), 0);
    assert_eq!(config_text(&sb), plain, "byte for byte");
}
