//! `auth login` with OAuth against the contract mock: the device flow (RFC 8628) and the
//! browser flow (authorization code + PKCE, RFC 7636; `state`, RFC 6749 §4.1.2 / §10.12), then
//! every SaaS command with the new session, and each way a login can fail leaving the earlier
//! session as it was.
//!
//! Independent oracles: the contract document (the mock refuses requests that break it and
//! checks the PKCE verifier against the challenge with its own S256), RFC 8628 §3.5 (the
//! `slow_down` interval, measured by the mock's poll times), the mock's refresh count, the OS
//! (`/proc/<pid>/cmdline`, SIGINT and SIGTERM, the files written) and spec-kitty-cli 3.2.7 (its
//! `auth status` and `whoami` read the session we wrote, its token manager refreshes it and its
//! tracker client sends it to the mock; its own logins, the browser played by a `$BROWSER`
//! script, are read by ours). Without the venv the 3.2.7 tests skip loudly, except
//! with CI=true, where they fail.

use crate::common;
use crate::common::interop::{self, Venv};

use crate::common::{code, stderr, stdout, Sandbox};
use contract_mock as mock;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What must never show outside the encrypted session: the mock's tokens, codes and device
/// codes (by their prefixes), and the verifier's parameter name.
const NEVER: [&str; 5] = [
    "mock-access-",
    "mock-refresh-",
    "mock-code-",
    "mock-device-",
    "code_verifier",
];

fn spawn_mock(config: mock::Config) -> mock::Running {
    mock::spawn(config, 0).expect("mock")
}

fn auto_mock() -> mock::Running {
    spawn_mock(mock::Config {
        device_auto_approve: Some(1),
        ..mock::Config::default()
    })
}

fn sandbox(mock: &mock::Running, slug: &str) -> Sandbox {
    let sb = Sandbox::new(Some(&format!(
        "tracker:\n  provider: linear\n  project_slug: {slug}\n"
    )))
    .env("SPEC_KITTY_SAAS_URL", &mock.url)
    .env("SPEC_KITTY_TRACKER_POLL_SCALE", "20");
    let browser = sb.dir.path().join("fakebrowser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\nexec curl -sfL -o /dev/null \"$1\"\n",
            sb.dir.path().join("browser.log").display()
        ),
    )
    .expect("browser script");
    set_mode(&browser, 0o755);
    let path = browser.display().to_string();
    sb.env("BROWSER", &path)
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn session_file(sb: &Sandbox) -> PathBuf {
    sb.state().join("auth/session.json")
}

fn post(mock: &mock::Running, path: &str) -> Value {
    let out = Command::new("curl")
        .args(["-sf", "-X", "POST", &format!("{}{path}", mock.url)])
        .output()
        .expect("curl");
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn stats(mock: &mock::Running) -> Value {
    interop::mock_get(mock, "/__mock/stats")
}

/// A running `spec-kitty-tracker` whose stderr is collected as it comes.
struct Running {
    child: Child,
    err: Arc<Mutex<String>>,
}

impl Running {
    fn start(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut cmd = sb.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let err = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = err.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Running { child, err }
    }

    /// Wait until stderr contains `text` (10 s at most).
    fn wait_for(&self, text: &str) {
        let started = Instant::now();
        while !self.err.lock().expect("lock").contains(text) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "never printed {text:?}: {}",
                self.err.lock().expect("lock")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn argv(&self) -> String {
        std::fs::read(format!("/proc/{}/cmdline", self.child.id()))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default()
    }

    fn finish(mut self) -> Output {
        let started = Instant::now();
        while self.child.try_wait().expect("try_wait").is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                panic!("login did not finish: {}", self.err.lock().expect("lock"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut out = self.child.wait_with_output().expect("output");
        std::thread::sleep(Duration::from_millis(50));
        out.stderr = self.err.lock().expect("lock").clone().into_bytes();
        out
    }
}

/// Fail when any [`NEVER`] string is in `text`.
fn assert_clean(what: &str, text: &str) {
    for never in NEVER {
        assert!(!text.contains(never), "{never} in {what}:\n{text}");
    }
}

/// Fail when any code, device code or verifier the mock saw is in `text` (exact values).
fn assert_no_mock_secrets(mock: &mock::Running, what: &str, text: &str) {
    let seen = stats(mock)["oauth"]["secrets"].clone();
    let seen: Vec<&str> = seen
        .as_array()
        .expect("secrets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!seen.is_empty(), "the mock saw the login's secrets");
    for secret in seen {
        assert!(
            !text.contains(secret),
            "a code or verifier in {what}:\n{text}"
        );
    }
}

/// Every file under `dir` as one text.
fn all_files(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&all_files(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    text
}

/// Every file under `dir` (the encrypted session included: it must hold ciphertext only).
fn assert_files_clean(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_files_clean(&path);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert_clean(
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
            );
        }
    }
}

fn device_login(sb: &Sandbox, extra: &[&str]) -> Output {
    let mut args = vec!["-v", "auth", "login", "--headless"];
    args.extend_from_slice(extra);
    let out = sb.run(&args);
    assert_clean(
        "device login output",
        &format!("{}{}", stdout(&out), stderr(&out)),
    );
    out
}

#[test]
fn device_login_from_a_clean_home_then_every_saas_command_works() {
    let mock = auto_mock();
    let sb = sandbox(&mock, "expired-token");
    let out = device_login(&sb, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_no_mock_secrets(
        &mock,
        "device login -v output",
        &format!("{}{}", stdout(&out), stderr(&out)),
    );
    assert!(
        stdout(&out).starts_with("Authenticated as ada@example.com (Ada Lovelace)\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("enter the code: MOCK-"),
        "{}",
        stderr(&out)
    );
    assert_eq!(common::mode(&session_file(&sb)), 0o600);
    assert_eq!(common::mode(&sb.state().join("auth")), 0o700);
    let out = sb.run(&["auth", "status", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        (
            v["verdict"].as_str(),
            v["auth_method"].as_str(),
            v["username"].as_str()
        ),
        (
            Some("authenticated"),
            Some("device_code"),
            Some("ada@example.com")
        )
    );
    assert_eq!(v["teams"][0]["default"], true);
    // `expired-token` answers each operation's first request with 401: every command refreshes.
    std::fs::write(
        sb.project().join("items.json"),
        r#"[{"ref": {"system": "linear", "workspace": "w", "id": "i1", "key": "LIN-1"}, "action": "update", "patch": {"title": "t"}}]"#,
    )
    .expect("items");
    for args in [
        &["status"][..],
        &["sync", "pull", "--limit", "3"],
        &["sync", "push", "--items-json", "items.json"],
        &["sync", "run"],
        &["map", "list"],
    ] {
        let out = sb.run_env(&[&["-v"][..], args].concat(), &[]);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_clean("saas command", &format!("{}{}", stdout(&out), stderr(&out)));
    }
    assert!(
        stats(&mock)["oauth_refreshes"].as_u64().expect("count") >= 5,
        "each 401 refreshed: {}",
        stats(&mock)
    );
    let out = sb.run(&["auth", "whoami"]);
    assert_eq!(
        (code(&out), stdout(&out)),
        (0, "ada@example.com\n".to_owned())
    );
    assert_files_clean(sb.dir.path());
}

#[test]
fn browser_login_checks_pkce_and_state_and_writes_no_secret_anywhere() {
    let mock = auto_mock();
    let sb = sandbox(&mock, "demo-project");
    let run = Running::start(&sb, &["-v", "auth", "login"], &[]);
    run.wait_for("Waiting for the browser");
    let argv = run.argv();
    let out = run.finish();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_clean("argv", &argv);
    assert_clean("output", &format!("{}{}", stdout(&out), stderr(&out)));
    let log = std::fs::read_to_string(sb.dir.path().join("browser.log")).expect("browser ran");
    assert!(log.contains("code_challenge_method=S256&state="), "{log}");
    let v: Value =
        serde_json::from_str(&stdout(&sb.run(&["auth", "status", "--json"]))).expect("json");
    assert_eq!(v["auth_method"], "authorization_code");
    // The mock refused the exchange unless S256(verifier) was the challenge it saw.
    assert_eq!(stats(&mock)["tokens_issued"], 1);
    assert_files_clean(sb.dir.path());
    let everything = format!(
        "{argv}{}{}{}",
        stdout(&out),
        stderr(&out),
        all_files(sb.dir.path())
    );
    assert_no_mock_secrets(&mock, "argv, -v output or files", &everything);
    // The session works for the tracker.
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // Already logged in: says as whom, changes nothing.
    let before = std::fs::read(session_file(&sb)).expect("session");
    let out = sb.run(&["auth", "login"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("Already logged in as ada@example.com."));
    assert_eq!(std::fs::read(session_file(&sb)).expect("session"), before);
}

/// A sandbox with an earlier device login, and that session's bytes.
fn logged_in(mock: &mock::Running) -> (Sandbox, Vec<u8>) {
    let sb = sandbox(mock, "demo-project");
    // Real time here: the approval must land however busy the machine is.
    let run = Running::start(
        &sb,
        &["auth", "login", "--headless"],
        &[("SPEC_KITTY_TRACKER_POLL_SCALE", "1000")],
    );
    run.wait_for("Waiting for authorization");
    post(mock, "/__mock/oauth/device/approve");
    let out = run.finish();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bytes = std::fs::read(session_file(&sb)).expect("session");
    (sb, bytes)
}

fn assert_failed_intact(out: &Output, sb: &Sandbox, before: &[u8], exit: i32, message: &str) {
    assert_eq!(code(out), exit, "{}", stderr(out));
    assert!(stderr(out).contains(message), "{message}: {}", stderr(out));
    assert_eq!(stdout(out), "");
    assert_eq!(
        std::fs::read(session_file(sb)).expect("session"),
        before,
        "the earlier session is untouched"
    );
    assert_clean("failure output", &stderr(out));
}

#[test]
fn a_denied_or_expired_device_code_and_the_local_deadline_keep_the_earlier_session() {
    let mock = spawn_mock(mock::Config::default());
    let (sb, before) = logged_in(&mock);
    for (verb, message) in [
        ("deny", "User denied the authorization request."),
        ("expire", "Device code expired before approval."),
    ] {
        let run = Running::start(&sb, &["auth", "login", "--headless", "--force"], &[]);
        run.wait_for("Waiting for authorization");
        post(&mock, &format!("/__mock/oauth/device/{verb}"));
        assert_failed_intact(&run.finish(), &sb, &before, 4, message);
    }
    // Nobody approves a code that lives 3 s: the local deadline (scaled) ends the login.
    let short = spawn_mock(mock::Config {
        device_expires_in: 3,
        ..mock::Config::default()
    });
    let run = Running::start(
        &sb,
        &["auth", "login", "--headless", "--force"],
        &[("SPEC_KITTY_SAAS_URL", short.url.as_str())],
    );
    assert_failed_intact(
        &run.finish(),
        &sb,
        &before,
        4,
        "Device authorization expired after 3 seconds.",
    );
}

/// RFC 8628 §3.5: after `slow_down` the interval grows by 5 s for every later poll. Only
/// lower bounds are asserted (sleeping is never shorter than asked; a busy machine makes it
/// longer), at 100 ms per second: 1 s = 100 ms before, 6 s = 600 ms after.
#[test]
fn slow_down_adds_five_seconds_to_the_interval() {
    let mock = spawn_mock(mock::Config::default());
    let sb = sandbox(&mock, "demo-project");
    let run = Running::start(
        &sb,
        &["auth", "login", "--headless"],
        &[("SPEC_KITTY_TRACKER_POLL_SCALE", "100")],
    );
    run.wait_for("Waiting for authorization");
    let polls = || -> Vec<u64> {
        stats(&mock)["oauth"]["device_polls_ms"]
            .as_array()
            .expect("polls")
            .iter()
            .filter_map(Value::as_u64)
            .collect()
    };
    let started = Instant::now();
    while polls().len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(10), "no polls");
        std::thread::sleep(Duration::from_millis(10));
    }
    let before = polls().len();
    post(&mock, "/__mock/oauth/device/slow_down");
    // The slow_down answer goes to poll `before` or `before + 1`; wait for two polls after.
    while polls().len() < before + 4 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "polling stopped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    post(&mock, "/__mock/oauth/device/approve");
    let out = run.finish();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let p = polls();
    let gaps: Vec<u64> = p.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|g| *g >= 100),
        "the interval is kept: {gaps:?}"
    );
    assert!(
        gaps[before + 1..].iter().all(|g| *g >= 600),
        "5 s more after slow_down (poll {before}): {gaps:?}"
    );
}

#[test]
fn wrong_state_a_closed_tab_and_ctrl_c_keep_the_earlier_session() {
    let mock = spawn_mock(mock::Config::default());
    let (sb, before) = logged_in(&mock);
    post(&mock, "/__mock/oauth/authorize/wrong_state");
    let out = sb.run(&["auth", "login", "--force"]);
    assert_failed_intact(&out, &sb, &before, 4, "carries another login's state");
    assert_eq!(stats(&mock)["tokens_issued"], 1, "no code was exchanged");

    // The tab is closed: nothing ever calls back; 5 minutes pass (at 1 ms per second).
    let out = sb.run_env(
        &["auth", "login", "--force"],
        &[("BROWSER", "true"), ("SPEC_KITTY_TRACKER_POLL_SCALE", "1")],
    );
    assert_failed_intact(
        &out,
        &sb,
        &before,
        4,
        "Authentication timed out (5 minutes elapsed)",
    );

    // Ctrl-C while waiting for the browser.
    let run = Running::start(&sb, &["auth", "login", "--force"], &[("BROWSER", "true")]);
    run.wait_for("Waiting for the browser");
    let status = Command::new("kill")
        .args(["-INT", &run.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_failed_intact(&run.finish(), &sb, &before, 130, "Login cancelled");
}

/// SIGTERM (what `kill`, timeout(1), systemd and CI runners send) to a login waiting on the
/// device flow ends it as Ctrl-C does: the message, exit 130 (README "Exit codes", as for a
/// provider stopped by SIGTERM), the earlier session byte for byte. Oracle: the OS delivering a
/// real SIGTERM (its default action would end the process silently, status 143 from a shell);
/// with the venv, 3.2.7's `auth status` still reads the session.
#[cfg(unix)]
#[test]
fn sigterm_during_a_device_login_keeps_the_earlier_session() {
    let mock = spawn_mock(mock::Config::default());
    let (sb, before) = logged_in(&mock);
    let run = Running::start(&sb, &["auth", "login", "--headless", "--force"], &[]);
    run.wait_for("Waiting for authorization");
    let pid = libc::pid_t::try_from(run.child.id()).expect("pid");
    // SAFETY: a signal to our own child, still running (not yet waited for).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let out = run.finish();
    assert_failed_intact(
        &out,
        &sb,
        &before,
        130,
        "Login cancelled by SIGTERM; the stored session was not changed.\n",
    );
    if let Some(venv) = interop::venv() {
        let theirs = their_status(&venv, &sb, &mock);
        assert!(
            theirs.starts_with("+ Authenticated (access valid"),
            "3.2.7: {theirs}"
        );
    }
}

/// Oracle: gh and gcloud print the authorize URL, so the login can finish elsewhere; `false`
/// (coreutils) is a `$BROWSER` that starts and opens nothing, and `webbrowser` counts it as
/// opened (redteam 3, finding 8: the URL was not printed then and the login waited 5 minutes).
#[test]
fn without_a_working_browser_the_url_is_printed_and_the_login_keeps_waiting() {
    for browser in ["/nonexistent/browser", "false"] {
        url_printed_and_login_finishes(browser);
    }
}

fn url_printed_and_login_finishes(browser: &str) {
    let mock = auto_mock();
    let sb = sandbox(&mock, "demo-project");
    let run = Running::start(
        &sb,
        &["auth", "login"],
        &[("BROWSER", browser), ("PATH", "/usr/bin:/bin")],
    );
    run.wait_for("Waiting for the browser");
    let text = run.err.lock().expect("lock").clone();
    assert!(text.contains("auth login --headless"), "{text}");
    let url = text
        .lines()
        .find_map(|l| l.strip_prefix("  "))
        .filter(|l| l.contains("/oauth/authorize?"))
        .expect("the URL is printed")
        .to_owned();
    // The user opens it elsewhere (here: curl follows the redirect to the callback).
    let ok = Command::new("curl")
        .args(["-sfL", "-o", "/dev/null", &url])
        .status()
        .expect("curl");
    assert!(ok.success());
    let out = run.finish();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Authenticated as ada@example.com"));
}

#[test]
fn logout_force_skips_revocation_and_doctor_reports_the_server_session() {
    let mock = auto_mock();
    let sb = sandbox(&mock, "demo-project");
    // Run from above the state root, where a relative path would show: paths in JSON are
    // absolute, as 3.2.7 gives them (redteam3::json_paths_are_absolute_as_3_2_7_gives_them).
    let out = sb
        .command(&["auth", "login", "--headless", "--json"])
        .current_dir(sb.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["store_path"], session_file(&sb).display().to_string());
    let out = sb.run(&["auth", "doctor", "--server", "--json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["server_session"]["active"], true);
    assert_eq!(v["findings"], serde_json::json!([]));
    let out = sb.run(&["auth", "logout", "--force", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["revocation"], "skipped_force");
    assert_eq!(stats(&mock)["revocations"], 0);
    assert!(!session_file(&sb).exists());
    let out = sb.run(&["auth", "doctor"]);
    assert_eq!(code(&out), 1, "F-001 is critical");
    assert!(stdout(&out).contains("[critical] F-001: No active session"));
}

/// `auth doctor --unstick-lock` releases a refresh.lock whose record is older than the
/// threshold, as 3.2.7 does (truncated, never unlinked), and leaves a fresh one alone.
#[test]
fn doctor_unsticks_an_old_refresh_lock_only() {
    let mock = auto_mock();
    let sb = sandbox(&mock, "demo-project");
    assert_eq!(code(&device_login(&sb, &[])), 0);
    let lock = sb.state().join("auth/refresh.lock");
    let record = |age: i64| {
        let at = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() - age)
            .expect("ts")
            .strftime("%Y-%m-%dT%H:%M:%S+00:00")
            .to_string();
        format!(
            r#"{{"host": "other-host", "pid": 999999, "schema_version": 1, "started_at": "{at}", "version": "3.2.7"}}"#
        )
    };
    std::fs::write(&lock, record(120)).expect("lock");
    let out = sb.run(&["auth", "doctor"]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("F-003: Refresh lock stuck (age 12"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("F-007: Lock holder is on a different host"));
    let out = sb.run(&[
        "auth",
        "doctor",
        "--unstick-lock",
        "--stuck-threshold",
        "300",
    ]);
    assert!(stdout(&out).contains("--unstick-lock: lock not stuck; no-op."));
    assert!(std::fs::metadata(&lock).expect("lock").len() > 0);
    let out = sb.run(&["auth", "doctor", "--unstick-lock"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("--unstick-lock: stuck lock released."));
    assert_eq!(std::fs::metadata(&lock).expect("kept").len(), 0);
}

// ---- spec-kitty-cli 3.2.7 as the oracle ----

/// 3.2.7's `spec-kitty` in the sandbox's HOME and state root.
fn spec_kitty(venv: &Venv, sb: &Sandbox, mock: &mock::Running) -> Command {
    let mut cmd = venv.command(sb, "spec-kitty");
    cmd.env("SPEC_KITTY_SAAS_URL", &mock.url)
        .stdin(Stdio::null());
    cmd
}

fn their_status(venv: &Venv, sb: &Sandbox, mock: &mock::Running) -> String {
    let out = spec_kitty(venv, sb, mock)
        .args(["auth", "status"])
        .output()
        .expect("spec-kitty");
    stdout(&out)
}

#[test]
fn spec_kitty_3_2_7_sees_our_device_and_browser_logins() {
    let Some(venv) = interop::venv() else { return };
    let mock = auto_mock();
    for (args, label) in [
        (
            &["auth", "login", "--headless"][..],
            "Headless (Device Authorization Grant)",
        ),
        (
            &["auth", "login", "--force"][..],
            "Browser (Authorization Code + PKCE)",
        ),
    ] {
        let sb = sandbox(&mock, "demo-project");
        let out = sb.run(args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let theirs = their_status(&venv, &sb, &mock);
        assert!(
            theirs.starts_with("+ Authenticated (access valid"),
            "3.2.7: {theirs}"
        );
        assert!(
            theirs.contains("User:           ada@example.com (Ada Lovelace)"),
            "{theirs}"
        );
        assert!(
            theirs.contains(&format!("Auth method:    {label}")),
            "{theirs}"
        );
        let who = spec_kitty(&venv, &sb, &mock)
            .args(["auth", "whoami"])
            .output()
            .expect("whoami");
        assert_eq!(stdout(&who).trim(), "ada@example.com");
        // Its token manager takes the session and refreshes it at the mock; ours then uses the
        // rotated one for a tracker request.
        for (command, want) in [
            ("token", r#""outcome": "ok""#),
            ("refresh", r#""network_call": true"#),
        ] {
            let out = driver(&venv, &sb, &mock, command);
            assert!(out.contains(want), "driver {command}: {out}");
        }
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        if label.starts_with("Browser") {
            assert_their_tracker_accepts(&venv, &sb, &mock);
        }
    }
}

/// 3.2.7's tracker client sends the session's token and team to the mock (which checks both):
/// the project prepared as reference/upstream-3.2-tracker.md §9.4 says, then
/// `spec-kitty tracker status --json`.
fn assert_their_tracker_accepts(venv: &Venv, sb: &Sandbox, mock: &mock::Running) {
    let scratch = sb.dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).expect("scratch");
    let run = |dir: &Path, args: &[&str]| {
        let out = spec_kitty(venv, sb, mock)
            .current_dir(dir)
            .args(args)
            .output()
            .expect("spec-kitty");
        (out.status.code(), stdout(&out), stderr(&out))
    };
    let (status, _, err) = run(&scratch, &["init", "--ai", "claude", "--non-interactive"]);
    assert_eq!(status, Some(0), "init: {err}");
    std::fs::write(
        sb.project().join(".kittify/config.yaml"),
        "project:\n  uuid: 7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f\n  slug: oracle\n  node_id: 0123456789ab\n  build_id: 35eabafe-284a-5d7c-a819-7d1549333d24\ntracker:\n  provider: linear\n  project_slug: demo-project\n",
    )
    .expect("config");
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(sb.project())
        .status()
        .expect("git");
    assert!(git.success());
    let (status, text, err) = run(&sb.project(), &["sync", "opt-in"]);
    assert_eq!(status, Some(0), "opt-in: {text}{err}");
    // Self-admits the project; "Nothing to deliver" (exit 1) is fine.
    run(&sb.project(), &["sync", "now"]);
    let (status, text, err) = run(&sb.project(), &["tracker", "status", "--json"]);
    assert_eq!(status, Some(0), "3.2.7 tracker status: {text}{err}");
    let v: Value = serde_json::from_str(&text).expect("3.2.7 status json");
    assert_eq!(v["connected"], true, "{v}");
}

/// scripts/interop/driver.py (3.2.7's own session classes) in the sandbox.
fn driver(venv: &Venv, sb: &Sandbox, mock: &mock::Running, command: &str) -> String {
    let mut cmd = venv.script(sb, "driver.py");
    cmd.arg(command).env("SPEC_KITTY_SAAS_URL", &mock.url);
    interop::run_ok(&mut cmd, "")
}

#[test]
fn our_status_and_whoami_see_spec_kitty_3_2_7s_own_logins() {
    let Some(venv) = interop::venv() else { return };
    let mock = auto_mock();
    // Its browser login: Python's webbrowser runs $BROWSER, which follows the redirect.
    let sb = sandbox(&mock, "demo-project");
    let out = spec_kitty(&venv, &sb, &mock)
        .env("BROWSER", "curl -sfL -o /dev/null %s")
        .args(["auth", "login"])
        .output()
        .expect("spec-kitty login");
    assert!(
        out.status.success(),
        "3.2.7 login: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let ours = sb.run(&["auth", "status", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&ours)).expect("json");
    assert_eq!(
        (
            v["verdict"].as_str(),
            v["username"].as_str(),
            v["auth_method"].as_str()
        ),
        (
            Some("authenticated"),
            Some("ada@example.com"),
            Some("authorization_code")
        )
    );
    let who = sb.run(&["auth", "whoami"]);
    assert_eq!(
        (code(&who), stdout(&who)),
        (0, "ada@example.com\n".to_owned())
    );
    // Its headless login, approved after one pending poll.
    let sb = sandbox(&mock, "demo-project");
    let out = spec_kitty(&venv, &sb, &mock)
        .args(["auth", "login", "--headless"])
        .output()
        .expect("spec-kitty login");
    assert!(
        out.status.success(),
        "3.2.7 login: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let ours = sb.run(&["auth", "status"]);
    assert!(
        stdout(&ours).contains("Auth method:    Headless (Device Authorization Grant)"),
        "{}",
        stdout(&ours)
    );
    assert_eq!(stdout(&sb.run(&["auth", "whoami"])), "ada@example.com\n");
    // And the tracker works with it.
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}
