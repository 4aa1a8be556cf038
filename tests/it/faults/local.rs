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
    // The cache exists before the first kill (on a loaded machine the first kill can come
    // before the first pull opens it).
    assert_eq!(code(&sb.run(&["status"])), 0);
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
        stderr(&out).starts_with("error: Command timed out: bd --json list --limit=0 (after 2 s)"),
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
    // Red-team item 15: the message states the wait that was really used.
    assert!(
        stderr(&out).contains("is locked by another process (waited 300 ms)"),
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

/// `n` open beads issues whose priorities and creation times do not follow their update times
/// (bd lists by priority, then newest created: a cut there is not a cut by update time).
fn shuffled_issues(n: usize) -> Value {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("demo-{i:04}"), "title": format!("issue {i}"), "status": "open",
                   "priority": (i * 7) % 5, "issue_type": "task",
                   "created_at": format!("2026-01-01T00:00:{:02}.{:06}Z", i % 60, (i * 7919) % 1_000_000),
                   "updated_at": format!("2026-04-{:02}T{:02}:{:02}:00Z", 1 + (i * 13) % 28, (i * 11) % 24, i % 60)})
        })
        .collect();
    json!({"next": n + 1, "issues": items})
}

fn checkpoint(sb: &Sandbox) -> Option<String> {
    sb.db()
        .query_row(
            "SELECT updated_since FROM tracker_checkpoints WHERE checkpoint_key = 'beads:demo-ws'",
            [],
            |r| r.get(0),
        )
        .ok()
}

/// Red-team item 2. Oracle: bd's documented list semantics (reference/local-providers.md §4.2
/// and the bd v0.58 source: 50 rows by default, 20 in agent mode, `--limit 0` for all, ordered
/// by priority then newest created, `--updated-after` strictly after), which the stub
/// implements, and the number of issues the stub holds: after enough pulls the cache must hold
/// every one, and the checkpoint never passes an issue that is not cached.
#[test]
fn a_pull_never_loses_issues_past_bd_s_list_limit() {
    let sb = local_sandbox(BEADS);
    sb.bind_beads("demo-ws", &[]);
    sb.write_stub_state(&shuffled_issues(300));
    let mut pulls = 0;
    loop {
        let out = sb.run(&["sync", "pull", "--json"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        pulls += 1;
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        let created = v["stats"]["pulled_created"].as_u64().expect("count");
        assert!(created <= 100, "--limit 100 is respected: {created}");
        let cached = sb.cached();
        // The checkpoint only covers cached issues: every issue updated before it is cached.
        let stamp = checkpoint(&sb).expect("checkpoint");
        let state = sb.stub_state();
        for issue in state["issues"].as_array().expect("issues") {
            let updated = issue["updated_at"].as_str().expect("time");
            let id = format!("beads:demo-ws:{}", issue["id"].as_str().expect("id"));
            if updated.replace('Z', "+00:00") <= stamp {
                assert!(
                    cached.iter().any(|(i, _)| *i == id),
                    "pull {pulls}: {id} ({updated}) is behind the checkpoint {stamp} but not cached"
                );
            }
        }
        if cached.len() < 300 {
            assert!(
                stderr(&out).contains("more listed issues are left for the next pull"),
                "a cut is reported: {}",
                stderr(&out)
            );
        }
        if created == 0 {
            break;
        }
        assert!(pulls < 10, "the pulls make progress");
    }
    assert_eq!(sb.cached().len(), 300, "every issue bd holds is cached");
    assert_eq!(pulls, 4, "100 + 100 + 100, then nothing new");

    // Agent mode (bd's default drops to 20) and changes after the sync: nothing is missed.
    let sb = sb.env("CLAUDE_CODE", "1");
    let mut state = sb.stub_state();
    for (n, issue) in state["issues"]
        .as_array_mut()
        .expect("issues")
        .iter_mut()
        .enumerate()
        .filter(|(n, _)| n % 10 == 0)
    {
        issue["title"] = json!(format!("changed {n}"));
        issue["updated_at"] = json!("2026-05-01T00:00:00Z");
    }
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "pull", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stats"]["pulled_updated"], 30, "{}", stderr(&out));
    assert_eq!(
        sb.take_argv().last().map(|a| a[3].clone()),
        Some("--limit=0".to_owned()),
        "bd is asked for every row"
    );
}

/// Red-team item 2 for fp, which lists everything and has no timestamps: `--limit` cuts, and
/// the next pulls bring the rest. Oracle: the issue count in the stub's state.
#[test]
fn an_fp_pull_cut_by_limit_brings_the_rest_next_time() {
    let sb = local_sandbox("tracker:\n  provider: fp\n  workspace: w\n");
    let issues: Vec<Value> = (1..=25)
        .map(|i| json!({"id": format!("FP-{i}"), "status": "todo", "title": format!("t{i}")}))
        .collect();
    sb.write_stub_state(&json!({"next": 26, "issues": issues}));
    for want in [10, 20, 25, 25] {
        let out = sb.run(&["sync", "pull", "--limit", "10"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let count: i64 = sb
            .db()
            .query_row("SELECT COUNT(*) FROM tracker_issues", [], |r| r.get(0))
            .expect("count");
        assert_eq!(count, want);
    }
}

/// Red-team item 10. Oracle: POSIX utility syntax guideline 10 and pflag/clap parsing (`--` ends
/// the options; `--name=value` is one option with that exact value), which the stubs implement
/// and record: a remote id `--db=/tmp/evil.db` must arrive as a positional id, never as bd's
/// global `--db` flag, and every data value must sit after `--` or inside `--name=value`.
#[test]
fn data_from_the_tracker_never_becomes_a_provider_flag() {
    let sb = local_sandbox(BEADS).env("STUB_LIMIT", "100000");
    sb.bind_beads("demo-ws", &["--ownership-mode", "spec_kitty_authoritative"]);
    let evil = "--db=/tmp/evil.db";
    sb.write_stub_state(&json!({"next": 3, "issues": [
        {"id": evil, "title": "--all", "status": "open", "priority": 1, "issue_type": "task",
         "created_at": "2026-03-01T00:00:00Z", "updated_at": "2026-03-01T00:00:00Z"},
        {"id": "-x", "title": "-n 0", "status": "open", "priority": 1, "issue_type": "task",
         "created_at": "2026-03-01T00:00:00Z", "updated_at": "2026-03-01T00:00:00Z", "labels": ["-l"]}
    ]}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let mut state = sb.stub_state();
    for issue in state["issues"].as_array_mut().expect("issues") {
        issue["title"] = json!("renamed remotely");
        issue["labels"] = json!([]);
        issue["updated_at"] = json!("2026-03-02T00:00:00Z");
    }
    sb.write_stub_state(&state);
    sb.take_argv();
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let log = std::fs::read_to_string(sb.dir.path().join("argv.log")).expect("log");
    let calls: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let data = [evil, "-x", "--all", "-n 0", "-l"];
    for call in &calls {
        assert!(call["flags"].get("db").is_none(), "{call}");
        let argv: Vec<&str> = call["argv"]
            .as_array()
            .expect("argv")
            .iter()
            .map(|a| a.as_str().expect("str"))
            .collect();
        let dash = argv.iter().position(|a| *a == "--").unwrap_or(argv.len());
        for (n, arg) in argv.iter().enumerate() {
            if data.contains(arg) {
                assert!(
                    n > dash,
                    "{arg} is data but reaches the flag parser: {argv:?}"
                );
            }
        }
    }
    let updates: Vec<&Value> = calls
        .iter()
        .filter(|c| c["positional"][0] == "update")
        .collect();
    assert_eq!(updates.len(), 2, "{calls:?}");
    assert_eq!(updates[0]["positional"], json!(["update", evil]));
    assert_eq!(updates[0]["flags"]["title"], json!(["--all"]));
    assert_eq!(updates[1]["positional"], json!(["update", "-x"]));
    assert_eq!(updates[1]["flags"]["set-labels"], json!(["-l"]));
    assert_eq!(sb.stub_state()["issues"][0]["title"], "--all", "reverted");

    // fp: the id goes after `--` too.
    let sb = local_sandbox("tracker:\n  provider: fp\n  workspace: w\n");
    let out = sb.run(&[
        "bind",
        "--provider",
        "fp",
        "--workspace",
        "w",
        "--ownership-mode",
        "spec_kitty_authoritative",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb.write_stub_state(
        &json!({"next": 2, "issues": [{"id": "--x", "status": "todo", "title": "t"}]}),
    );
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    sb.write_stub_state(
        &json!({"next": 2, "issues": [{"id": "--x", "status": "done", "title": "t"}]}),
    );
    sb.take_argv();
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        sb.take_argv()[1],
        ["fp", "issue", "update", "--status=todo", "--", "--x"]
    );
    assert_eq!(sb.stub_state()["issues"][0]["status"], "todo");
}

/// State of `pid` from /proc: None when gone.
fn process_state(pid: i64) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(") ").next()?.chars().next()
}

/// Red-team item 4. Oracle: the OS process table (/proc): after Ctrl-C or SIGTERM to
/// spec-kitty-tracker, the provider it started and the provider's own child are no longer
/// running (gone, or a zombie waiting for init), and the exit code is 130.
#[test]
fn ctrl_c_and_sigterm_end_the_provider_and_its_children() {
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let sb = bound_local().env("STUB_SLEEP", "30").env("STUB_CHILD", "1");
        let log = sb.dir.path().join("argv.log");
        let child = sb
            .command(&["sync", "pull"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let started = Instant::now();
        let pids = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let lines: Vec<Value> = text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            let stub = lines.iter().find_map(|l| l["pid"].as_i64());
            let grandchild = lines.iter().find_map(|l| l["grandchild"].as_i64());
            if let (Some(a), Some(b)) = (stub, grandchild) {
                break [a, b];
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the stub started"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) on the child we spawned.
        unsafe {
            libc::kill(pid, signal);
        }
        let out = child.wait_with_output().expect("wait");
        let running: Vec<i64> = pids
            .into_iter()
            .filter(|p| process_state(*p).is_some_and(|s| s != 'Z' && s != 'X'))
            .collect();
        for p in &running {
            // SAFETY: clean up what the test started, so a failure leaves nothing behind.
            unsafe {
                libc::kill(i32::try_from(*p).expect("pid"), libc::SIGKILL);
            }
        }
        assert_eq!(
            running,
            Vec::<i64>::new(),
            "{name}: provider processes still running"
        );
        assert_eq!(code(&out), 130, "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "error: interrupted by {name}: stopped `bd --json list --limit=0` and its process group; the cache was not changed\n"
            )),
            "{}",
            stderr(&out)
        );
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}

/// A `bd` that first starts a daemon in a session of its own (`setsid`, out of reach of a
/// process-group kill) which keeps the provider's stdout and stderr open for 60 s, then runs the
/// stub `bd`. The daemon's pid goes to `daemon.pid`; `bd.exited` is written as it exits.
fn bound_with_daemon(sb: Sandbox) -> Sandbox {
    let wrapper = sb.dir.path().join("bd-with-daemon");
    let pidfile = sb.dir.path().join("daemon.pid");
    let stub = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin/bd");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nsetsid sh -c 'echo $$ > {}; exec sleep 60' &\nwhile [ ! -s {} ]; do sleep 0.01; done\n{} \"$@\"\nstatus=$?\necho $status > {}\nexit $status\n",
            pidfile.display(),
            pidfile.display(),
            stub.display(),
            sb.dir.path().join("bd.exited").display()
        ),
    )
    .expect("wrapper");
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    sb.bind_beads(
        "demo-ws",
        &["--credential", &format!("command={}", wrapper.display())],
    );
    sb
}

/// The daemon `bound_with_daemon` started: still running (the OS says so), then killed.
fn daemon_was_running(sb: &Sandbox) -> bool {
    let pid: i32 = std::fs::read_to_string(sb.dir.path().join("daemon.pid"))
        .expect("daemon pid")
        .trim()
        .parse()
        .expect("pid");
    let running = process_state(i64::from(pid)).is_some_and(|s| s != 'Z' && s != 'X');
    // SAFETY: kill(2) on the daemon this test's wrapper started.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    running
}

/// Red-team 2 item 1. Oracle: the OS — a `setsid` daemon holding the provider's pipes, the
/// pipes' end, /proc. The reading of the pipes ends at the provider's exit plus a short grace
/// (the pull succeeds and warns), at the timeout (while the provider still runs), and at
/// SIGINT/SIGTERM (exit 130, saying the detached process may still run, not that everything
/// was stopped). On a runner that reads the pipes to their end, each of these waits the
/// daemon's 60 s.
#[test]
fn a_detached_daemon_holding_the_provider_s_pipes_bounds_the_reading() {
    // Exit 0 with the daemon holding the pipes.
    let sb =
        bound_with_daemon(local_sandbox(BEADS).env("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "30000"));
    sb.write_stub_state(&issues(3, "v1", 1));
    let started = Instant::now();
    let out = sb.run(&["sync", "pull"]);
    let took = started.elapsed();
    assert!(daemon_was_running(&sb), "the daemon is out of our reach");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(stdout(&out).contains("created: 3"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("but a process it started still holds its output open"),
        "{}",
        stderr(&out)
    );

    // The provider still runs at the timeout.
    let sb = bound_with_daemon(
        local_sandbox(BEADS)
            .env("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "1000")
            .env("STUB_SLEEP", "30"),
    );
    let started = Instant::now();
    let out = sb.run(&["sync", "pull"]);
    let took = started.elapsed();
    assert!(daemon_was_running(&sb));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Command timed out:"),
        "{}",
        stderr(&out)
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");

    // Ctrl-C and SIGTERM while the provider runs.
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let sb = bound_with_daemon(
            local_sandbox(BEADS)
                .env("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "60000")
                .env("STUB_SLEEP", "30"),
        );
        let log = sb.dir.path().join("argv.log");
        let child = sb
            .command(&["sync", "pull"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let started = Instant::now();
        while !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("\"pid\"")) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the stub started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let signalled = Instant::now();
        // SAFETY: kill(2) on the child we spawned.
        unsafe {
            libc::kill(i32::try_from(child.id()).expect("pid"), signal);
        }
        let out = child.wait_with_output().expect("wait");
        let took = signalled.elapsed();
        assert!(daemon_was_running(&sb));
        assert_eq!(code(&out), 130, "{name}: {}", stderr(&out));
        assert!(took < Duration::from_secs(5), "{name}: took {took:?}");
        assert!(
            stderr(&out).starts_with(&format!(
                "error: interrupted by {name}: stopped `{} --json list --limit=0` and its process group, but a process it started outside that group still holds its output and may still be running; the cache was not changed\n",
                sb.dir.path().join("bd-with-daemon").display()
            )),
            "{}",
            stderr(&out)
        );
    }

    // SIGTERM once bd has exited, while its pipes are still read: the signal ends the reading
    // (exit 130) — or, on a machine slow enough that the 2 s grace had already passed, the
    // pull has finished (exit 0). Either way in time; a runner reading to the pipes' end hangs.
    let sb =
        bound_with_daemon(local_sandbox(BEADS).env("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "60000"));
    let exited = sb.dir.path().join("bd.exited");
    let child = sb
        .command(&["sync", "pull"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while !exited.exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "bd ran");
        std::thread::sleep(Duration::from_millis(2));
    }
    let signalled = Instant::now();
    // SAFETY: kill(2) on the child we spawned.
    unsafe {
        libc::kill(i32::try_from(child.id()).expect("pid"), libc::SIGTERM);
    }
    let out = child.wait_with_output().expect("wait");
    let took = signalled.elapsed();
    assert!(daemon_was_running(&sb));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    match code(&out) {
        130 => assert!(
            stderr(&out).starts_with("error: interrupted by SIGTERM: stopped `")
                && stderr(&out)
                    .contains("but a process it started outside that group still holds its output"),
            "{}",
            stderr(&out)
        ),
        0 => eprintln!("note: the pull had finished before SIGTERM arrived"),
        other => panic!("exit {other}: {}", stderr(&out)),
    }
}

/// Rows in the cache, as SQLite counts them.
fn stored_rows(sb: &Sandbox) -> i64 {
    sb.db()
        .query_row("SELECT count(*) FROM tracker_issues", [], |r| r.get(0))
        .expect("count")
}

/// Red-team 2 item 6. Oracle: SQLite's own `count(*)` of the cache. A provider that lists an
/// issue more than once (twice the same, three different copies, among unique ones) gets each
/// stored once; `created` says what was stored, a repeat pull of the same list creates nothing,
/// and a warning names each duplicated id with its count. (Was: "created: 2", one row stored,
/// then "created: 1" on the unchanged list.)
#[test]
fn a_duplicated_id_is_stored_counted_and_reported_once() {
    let row = |id: &str, title: &str, day: u32| {
        json!({"id": id, "title": title, "status": "open", "priority": 1, "issue_type": "task",
               "created_at": "2026-03-01T00:00:00Z", "updated_at": format!("2026-04-{day:02}T10:00:00Z")})
    };
    for (issues, unique, warning) in [
        (
            vec![row("demo-1", "a", 1), row("demo-1", "a", 1)],
            1,
            "demo-ws:demo-1 (2 times)",
        ),
        (
            vec![
                row("demo-1", "old", 1),
                row("demo-2", "x", 1),
                row("demo-1", "newest", 3),
                row("demo-1", "mid", 2),
            ],
            2,
            "demo-ws:demo-1 (3 times)",
        ),
        (
            vec![
                row("demo-1", "a", 1),
                row("demo-2", "b", 1),
                row("demo-2", "b", 1),
                row("demo-1", "a", 1),
                row("demo-3", "c", 1),
            ],
            3,
            "demo-ws:demo-1 (2 times), ",
        ),
    ] {
        let sb = bound_local();
        sb.write_stub_state(&json!({"next": 9, "issues": issues}));
        let out = sb.run(&["sync", "pull", "--json"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(stored_rows(&sb), unique);
        assert_eq!(v["stats"]["pulled_created"], unique, "{}", stdout(&out));
        assert!(
            stderr(&out)
                .starts_with("warning: the provider listed the same issue more than once: ")
                && stderr(&out).contains(warning),
            "{}",
            stderr(&out)
        );
        let again = sb.run(&["sync", "pull"]);
        assert_eq!(code(&again), 0, "{}", stderr(&again));
        assert!(
            stdout(&again).contains("- created: 0\n- updated: 0\n"),
            "{}",
            stdout(&again)
        );
        assert_eq!(stored_rows(&sb), unique);
    }
    // The copy kept is the most recently updated one.
    let sb = bound_local();
    sb.write_stub_state(&json!({"next": 9, "issues": [row("demo-1", "old", 1), row("demo-1", "newest", 3), row("demo-1", "mid", 2)]}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let title: String = sb
        .db()
        .query_row(
            "SELECT json_extract(payload, '$.title') FROM tracker_issues",
            [],
            |r| r.get(0),
        )
        .expect("title");
    assert_eq!(title, "newest");
}
