//! Security promises: no token in any output, https off loopback, no redirect following,
//! private file modes, and provider commands that never see a shell.

use crate::common::stubs::{any_path, post, reply, status, Registry};
use crate::common::{code, local_sandbox, mode, session_toml, stderr, stdout, Sandbox, SECRETS};
use serde_json::json;
use std::path::Path;

/// The golden cases' expected outputs never contain a token of the mock's seeded session.
#[test]
fn no_golden_output_contains_a_token() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd");
    let mut scanned = 0;
    for class in std::fs::read_dir(&dir).expect("cmd").filter_map(Result::ok) {
        for case in std::fs::read_dir(class.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let p = case.path();
            if p.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&p).expect("case");
                for token in [
                    "mock-seed-access",
                    "mock-seed-refresh",
                    "mock-access-",
                    "mock-refresh-",
                ] {
                    assert!(!text.contains(token), "{} shows a token", p.display());
                }
                scanned += 1;
            }
        }
    }
    assert!(scanned > 150, "scanned {scanned} cases");
}

#[tokio::test]
async fn verbose_request_logs_never_show_tokens() {
    let server = Registry::start().await;
    let refreshed = json!({"access": "acc-2", "refresh": "ref-2"});
    server
        .register(post("/api/v1/tracker/pull/"), status(401))
        .await;
    server
        .register(post("/api/v1/token/refresh/"), reply(200, refreshed))
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    sb.write_credentials(&session_toml(&server.uri(), "acc-1", "ref-1", true));
    let out = sb.run(&["-v", "sync", "pull", "--json"]);
    let err = stderr(&out);
    assert!(
        err.contains("http: POST ")
            && err.contains("/api/v1/token/refresh/")
            && err.contains("http: 401 POST"),
        "{err}"
    );
    let rust_log = sb.run_env(&["sync", "pull"], &[("RUST_LOG", "debug")]);
    assert!(
        stderr(&rust_log).contains("http: POST"),
        "RUST_LOG turns logging on too"
    );
    // RUST_LOG is a filter: one module's lines only, or none below the level asked for.
    let http_only = sb.run_env(
        &["sync", "pull"],
        &[("RUST_LOG", "spec_kitty_tracker::http=debug")],
    );
    let lines: Vec<&str> = std::str::from_utf8(&http_only.stderr)
        .expect("utf8")
        .lines()
        .filter(|l| !l.starts_with("error: ") && !l.starts_with("hint: "))
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.starts_with("http: ")),
        "{lines:?}"
    );
    let info = sb.run_env(&["sync", "pull"], &[("RUST_LOG", "info")]);
    assert!(!stderr(&info).contains("http: "), "{}", stderr(&info));
    for secret in SECRETS {
        assert!(!err.contains(secret));
    }
}

/// `RUST_LOG=trace` turns on every target, reqwest's and hyper's records included: a password
/// login, then a pull whose token is refused and refreshed, log their requests but never a
/// token (access or refresh, old or new), the password or the `Authorization` header.
#[tokio::test]
async fn trace_logs_of_every_target_never_show_tokens() {
    let server = Registry::start().await;
    let issued = json!({"access": "acc-1", "refresh": "ref-1", "access_lifetime": 900, "refresh_lifetime": 604800, "team_slug": "acme"});
    server
        .register(post("/api/v1/token/"), reply(200, issued))
        .times(1)
        .await;
    server
        .register(post("/api/v1/tracker/pull/"), status(401))
        .await;
    let refreshed = json!({"access": "acc-2", "refresh": "ref-2"});
    server
        .register(post("/api/v1/token/refresh/"), reply(200, refreshed))
        .await;
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", &server.uri())
        .env("RUST_LOG", "trace");
    let login = sb.run_with_stdin(
        &["auth", "login", "-u", "alice", "--password-stdin"],
        "s3cret-pass\n",
    );
    assert_eq!(code(&login), 0, "{}", stderr(&login));
    let pull = sb.run(&["sync", "pull", "--json"]);
    let text = [&login, &pull]
        .iter()
        .map(|o| format!("{}{}", stdout(o), stderr(o)))
        .collect::<String>();
    assert!(
        text.contains("http: POST ") && text.contains("/api/v1/token/refresh/"),
        "{text}"
    );
    assert!(
        text.contains("DEBUG reqwest::") && text.contains("TRACE hyper_util::"),
        "records of other crates are shown too:\n{text}"
    );
    for secret in SECRETS.iter().chain(&["Bearer", "authorization"]) {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} shown:\n{text}"
        );
    }
}

#[tokio::test]
async fn redirects_are_not_followed_so_credentials_stay_put() {
    let elsewhere = Registry::start().await;
    elsewhere
        .register(any_path("POST"), status(200))
        .never()
        .await;
    let server = Registry::start().await;
    let redirect =
        status(307).insert_header("location", format!("{}/steal/", elsewhere.uri()).as_str());
    server
        .register(post("/api/v1/tracker/pull/"), redirect)
        .times(1)
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    sb.write_credentials(&session_toml(&server.uri(), "acc-1", "ref-1", false));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    // Named, not followed (RFC 9110 §15.4.8; the full text: faults::network).
    assert!(
        stderr(&out).starts_with(&format!(
            "error: HTTP 307 from POST /api/v1/tracker/pull/ (redirect to {}/steal/)\nhint: ",
            elsewhere.uri()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cache_and_credentials_are_private() {
    let sb = local_sandbox("tracker:\n  provider: beads\n  workspace: w\n");
    sb.bind_beads("w", &["--credential", "command=bd"]);
    sb.write_stub_state(&json!({"next": 1, "issues": []}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    assert_eq!(mode(&sb.state()), 0o700);
    assert_eq!(mode(&sb.credentials()), 0o600);
    assert_eq!(mode(&sb.state().join("credentials.lock")), 0o600);
    assert_eq!(mode(&sb.state().join("trackers")), 0o700);
    assert_eq!(mode(&sb.db_file()), 0o600);
}

#[test]
fn shell_metacharacters_reach_the_provider_literally() {
    let hostile = "; rm -rf ~ $(touch pwned) `touch pwned2`";
    let sb = local_sandbox("tracker:\n  provider: beads\n  workspace: w\n");
    sb.bind_beads(
        "$(touch pwned3)",
        &["--ownership-mode", "spec_kitty_authoritative"],
    );
    sb.write_stub_state(&json!({"next": 2, "issues": [{"id": "demo-001", "title": hostile, "status": "open", "updated_at": "2026-03-05T10:00:00Z"}]}));
    assert_eq!(code(&sb.run(&["sync", "pull"])), 0);
    let mut state = sb.stub_state();
    state["issues"][0]["title"] = json!("changed remotely");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let argv = sb.take_argv();
    assert!(
        argv.iter()
            .any(|a| a.iter().any(|x| *x == format!("--title={hostile}"))),
        "{argv:?}"
    );
    assert_eq!(sb.stub_state()["issues"][0]["title"], hostile);
    for f in ["pwned", "pwned2", "pwned3"] {
        assert!(
            !sb.project().join(f).exists() && !sb.dir.path().join(f).exists(),
            "{f} was created by a shell"
        );
    }
    assert_eq!(sb.cached()[0].0, "beads:$(touch pwned3):demo-001");
}
