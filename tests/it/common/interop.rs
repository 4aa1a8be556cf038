//! spec-kitty-cli 3.2.7 as the oracle: the venv scripts/interop-venv.sh builds, its programs
//! and the scripts of scripts/interop/ run in a sandbox, and the session and mock helpers the
//! interop tests (session32, tracker32, discovery32, oauth_login) share.

use super::{skip, stderr, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The project identity block of a fresh project (`SLUG` replaced by the caller).
pub const IDENTITY: &str = "project:\n  uuid: 7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f\n  slug: SLUG\n  node_id: 0123456789ab\n  build_id: 35eabafe-284a-5d7c-a819-7d1549333d24\n";

/// The spec-kitty-cli 3.2.7 venv.
pub struct Venv {
    dir: PathBuf,
}

/// The venv: `SPEC_KITTY_INTEROP_VENV`, else target/interop-venv. Missing, the test is skipped
/// loudly (a failure under CI=true).
pub fn venv() -> Option<Venv> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("SPEC_KITTY_INTEROP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/interop-venv"));
    if dir.join("bin/spec-kitty").exists() && dir.join("bin/python").exists() {
        return Some(Venv { dir });
    }
    skip(&format!(
        "the spec-kitty-cli 3.2.7 venv is missing at {}: run `bash scripts/interop-venv.sh` \
         (interop with spec-kitty-cli 3.2.7 is not tested)",
        dir.display()
    ));
    None
}

impl Venv {
    /// The venv's `bin/<program>`.
    pub fn program(&self, program: &str) -> PathBuf {
        self.dir.join("bin").join(program)
    }

    /// The venv's `program` in the sandbox's project, with its HOME and state root, the SaaS
    /// feature flag, no upgrade nag and 200 columns, and nothing else of the environment but
    /// PATH. (The sandbox's own extra variables are not passed: add them with
    /// [`sandbox_env`] where 3.2.7 must see them.)
    pub fn command(&self, sb: &Sandbox, program: &str) -> Command {
        let mut cmd = Command::new(self.program(program));
        cmd.current_dir(sb.project())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", sb.dir.path().join("home"))
            .env("SPEC_KITTY_HOME", sb.state())
            .env("SPEC_KITTY_ENABLE_SAAS_SYNC", "1")
            .env("SPEC_KITTY_NO_NAG", "1")
            .env("COLUMNS", "200");
        cmd
    }

    /// `python scripts/interop/<script>` (3.2.7's own classes) like [`Venv::command`].
    pub fn script(&self, sb: &Sandbox, script: &str) -> Command {
        let mut cmd = self.command(sb, "python");
        cmd.arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scripts/interop")
                .join(script),
        );
        cmd
    }
}

/// Add the sandbox's extra variables (those every run of our binary gets) to `cmd`.
pub fn sandbox_env(cmd: &mut Command, sb: &Sandbox) {
    for (k, v) in &sb.extra_env {
        cmd.env(k, v);
    }
}

/// Run `cmd` with `stdin` within 60 s; its stdout, which it must exit 0 to give.
pub fn run_ok(cmd: &mut Command, stdin: &str) -> String {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {what}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("stdin");
    }
    let out = wait_bounded(child, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Wait for `child`, killing it after `limit` (a race must stay bounded).
pub fn wait_bounded(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("process did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run `f` on a runtime of its own (for the sync tests that ask the mock something).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// The mock's request log (`GET /__mock/received`): every request it received since the last
/// call (the call takes them), as the mock's README section describes.
pub fn received(mock: &mock::Running) -> Vec<Value> {
    match mock_get(mock, "/__mock/received") {
        Value::Object(mut v) => match v.remove("requests") {
            Some(Value::Array(list)) => list,
            other => panic!("no request list: {other:?}"),
        },
        other => panic!("not an object: {other}"),
    }
}

/// The tracker requests of [`received`] (path under `/api/v1/tracker/`), each as
/// `{op, query, body}` with the query as an object (the last value of a repeated key).
pub fn tracker_requests(mock: &mock::Running) -> Vec<Value> {
    received(mock)
        .into_iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/api/v1/tracker/"))
        })
        .map(|r| {
            let query: serde_json::Map<String, Value> = r["query"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| Some((pair[0].as_str()?.to_owned(), pair[1].clone())))
                .collect();
            json!({"op": r["op"], "query": query, "body": r["body"]})
        })
        .collect()
}

/// `GET <mock><path>` as JSON (`/__mock/received`, `/__mock/stats`).
pub fn mock_get(mock: &mock::Running, path: &str) -> Value {
    block_on(async {
        let body = reqwest::get(format!("{}{path}", mock.url))
            .await
            .expect("mock request")
            .bytes()
            .await
            .expect("body");
        serde_json::from_slice(&body).expect("json")
    })
}

/// A fresh token pair the mock knows (issued by its login endpoint), team `demo-team`.
pub fn token_pair(mock: &mock::Running) -> (String, String) {
    let v: Value = block_on(async {
        let body = reqwest::Client::new()
            .post(format!("{}/api/v1/token/", mock.url))
            .header("Content-Type", "application/json")
            .body(json!({"username": "ada", "password": "demo-password"}).to_string())
            .send()
            .await
            .expect("login")
            .bytes()
            .await
            .expect("body");
        serde_json::from_slice(&body).expect("json")
    });
    (
        v["access"].as_str().expect("access").to_owned(),
        v["refresh"].as_str().expect("refresh").to_owned(),
    )
}

/// Now plus `offset_seconds`, as 3.2.7 writes times.
pub fn iso(offset_seconds: i64) -> String {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + offset_seconds)
        .expect("ts")
        .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// A session in 3.2.7's `to_dict` shape, with a private teamspace and one shared team
/// (`demo-team`, as the mock's tokens are); the access token expires in `access_expires_in` s.
pub fn session(access: &str, refresh: &str, access_expires_in: i64) -> Value {
    json!({
        "user_id": "u-42", "email": "ada@example.com", "name": "Ada Lovelace",
        "teams": [
            {"id": "ada-private", "name": "Ada (private)", "role": "owner", "is_private_teamspace": true, "slug": "ada-private"},
            {"id": "demo-team", "name": "Demo Team", "role": "member", "is_private_teamspace": false, "slug": "demo-team"}
        ],
        "default_team_id": "ada-private",
        "access_token": access, "refresh_token": refresh,
        "session_id": format!("sess-{}", uuid::Uuid::new_v4().simple()),
        "issued_at": iso(-3600), "access_token_expires_at": iso(access_expires_in),
        "refresh_token_expires_at": iso(7 * 86_400),
        "scope": "offline_access", "storage_backend": "file", "last_used_at": iso(-3600),
        "auth_method": "device_code", "generation": 1
    })
}
