//! The local path end to end with stub `bd` / `fp` executables on PATH: argv logs, cache rows,
//! credentials, each doctrine, and the fixes of the original's defects (a)-(f).

use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};
use serde_json::{json, Value};

const BEADS: &str = "tracker:\n  provider: beads\n  workspace: demo-ws\n";

fn sv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn beads_state() -> Value {
    json!({"next": 10, "issues": [
        {"id": "demo-001", "title": "Seed issue A", "description": "Body A", "status": "open", "priority": 1, "issue_type": "feature",
         "created_at": "2026-03-05T09:00:00.123456789Z", "updated_at": "2026-03-05T09:30:00Z", "labels": ["backend"]},
        {"id": "demo-002", "title": "Seed issue B", "status": "in_progress", "priority": 3, "issue_type": "bug",
         "created_at": "2026-03-05T10:00:00Z", "updated_at": "2026-03-05T11:00:00Z", "labels": [],
         "dependencies": [{"issue_id": "demo-002", "depends_on_id": "demo-001", "type": "blocks", "created_at": "2026-03-05T10:05:00Z"},
                          {"issue_id": "demo-002", "depends_on_id": "demo-001", "type": "relates-to", "created_at": "2026-03-05T10:05:00Z"}]}
    ]})
}

fn bound(config: &str, mode: &str) -> Sandbox {
    let sb = local_sandbox(config);
    let out = sb.run(&[
        "bind",
        "--provider",
        if config.contains("fp") { "fp" } else { "beads" },
        "--workspace",
        "demo-ws",
        "--ownership-mode",
        mode,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb
}

/// Bound to beads with `mode`, the stub seeded and pulled once, the argv log cleared.
fn pulled(mode: &str) -> Sandbox {
    let sb = bound(BEADS, mode);
    sb.write_stub_state(&beads_state());
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    sb.take_argv();
    sb
}

fn set_issue(sb: &Sandbox, id: &str, key: &str, value: Value) {
    let mut state = sb.stub_state();
    for issue in state["issues"].as_array_mut().expect("issues") {
        if issue["id"] == id {
            issue[key] = value.clone();
            issue["updated_at"] = json!("2026-03-06T12:00:00Z");
        }
    }
    sb.write_stub_state(&state);
}

#[test]
fn beads_pull_caches_issues_then_pulls_incrementally() {
    let sb = bound(BEADS, "external_authoritative");
    sb.write_stub_state(&beads_state());
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Pulled from beads\n- created: 2\n- updated: 0\n- skipped: 0\n- conflicts: 0\n- errors: 0\n");
    assert_eq!(
        sb.take_argv(),
        vec![sv(&["bd", "--json", "list", "--limit=0"])],
        "every row, not bd's default 50"
    );
    let rows = sb.cached();
    assert_eq!(
        rows.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["beads:demo-ws:demo-001", "beads:demo-ws:demo-002"]
    );
    let b = &rows[1].1;
    assert_eq!(
        b["links"],
        json!([
            {"type": "blocked_by", "target": {"system": "beads", "workspace": "demo-ws", "id": "demo-001", "key": null, "url": null}},
            {"type": "relates_to", "target": {"system": "beads", "workspace": "demo-ws", "id": "demo-001", "key": null, "url": null}}
        ]),
        "(c) relates-to is a related link"
    );
    assert_eq!(rows[0].1["created_at"], "2026-03-05T09:00:00.123456+00:00");
    let checkpoint: String = sb
        .db()
        .query_row(
            "SELECT updated_since FROM tracker_checkpoints WHERE checkpoint_key = 'beads:demo-ws'",
            [],
            |r| r.get(0),
        )
        .expect("checkpoint");
    assert_eq!(checkpoint, "2026-03-05T11:00:00+00:00");

    let again = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(
        sb.take_argv(),
        vec![sv(&[
            "bd",
            "--json",
            "list",
            "--limit=0",
            "--updated-after=2026-03-04"
        ])],
        "a day before the checkpoint: bd reads the date as local midnight"
    );
    let v: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(
        v["stats"],
        json!({"pulled_created": 0, "pulled_updated": 0, "pushed_created": 0, "pushed_updated": 0, "skipped": 2})
    );
    assert_eq!(v["provider"], "beads");

    set_issue(&sb, "demo-002", "title", json!("Renamed remotely"));
    let third = sb.run(&["sync", "pull"]);
    assert!(
        stdout(&third).contains("- updated: 1\n"),
        "{}",
        stdout(&third)
    );
    assert_eq!(sb.cached()[1].1["title"], "Renamed remotely");

    let status = sb.run(&["status", "--json"]);
    let s: Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(
        (s["issue_count"].as_i64(), s["configured"].as_bool()),
        (Some(2), Some(true))
    );
    assert!(
        s["db_path"]
            .as_str()
            .expect("db")
            .ends_with("/trackers/bfd6d80f4e57af7b.db"),
        "{s}"
    );
    assert_eq!(s["last_checkpoint"], "2026-03-06T12:00:00+00:00");
}

#[test]
fn default_doctrine_push_writes_nothing() {
    let sb = pulled("external_authoritative");
    set_issue(&sb, "demo-001", "title", json!("Remote edit"));
    let out = sb.run(&["sync", "push"]);
    assert_eq!(
        stdout(&out),
        "Pushed to beads\n- created: 0\n- updated: 0\n- skipped: 2\n- conflicts: 0\n- errors: 0\n"
    );
    assert_eq!(
        sb.take_argv(),
        vec![sv(&["bd", "--json", "list", "--limit=100"])]
    );
}

#[test]
fn spec_kitty_authoritative_push_reverts_remote_edits() {
    let sb = pulled("spec_kitty_authoritative");
    set_issue(&sb, "demo-002", "title", json!("Renamed remotely"));
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("- updated: 1\n"), "{}", stdout(&out));
    assert_eq!(
        sb.take_argv(),
        vec![
            sv(&["bd", "--json", "list", "--limit=100"]),
            sv(&[
                "bd",
                "--json",
                "update",
                "--title=Seed issue B",
                "--",
                "demo-002"
            ]),
            sv(&["bd", "--json", "show", "--", "demo-002"]),
        ]
    );
    assert_eq!(sb.stub_state()["issues"][1]["title"], "Seed issue B");
}

#[test]
fn split_ownership_pushes_local_fields_and_takes_newer_shared_ones() {
    let sb = local_sandbox(BEADS);
    let out = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "demo-ws",
        "--ownership-mode",
        "split_ownership",
        "--field-owner",
        "title=local",
        "--field-owner",
        "status=external",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb.write_stub_state(&beads_state());
    sb.run(&["sync", "pull"]);
    sb.take_argv();
    set_issue(&sb, "demo-001", "title", json!("Remote title"));
    set_issue(&sb, "demo-001", "status", json!("blocked"));
    set_issue(&sb, "demo-001", "priority", json!(4));
    let out = sb.run(&["sync", "push", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stats"]["pushed_updated"], 1);
    // title is local (reverted), status external (kept), priority shared (remote is newer: kept).
    assert_eq!(
        sb.take_argv()[1],
        sv(&[
            "bd",
            "--json",
            "update",
            "--title=Seed issue A",
            "--",
            "demo-001"
        ])
    );
    assert_eq!(
        v["conflicts"],
        json!([{"field_name": "priority", "manual_review_required": false, "strategy": "newer_timestamp"}])
    );
}

#[test]
fn a_cached_issue_missing_from_the_list_is_fetched_never_duplicated() {
    let sb = pulled("spec_kitty_authoritative");
    set_issue(&sb, "demo-001", "status", json!("closed"));
    let out = sb.run(&["sync", "push", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let argv = sb.take_argv();
    assert!(
        argv.iter().all(|a| a[2] != "create"),
        "(a) no duplicate is created: {argv:?}"
    );
    assert_eq!(argv[1], sv(&["bd", "--json", "show", "--", "demo-001"]));
    assert_eq!(sb.stub_state()["issues"].as_array().map(Vec::len), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stats"]["pushed_created"], 0);
}

#[test]
fn issues_deleted_remotely_are_reported_and_marked() {
    let sb = bound(BEADS, "external_authoritative");
    sb.write_stub_state(&beads_state());
    sb.run(&["sync", "pull"]);
    let mut state = sb.stub_state();
    state["issues"].as_array_mut().expect("issues").remove(0);
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).ends_with("- deleted_remotely: 1\nDeleted remotely (kept in the cache, marked deleted):\n- beads:demo-ws:demo-001\n"), "{}", stdout(&out));
    let marked: String = sb
        .db()
        .query_row("SELECT identity FROM tracker_remote_deletions", [], |r| {
            r.get(0)
        })
        .expect("marked");
    assert_eq!(marked, "beads:demo-ws:demo-001");
    let again = sb.run(&["sync", "push", "--json"]);
    let v: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(v["deleted_remotely"], json!([]), "reported once");
}

#[test]
fn removed_labels_are_removed_remotely() {
    let sb = pulled("spec_kitty_authoritative");
    set_issue(&sb, "demo-002", "labels", json!(["added-remotely"]));
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(sb.take_argv().contains(&sv(&[
        "bd",
        "--json",
        "label",
        "remove",
        "--",
        "demo-002",
        "added-remotely"
    ])));
    assert_eq!(sb.stub_state()["issues"][1]["labels"], json!([]));
}

#[test]
fn run_is_pull_then_push() {
    let sb = bound(BEADS, "external_authoritative");
    sb.write_stub_state(&beads_state());
    let out = sb.run(&["sync", "run"]);
    assert_eq!(stdout(&out), "Sync run completed (beads)\n- pulled_created: 2\n- pulled_updated: 0\n- pushed_created: 0\n- pushed_updated: 0\n- skipped: 2\n- conflicts: 0\n- errors: 0\n");
    assert_eq!(
        sb.take_argv(),
        vec![
            sv(&["bd", "--json", "list", "--limit=0"]),
            sv(&["bd", "--json", "list", "--limit=100"])
        ]
    );
}

#[test]
fn map_add_list_duplicates_and_force() {
    let sb = bound(BEADS, "external_authoritative");
    assert_eq!(stdout(&sb.run(&["map", "list"])), "No mappings found\n");
    let out = sb.run(&[
        "map",
        "add",
        "--wp-id",
        "WP01",
        "--external-id",
        "demo-002",
        "--external-key",
        "demo-002",
    ]);
    assert_eq!(stdout(&out), "Mapping saved: WP01 -> demo-002\n");
    let dup = sb.run(&["map", "add", "--wp-id", "WP02", "--external-id", "demo-002"]);
    assert_eq!(code(&dup), 1);
    assert_eq!(stderr(&dup), "error: beads:demo-002 is already mapped to WP01 (mapping WP01 -> demo-002)\nhint: pass --force to move it to WP02, or choose another --external-id\n");
    let forced = sb.run(&[
        "map",
        "add",
        "--wp-id",
        "WP02",
        "--external-id",
        "demo-002",
        "--force",
    ]);
    assert_eq!(
        stdout(&forced),
        "Mapping saved: WP02 -> demo-002\n(replaced the mapping of WP01)\n"
    );
    sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "demo-001"]);
    assert_eq!(
        stdout(&sb.run(&["map", "list"])),
        "Mappings\n- WP01: beads:demo-001\n- WP02: beads:demo-002\n"
    );
    let v: Value =
        serde_json::from_slice(&sb.run(&["map", "list", "--json"]).stdout).expect("json");
    assert_eq!(v["mappings"][1]["wp_id"], "WP02");
    assert_eq!(v["mappings"][1]["workspace"], "demo-ws");
}

#[test]
fn credentials_select_command_and_cwd_and_unbind_forget_credentials_removes_them() {
    let sb = local_sandbox(BEADS);
    let repo = sb.dir.path().join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    let stub = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/bd");
    sb.write_credentials("[tokens]\naccess = \"acc-1\"\n");
    let out = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "demo-ws",
        "--credential",
        &format!("command={}", stub.display()),
        "--credential",
        &format!("cwd={}", repo.display()),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb.write_stub_state(&beads_state());
    sb.run(&["sync", "pull"]);
    let log = std::fs::read_to_string(sb.dir.path().join("argv.log")).expect("log");
    let entry: Value = serde_json::from_str(log.lines().next().expect("line")).expect("json");
    assert_eq!(entry["cwd"], repo.display().to_string());
    let creds = sb.read_credentials();
    assert!(
        creds.contains("[tracker.providers.beads]")
            && creds.starts_with("[tokens]\naccess = \"acc-1\"\n"),
        "{creds}"
    );
    let status: Value =
        serde_json::from_slice(&sb.run(&["status", "--json"]).stdout).expect("json");
    assert_eq!(status["credentials_present"], true);
    let out = sb.run(&["unbind", "--forget-credentials"]);
    assert_eq!(stdout(&out), "Tracker binding removed\n");
    assert_eq!(stderr(&out), "");
    assert_eq!(sb.read_credentials(), "[tokens]\naccess = \"acc-1\"\n");
}

/// Issue 14.8. Oracle: the credentials layout the Python tool reads (one
/// `[tracker.providers.<provider>]` table for every project, reference/local-providers.md §7.2)
/// and the issue's scenario: binding or unbinding project B must not silently change what
/// project A runs.
#[test]
fn local_settings_shared_by_projects_change_only_when_asked() {
    let sb = local_sandbox(BEADS);
    let other = sb.dir.path().join("project-b");
    std::fs::create_dir_all(other.join(".kittify")).expect("project b");
    std::fs::write(other.join(".kittify/config.yaml"), "").expect("config b");
    let b = other.display().to_string();
    sb.bind_beads(
        "demo-ws",
        &["--credential", "command=/a/bd", "--credential", "cwd=/a"],
    );
    let shared = sb.read_credentials();
    assert!(
        shared.contains("command = \"/a/bd\"\ncwd = \"/a\"\n"),
        "{shared}"
    );

    let bind_b = |extra: &[&str]| {
        let mut args = vec![
            "-C",
            &b,
            "bind",
            "--provider",
            "beads",
            "--workspace",
            "b-ws",
        ];
        args.extend_from_slice(extra);
        sb.run(&args)
    };
    let changed = bind_b(&["--credential", "command=/b/bd", "--credential", "cwd=/a"]);
    assert_eq!(code(&changed), 2, "{}", stderr(&changed));
    assert!(
        stderr(&changed).contains("would change the stored beads settings command (")
            && stderr(&changed).contains("add --force"),
        "{}",
        stderr(&changed)
    );
    assert_eq!(sb.read_credentials(), shared, "refused: nothing written");
    let as_json = bind_b(&["--credential", "command=/b/bd", "--json"]);
    let v: Value = serde_json::from_slice(&as_json.stdout).expect("one JSON error");
    assert_eq!(v["error"]["code"], "settings_conflict");
    assert_eq!(v["error"]["keys"], json!(["command"]));
    assert_eq!(
        std::fs::read_to_string(other.join(".kittify/config.yaml")).expect("config b"),
        "",
        "refused: project B stays unbound"
    );

    let unknown = bind_b(&["--credential", "foo=bar"]);
    assert_eq!(code(&unknown), 2);
    assert_eq!(
        stderr(&unknown),
        "error: Unknown --credential key 'foo'. Known keys: command, cwd, server_url, base_url, username, email, team_slug\n"
    );
    assert_eq!(sb.read_credentials(), shared);

    let same = bind_b(&["--credential", "cwd=/a", "--credential", "username=u"]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(
        sb.read_credentials()
            .contains("command = \"/a/bd\"\ncwd = \"/a\"\nusername = \"u\"\n"),
        "a new key is added, the others stay: {}",
        sb.read_credentials()
    );

    let forced = bind_b(&["--credential", "command=/b/bd", "--force", "--json"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    let v: Value = serde_json::from_slice(&forced.stdout).expect("json");
    assert_eq!(v["credentials_replaced"], json!(["command"]));
    assert!(sb.read_credentials().contains("command = \"/b/bd\""));

    let unbind_b = sb.run(&["-C", &b, "unbind"]);
    assert_eq!(code(&unbind_b), 0);
    assert!(
        stderr(&unbind_b).contains("`spec-kitty-tracker unbind --forget-credentials`"),
        "{}",
        stderr(&unbind_b)
    );
    assert!(sb.read_credentials().contains("[tracker.providers.beads]"));
    let forget = sb.run(&["unbind", "--forget-credentials", "--json"]);
    let v: Value = serde_json::from_slice(&forget.stdout).expect("json");
    assert_eq!(v, json!({"credentials_cleared": true, "provider": "beads"}));
    assert!(!sb.read_credentials().contains("tracker"));
}

#[test]
fn fp_pull_and_status_push() {
    let sb = bound(
        "tracker:\n  provider: fp\n  workspace: demo-ws\n",
        "spec_kitty_authoritative",
    );
    sb.write_stub_state(&json!({"next": 3, "issues": [
        {"id": "FP-1", "status": "todo", "priority": "high", "title": "Plan auth", "description": "Details"},
        {"id": "FP-2", "status": "in-progress", "title": "Build it", "parent": "FP-1"}
    ]}));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("- created: 2\n"), "{}", stdout(&out));
    assert_eq!(sb.take_argv(), vec![sv(&["fp", "issue", "list"])]);
    let rows = sb.cached();
    assert_eq!(
        rows[0].1["raw"],
        json!({"line": "FP-1 [todo] [high] Plan auth"})
    );
    assert_eq!(
        rows[1].1["raw"],
        json!({"line": "FP-2 [in-progress] Build it"}),
        "tree prefix stripped"
    );
    assert_eq!(rows[0].1["priority"], 1);

    let mut state = sb.stub_state();
    state["issues"][1]["status"] = json!("done");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        sb.take_argv(),
        vec![
            sv(&["fp", "issue", "list"]),
            sv(&[
                "fp",
                "issue",
                "update",
                "--status=in-progress",
                "--",
                "FP-2"
            ]),
            sv(&["fp", "issue", "show", "--", "FP-2"]),
            sv(&["fp", "context", "--", "FP-2"]),
        ]
    );
}

#[test]
fn fp_cannot_change_titles_and_the_cache_is_untouched() {
    let sb = bound(
        "tracker:\n  provider: fp\n  workspace: demo-ws\n",
        "spec_kitty_authoritative",
    );
    sb.write_stub_state(
        &json!({"next": 2, "issues": [{"id": "FP-1", "status": "todo", "title": "Plan auth"}]}),
    );
    sb.run(&["sync", "pull"]);
    let before = sb.cached();
    let mut state = sb.stub_state();
    state["issues"][0]["title"] = json!("Renamed");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(
            "error: FPConnector update currently supports status/priority/dependencies only\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.cached(), before);
}

#[test]
fn provider_failures_are_clear_and_leave_the_cache() {
    let sb = bound(BEADS, "external_authoritative");
    sb.write_stub_state(&beads_state());
    sb.run(&["sync", "pull"]);
    let before = sb.cached();
    type Case<'a> = (&'a [(&'a str, &'a str)], i32, &'a str);
    let cases: [Case<'_>; 3] = [
        (&[("STUB_FAIL", "list")], 1, "error: Command failed: bd --json list --limit=0 --updated-after=2026-03-04 :: Error: database is locked (dolt server unavailable)\n"),
        (&[("STUB_GARBAGE", "list")], 1, "error: bd --json list --limit=0 --updated-after=2026-03-04 printed output that is not JSON (key must be a string at line 1 column 2): {not json\n"),
        (&[("STUB_SLEEP", "5"), ("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "300")], 1, "error: Command timed out: bd --json list --limit=0 --updated-after=2026-03-04 (after 0.3 s)\nhint: the process was stopped; check that the tool is not waiting for input or a lock\n"),
    ];
    for (env, want_code, want) in cases {
        let mut cmd = sb.command(&["sync", "pull"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        assert_eq!((code(&out), stderr(&out).as_str()), (want_code, want));
        assert_eq!(sb.cached(), before);
    }
    let missing = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "demo-ws",
        "--credential",
        "command=/nonexistent/bd",
    ]);
    assert_eq!(code(&missing), 0);
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "error: `/nonexistent/bd` was not found (looked up on PATH)\nhint: install it, or point to it with `spec-kitty-tracker bind ... --credential command=/path/to/it`\n");
}

#[test]
fn bd_json_envelope_is_unwrapped() {
    let sb = bound(BEADS, "external_authoritative").env("BD_JSON_ENVELOPE", "1");
    sb.write_stub_state(&beads_state());
    let out = sb.run(&["sync", "pull"]);
    assert!(stdout(&out).contains("- created: 2\n"), "{}", stdout(&out));
}

#[test]
fn bd_statuses_types_parents_and_priorities_map_as_documented() {
    let sb = bound(BEADS, "external_authoritative");
    sb.write_stub_state(&json!({"next": 9, "issues": [
        {"id": "d-1", "title": "", "status": "hooked", "priority": "2", "issue_type": "decision", "parent": "d-0", "assignee": "alice", "external_ref": "gh-9"},
        {"id": "d-2", "title": "Deferred", "status": "deferred", "priority": 9, "issue_type": "molecule", "metadata": {"k": 1}},
        {"id": "d-3", "title": "Tomb", "status": "TOMBSTONE", "priority": "high", "issue_type": "feature"}
    ]}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let rows = sb.cached();
    let row = |i: usize| &rows[i].1;
    assert_eq!(
        (
            row(0)["title"].as_str(),
            row(0)["status"].as_str(),
            row(0)["issue_type"].as_str()
        ),
        (Some("Untitled"), Some("todo"), Some("chore"))
    );
    assert_eq!(row(0)["parent"]["id"], "d-0");
    assert_eq!(row(0)["assignees"], json!(["alice"]));
    assert_eq!(row(0)["ref"]["url"], "gh-9");
    assert_eq!(row(0)["priority"], 2, "numeric strings are priorities");
    assert_eq!(
        (
            row(1)["status"].as_str(),
            row(1)["issue_type"].as_str(),
            row(1)["priority"].as_i64()
        ),
        (Some("todo"), Some("task"), Some(4))
    );
    assert_eq!(row(1)["custom_fields"], json!({"metadata": {"k": 1}}));
    assert_eq!(
        (
            row(2)["status"].as_str(),
            row(2)["issue_type"].as_str(),
            row(2)["priority"].as_i64()
        ),
        (Some("canceled"), Some("story"), None)
    );
}
