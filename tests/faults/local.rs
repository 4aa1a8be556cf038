//! Local faults: broken provider CLIs, kills at random points (every file is old or new, never
//! torn), a locked or corrupt cache.

use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::process::Stdio;
use std::time::{Duration, Instant};

const BEADS: &str = "tracker:\n  provider: beads\n  workspace: demo-ws\n";

fn issues(n: usize, version: &str, day: u32) -> Value {
    let items: Vec<Value> = (1..=n)
        .map(|i| json!({"id": format!("demo-{i:05}"), "title": format!("{version} issue {i}"), "status": "open", "priority": i % 5,
                        "issue_type": "task", "created_at": "2026-03-01T00:00:00Z", "updated_at": format!("2026-04-{day:02}T10:00:00Z")}))
        .collect();
    json!({"next": n + 1, "issues": items})
}

/// Deterministic pseudo-random numbers (so a failure can be replayed).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn bound_local() -> Sandbox {
    let sb = local_sandbox(BEADS).env("STUB_LIMIT", "100000");
    sb.bind_beads("demo-ws", &[]);
    sb
}

/// Title versions present in the cache, and the integrity check result. A kill before the
/// first open finished may leave an empty SQLite file: that is "no cache yet" (no versions).
fn cache_versions(sb: &Sandbox) -> (Vec<String>, String) {
    let created = std::fs::read_dir(sb.state().join("trackers"))
        .map(|mut dir| {
            dir.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "db")))
        })
        .unwrap_or(false);
    if !created {
        return (Vec::new(), "ok".into());
    }
    let db = sb.db();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    let tables: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'tracker_issues'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    if tables == 0 {
        return (Vec::new(), integrity);
    }
    let mut stmt = db
        .prepare(
            "SELECT DISTINCT substr(json_extract(payload, '$.title'), 1, 2) FROM tracker_issues",
        )
        .expect("query");
    let versions = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    (versions, integrity)
}

fn kill_after(sb: &Sandbox, args: &[&str], delay: Duration) -> bool {
    let mut child = sb
        .command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(delay);
    let finished = child.try_wait().ok().flatten().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

#[test]
fn kill_9_during_a_10000_issue_pull_leaves_the_old_or_the_new_cache() {
    let sb = bound_local();
    sb.write_stub_state(&issues(10_000, "v0", 1));
    let started = Instant::now();
    let out = sb.run(&["sync", "pull", "--limit", "10000"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let full = started.elapsed();
    let mut rng = Lcg(42);
    let mut current = "v0".to_owned();
    let (mut killed, mut completed) = (0, 0);
    for round in 1..=12u32 {
        let next = format!("v{}", round % 10);
        sb.write_stub_state(&issues(10_000, &next, round + 1));
        let delay = Duration::from_millis(rng.below(full.as_millis() as u64 * 3 / 2 + 50));
        if kill_after(&sb, &["sync", "pull", "--limit", "10000"], delay) {
            completed += 1;
        } else {
            killed += 1;
        }
        let (versions, integrity) = cache_versions(&sb);
        assert_eq!(integrity, "ok", "round {round}");
        assert_eq!(versions.len(), 1, "round {round}: torn cache {versions:?}");
        assert!(
            versions[0] == current || versions[0] == next,
            "round {round}: {versions:?} is neither {current} nor {next}"
        );
        current = versions[0].clone();
        let status = sb.run(&["status", "--json"]);
        assert_eq!(
            code(&status),
            0,
            "the next command works: {}",
            stderr(&status)
        );
        let v: Value = serde_json::from_slice(&status.stdout).expect("json");
        assert_eq!(v["issue_count"], 10_000);
    }
    eprintln!("10k pull: full run {full:?}; {killed} killed mid-way, {completed} completed before the kill");
}

#[test]
fn kill_9_at_random_points_never_tears_config_credentials_or_cache() {
    let sb = bound_local();
    sb.write_stub_state(&issues(20, "v0", 1));
    let mock = contract_mock::spawn(contract_mock::Config::default(), 0).expect("mock");
    let sb = sb.env("SPEC_KITTY_SAAS_URL", &mock.url);
    let config = sb.project().join(".kittify/config.yaml");
    let mut rng = Lcg(7);
    let mut rounds = 0;
    for round in 0..200u32 {
        let delay = Duration::from_millis(rng.below(60));
        let old_config = std::fs::read_to_string(&config).expect("config");
        match round % 5 {
            0 => {
                sb.write_stub_state(&issues(20, &format!("v{}", round % 10), 2 + round % 27));
                kill_after(&sb, &["sync", "pull"], delay);
            }
            1 => {
                kill_after(
                    &sb,
                    &[
                        "map",
                        "add",
                        "--wp-id",
                        &format!("WP{round}"),
                        "--external-id",
                        &format!("demo-{:05}", 1 + round % 20),
                        "--force",
                    ],
                    delay,
                );
            }
            2 => {
                let ws = format!("ws-{round}");
                kill_after(
                    &sb,
                    &[
                        "bind",
                        "--provider",
                        "beads",
                        "--workspace",
                        &ws,
                        "--credential",
                        &format!("cwd=/tmp/{ws}"),
                    ],
                    delay,
                );
                let now = std::fs::read_to_string(&config).expect("config");
                assert!(
                    now == old_config || now.contains(&format!("workspace: {ws}\n")),
                    "round {round}: torn config:\n{now}"
                );
                // Keep the cache under test the same one.
                sb.bind_beads("demo-ws", &[]);
            }
            3 => {
                let mut child = sb
                    .command(&[
                        "auth",
                        "login",
                        "-u",
                        "alice",
                        "--password-stdin",
                        "--force",
                    ])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn");
                if let Some(mut stdin) = child.stdin.take() {
                    use std::io::Write;
                    let _ = stdin.write_all(b"demo-password");
                }
                std::thread::sleep(delay);
                let _ = child.kill();
                let _ = child.wait();
            }
            _ => {
                kill_after(&sb, &["sync", "push"], delay);
            }
        }
        let creds = sb.read_credentials();
        if !creds.is_empty() {
            let doc: toml_edit::DocumentMut = creds
                .parse()
                .unwrap_or_else(|e| panic!("round {round}: torn credentials: {e}\n{creds}"));
            if let Some(tokens) = doc.get("tokens") {
                assert!(
                    tokens.get("access").is_some() && tokens.get("refresh").is_some(),
                    "round {round}: half a token pair"
                );
            }
        }
        let (versions, integrity) = cache_versions(&sb);
        assert_eq!(integrity, "ok");
        assert!(
            versions.len() <= 1,
            "round {round}: torn cache {versions:?}"
        );
        rounds += 1;
    }
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(rounds, 200);
}

#[test]
fn a_hanging_provider_is_killed_without_leaving_a_process() {
    let sb = bound_local()
        .env("STUB_SLEEP", "30")
        .env("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "2000");
    let started = Instant::now();
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: Command timed out: bd --json list (after 2 s)"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let log = std::fs::read_to_string(sb.dir.path().join("argv.log")).expect("log");
    let pid = serde_json::from_str::<Value>(log.lines().next().expect("line")).expect("json")
        ["pid"]
        .as_i64()
        .expect("pid");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "the stub process {pid} is gone (no zombie)"
    );
}

#[test]
fn broken_provider_commands_are_clear_errors_and_leave_the_cache() {
    let sb = bound_local();
    sb.write_stub_state(&issues(3, "v0", 1));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let before = cache_versions(&sb);
    let not_exec = sb.dir.path().join("bd-not-executable");
    std::fs::write(&not_exec, "#!/bin/sh\necho []\n").expect("write");
    let huge = sb.run_env(&["sync", "pull"], &[("STUB_HUGE", "52428800")]);
    assert_eq!(code(&huge), 1);
    assert!(
        stderr(&huge).contains("printed output that is not JSON"),
        "{}",
        stderr(&huge)
    );
    sb.bind_beads(
        "demo-ws",
        &["--credential", &format!("command={}", not_exec.display())],
    );
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(&format!(
            "error: `{}` is not executable",
            not_exec.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(cache_versions(&sb), before);
}

#[test]
fn fp_output_without_issue_lines_is_reported() {
    let sb =
        local_sandbox("tracker:\n  provider: fp\n  workspace: w\n").env("STUB_GARBAGE", "list");
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "error: fp issue list printed no issue lines (expected `ID [status] [priority] title`); first line: ??? this is not an fp listing\n");
}

#[test]
fn a_locked_cache_waits_then_fails_clearly() {
    let sb = bound_local();
    sb.write_stub_state(&issues(3, "v0", 1));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let db = sb.db();
    db.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    sb.write_stub_state(&issues(3, "v1", 2));
    let started = Instant::now();
    let out = sb.run_env(
        &["sync", "pull"],
        &[("SPEC_KITTY_TRACKER_BUSY_TIMEOUT_MS", "300")],
    );
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("is locked by another process"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    db.execute_batch("ROLLBACK").expect("unlock");
    assert_eq!(
        code(&sb.run(&["sync", "pull"])),
        0,
        "works once the lock is gone"
    );
}

#[test]
fn a_corrupt_cache_is_named_and_kept() {
    let sb = bound_local();
    assert_eq!(code(&sb.run(&["status"])), 0, "status creates the cache");
    let db = sb.db_file();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::write(
        &db,
        b"this is not sqlite, it is a test fixture that is long enough to look like a header....",
    )
    .expect("write");
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(&format!(
            "error: the tracker cache {} is not a valid SQLite database",
            db.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("run `spec-kitty-tracker sync pull` to rebuild it"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read(&db)
        .expect("kept")
        .starts_with(b"this is not sqlite"));
    assert!(stdout(&out).is_empty());
}
