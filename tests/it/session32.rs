//! The spec-kitty-cli 3.1+ session store, against the real thing: spec-kitty-cli 3.2.7 from
//! PyPI (installed by scripts/interop-venv.sh) stores, reads and refreshes sessions with its own
//! classes (scripts/interop/driver.py), our binary uses and refreshes them against the contract
//! mock, whose `/oauth/token` counts refresh-grant uses and refuses a spent refresh token.
//!
//! Independent oracles: the 3.2.7 package (what it writes, whether it can read what we wrote,
//! its own refresh transaction and lock), and the mock's count of refresh-grant uses.
//! Without the venv these tests skip loudly, except with CI=true, where they fail.

use crate::common;
use crate::common::interop::{self, block_on, mock_get, session, token_pair, wait_bounded};

use crate::common::{code, stderr, stdout, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// scripts/interop/driver.py: 3.2.7's own session classes, in the venv.
struct Python(interop::Venv);

fn python() -> Option<Python> {
    interop::venv().map(Python)
}

impl Python {
    fn command(&self, sb: &Sandbox, args: &[&str]) -> Command {
        let mut cmd = self.0.script(sb, "driver.py");
        cmd.args(args);
        interop::sandbox_env(&mut cmd, sb);
        cmd
    }

    fn run(&self, sb: &Sandbox, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> String {
        let mut cmd = self.command(sb, args);
        cmd.envs(env.iter().copied());
        interop::run_ok(&mut cmd, stdin)
    }

    /// Store `session` with 3.2.7's own `FileFallbackStorage.write`.
    fn write(&self, sb: &Sandbox, session: &Value) {
        self.run(sb, &["write"], &session.to_string(), &[]);
    }

    /// The session as 3.2.7 reads it (`Value::Null` when it has none).
    fn read(&self, sb: &Sandbox) -> Value {
        serde_json::from_str(&self.run(sb, &["read"], "", &[])).expect("driver json")
    }
}

fn stats(mock: &mock::Running) -> (u64, u64) {
    let v = mock_get(mock, "/__mock/stats");
    (
        v["oauth_refreshes"].as_u64().expect("count"),
        v["oauth_rejected"].as_u64().expect("count"),
    )
}

/// The status `/oauth/token` answers for `refresh` (spends it when it is valid).
fn refresh_grant_status(mock: &mock::Running, refresh: &str) -> u16 {
    block_on(async {
        reqwest::Client::new()
            .post(format!("{}/oauth/token", mock.url))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", "cli_native"),
            ])
            .send()
            .await
            .expect("post")
            .status()
            .as_u16()
    })
}

fn sandbox(mock: &mock::Running) -> Sandbox {
    Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &mock.url)
}

fn mock() -> mock::Running {
    mock::spawn(mock::Config::default(), 0).expect("mock")
}

fn assert_no_tokens(out: &Output, tokens: &[&str]) {
    let text = format!("{}{}", stdout(out), stderr(out));
    for t in tokens {
        assert!(!text.contains(t), "token leaked:\n{text}");
    }
}

fn auth_dir(sb: &Sandbox) -> PathBuf {
    sb.state().join("auth")
}

#[test]
fn a_3_2_7_session_is_used_refreshed_once_and_read_back_by_3_2_7() {
    let Some(py) = python() else { return };
    let mock = mock();
    let sb = sandbox(&mock);
    let (access, refresh) = token_pair(&mock);
    let stored = session(&access, &refresh, -60);
    py.write(&sb, &stored);
    let salt = std::fs::read(auth_dir(&sb).join("session.salt")).expect("salt");

    let out = sb.run(&["-v", "status", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("auth: using the spec-kitty 3.1+ session"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("POST /oauth/token") || stderr(&out).contains("/oauth/token"));
    assert_no_tokens(&out, &[&access, &refresh]);
    assert_eq!(stats(&mock), (1, 0), "one refresh-grant use, none refused");

    let back = py.read(&sb);
    assert_eq!(back["session_id"], stored["session_id"]);
    assert_eq!(back["email"], "ada@example.com");
    assert_eq!(back["teams"], stored["teams"]);
    assert_ne!(back["access_token"], json!(access));
    assert_ne!(back["refresh_token"], json!(refresh));
    assert_eq!(back["scope"], "offline_access");
    assert_eq!(
        std::fs::read(auth_dir(&sb).join("session.salt")).expect("salt"),
        salt,
        "same salt"
    );
    assert_eq!(common::mode(&auth_dir(&sb).join("session.json")), 0o600);
    assert!(!auth_dir(&sb).join("session.hot-path.json").exists());

    // The rotated access token is valid: every SaaS command works without another refresh.
    let items = sb.dir.path().join("items.json");
    std::fs::write(&items, r#"[{"ref": "WP01", "action": "upsert"}]"#).expect("items");
    let items = items.display().to_string();
    for args in [
        vec!["status"],
        vec!["sync", "pull", "--json"],
        vec!["sync", "push", "--items-json", items.as_str(), "--json"],
        vec!["sync", "run", "--json"],
        vec!["map", "list", "--json"],
    ] {
        let out = sb.run(&args);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    assert_eq!(stats(&mock), (1, 0));

    // 3.2.7's own refresh transaction spends the refresh token we stored, and we use its result.
    let outcome: Value = serde_json::from_str(&py.run(&sb, &["refresh"], "", &[])).expect("json");
    assert_eq!(outcome, json!({"outcome": "ok", "network_call": true}));
    assert_eq!(stats(&mock), (2, 0));
    let out = sb.run(&["map", "list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stats(&mock), (2, 0));

    let status = sb.run(&["auth", "status", "--json"]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let v: Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(v["store"], "session");
    assert_eq!(v["username"], "ada@example.com");
    assert_eq!(v["team_slug"], "demo-team");
    assert_eq!(v["access_token"]["valid"], true);
    assert_eq!(v["refresh_token"]["valid"], true);
    let current = py.read(&sb);
    for t in ["access_token", "refresh_token"] {
        let token = current[t].as_str().expect("token");
        assert!(!status_text(&status).contains(token), "{t} leaked");
    }
}

fn status_text(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

#[test]
fn a_rejected_refresh_removes_the_session_as_3_2_7_does() {
    let Some(py) = python() else { return };
    let mock = mock();
    // Ours and 3.2.7's, each with a refresh token the server does not accept.
    let ours = sandbox(&mock);
    let theirs = sandbox(&mock);
    let (access, _) = token_pair(&mock);
    py.write(&ours, &session(&access, "spent-refresh", -60));
    py.write(&theirs, &session(&access, "spent-refresh", -60));

    let out = ours.run(&["status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: Session expired."),
        "{}",
        stderr(&out)
    );
    let outcome: Value =
        serde_json::from_str(&py.run(&theirs, &["refresh"], "", &[])).expect("json");
    assert_eq!(outcome["outcome"], "rejected");
    for sb in [&ours, &theirs] {
        assert_eq!(py.read(sb), Value::Null, "3.2.7 sees no session");
        assert!(!auth_dir(sb).join("session.json").exists());
        assert!(!auth_dir(sb).join("session.salt").exists());
    }
    assert_eq!(stats(&mock), (2, 2));
}

/// Two processes refresh one expired session at the same moment; the mock refuses a reused
/// refresh token, so a double spend would show as a refusal (and a failed command).
fn race(py: &Python, mock: &mock::Running, rounds: usize, with_python: bool) {
    // One Python start-up stores every round's session (each with a fresh token pair).
    let (boxes, entries): (Vec<Sandbox>, Vec<Value>) = (0..rounds)
        .map(|_| {
            let (access, refresh) = token_pair(mock);
            let sb = sandbox(mock);
            let entry =
                json!({"auth_dir": auth_dir(&sb), "session": session(&access, &refresh, -60)});
            (sb, entry)
        })
        .unzip();
    py.run(
        &boxes[0],
        &["write-many"],
        &Value::from(entries).to_string(),
        &[],
    );
    for (round, sb) in boxes.iter().enumerate() {
        let before = stats(mock);
        let spawn_ours = || {
            sb.command(&["status"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let first = spawn_ours();
        let second = if with_python {
            py.command(sb, &["token"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn python")
        } else {
            spawn_ours()
        };
        let (a, b) = (
            wait_bounded(first, Duration::from_secs(30)),
            wait_bounded(second, Duration::from_secs(30)),
        );
        assert_eq!(code(&a), 0, "round {round}: {}", stderr(&a));
        assert!(b.status.success(), "round {round}: {}", stderr(&b));
        let after = stats(mock);
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (1, 0),
            "round {round}: the refresh token must be spent exactly once"
        );
    }
}

#[test]
fn two_of_ours_refreshing_at_once_spend_the_refresh_token_once() {
    let Some(py) = python() else { return };
    let mock = mock();
    race(&py, &mock, 20, false);
}

#[test]
fn ours_and_3_2_7_refreshing_at_once_spend_the_refresh_token_once() {
    let Some(py) = python() else { return };
    let mock = mock();
    race(&py, &mock, 6, true);
}

#[test]
fn a_refresh_lock_held_by_3_2_7_is_waited_for() {
    let Some(py) = python() else { return };
    let mock = mock();
    let sb = sandbox(&mock);
    let (access, refresh) = token_pair(&mock);
    py.write(&sb, &session(&access, &refresh, -60));
    let mut holder = py
        .command(&sb, &["hold-lock", "1.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("read");
    assert_eq!(line, "held\n");
    let started = Instant::now();
    let out = sb.run(&["status"]);
    let waited = started.elapsed();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        waited >= Duration::from_millis(1000),
        "did not wait: {waited:?}"
    );
    assert!(wait_bounded(holder, Duration::from_secs(30))
        .status
        .success());
    assert_eq!(stats(&mock), (1, 0));
}

#[test]
fn an_undecryptable_session_is_named_and_the_3_0_file_is_used() {
    let Some(py) = python() else { return };
    let mock = mock();
    let sb = sandbox(&mock);
    let (access, refresh) = token_pair(&mock);
    py.run(
        &sb,
        &["write"],
        &session(&access, &refresh, 3600).to_string(),
        &[("INTEROP_HOSTNAME", "another-host")],
    );
    // Without a 3.0 login: not authenticated, saying why the session was not used.
    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    // 3.2.7 has no 3.0 file to fall back to either: the warning does not name one as used,
    // and the hint names the commands that replace or remove the session.
    assert!(
        stderr(&out).starts_with("warning: cannot use the spec-kitty 3.1+ session ")
            && stderr(&out).contains("written on another host or by another user")
            && stderr(&out).contains("and there is no 3.0 credentials file")
            && !stderr(&out).contains("falling back")
            && stderr(&out).contains("hint: the spec-kitty 3.1+ session was made on another host or by another user (or is damaged): log in here with `spec-kitty-tracker auth login` (it replaces it), or remove it with `spec-kitty-tracker auth logout`"),
        "{}",
        stderr(&out)
    );
    // With one: the 3.0 login is used; logout removes the session nobody here can read
    // (3.2.7 leaves it: `Not logged in.`; README, auth logout) and keeps the 3.0 login, as it
    // does beside a readable session.
    sb.write_credentials(&common::session_toml(
        "https://app.spec-kitty.ai",
        "acc-1",
        "ref-1",
        false,
    ));
    let out = sb.run(&["auth", "status", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["store"], "credentials");
    assert_eq!(v["username"], "alice");
    assert!(v["session_unusable"]
        .as_str()
        .expect("reason")
        .contains("another host"));
    let out = sb.run(&["auth", "logout", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["revocation"], "skipped_unreadable");
    assert!(sb.read_credentials().contains("[tokens]"));
    assert!(!auth_dir(&sb).join("session.json").exists());
    assert!(!auth_dir(&sb).join("session.salt").exists());
    assert_eq!(mock_get(&mock, "/__mock/stats")["revocations"], 0);

    // A session file readable by others is refused as 3.2.7 refuses it.
    let sb = sandbox(&mock);
    py.write(&sb, &session(&access, &refresh, 3600));
    let path = auth_dir(&sb).join("session.json");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 4);
    assert!(
        stderr(&out).contains("unsafe permissions"),
        "{}",
        stderr(&out)
    );
}

/// A `session.json` nobody can use (not JSON, JSON of another shape, a 3.2.7 session whose
/// ciphertext was cut short) is called damaged, with the commands that fix it, and `auth
/// logout` removes it without revoking anything. Oracles: 3.2.7's `auth status` on the same
/// files (not authenticated) and its own login + status on the directory our logout cleaned;
/// the OS (the files are gone); the mock's revocation count.
#[test]
fn a_damaged_session_is_named_so_and_logout_removes_it() {
    let Some(py) = python() else { return };
    let mock = mock();
    let (access, refresh) = token_pair(&mock);
    let truncate = |sb: &Sandbox| {
        py.write(sb, &session(&access, &refresh, 3600));
        let path = auth_dir(sb).join("session.json");
        let mut blob: Value =
            serde_json::from_slice(&std::fs::read(&path).expect("session")).expect("json");
        let cut = blob["ciphertext"].as_str().expect("hex")[..20].to_owned();
        blob["ciphertext"] = cut.into();
        std::fs::write(&path, blob.to_string()).expect("write");
    };
    let raw = |text: &'static str| {
        move |sb: &Sandbox| {
            std::fs::create_dir_all(auth_dir(sb)).expect("auth dir");
            let path = auth_dir(sb).join("session.json");
            std::fs::write(&path, text).expect("write");
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .expect("chmod");
        }
    };
    type Damage<'a> = Box<dyn Fn(&Sandbox) + 'a>;
    let cases: [(&str, Damage, &str); 3] = [
        (
            "not JSON",
            Box::new(raw("{")),
            "it is not the expected JSON",
        ),
        (
            "another shape",
            Box::new(raw(r#"{"version": 2}"#)),
            "it is not the expected JSON: missing field",
        ),
        ("truncated", Box::new(truncate), "(truncated)"),
    ];
    for (label, damage, why) in cases {
        let sb = sandbox(&mock);
        damage(&sb);
        let theirs = stdout(
            &interop::Venv::command(&py.0, &sb, "spec-kitty")
                .args(["auth", "status"])
                .output()
                .expect("3.2.7"),
        );
        assert!(
            theirs.contains("Not authenticated"),
            "{label}: 3.2.7: {theirs}"
        );
        let out = sb.run(&["auth", "status"]);
        assert_eq!(code(&out), 4, "{label}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(why)
                && err.contains("; and there is no 3.0 credentials file (")
                && !err.contains("falling back")
                && err.contains("hint: the spec-kitty 3.1+ session file is damaged: `spec-kitty-tracker auth login` replaces it, `spec-kitty-tracker auth logout` removes it"),
            "{label}: {err}"
        );
        let out = sb.run(&["auth", "doctor", "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("doctor json");
        assert!(
            v["findings"][0]["summary"].as_str().is_some_and(
                |s| s.starts_with("No active session: the stored session is damaged (")
            ),
            "{label}: {v}"
        );
        let out = sb.run(&["auth", "logout"]);
        assert_eq!(code(&out), 0, "{label}: {}", stderr(&out));
        assert!(
            stdout(&out)
                .starts_with("Logged out successfully.\n   Removed the spec-kitty 3.1+ session ")
                && stdout(&out).contains("   It could not be read (")
                && stdout(&out)
                    .contains("so there was no refresh token to revoke at the server.\n"),
            "{label}: {}",
            stdout(&out)
        );
        for f in ["session.json", "session.salt"] {
            assert!(!auth_dir(&sb).join(f).exists(), "{label}: {f} left behind");
        }
        let out = sb.run(&["auth", "status"]);
        assert!(
            !stderr(&out).contains("warning"),
            "{label}: {}",
            stderr(&out)
        );
        // 3.2.7 logs in on the cleaned directory and sees its login.
        py.write(&sb, &session(&access, &refresh, 3600));
        assert_eq!(py.read(&sb)["email"], "ada@example.com", "{label}");
    }
    assert_eq!(mock_get(&mock, "/__mock/stats")["revocations"], 0);
}

#[test]
fn with_both_logins_the_session_wins_and_logout_removes_it() {
    let Some(py) = python() else { return };
    let mock = mock();
    let sb = sandbox(&mock);
    let (access, refresh) = token_pair(&mock);
    py.write(&sb, &session(&access, &refresh, 3600));
    sb.write_credentials(&common::session_toml(
        "https://app.spec-kitty.ai",
        "acc-1",
        "ref-1",
        false,
    ));
    let out = sb.run(&["-v", "auth", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("auth: using the spec-kitty 3.1+ session")
            && stderr(&out).contains("takes precedence over"),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("+ Authenticated (access valid ")
            && text.contains("\n  User:           ada@example.com (Ada Lovelace)\n")
            && text.contains("\n  Tracker team:   demo-team\n"),
        "{text}"
    );
    assert!(
        text.contains("  Storage:        Encrypted session file "),
        "{text}"
    );
    assert_no_tokens(&out, &[&access, &refresh]);

    let out = sb.run(&["auth", "login", "-u", "alice", "-p", "x"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Already authenticated as ada@example.com."),
        "{}",
        stdout(&out)
    );

    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Removed the spec-kitty 3.1+ session")
            && stdout(&out).contains("   Server revocation confirmed.\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(refresh_grant_status(&mock, &refresh), 400, "revoked");
    assert_eq!(py.read(&sb), Value::Null, "3.2.7 agrees: logged out");
    for f in ["session.json", "session.salt", "session.hot-path.json"] {
        assert!(!auth_dir(&sb).join(f).exists(), "{f} left behind");
    }
    assert!(
        sb.read_credentials().contains("[tokens]"),
        "the 3.0 login stays"
    );
    let v: Value =
        serde_json::from_slice(&sb.run(&["auth", "status", "--json"]).stdout).expect("json");
    assert_eq!(v["store"], "credentials");
}

#[test]
fn the_team_is_the_one_shared_team_and_its_absence_is_a_clear_error() {
    let Some(py) = python() else { return };
    let mock = mock();
    let sb = sandbox(&mock);
    let (access, refresh) = token_pair(&mock);
    let mut two = session(&access, &refresh, 3600);
    two["teams"]
        .as_array_mut()
        .expect("teams")
        .push(json!({"id": "other-team", "name": "Other", "role": "member", "is_private_teamspace": false}));
    py.write(&sb, &two);
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("several shared teams (Demo Team (demo-team), Other (other-team))"),
        "{}",
        stderr(&out)
    );
    let mut none = session(&access, &refresh, 3600);
    none["teams"].as_array_mut().expect("teams").truncate(1);
    py.write(&sb, &none);
    let out = sb.run(&["map", "list", "--json"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["error"]["code"], "no_team");
    assert!(v["error"]["message"]
        .as_str()
        .expect("message")
        .contains("no shared team for tracker requests (teams: Ada (private) (ada-private))"));
    let mut unsendable = session(&access, &refresh, 3600);
    unsendable["teams"][1]["id"] = json!("demo\nteam");
    py.write(&sb, &unsendable);
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("team id: it holds U+000A at byte 4, which cannot be sent in an HTTP header"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stats(&mock), (0, 0), "nothing was sent");
}

#[tokio::test]
async fn the_refresh_grant_is_sent_as_3_2_7_sends_it_and_rejections_are_handled_alike() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(py) = python() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(json!({"error": "refresh_replay_benign_retry", "retry_after": 0})),
        )
        .mount(&server)
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    py.write(&sb, &session("acc-x", "ref-x", -60));

    // A 409 replay with no newer stored token: no second try, the session stays.
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: Refresh token replay detected"),
        "{}",
        stderr(&out)
    );
    let outcome: Value = serde_json::from_str(&py.run(&sb, &["refresh"], "", &[])).expect("json");
    assert_eq!(
        outcome["outcome"], "lock_timeout",
        "3.2.7 does the same: {outcome}"
    );
    assert_eq!(py.read(&sb)["refresh_token"], "ref-x", "kept");

    // Our request and 3.2.7's are the same bytes.
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    assert_eq!(request_shape(&requests[0]), request_shape(&requests[1]));
    assert_eq!(
        request_shape(&requests[0]),
        (
            "application/x-www-form-urlencoded".to_owned(),
            "grant_type=refresh_token&refresh_token=ref-x&client_id=cli_native".to_owned(),
            false
        )
    );

    // session_invalid for the stored token: the session is deleted (exit 4).
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "session_invalid"})))
        .expect(1)
        .mount(&server)
        .await;
    let out = sb.run(&["status", "--json"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["error"]["code"], "session_expired");
    assert_eq!(py.read(&sb), Value::Null);
}

#[tokio::test]
async fn session_tokens_go_only_to_the_resolved_server_and_never_along_a_redirect() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(py) = python() else { return };
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let moved =
        ResponseTemplate::new(307).insert_header("location", format!("{}/steal/", elsewhere.uri()));
    Mock::given(method("GET"))
        .and(path("/api/v1/tracker/status/"))
        .and(header("authorization", "Bearer acc-valid"))
        .and(header("x-team-slug", "demo-team"))
        .respond_with(moved.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(moved)
        .expect(1)
        .mount(&server)
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    py.write(&sb, &session("acc-valid", "ref-valid", 3600));
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // The redirect is named, not followed (RFC 9110 §15.4.8; redteam finding 10).
    assert!(
        stderr(&out).starts_with(&format!(
            "error: HTTP 307 from GET /api/v1/tracker/status/ (redirect to {}/steal/)\nhint: the server URL {} answers with a redirect: ",
            elsewhere.uri(),
            server.uri()
        )),
        "{}",
        stderr(&out)
    );
    py.write(&sb, &session("acc-old", "ref-old", -60));
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 307"), "{}", stderr(&out));
    assert_eq!(py.read(&sb)["refresh_token"], "ref-old", "kept");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token_as_3_2_7_does_and_never_keeps_the_session() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(py) = python() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/revoke"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"revoked": true})))
        .expect(2)
        .mount(&server)
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    py.write(&sb, &session("acc-x", "ref-x", 3600));
    let theirs: Value = serde_json::from_str(&py.run(&sb, &["revoke"], "", &[])).expect("json");
    assert_eq!(theirs["outcome"], "revoked");
    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("   Server revocation confirmed.\n"),
        "{}",
        stdout(&out)
    );
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        request_shape(&requests[0]),
        request_shape(&requests[1]),
        "same request as 3.2.7's"
    );
    assert_eq!(
        request_shape(&requests[1]).1,
        "token=ref-x&token_type_hint=refresh_token"
    );
    assert_eq!(py.read(&sb), Value::Null);

    // A failing server or none at all never keeps the session.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/oauth/revoke"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    py.write(&sb, &session("acc-y", "ref-y", 3600));
    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "Server revocation not confirmed (server error); the local session is removed anyway."
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(py.read(&sb), Value::Null);
    let offline = Sandbox::saas();
    py.write(&offline, &session("acc-z", "ref-z", 3600));
    let out = offline.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("No server is configured"),
        "{}",
        stdout(&out)
    );
    assert_eq!(py.read(&offline), Value::Null);
}

/// What two clients' requests must share to count as the same request: content type, body
/// bytes, and whether an Authorization header was sent.
fn request_shape(r: &wiremock::Request) -> (String, String, bool) {
    (
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        String::from_utf8_lossy(&r.body).into_owned(),
        r.headers.get("authorization").is_some(),
    )
}

/// A rotating token server for one test: each refresh token can be spent once (a reuse is
/// `invalid_grant`), spending `t` issues `t+`; the first grant of each token family (a token
/// without `+`) answers `hostile` merged over a normal answer. GET tracker status answers 200.
struct Rotating {
    spent: std::sync::Mutex<std::collections::HashSet<String>>,
    hostile: Value,
    rejected: std::sync::atomic::AtomicUsize,
}

impl wiremock::Respond for Rotating {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let token = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("refresh_token="))
            .unwrap_or_default()
            .replace("%2B", "+");
        if !self.spent.lock().expect("spent").insert(token.clone()) {
            self.rejected
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return wiremock::ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant"}));
        }
        let next = format!("{token}+");
        let mut answer = json!({"access_token": format!("acc-{next}"), "refresh_token": next,
                                "expires_in": 600, "token_type": "Bearer"});
        if !token.contains('+') {
            for (k, v) in self.hostile.as_object().expect("object") {
                answer[k] = v.clone();
            }
        }
        wiremock::ResponseTemplate::new(200).set_body_json(answer)
    }
}

async fn rotating_server(hostile: Value) -> (wiremock::MockServer, std::sync::Arc<Rotating>) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let rotating = std::sync::Arc::new(Rotating {
        spent: Default::default(),
        hostile,
        rejected: Default::default(),
    });
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(SharedRespond(rotating.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tracker/status/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"provider": "linear", "project_slug": "demo-project", "connected": true, "sync_state": "idle"}),
        ))
        .mount(&server)
        .await;
    (server, rotating)
}

struct SharedRespond(std::sync::Arc<Rotating>);

impl wiremock::Respond for SharedRespond {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        self.0.respond(req)
    }
}

/// Red-team 2 item 3. Oracle: spec-kitty-cli 3.2.7, run beside ours against the same rotating
/// server: given a granted answer with `expires_in: -100` or an access token holding CR/LF or
/// a non-ASCII character, 3.2.7 stores the refresh token it carries. Ours stores it too (3.2.7
/// reads it back from our write), marks the access token expired, reports the problem (exit 1),
/// and the next command refreshes with the issued token: no refresh token is refused, and the
/// shared login survives. (Was: the answer was refused, the spent token kept, the next command
/// got `invalid_grant` and deleted session.json for both tools.)
#[tokio::test]
async fn a_granted_refresh_answer_we_cannot_use_keeps_the_issued_refresh_token_as_3_2_7_does() {
    let Some(py) = python() else { return };
    for (hostile, problem) in [
        (json!({"expires_in": -100}), "`expires_in` is -100"),
        (
            json!({"access_token": "acc\r\nX-Evil: 1"}),
            "`access_token`: it holds U+000D",
        ),
        (
            json!({"access_token": "acc-\u{e9}t\u{e9}"}),
            "`access_token`: it holds U+00E9",
        ),
    ] {
        let (server, rotating) = rotating_server(hostile.clone()).await;
        let ours = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
        let theirs = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
        py.write(&ours, &session("acc-0", "ours", -60));
        py.write(&theirs, &session("acc-0", "theirs", -60));

        let outcome: Value =
            serde_json::from_str(&py.run(&theirs, &["refresh"], "", &[])).expect("json");
        let theirs_after = py.read(&theirs);
        assert_eq!(
            theirs_after["refresh_token"], "theirs+",
            "3.2.7 stores it: {outcome}"
        );

        let out = ours.run(&["status"]);
        assert_eq!(code(&out), 1, "{hostile}: {}", stderr(&out));
        assert!(
            stderr(&out)
                .starts_with("error: unexpected response from server (POST /oauth/token): ")
                && stderr(&out).contains(problem),
            "{}",
            stderr(&out)
        );
        let ours_after = py.read(&ours);
        assert_eq!(
            ours_after["refresh_token"], "ours+",
            "{hostile}: stored as 3.2.7 stores it"
        );
        let sent = |family: &str| {
            hostile
                .get("access_token")
                .cloned()
                .unwrap_or_else(|| json!(format!("acc-{family}+")))
        };
        assert_eq!(theirs_after["access_token"], sent("theirs"));
        assert_eq!(
            ours_after["access_token"],
            sent("ours"),
            "{hostile}: the access token as 3.2.7 stores it"
        );

        // The next command refreshes with the issued token and works.
        let out = ours.run(&["status"]);
        assert_eq!(code(&out), 0, "{hostile}: {}", stderr(&out));
        assert_eq!(py.read(&ours)["refresh_token"], "ours++");
        assert_eq!(
            rotating.rejected.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "{hostile}: no refresh token was spent twice"
        );
    }
}

/// Red-team 2 item 3, the stored side. Oracle: 3.2.7's storage writes a session whose access
/// token cannot go into a header (what it stores from such an answer); we use that session:
/// the access token counts as expired and is refreshed, nothing is refused or deleted. (Was:
/// exit 4, "Cannot use the spec-kitty session".)
#[tokio::test]
async fn a_3_2_7_session_with_an_unsendable_access_token_is_refreshed() {
    let Some(py) = python() else { return };
    for access in ["acc\r\nX-Evil: 1", "acc-\u{fc}", "acc 1", "acc\u{7f}"] {
        let (server, rotating) = rotating_server(json!({})).await;
        let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
        py.write(&sb, &session(access, "stored", 3600));
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 0, "{access:?}: {}", stderr(&out));
        let after = py.read(&sb);
        assert_eq!(
            after["refresh_token"], "stored+",
            "{access:?}: refreshed once"
        );
        assert_eq!(after["access_token"], "acc-stored+");
        assert_eq!(
            rotating.rejected.load(std::sync::atomic::Ordering::SeqCst),
            0
        );
    }
}

/// Red-team 2 item 4. Oracle: spec-kitty-cli 3.2.7's own storage write (what its `auth login`
/// does, taking only `session.lock`) while our refresh grant is in flight (the server delays
/// its answer): our rotated copy of the older session does not overwrite it; the login's
/// session is kept and used, and 3.2.7 reads it back unchanged.
#[tokio::test]
async fn a_login_by_3_2_7_while_our_refresh_is_in_flight_is_kept_and_used() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(py) = python() else { return };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "acc-rotated", "refresh_token": "ref-rotated", "expires_in": 600}))
                .set_delay(Duration::from_secs(4)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tracker/status/"))
        .and(wiremock::matchers::header(
            "Authorization",
            "Bearer acc-login",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"provider": "linear", "project_slug": "demo-project", "connected": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    py.write(&sb, &session("acc-old", "ref-old", -60));
    let child = sb
        .command(&["status"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while server.received_requests().await.map_or(0, |r| r.len()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the grant was sent"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let login = session("acc-login", "ref-login", 3600);
    py.write(&sb, &login);
    let out = wait_bounded(child, Duration::from_secs(30));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = py.read(&sb);
    assert_eq!(
        after["session_id"], login["session_id"],
        "the login's session stays"
    );
    assert_eq!(
        (&after["access_token"], &after["refresh_token"]),
        (&json!("acc-login"), &json!("ref-login"))
    );
}
