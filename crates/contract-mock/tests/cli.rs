//! The `spec-kitty-tracker-mock` binary: its flags, the URL line, `--quiet`, a clean stop on
//! SIGTERM / Ctrl-C, usage errors and exit codes.
//!
//! Oracles: the OS (signals, exit statuses, a port already taken), HTTP/1.1 as spoken over a
//! plain loopback socket, clap's documented usage-error exit code 2, the README (the documented
//! scenario slugs and flags) and the contract document `contract/tracker-api.yaml` (the answers).
//!
//! The environment is inherited, so under `scripts/coverage.sh` tarpaulin's `LLVM_PROFILE_FILE`
//! reaches the instrumented binary, which writes its profile when it exits (hence the stops by
//! SIGTERM, which the binary handles, rather than by SIGKILL).

use contract_mock::contract::Contract;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_spec-kitty-tracker-mock");

/// The scenario slugs the README documents.
fn documented_slugs() -> Vec<String> {
    let readme = include_str!("../../../README.md");
    readme
        .split_once("response class is chosen by the project slug:")
        .and_then(|(_, rest)| rest.split_once("; any other slug succeeds"))
        .map(|(list, _)| {
            list.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Wait up to 10 s for `child`; kill it (and fail) when it does not exit.
fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the mock did not exit within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Start the binary with `args`, stdout and stderr piped.
fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the mock")
}

/// Run the binary to its end: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = spawn(args);
    let status = wait(&mut child);
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code(), out, err)
}

/// A running mock; killed if a test fails before it stops it.
struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = spawn(args);
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.strip_suffix('\n').unwrap_or(&line).to_owned();
        Server { child, stdout, url }
    }

    fn addr(&self) -> &str {
        self.url.strip_prefix("http://").unwrap_or(&self.url)
    }

    /// One HTTP/1.1 exchange on a fresh connection: (status, body).
    fn http(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.addr()).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr(),
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(t) = token {
            head.push_str(&format!(
                "Authorization: Bearer {t}\r\nX-Team-Slug: demo-team\r\n"
            ));
        }
        stream
            .write_all(format!("{head}\r\n{body}").as_bytes())
            .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let body = raw[split + 4..].to_vec();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|n| n.trim().parse::<usize>().ok());
        assert_eq!(length, Some(body.len()), "{head}");
        (status, body)
    }

    fn login(&self, password: &str) -> (u16, Value) {
        let creds = json!({"username": "alice", "password": password});
        let (status, body) = self.http("POST", "/api/v1/token/", None, Some(&creds));
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn token(&self) -> String {
        let (status, v) = self.login("demo-password");
        assert_eq!(status, 200, "{v}");
        v["access"].as_str().unwrap().to_owned()
    }

    fn pull(&self, token: &str, slug: &str, limit: usize, cursor: Option<&str>) -> (u16, Vec<u8>) {
        let mut req = json!({"provider": "linear", "project_slug": slug, "limit": limit});
        if let Some(c) = cursor {
            req["cursor"] = json!(c);
        }
        self.http("POST", "/api/v1/tracker/pull/", Some(token), Some(&req))
    }

    /// Send `signal` (by the OS's `kill`) and return (exit code, rest of stdout, stderr).
    fn stop(mut self, signal: &str) -> (Option<i32>, String, String) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let status = wait(&mut self.child);
        let mut out = String::new();
        let mut err = String::new();
        self.stdout.read_to_string(&mut out).unwrap();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.code(), out, err)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

#[test]
fn prints_its_url_serves_and_stops_cleanly_on_sigterm_and_ctrl_c() {
    for signal in ["-TERM", "-INT"] {
        let server = Server::start(&["--port", "0"]);
        let port: u16 = server
            .url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("not a loopback URL: {:?}", server.url));
        assert_ne!(port, 0);
        let (status, body) = server.login("demo-password");
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            Contract::embedded().check_response(
                "POST",
                "/api/v1/token/",
                200,
                body.to_string().as_bytes()
            ),
            Ok(())
        );
        let url = server.url.clone();
        let (code, rest, err) = server.stop(signal);
        assert_eq!(code, Some(0), "kill {signal}: {err}");
        assert_eq!(rest, "", "nothing after the URL line on stdout");
        assert_eq!(
            err,
            format!("contract mock listening on {url} (Ctrl-C to stop)\n")
        );
    }
}

#[test]
fn quiet_prints_the_url_line_only() {
    let server = Server::start(&["--quiet"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(server.login("demo-password").0, 200);
    let (code, rest, err) = server.stop("-TERM");
    assert_eq!((code, rest.as_str(), err.as_str()), (Some(0), "", ""));
}

#[test]
fn issues_password_and_access_lifetime_shape_the_answers() {
    let server = Server::start(&[
        "--quiet",
        "--issues",
        "7",
        "--password",
        "s3cret",
        "--access-lifetime",
        "60",
    ]);
    assert_eq!(server.login("demo-password").0, 401);
    let (status, tokens) = server.login("s3cret");
    assert_eq!((status, &tokens["access_lifetime"]), (200, &json!(60)));
    let token = tokens["access"].as_str().unwrap();
    let contract = Contract::embedded();
    let (status, body) = server.pull(token, "p", 100, None);
    assert_eq!(
        contract.check_response("POST", "/api/v1/tracker/pull/", status, &body),
        Ok(())
    );
    let page = json_of(&body);
    assert_eq!(
        (
            status,
            page["items"].as_array().map(Vec::len),
            &page["has_more"]
        ),
        (200, Some(7), &json!(false))
    );
    let (_, body) = server.pull(token, "p", 5, None);
    let page = json_of(&body);
    assert_eq!(
        (page["items"].as_array().map(Vec::len), &page["next_cursor"]),
        (Some(5), &json!("c5"))
    );
    let (_, body) = server.pull(token, "p", 5, Some("c5"));
    let page = json_of(&body);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"]["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["id-000006", "id-000007"]);
    assert_eq!(server.stop("-TERM").0, Some(0));
}

#[test]
fn cache_bodies_serves_the_bytes_of_the_uncached_mock() {
    let cached = Server::start(&["--quiet", "--issues", "12", "--cache-bodies"]);
    let plain = Server::start(&["--quiet", "--issues", "12"]);
    let (cached_token, plain_token) = (cached.token(), plain.token());
    let mut pages = Vec::new();
    for (limit, cursor) in [(5, None), (5, Some("c5")), (12, None)] {
        let want = plain.pull(&plain_token, "p", limit, cursor);
        let first = cached.pull(&cached_token, "p", limit, cursor);
        let again = cached.pull(&cached_token, "p", limit, cursor);
        assert_eq!(want.0, 200);
        assert!(
            first == want && again == want,
            "limit {limit}, cursor {cursor:?}"
        );
        pages.push(want.1);
    }
    assert!(pages[0] != pages[1] && pages[0] != pages[2] && pages[1] != pages[2]);
    assert_eq!(cached.stop("-TERM").0, Some(0));
    assert_eq!(plain.stop("-TERM").0, Some(0));
}

#[test]
fn scenario_sets_the_default_for_slugs_that_name_none() {
    let server = Server::start(&["--quiet", "--scenario", "server-error"]);
    let token = server.token();
    let contract = Contract::embedded();
    let (status, body) = server.pull(&token, "p", 5, None);
    assert_eq!(
        (status, json_of(&body)["code"].as_str()),
        (500, Some("internal_error"))
    );
    assert_eq!(
        contract.check_response("POST", "/api/v1/tracker/pull/", status, &body),
        Ok(())
    );
    let (status, body) = server.pull(&token, "partial", 5, None);
    assert_eq!(
        (status, json_of(&body)["status"].as_str()),
        (200, Some("partial"))
    );
    assert_eq!(server.stop("-TERM").0, Some(0));
}

#[test]
fn usage_errors_exit_2_with_one_message_and_no_url() {
    for args in [
        &["--bogus"][..],
        &["--port", "x"],
        &["--port", "70000"],
        &["--issues", "-1"],
        &["--access-lifetime", "soon"],
        &["--quiet", "extra"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (Some(2), ""), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(
            err.ends_with("For more information, try '--help'.\n"),
            "{args:?}: {err}"
        );
    }
    let (code, out, err) = run(&["--scenario", "bogus"]);
    assert_eq!((code, out.as_str()), (Some(2), ""));
    let hint = format!(
        "hint: use ok or one of: {}\n",
        documented_slugs().join(", ")
    );
    assert_eq!(err, format!("error: unknown scenario `bogus`\n{hint}"));
}

#[test]
fn help_lists_every_flag_and_every_documented_scenario() {
    let (code, out, err) = run(&["--help"]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
    for flag in [
        "--port",
        "--issues",
        "--password",
        "--access-lifetime",
        "--scenario",
        "--cache-bodies",
        "--quiet",
    ] {
        assert!(out.contains(flag), "{flag} missing from\n{out}");
    }
    let slugs = documented_slugs();
    assert_eq!(slugs.len(), 21);
    // clap wraps the help to the terminal's width (when a crate of the workspace enables it).
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!("by the project slug: {};", slugs.join(", "))),
        "{out}"
    );
}

#[test]
fn a_port_already_taken_exits_1_with_a_hint() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, out, err) = run(&["--port", &port]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(
        err.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")),
        "{err}"
    );
    assert!(
        err.ends_with("hint: choose another --port, or 0 for any free port\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
}
