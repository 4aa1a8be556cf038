//! The cache is shared with the Python tool: a database written with the original's schema and
//! payload format is read, and Python's sqlite3 + json read what this tool writes.

use crate::common::{code, local_sandbox, stderr, stdout};
use serde_json::json;

/// The row observed from spec-kitty 3.0.1 (reference/local-providers.md §7.1), byte for byte.
const PYTHON_PAYLOAD: &str = r#"{"ref":{"system":"beads","workspace":"demo-ws","id":"demo-002","key":"demo-002","url":null},"title":"Seed issue B","body":null,"status":"in_progress","issue_type":"bug","priority":3,"assignees":[],"labels":[],"parent":null,"links":[{"type":"blocked_by","target":{"system":"beads","workspace":"demo-ws","id":"demo-001","key":null,"url":null}}],"custom_fields":{},"created_at":"2026-11-24T01:44:13.756931+00:00","updated_at":"2026-11-24T01:44:13.78254+00:00","raw":{"id":"demo-002","title":"Seed issue B"}}"#;

#[test]
fn a_database_written_by_the_original_is_read() {
    let sb = local_sandbox("tracker:\n  provider: beads\n  workspace: demo-ws\n");
    let dir = sb.state().join("trackers");
    std::fs::create_dir_all(&dir).expect("dir");
    let db = rusqlite::Connection::open(dir.join("bfd6d80f4e57af7b.db")).expect("db");
    db.execute_batch(
        "CREATE TABLE tracker_issues (identity TEXT PRIMARY KEY, system TEXT NOT NULL, workspace TEXT NOT NULL, issue_id TEXT NOT NULL, payload TEXT NOT NULL, updated_at TEXT);
         CREATE TABLE tracker_checkpoints (checkpoint_key TEXT PRIMARY KEY, cursor TEXT, updated_since TEXT);
         CREATE TABLE tracker_mappings (wp_id TEXT NOT NULL, system TEXT NOT NULL, workspace TEXT NOT NULL, external_id TEXT NOT NULL, external_key TEXT, external_url TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (wp_id, system), UNIQUE (system, workspace, external_id));
         INSERT INTO tracker_mappings VALUES ('WP01', 'beads', 'demo-ws', 'demo-002', 'demo-002', NULL, '2026-11-24T01:44:20.263773+00:00', '2026-11-24T01:44:20.263773+00:00');
         INSERT INTO tracker_checkpoints VALUES ('beads:demo-ws', NULL, '2026-11-24T01:44:13.782540+00:00');",
    )
    .expect("schema");
    db.execute(
        "INSERT INTO tracker_issues VALUES ('beads:demo-ws:demo-002', 'beads', 'demo-ws', 'demo-002', ?1, '2026-11-24T01:44:20.263773+00:00')",
        [PYTHON_PAYLOAD],
    )
    .expect("row");
    drop(db);
    let status = sb.run(&["status"]);
    assert!(
        stdout(&status).contains("- issue_count: 1\n- mapping_count: 1\n"),
        "{}",
        stdout(&status)
    );
    assert!(
        stdout(&status).contains("- last_checkpoint: 2026-11-24T01:44:13.782540+00:00\n"),
        "{}",
        stdout(&status)
    );
    assert_eq!(
        stdout(&sb.run(&["map", "list"])),
        "Mappings\n- WP01: beads:demo-002\n"
    );
    // A pull that brings the same issue unchanged leaves it as it was (skipped).
    sb.write_stub_state(&json!({"next": 3, "issues": [{"id": "demo-002", "title": "Seed issue B", "status": "in_progress", "priority": 3, "issue_type": "bug",
        "created_at": "2026-11-24T01:44:13.756931+00:00", "updated_at": "2026-11-24T01:44:13.782540+00:00",
        "dependencies": [{"issue_id": "demo-002", "depends_on_id": "demo-001", "type": "blocks"}]}]}));
    let pull = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(code(&pull), 0, "{}", stderr(&pull));
    let v: serde_json::Value = serde_json::from_slice(&pull.stdout).expect("json");
    assert_eq!(
        v["stats"]["pulled_updated"], 1,
        "only raw differs (the stub's record has more keys)"
    );
}

#[test]
fn python_reads_what_this_tool_writes() {
    let sb = local_sandbox("tracker:\n  provider: beads\n  workspace: demo-ws\n");
    assert_eq!(
        code(&sb.run(&["bind", "--provider", "beads", "--workspace", "demo-ws"])),
        0
    );
    sb.write_stub_state(&json!({"next": 2, "issues": [{"id": "demo-001", "title": "Café ünïcode", "status": "open", "updated_at": "2026-03-05T10:00:00.123456789Z"}]}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    assert_eq!(
        code(&sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "demo-001"])),
        0
    );
    let db = sb.db_file();
    let script = r#"
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT identity, payload FROM tracker_issues").fetchall()
payload = json.loads(rows[0][1])
assert rows[0][0] == "beads:demo-ws:demo-001", rows
assert payload["title"] == "Caf\u00e9 \u00fcn\u00efcode", payload
assert all(ord(c) < 128 for c in rows[0][1]), "ensure_ascii"
assert payload["updated_at"] == "2026-03-05T10:00:00.123456+00:00", payload
assert list(payload) == ["ref","title","body","status","issue_type","priority","assignees","labels","parent","links","custom_fields","created_at","updated_at","raw"]
assert conn.execute("SELECT wp_id FROM tracker_mappings").fetchall() == [("WP01",)]
print("ok")
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&db)
        .output()
        .expect("python3");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
