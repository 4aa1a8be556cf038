//! `auth login | logout | status` against wiremock, with a temp HOME.

use crate::common::stubs::{post, reply, status, Registry};
use crate::common::{code, mode, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header};
use wiremock::ResponseTemplate;

const FOREIGN: &str =
    "# local provider settings\n[tracker.providers.beads]\ncommand = \"bd\"  # keep this comment\n";

async fn token_server(response: ResponseTemplate) -> Registry {
    let server = Registry::start().await;
    let request = post("/api/v1/token/")
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"username": "alice", "password": "s3cret-pass"}),
        ));
    server.register(request, response).times(1).await;
    server
}

pub(crate) fn login(sb: &Sandbox, server: &Registry) -> std::process::Output {
    sb.run_with_stdin(
        &[
            "--server-url",
            &server.uri(),
            "auth",
            "login",
            "-u",
            "alice",
            "--password-stdin",
        ],
        "s3cret-pass\n",
    )
}

#[tokio::test]
async fn login_writes_the_original_layout_0600_and_keeps_foreign_tables() {
    let server = token_server(reply(200, json!({
        "access": "acc-1", "refresh": "ref-1", "access_lifetime": 900, "refresh_lifetime": "604800", "team_slug": "acme"
    })))
    .await;
    let sb = Sandbox::saas();
    sb.write_credentials(FOREIGN);
    let out = login(&sb, &server);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Login successful!\n   Logged in as: alice\n   Team: acme\n"
    );
    let text = sb.read_credentials();
    assert!(
        text.starts_with(FOREIGN),
        "foreign table must stay byte-identical:\n{text}"
    );
    let doc: toml_edit::DocumentMut = text.parse().expect("valid TOML");
    assert_eq!(doc["tokens"]["access"].as_str(), Some("acc-1"));
    assert_eq!(doc["tokens"]["refresh"].as_str(), Some("ref-1"));
    for key in ["access_expires_at", "refresh_expires_at"] {
        let ts = doc["tokens"][key].as_str().expect(key);
        assert!(ts.ends_with("+00:00") && ts.len() == 25, "{key} = {ts}");
    }
    assert_eq!(doc["user"]["username"].as_str(), Some("alice"));
    assert_eq!(doc["user"]["team_slug"].as_str(), Some("acme"));
    assert_eq!(doc["server"]["url"].as_str(), Some(server.uri().as_str()));
    assert_eq!(mode(&sb.credentials()), 0o600);
    assert_eq!(mode(&sb.state()), 0o700);

    let status = sb.run(&["auth", "status", "--json"]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let v: Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(v["username"], "alice");
    assert_eq!(v["team_slug"], "acme");
    assert_eq!(v["access_token"]["valid"], true);
    assert!(v["access_token"]["remaining_seconds"].as_i64().expect("n") > 800);

    let again = login(&sb, &server);
    assert_eq!(
        stdout(&again),
        "Already authenticated as alice.\nUse --force to re-authenticate or 'auth logout' first.\n"
    );

    let logout = sb.run(&["auth", "logout"]);
    assert_eq!(
        stdout(&logout),
        "Logged out successfully.\n   Cleared credentials for: alice\n"
    );
    assert_eq!(sb.read_credentials(), FOREIGN);
    let twice = sb.run(&["auth", "logout"]);
    assert_eq!(stdout(&twice), "No active session. Already logged out.\n");
    let status = sb.run(&["auth", "status"]);
    assert_eq!(code(&status), 4);
    assert!(
        stderr(&status).starts_with("error: Not authenticated."),
        "{}",
        stderr(&status)
    );
}

#[tokio::test]
async fn wrong_password_is_exit_4_and_writes_nothing() {
    let server = token_server(reply(401, json!({"detail": "no"}))).await;
    let sb = Sandbox::saas();
    let out = login(&sb, &server);
    assert_eq!(code(&out), 4);
    assert_eq!(stderr(&out), "error: Invalid username or password\n");
    assert!(!sb.credentials().exists());
}

#[tokio::test]
async fn server_errors_and_bad_bodies_are_clear() {
    let cases = [
        (
            reply(
                500,
                json!({"code": "boom", "message": "Database unavailable", "retryable": true}),
            ),
            1,
            "error: Database unavailable\n",
        ),
        (
            status(502).set_body_string("<html>bad gateway</html>"),
            1,
            "error: HTTP 502 from POST /api/v1/token/: <html>bad gateway</html>\n",
        ),
        (
            status(200).set_body_string("not json"),
            1,
            "error: unexpected response from server (POST /api/v1/token/): the body is not JSON\n",
        ),
        (
            reply(200, json!({"access": "acc-1"})),
            1,
            "error: unexpected response from server (POST /api/v1/token/): `refresh` is missing\n",
        ),
    ];
    for (response, want_code, want_err) in cases {
        let server = token_server(response).await;
        let sb = Sandbox::saas();
        let out = login(&sb, &server);
        assert_eq!((code(&out), stderr(&out).as_str()), (want_code, want_err));
        assert!(!sb.credentials().exists());
    }
}

#[tokio::test]
async fn original_credentials_fixture_is_read() {
    let sb = Sandbox::saas();
    sb.write_credentials(&format!(
        "{}{FOREIGN}",
        session_toml("https://app.spec-kitty.ai", "acc-1", "ref-1", true)
    ));
    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Authenticated\n   Username: alice\n   Team: acme\n   Server: https://app.spec-kitty.ai\n"), "{text}");
    assert!(
        text.contains("   Access token: expired (will refresh automatically)\n"),
        "{text}"
    );
    assert!(
        text.contains("   Refresh token: valid (6d 23h remaining)\n")
            || text.contains("   Refresh token: valid (7d 0h remaining)\n"),
        "{text}"
    );
}

#[test]
fn no_password_and_no_terminal_is_a_clear_error() {
    let sb = Sandbox::saas();
    let out = sb.run(&[
        "--server-url",
        "http://127.0.0.1:9",
        "auth",
        "login",
        "-u",
        "alice",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: no password given and no terminal to prompt on\nhint: pipe it in with --password-stdin"), "{}", stderr(&out));
}

#[test]
fn server_url_is_required_and_must_be_https_off_loopback() {
    let sb = Sandbox::saas();
    let out = sb.run_with_stdin(&["auth", "login", "-u", "alice", "--password-stdin"], "x");
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out)
            .starts_with("error: No Spec Kitty server URL is configured.\nhint: pass --server-url"),
        "{}",
        stderr(&out)
    );
    let out = sb.run_with_stdin(
        &[
            "--server-url",
            "http://example.com",
            "auth",
            "login",
            "-u",
            "alice",
            "--password-stdin",
        ],
        "x",
    );
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("plain http is only allowed for loopback hosts"),
        "{}",
        stderr(&out)
    );
    let sb = sb.env("SPEC_KITTY_SAAS_URL", "http://localhost:9/");
    let out = sb.run_with_stdin(&["auth", "login", "-u", "alice", "--password-stdin"], "x");
    assert_eq!(code(&out), 5);
    assert_eq!(stderr(&out), "error: Cannot connect to Spec Kitty SaaS at http://localhost:9. Check your network connection.\n");
}

#[test]
fn config_toml_server_url_is_used() {
    let sb = Sandbox::saas();
    std::fs::create_dir_all(sb.state()).expect("state");
    std::fs::write(
        sb.state().join("config.toml"),
        "[sync]\nserver_url = \"http://127.0.0.1:9\"\n",
    )
    .expect("cfg");
    let out = sb.run_with_stdin(&["auth", "login", "-u", "alice", "--password-stdin"], "x");
    assert_eq!(stderr(&out), "error: Cannot connect to Spec Kitty SaaS at http://127.0.0.1:9. Check your network connection.\n");
}

#[test]
fn loose_permissions_are_reported_and_tightened_by_the_next_write() {
    let sb = Sandbox::saas();
    sb.write_credentials(FOREIGN);
    std::fs::set_permissions(
        sb.credentials(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .expect("chmod");
    // A command that does not write the file only warns (it may not even be ours).
    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "is accessible to other users (mode 644); restrict it with `chmod 600 {}`",
            sb.credentials().display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(mode(&sb.credentials()), 0o644);
    assert_eq!(sb.read_credentials(), FOREIGN);
    let out = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "w",
        "--credential",
        "command=bd",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&sb.credentials()), 0o600, "a write sets 0600");
}

#[test]
fn invalid_credentials_toml_is_reported_and_never_overwritten() {
    let sb = Sandbox::saas();
    sb.write_credentials("[tokens\nbroken");
    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot parse"), "{}", stderr(&out));
    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 1);
    assert_eq!(sb.read_credentials(), "[tokens\nbroken");
}

/// On a terminal the password is prompted for and never echoed (and emoji are shown).
#[test]
fn interactive_login_hides_the_password() {
    use std::io::{Read, Write};
    let mock = contract_mock::spawn(contract_mock::Config::default(), 0).expect("mock");
    let sb = Sandbox::saas();
    let Some(mut terminal) =
        sb.on_terminal(&["--server-url", &mock.url, "auth", "login", "-u", "alice"])
    else {
        return;
    };
    let mut child = terminal
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("Password:") {
        let n = stdout.read(&mut buf).expect("read");
        assert!(n > 0, "no prompt: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    // rpassword writes the prompt, then turns echo off: type like a person, a moment later.
    std::thread::sleep(std::time::Duration::from_millis(300));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"s3cret-pass-wrong\n")
        .expect("type");
    stdout.read_to_end(&mut seen).expect("rest");
    let _ = child.wait();
    let text = String::from_utf8_lossy(&seen);
    assert!(
        !text.contains("s3cret-pass-wrong"),
        "the password was echoed:\n{text}"
    );
    assert!(text.contains("Invalid username or password"), "{text}");
}
