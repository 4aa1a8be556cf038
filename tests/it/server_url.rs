//! Server URL resolution (SPEC §6) for every source and every refusal, seen from outside: which
//! loopback server receives the request, or the error and exit code when none may.
//! Independent oracle: SPEC §6 (`--server-url`, else `SPEC_KITTY_SAAS_URL`, else
//! `<root>/config.toml` `[sync] server_url`; no hidden default; trailing slashes stripped;
//! https except loopback) and RFC 3986 §3 (a server URL has no userinfo, query or fragment).

use crate::common::{code, session_toml, stderr, Sandbox};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A port on loopback where nothing listens (bound, then released).
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    format!("http://{}", l.local_addr().expect("addr"))
}

async fn live() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

async fn hits(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

/// A saas-bound sandbox logged in to `server_url`.
fn logged_in(server_url: &str) -> Sandbox {
    let sb = Sandbox::saas();
    sb.write_credentials(&session_toml(server_url, "acc-1", "ref-1", false));
    sb
}

fn write_config(sb: &Sandbox, text: &str) {
    std::fs::write(sb.state().join("config.toml"), text).expect("config.toml");
}

#[tokio::test]
async fn the_flag_wins_over_the_environment_which_wins_over_the_file() {
    let server = live().await;
    let dead = dead_url();
    let sb = logged_in(&server.uri());
    write_config(&sb, &format!("[sync]\nserver_url = \"{dead}\"\n"));

    // flag (live) > env (dead) > file (dead)
    let flag = format!("{}///", server.uri());
    sb.run_env(
        &["--server-url", &flag, "map", "list"],
        &[("SPEC_KITTY_SAAS_URL", &dead)],
    );
    assert_eq!(
        hits(&server).await,
        ["/api/v1/tracker/mappings/"],
        "the flag is used, its trailing slashes stripped"
    );

    // env (live) > file (dead)
    sb.run_env(&["map", "list"], &[("SPEC_KITTY_SAAS_URL", &server.uri())]);
    assert_eq!(hits(&server).await.len(), 2, "the environment is used");

    // file (live) alone
    write_config(
        &sb,
        &format!(
            "# mine\n[other]\nx = 1\n\n[sync]\nserver_url = \"{}/\"\n",
            server.uri()
        ),
    );
    sb.run(&["map", "list"]);
    assert_eq!(
        hits(&server).await.len(),
        3,
        "config.toml [sync] server_url is used"
    );

    // a lower source is not consulted when a higher one is refused
    let out = sb.run_env(
        &["map", "list"],
        &[("SPEC_KITTY_SAAS_URL", "http://example.com")],
    );
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(
            "error: refusing to send credentials to http://example.com (SPEC_KITTY_SAAS_URL)"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(hits(&server).await.len(), 3);
}

#[test]
fn no_source_is_an_error_naming_all_three_ways() {
    let sb = logged_in("https://app.spec-kitty.ai");
    let config = sb.state().join("config.toml");
    for text in [None, Some("[sync]\n"), Some("[sync]\nserver_url = 7\n")] {
        match text {
            Some(t) => write_config(&sb, t),
            None => {
                let _ = std::fs::remove_file(&config);
            }
        }
        let out = sb.run(&["map", "list"]);
        assert_eq!(code(&out), 1, "{text:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: No Spec Kitty server URL is configured.\nhint: pass --server-url https://app.spec-kitty.ai, set SPEC_KITTY_SAAS_URL, or add server_url under [sync] in {}\n",
                config.display()
            ),
            "{text:?}: no hidden default"
        );
    }
}

#[test]
fn a_broken_config_file_is_named_not_skipped() {
    let sb = logged_in("https://app.spec-kitty.ai");
    let config = sb.state().join("config.toml");
    write_config(&sb, "[sync\nserver_url = \"https://x\"\n");
    let out = sb.run(&["map", "list"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(&format!("error: cannot parse {}: ", config.display())),
        "{}",
        stderr(&out)
    );

    std::fs::remove_file(&config).expect("rm");
    std::fs::create_dir(&config).expect("a directory where the file should be");
    let out = sb.run(&["map", "list"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(&format!("error: cannot read {}: ", config.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_refusal_names_the_source_and_never_shows_a_password() {
    let sb = logged_in("https://app.spec-kitty.ai");
    let cases = [
        ("http://example.com", "refusing to send credentials to http://example.com (--server-url): plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost)"),
        ("http://10.0.0.1:8000", "refusing to send credentials to http://10.0.0.1:8000 (--server-url)"),
        ("http://localhost.evil.example", "refusing to send credentials"),
        ("ftp://files.example", "invalid server URL 'ftp://files.example' (--server-url): scheme ftp is not http or https"),
        ("app.spec-kitty.ai", "invalid server URL 'app.spec-kitty.ai' (--server-url): relative URL without a base"),
        ("https://alice:s3cret-pass@app.example", "invalid server URL 'https://***@app.example' (--server-url): it must not contain a user name or password (userinfo before '@')"),
        ("https://app.example/?team=1", "it must not contain a query ('?...')"),
        ("https://app.example/#top", "it must not contain a fragment ('#...')"),
        ("https://", "invalid server URL 'https://' (--server-url)"),
    ];
    for (url, want) in cases {
        let out = sb.run(&["--server-url", url, "map", "list"]);
        assert_eq!(code(&out), 1, "{url}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with("error: ") && err.contains(want),
            "{url}: {err}"
        );
        // ftp:// and a URL without a host get no hint yet (noted in issue 17's closing note).
        if !url.starts_with("ftp") && url != "https://" {
            assert!(
                err.contains("\nhint: "),
                "{url}: a hint says what to do: {err}"
            );
        }
    }
    let out = sb.run(&["--server-url", "http://example.com/base", "map", "list"]);
    assert!(
        stderr(&out).contains("hint: use https://example.com/base\n"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn every_loopback_form_may_use_plain_http() {
    let server = live().await;
    let port = server.address().port();
    for base in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://LOCALHOST:{port}/"),
    ] {
        let sb = logged_in(base.trim_end_matches('/'));
        let out = sb.run(&["--server-url", &base, "map", "list"]);
        assert_ne!(code(&out), 4, "{base}: {}", stderr(&out));
    }
    assert_eq!(hits(&server).await.len(), 3);
}
