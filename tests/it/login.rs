//! `auth login` edge cases against a loopback wiremock token endpoint. Independent oracles:
//! reference/upstream.md (the original's login: `POST /api/v1/token/ {username, password}`, the
//! "Already authenticated" / "Use --force" wording, the `-f` option, `expires_in` aliases) and
//! SPEC §6 (`--password-stdin` for CI, tokens scoped to the server that issued them, a broken
//! session replaced by logging in, secrets never printed); the request body as wiremock saw it.

use crate::common::{code, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "/api/v1/token/";

async fn token_server(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn grant() -> Value {
    json!({"access": "acc-2", "refresh": "ref-2", "access_lifetime": 900, "refresh_lifetime": 604800, "team_slug": "acme"})
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == TOKEN)
        .map(|r| serde_json::from_slice(&r.body).expect("json body"))
        .collect()
}

fn login(sb: &Sandbox, server: &MockServer, extra: &[&str], stdin: &str) -> std::process::Output {
    let uri = server.uri();
    let mut args = vec!["--server-url", uri.as_str(), "auth", "login"];
    args.extend_from_slice(extra);
    sb.run_with_stdin(&args, stdin)
}

#[tokio::test]
async fn a_valid_session_for_this_server_is_kept_unless_forced() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    let before = session_toml(&server.uri(), "acc-1", "ref-1", true);
    sb.write_credentials(&before);
    let out = login(&sb, &server, &["-u", "bob", "--password-stdin"], "pw\n");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Already authenticated as alice.\nUse --force to re-authenticate or 'auth logout' first.\n",
        "an expired access token with a valid refresh token is still a session"
    );
    assert!(bodies(&server).await.is_empty(), "no request");
    assert_eq!(sb.read_credentials(), before, "nothing written");

    let out = login(
        &sb,
        &server,
        &["-f", "-u", "bob", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Login successful!\n   Logged in as: bob\n   Team: acme\n"
    );
    assert_eq!(
        bodies(&server).await,
        [json!({"username": "bob", "password": "pw"})]
    );
    let creds = sb.read_credentials();
    assert!(
        creds.contains("access = \"acc-2\"") && creds.contains("username = \"bob\""),
        "{creds}"
    );
}

#[tokio::test]
async fn a_session_for_another_server_or_with_an_expired_refresh_is_replaced() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    sb.write_credentials(&session_toml(
        "https://other.example",
        "acc-1",
        "ref-1",
        false,
    ));
    let out = login(&sb, &server, &["-u", "alice", "--password-stdin"], "pw");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Login successful!\n"),
        "{}",
        stdout(&out)
    );
    let creds = sb.read_credentials();
    assert!(
        creds.contains(&format!("url = \"{}\"", server.uri())),
        "the session now names this server: {creds}"
    );

    let now = jiff::Timestamp::now().as_second();
    let stale = session_toml(&server.uri(), "acc-1", "ref-1", true).replace(
        &format!("refresh_expires_at = \"{}", ts(now + 7 * 86_400)),
        &format!("refresh_expires_at = \"{}", ts(now - 60)),
    );
    assert!(stale.contains(&ts(now - 60)), "fixture edit applied");
    sb.write_credentials(&stale);
    let out = login(&sb, &server, &["-u", "alice", "--password-stdin"], "pw");
    assert!(
        stdout(&out).starts_with("Login successful!\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(bodies(&server).await.len(), 2);
}

fn ts(s: i64) -> String {
    jiff::Timestamp::from_second(s)
        .expect("ts")
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

#[tokio::test]
async fn a_broken_stored_session_is_replaced_without_force() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    sb.write_credentials("[tokens]\naccess = 42\n\n[tracker.providers.fp]\ncommand = \"fp\"\n");
    let out = login(&sb, &server, &["-u", "alice", "--password-stdin"], "pw");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let creds = sb.read_credentials();
    assert!(creds.contains("access = \"acc-2\""), "{creds}");
    assert!(
        creds.contains("[tracker.providers.fp]\ncommand = \"fp\""),
        "local provider settings survive: {creds}"
    );
}

#[tokio::test]
async fn password_stdin_strips_one_line_ending_only() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    let cases = [("p w\r\n", "p w"), ("pw\n\n", "pw\n"), (" pw ", " pw ")];
    for (stdin, _) in cases {
        let out = login(
            &sb,
            &server,
            &["-f", "-u", "alice", "--password-stdin"],
            stdin,
        );
        assert_eq!(code(&out), 0, "{stdin:?}: {}", stderr(&out));
    }
    let sent: Vec<Value> = bodies(&server).await;
    assert_eq!(
        sent.iter()
            .map(|b| b["password"].clone())
            .collect::<Vec<_>>(),
        cases
            .iter()
            .map(|(_, want)| json!(want))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn usernames_are_trimmed_and_a_password_flag_works_too() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    let out = login(&sb, &server, &["-u", "  carol ", "-p", "pw"], "");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("   Logged in as: carol\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        bodies(&server).await,
        [json!({"username": "carol", "password": "pw"})]
    );
}

#[tokio::test]
async fn missing_inputs_are_usage_errors_before_any_request() {
    let server = token_server(grant()).await;
    let sb = Sandbox::saas();
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["--password-stdin"],
            "pw",
            "error: no username given\nhint: pass -u/--username USER\n",
        ),
        (
            &["-u", "   ", "--password-stdin"],
            "pw",
            "error: no username given\nhint: pass -u/--username USER\n",
        ),
        (
            &["-u", "alice", "--password-stdin"],
            "\n",
            "error: the password is empty\n",
        ),
        (
            &["-u", "alice", "-p", ""],
            "",
            "error: the password is empty\n",
        ),
    ];
    for (args, stdin, want) in cases {
        let out = login(&sb, &server, args, stdin);
        assert_eq!((code(&out), stderr(&out).as_str()), (2, want), "{args:?}");
    }
    let both = login(
        &sb,
        &server,
        &["-u", "a", "-p", "x", "--password-stdin"],
        "y",
    );
    assert_eq!(
        code(&both),
        2,
        "-p and --password-stdin conflict: {}",
        stderr(&both)
    );
    assert!(bodies(&server).await.is_empty());
    assert_eq!(sb.read_credentials(), "", "nothing written");
}

#[tokio::test]
async fn lifetimes_may_use_the_expires_in_aliases_and_team_is_optional() {
    let server = token_server(
        json!({"access": "acc-2", "refresh": "ref-2", "expires_in": "60", "refresh_expires_in": 120}),
    )
    .await;
    let sb = Sandbox::saas();
    let out = login(&sb, &server, &["-u", "alice", "--password-stdin"], "pw");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Login successful!\n   Logged in as: alice\n");
    let doc: toml_edit::DocumentMut = sb.read_credentials().parse().expect("toml");
    let at = |key: &str| {
        let text = doc["tokens"][key].as_str().expect(key).to_owned();
        text.parse::<jiff::Timestamp>()
            .expect("timestamp")
            .as_second()
    };
    let now = jiff::Timestamp::now().as_second();
    assert!((now + 30..=now + 60).contains(&at("access_expires_at")));
    assert!((now + 90..=now + 120).contains(&at("refresh_expires_at")));
}

#[tokio::test]
async fn a_grant_without_a_refresh_token_is_an_unexpected_response() {
    let server = token_server(json!({"access": "acc-2"})).await;
    let sb = Sandbox::saas();
    let out = login(&sb, &server, &["-u", "alice", "--password-stdin"], "pw");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`refresh` is missing"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_credentials(), "", "nothing written");
}
