//! Hostile values at the edges of the SaaS path (issue 11, red team): proxies, the server URL,
//! header values from the token endpoints, operation ids and states, terminal escapes in what
//! is printed, oversized `--items-json`, and Ctrl-C while polling. Each test names its oracle.

use crate::common::stubs::{any_path, get, post, reply, Registry};
use crate::common::{code, local_sandbox, session_toml, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ITEMS: &str = r#"[{"ref": "LIN-1", "action": "update", "patch": {"title": "x"}}]"#;

/// A sandbox bound to linear/demo-project, logged in to `url`, polling fast.
fn sandbox(url: &str) -> Sandbox {
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", url)
        .env("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS", "2000")
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1");
    sb.write_credentials(&session_toml(url, "acc-1", "ref-1", false));
    sb
}

/// A stand-in HTTP proxy on loopback: it records every byte it is sent (one connection after
/// another) and answers `403` to whatever it is asked, so nothing gets through it.
struct RecordingProxy {
    url: String,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
                let mut buf = vec![0u8; 65536];
                let n = stream.read(&mut buf).unwrap_or(0);
                buf.truncate(n);
                log.lock().expect("log").push(buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        RecordingProxy { url, seen }
    }

    fn connections(&self) -> Vec<String> {
        self.seen
            .lock()
            .expect("log")
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    /// Every spelling of the proxy variables curl and reqwest read.
    fn env(&self) -> Vec<(&'static str, String)> {
        [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .into_iter()
        .map(|k| (k, self.url.clone()))
        .collect()
    }
}

/// Issue 11.1. Oracle: a real TCP listener acting as the proxy, which must receive nothing
/// (the password and the bearer token would otherwise reach it in clear text).
#[tokio::test]
async fn loopback_servers_are_never_proxied() {
    let proxy = RecordingProxy::start();
    let server = Registry::start().await;
    let tokens = json!({"access": "acc-1", "refresh": "ref-1", "team_slug": "acme"});
    let pulled = json!({"status": "ok", "summary": {"total": 0, "succeeded": 0, "failed": 0, "skipped": 0}, "items": []});
    server
        .register(post("/api/v1/token/"), reply(200, tokens))
        .await;
    server
        .register(post("/api/v1/tracker/pull/"), reply(200, pulled))
        .await;
    let port = server.address().port();
    for url in [server.uri(), format!("http://localhost:{port}")] {
        let mut sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &url);
        for (k, v) in proxy.env() {
            sb = sb.env(k, &v);
        }
        let out = sb.run_with_stdin(
            &["auth", "login", "-u", "alice", "--password-stdin"],
            "s3cret-pass",
        );
        assert_eq!(code(&out), 0, "{url}: {}", stderr(&out));
        let out = sb.run(&["sync", "pull"]);
        assert_eq!(code(&out), 0, "{url}: {}", stderr(&out));
    }
    assert_eq!(
        server.received().await.len(),
        4,
        "all went straight to the server"
    );
    assert_eq!(
        proxy.connections(),
        Vec::<String>::new(),
        "the proxy saw nothing"
    );
}

/// Issue 11.1, the documented https choice. Oracle: the recording proxy sees exactly a
/// `CONNECT host:443` (RFC 9110 §9.3.6) and no token, as curl behaves with `HTTPS_PROXY`;
/// with `NO_PROXY` naming the host it sees nothing at all.
#[test]
fn https_servers_follow_the_proxy_environment_and_no_proxy() {
    let proxy = RecordingProxy::start();
    let url = "https://spec-kitty-tracker-test.invalid";
    let mut sb = sandbox(url);
    for (k, v) in proxy.env() {
        sb = sb.env(k, &v);
    }
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let seen = proxy.connections();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("CONNECT spec-kitty-tracker-test.invalid:443 HTTP/1.1\r\n"),
        "{seen:?}"
    );
    assert!(
        !seen[0].contains("acc-1") && !seen[0].to_ascii_lowercase().contains("authorization"),
        "{seen:?}"
    );
    for no_proxy in ["spec-kitty-tracker-test.invalid", ".invalid", "*"] {
        let out = sb.run_env(&["status"], &[("NO_PROXY", no_proxy)]);
        assert_eq!(code(&out), 5, "{no_proxy}: {}", stderr(&out));
        assert_eq!(
            proxy.connections().len(),
            1,
            "NO_PROXY={no_proxy} bypasses the proxy"
        );
    }
}

/// Issue 11.5. Oracle: the OS's endless `/dev/zero` and a sparse file past the cap; the
/// command must end quickly with a usage error and send nothing.
#[tokio::test]
async fn oversized_items_json_is_refused_before_any_request() {
    let server = Registry::start().await;
    let sb = sandbox(&server.uri());
    let big = sb.dir.path().join("big.json");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(65 * 1024 * 1024))
        .expect("sparse file");
    let big = big.display().to_string();
    let want = |name: &str| {
        format!("error: --items-json {name}: larger than 64 MiB; no push needs that much\nhint: split the items into several pushes\n")
    };
    for (source, name) in [("/dev/zero", "/dev/zero"), (big.as_str(), big.as_str())] {
        let started = Instant::now();
        let out = sb.run(&["sync", "push", "--items-json", source]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert_eq!(stderr(&out), want(name));
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    let out = sb
        .command(&["sync", "push", "--items-json", "-", "--json"])
        .stdin(std::fs::File::open("/dev/zero").expect("zero"))
        .output()
        .expect("run");
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(stderr(&out), want("stdin"));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error");
    assert_eq!(v["error"]["exit_code"], 2);
    assert!(server.received().await.is_empty());
}

/// Mount `POST /push/` → 202 for `op-1` and `GET /operations/op-1/` → `op`.
async fn accepted_then(server: &Registry, op: Value) {
    let accepted = json!({"operation_id": "op-1", "status": "pending"});
    server
        .register(post("/api/v1/tracker/push/"), reply(202, accepted))
        .await;
    server
        .register(get("/api/v1/tracker/operations/op-1/"), reply(200, op))
        .await;
}

/// Issue 11.6. Oracle: the contract's operation states (SPEC §5 step 2: pending, running,
/// completed, failed); any other ends the wait at the first poll, naming the state.
#[tokio::test]
async fn unknown_operation_states_end_the_wait_naming_the_state() {
    for state in ["cancelled", "succeeded", "COMPLETED"] {
        let server = Registry::start().await;
        accepted_then(&server, json!({"operation_id": "op-1", "status": state})).await;
        let sb = sandbox(&server.uri());
        let out = sb.run_with_stdin(&["sync", "push", "--items-json", "-", "--json"], ITEMS);
        assert_eq!(code(&out), 1, "{state}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "error: Operation op-1 is in state '{state}', which this version does not know"
            )),
            "{}",
            stderr(&out)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error");
        assert_eq!(v["error"]["code"], "unknown_operation_status");
        assert_eq!(v["error"]["status"], state);
        assert_eq!(v["error"]["operation_id"], "op-1");
        let polls = server
            .received()
            .await
            .iter()
            .filter(|r| r.method.as_str() == "GET")
            .count();
        assert_eq!(polls, 1, "{state}: no polling past an unknown state");
        let out = sb.run(&["operations", "show", "op-1", "--wait"]);
        assert_eq!(code(&out), 1, "{state}: {}", stderr(&out));
    }
}

/// Issue 11.9. Oracle: RFC 3986 §3 (userinfo, query and fragment are URL components a base
/// URL must not carry); the server receives nothing and the password is never printed (the
/// sandbox scans every output for `s3cret-pass`).
#[tokio::test]
async fn userinfo_query_and_fragment_in_the_server_url_are_refused() {
    let server = Registry::start().await;
    let hostport = server.uri()["http://".len()..].to_owned();
    let with_userinfo = format!("http://alice:s3cret-pass@{hostport}");
    let sb = sandbox(&server.uri());
    for (url, part) in [
        (with_userinfo.clone(), "a user name or password"),
        (format!("{}/?team=x", server.uri()), "a query"),
        (format!("{}/#frag", server.uri()), "a fragment"),
    ] {
        for args in [
            vec!["-v", "sync", "pull", "--json", "--server-url", &url],
            vec![
                "auth",
                "login",
                "-u",
                "alice",
                "--password-stdin",
                "--server-url",
                &url,
            ],
        ] {
            let out = sb.run_with_stdin(&args, "s3cret-pass");
            assert_eq!(code(&out), 1, "{url}: {}", stderr(&out));
            assert!(
                stderr(&out).contains(&format!("it must not contain {part}")),
                "{url}: {}",
                stderr(&out)
            );
        }
        let out = sb.run_env(&["status"], &[("SPEC_KITTY_SAAS_URL", &url)]);
        assert_eq!(code(&out), 1, "{url}: {}", stderr(&out));
    }
    let out = sb.run(&["status", "--server-url", &with_userinfo]);
    assert!(
        stderr(&out).contains(&format!("invalid server URL 'http://***@{hostport}'")),
        "{}",
        stderr(&out)
    );
    assert!(server.received().await.is_empty(), "nothing was sent");
    // A session an older version stored for such a URL never shows the password either.
    sb.write_credentials(&session_toml(&with_userinfo, "acc-1", "ref-1", false));
    for args in [
        vec!["auth", "status"],
        vec!["auth", "status", "--json"],
        vec!["status"],
    ] {
        let out = sb.run(&args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            text.contains(&format!("http://***@{hostport}")),
            "{args:?}: {text}"
        );
    }
    assert!(
        server.received().await.is_empty(),
        "no token to another server"
    );
}

/// Issue 11.11. Oracle: RFC 9110 §5.5 (a header field value holds no CR, LF, NUL or DEL) and
/// RFC 6750 §2.1 (a bearer token is printable ASCII without spaces): such values are refused
/// when they arrive, named, never stored, and never reported as a network failure.
#[tokio::test]
async fn unsendable_header_values_are_refused_where_they_arrive() {
    // A login whose team cannot be a header: refused, nothing stored.
    let server = Registry::start().await;
    let tokens = json!({"access": "acc-1", "refresh": "ref-1", "team_slug": "acme\r\nX-Evil: 1"});
    server
        .register(post("/api/v1/token/"), reply(200, tokens))
        .await;
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", &server.uri());
    let out = sb.run_with_stdin(&["auth", "login", "-u", "alice", "--password-stdin"], "pw");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: unexpected response from server (POST /api/v1/token/): `team_slug`: it holds U+000D at byte 4, which cannot be sent in an HTTP header\n"
    );
    assert_eq!(sb.read_credentials(), "", "nothing stored");

    // Red-team 2 item 3, the 3.0 file. A refresh answer whose access token cannot be used
    // (DEL, CR LF, non-ASCII, missing, a negative lifetime): the server may have spent the old
    // refresh token already, so the one it issued is stored with the access token marked
    // expired, the field is named (exit 1), and the next command refreshes with the issued
    // token. Oracle: the server sees `ref-2` spent on the second command (a resent `ref-1`
    // would be the lost login); the credentials file holds `ref-2` between the two.
    for (tokens, why) in [
        (
            json!({"access": "acc-2\u{7f}", "refresh": "ref-2"}),
            "`access`: it holds U+007F at byte 5",
        ),
        (
            json!({"access": "acc-2\r\nX-Evil: 1", "refresh": "ref-2"}),
            "`access`: it holds U+000D at byte 5",
        ),
        (
            json!({"access": "acc-\u{e9}", "refresh": "ref-2"}),
            "`access`: it holds U+00E9 at byte 4",
        ),
        (json!({"refresh": "ref-2"}), "`access` is missing"),
        (
            json!({"access": "acc-2", "refresh": "ref-2", "expires_in": -100}),
            "`expires_in` is not a number of seconds",
        ),
    ] {
        let server = Registry::start().await;
        let refresh = "/api/v1/token/refresh/";
        server
            .register(
                post(refresh).and(wiremock::matchers::body_json(json!({"refresh": "ref-1"}))),
                reply(200, tokens.clone()),
            )
            .times(1)
            .await;
        server
            .register(
                post(refresh).and(wiremock::matchers::body_json(json!({"refresh": "ref-2"}))),
                reply(200, json!({"access": "acc-3", "refresh": "ref-3"})),
            )
            .times(1)
            .await;
        server
            .register(
                get("/api/v1/tracker/status/"),
                reply(
                    200,
                    json!({"provider": "linear", "project_slug": "demo-project"}),
                ),
            )
            .await;
        let sb = sandbox(&server.uri());
        sb.write_credentials(&session_toml(&server.uri(), "acc-1", "ref-1", true));
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 1, "{tokens}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!(
                "error: unexpected response from server (POST /api/v1/token/refresh/): {why}"
            )),
            "{}",
            stderr(&out)
        );
        assert!(
            sb.read_credentials().contains("refresh = \"ref-2\""),
            "{tokens}: the issued token is stored"
        );
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 0, "{tokens}: {}", stderr(&out));
        assert!(sb.read_credentials().contains("refresh = \"ref-3\""));
    }

    // A stored access token that cannot be sent counts as expired: refreshed, not refused.
    let server = Registry::start().await;
    server
        .register(
            post("/api/v1/token/refresh/"),
            reply(200, json!({"access": "acc-3", "refresh": "ref-3"})),
        )
        .times(1)
        .await;
    server
        .register(
            get("/api/v1/tracker/status/"),
            reply(
                200,
                json!({"provider": "linear", "project_slug": "demo-project"}),
            ),
        )
        .await;
    let sb = sandbox(&server.uri());
    sb.write_credentials(
        &session_toml(&server.uri(), "acc-1", "ref-1", false)
            .replace("access = \"acc-1\"", "access = \"acc\\r\\n1\""),
    );
    assert!(
        sb.read_credentials().contains("acc\\r\\n1"),
        "the fixture changed"
    );
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(sb.read_credentials().contains("refresh = \"ref-3\""));

    // A stored team that cannot be sent (written by an older version): named, exit 4, no
    // request, not "Cannot connect".
    let server = Registry::start().await;
    let sb = sandbox(&server.uri());
    sb.write_credentials(
        &session_toml(&server.uri(), "acc-1", "ref-1", false)
            .replace("team_slug = \"acme\"", "team_slug = \"ac\\u007Fme\""),
    );
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("credentials: [user] team_slug: it holds U+007F at byte 2")
            && stderr(&out).contains("auth login --force"),
        "{}",
        stderr(&out)
    );
    assert!(server.received().await.is_empty());

    // A 100 000-character operation id in a 202: a clear error, not exit 5, never polled.
    let server = Registry::start().await;
    let accepted = json!({"operation_id": "x".repeat(100_000), "status": "pending"});
    server
        .register(post("/api/v1/tracker/push/"), reply(202, accepted))
        .await;
    let sb = sandbox(&server.uri());
    let out = sb.run_with_stdin(&["sync", "push", "--items-json", "-"], ITEMS);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: unexpected response from server (POST /api/v1/tracker/push/): unusable operation_id in the 202 answer: it is 100000 bytes long (at most 200)\n"
    );
    assert_eq!(server.received().await.len(), 1, "never polled");
}

/// Issue 11.12. Oracle: RFC 3986 §3.3 and §5.2.4 (`.` and `..` are dot-segments that remove
/// path segments; `/` separates segments): the request path must stay
/// `/api/v1/tracker/operations/<one segment>/`.
#[tokio::test]
async fn operation_ids_are_one_path_segment() {
    let server = Registry::start().await;
    let pending = json!({"status": "pending"});
    server.register(any_path("GET"), reply(200, pending)).await;
    let sb = sandbox(&server.uri());
    let long = "x".repeat(100_000);
    for (id, why) in [
        ("", "it is empty"),
        (".", "'.' is not an id"),
        ("..", "'..' is not an id"),
        (long.as_str(), "it is 100000 bytes long (at most 200)"),
    ] {
        let out = sb.run(&["operations", "show", id, "--json"]);
        assert_eq!(code(&out), 2, "{id:.20}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with(&format!("error: invalid operation id: {why}")),
            "{}",
            stderr(&out)
        );
    }
    assert!(server.received().await.is_empty());
    for (id, segment) in [
        ("a/../b", "a%2F..%2Fb"),
        ("...", "..."),
        ("op 1?#", "op%201%3F%23"),
    ] {
        let out = sb.run(&["operations", "show", id]);
        assert_eq!(code(&out), 0, "{id}: {}", stderr(&out));
        let last = server.received().await.pop().expect("a request");
        assert_eq!(
            last.url.path(),
            format!("/api/v1/tracker/operations/{segment}/"),
            "{id}"
        );
        assert_eq!(last.url.query(), None);
    }
    // A dot-segment in a 202 answer is refused too, before any poll.
    let server = Registry::start().await;
    let accepted = json!({"operation_id": "..", "status": "pending"});
    server
        .register(post("/api/v1/tracker/push/"), reply(202, accepted))
        .await;
    let sb = sandbox(&server.uri());
    let out = sb.run_with_stdin(&["sync", "push", "--items-json", "-"], ITEMS);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unusable operation_id"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.received().await.len(), 1);
}

/// The characters a terminal acts on: C0 (but line feed), DEL and C1 — ECMA-48 §5 / ISO 6429,
/// the set `console_codes(4)` documents for the Linux console.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            let n = u32::from(c);
            (n < 0x20 && c != '\n') || n == 0x7f || (0x80..=0x9f).contains(&n)
        })
        .collect()
}

/// Issue 11.13. Oracle: the terminal control set above (ECMA-48); none of it may reach the
/// terminal from a server field or a user argument, in reports, errors or hints.
#[tokio::test]
async fn terminal_escapes_never_reach_the_terminal() {
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\r\u{8}\u{7f}";
    let server = Registry::start().await;
    let status = json!({
        "sync_state": evil,
        "identity_path": {"type": evil, "provider_account_id": evil},
        "last_synced_at": evil,
    });
    let pulled = json!({
        "status": evil,
        "summary": {"total": 1, "succeeded": 0, "failed": 1, "skipped": 0},
        "identity_path": {"type": evil, "provider": evil},
        "items": [],
        "item_errors": [{"ref": evil, "message": evil}],
    });
    let refused = json!({"code": "bad", "message": evil, "category": evil});
    server
        .register(get("/api/v1/tracker/status/"), reply(200, status))
        .await;
    server
        .register(post("/api/v1/tracker/pull/"), reply(200, pulled))
        .await;
    server
        .register(post("/api/v1/tracker/run/"), reply(400, refused))
        .await;
    let sb = sandbox(&server.uri());
    for args in [
        vec!["status"],
        vec!["sync", "pull"],
        vec!["sync", "pull", "--all"],
        vec!["-v", "sync", "run"],
    ] {
        let out = sb.run(&args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains("\\u{1b}]0;pwned"), "{args:?}: {text}");
        assert_eq!(
            terminal_controls(&text),
            Vec::<char>::new(),
            "{args:?}: {text:?}"
        );
    }
    let local = local_sandbox("tracker:\n  provider: beads\n  workspace: demo-ws\n");
    local.bind_beads("demo-ws", &[]);
    let wp = format!("WP{evil}");
    let out = local.run(&["map", "add", "--wp-id", &wp, "--external-id", "demo-001"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.starts_with("Mapping saved: WP\\u{1b}]0;pwned"),
        "{text}"
    );
    assert_eq!(terminal_controls(&text), Vec::<char>::new(), "{text:?}");
}

/// Item 15 (Ctrl-C while polling). Oracle: the shell convention for a process ended by SIGINT,
/// 128 + 2 = 130 (POSIX `wait` status, what bash reports), plus the operation id and the
/// command to pick it up again, and one JSON error document with `--json`.
#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_while_polling_names_the_operation_and_exits_130() {
    for json_out in [false, true] {
        signal_while_polling(&["sync", "push"], libc::SIGINT, "", json_out).await;
    }
}

/// SIGTERM (what `kill`, timeout(1), systemd and CI runners send) while `sync push` or
/// `operations show --wait` polls ends the wait as Ctrl-C does, naming the signal: exit 130
/// (README "Exit codes"), the operation id and how to resume. Oracle: the OS delivering a real
/// SIGTERM (its default action ends the process silently, status 143 from a shell, without the
/// operation id); the message as the login's for SIGTERM (tests/it/oauth_login.rs).
#[cfg(unix)]
#[tokio::test]
async fn sigterm_while_polling_names_the_operation_and_exits_130() {
    for json_out in [false, true] {
        signal_while_polling(&["sync", "push"], libc::SIGTERM, " by SIGTERM", json_out).await;
    }
    signal_while_polling(
        &["operations", "show", "op-1", "--wait"],
        libc::SIGTERM,
        " by SIGTERM",
        false,
    )
    .await;
}

/// Sends `signal` to `args` (`sync push` of [`ITEMS`], or an `operations` command) once it has
/// polled operation op-1 (kept pending), and checks the interruption: exit 130, the message
/// (with `by` after "Interrupted"), the hint to resume, the JSON error with `--json`.
#[cfg(unix)]
async fn signal_while_polling(args: &[&str], signal: i32, by: &str, json_out: bool) {
    let push = args == ["sync", "push"];
    let server = Registry::start().await;
    let pending = json!({"operation_id": "op-1", "status": "pending"});
    if push {
        accepted_then(&server, pending).await;
    } else {
        server
            .register(get("/api/v1/tracker/operations/op-1/"), reply(200, pending))
            .await;
    }
    // Real-time polling (1 s, 2 s, ...): the process is waiting when the signal comes.
    let sb = sandbox(&server.uri()).env("SPEC_KITTY_TRACKER_POLL_SCALE", "1000");
    let mut args = args.to_vec();
    if push {
        args.extend(["--items-json", "-"]);
    }
    if json_out {
        args.push("--json");
    }
    let mut child = sb
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = child.stdin.take().expect("stdin");
    if push {
        let mut stdin = stdin;
        stdin.write_all(ITEMS.as_bytes()).expect("items");
    } else {
        drop(stdin);
    }
    let started = Instant::now();
    while !server
        .received()
        .await
        .iter()
        .any(|r| r.method.as_str() == "GET")
    {
        assert!(started.elapsed() < Duration::from_secs(20), "never polled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let out = child.wait_with_output().expect("wait");
    crate::common::assert_no_secrets(&out);
    assert_eq!(code(&out), 130, "{args:?}: {}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("error: Interrupted{by} while waiting for operation op-1; it may still complete on the server\nhint: check it later with `spec-kitty-tracker operations show op-1 --wait`\n"),
        "{args:?}"
    );
    if json_out {
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error");
        assert_eq!(v["error"]["code"], "interrupted");
        assert_eq!(v["error"]["exit_code"], 130);
        assert_eq!(v["error"]["operation_id"], "op-1");
    } else {
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

/// Red-team 2 item 7. Oracle: the command line itself — a 120 000-character value (an unknown
/// provider, a bad `--limit`, a bad `--credential`, an unknown flag, an unknown command) is
/// cut in every message, ours and clap's, human and `--json`: its first 80 characters and how
/// many were cut. (Was: echoed whole, 120 KB on stderr.)
#[test]
fn long_argument_values_are_cut_in_every_message() {
    let long = "x".repeat(120_000);
    let flag = format!("--{long}");
    let credential = format!("command={long}");
    let sb = Sandbox::new(Some("tracker:\n  provider: beads\n  workspace: w\n"));
    let kept = "x".repeat(78);
    for (args, cut) in [
        (vec!["bind", "--provider", &long], 119_920),
        (
            vec![
                "bind",
                "--provider",
                "beads",
                "--workspace",
                "w",
                "--credential",
                &long,
            ],
            119_920,
        ),
        (vec!["sync", "pull", "--limit", &long], 119_920),
        (vec!["status", &flag], 119_922),
        (vec!["status", "--json", &flag], 119_922),
        (vec![long.as_str()], 119_920),
    ] {
        let out = sb.run(&args);
        let shown = args
            .iter()
            .map(|a| a.get(..12).unwrap_or(a))
            .collect::<Vec<_>>();
        assert_ne!(code(&out), 0, "{shown:?}");
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.len() < 2000, "{shown:?}: {} bytes", text.len());
        assert!(
            text.contains(&format!("… ({cut} more characters)")) && text.contains(&kept),
            "{shown:?}: {text}"
        );
        if args.contains(&"--json") {
            let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON error");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.len() < 300),
                "{v}"
            );
        }
    }
    // A long value that comes back from a file (the bound command), not the command line.
    let bind = [
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "w",
        "--credential",
        &credential,
    ];
    assert_eq!(code(&sb.run(&bind)), 0);
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).len() < 1000 && stderr(&out).contains("… (119920 more characters)"),
        "{}",
        stderr(&out)
    );
}
