//! Shared helpers for integration tests: a sandbox (temp HOME, state root and project) that runs
//! the binary with a clean environment, a scanner that fails on any leaked secret, and (through
//! [`json_fields`]) a check of every `--json` document against its declaration.
#![allow(dead_code)]

pub mod interop;
pub mod json_fields;
pub mod stubs;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Whether this is CI: `.ci/run` sets `CI=true`, and installs every tool the tests need.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A check that cannot run here (a missing tool or venv) never passes silently: under CI it
/// fails with `reason`; elsewhere a `SKIP <test>: <reason>` line goes to the real stderr
/// (past libtest's capture, so it shows in a passing run) and the caller returns.
pub fn skip(reason: &str) {
    assert!(!under_ci(), "{reason} (CI=true: .ci/run must provide it)");
    skip_line(reason);
}

/// A check that cannot work on the platform under test (the Windows build under Wine, see
/// scripts/wine-test.sh): a `SKIP` line as [`skip`] prints, under CI too, since the platform
/// difference is known and listed there.
pub fn skip_on_platform(reason: &str) {
    skip_line(reason);
}

fn skip_line(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    let _ = writeln!(std::io::stderr(), "\nSKIP {test}: {reason}\n");
}

/// Whether `program --version` runs; a missing one is [`skip`]ped with `why` it is needed.
pub fn have(program: &str, why: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok();
    if !found {
        skip(&format!("`{program}` is not installed: {why}"));
    }
    found
}

/// Whether the binary under test is the Windows build (`scripts/wine-test.sh` says so).
pub fn windows_build() -> bool {
    std::env::var_os("SPEC_KITTY_TRACKER_TEST_TARGET").is_some_and(|t| t == "windows")
}

/// Tokens used by tests; no captured output may ever contain one.
pub const SECRETS: [&str; 6] = ["acc-1", "ref-1", "acc-2", "ref-2", "acc-3", "s3cret-pass"];

/// The binary under test: cargo's, or the launcher `SPEC_KITTY_TRACKER_TEST_BIN` names
/// (`scripts/wine-test.sh` points it at the Windows build run by Wine).
pub fn bin() -> PathBuf {
    std::env::var_os("SPEC_KITTY_TRACKER_TEST_BIN").map_or_else(
        || env!("CARGO_BIN_EXE_spec-kitty-tracker").into(),
        PathBuf::from,
    )
}

/// A temp HOME with a project, run the binary inside it.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub extra_env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox whose project has the given config.yaml (None: no config file).
    pub fn new(config: Option<&str>) -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home");
        std::fs::create_dir_all(dir.path().join("project/.kittify")).expect("project");
        if let Some(text) = config {
            std::fs::write(dir.path().join("project/.kittify/config.yaml"), text).expect("config");
        }
        Sandbox {
            dir,
            extra_env: Vec::new(),
        }
    }

    /// A sandbox bound to linear/demo-project.
    pub fn saas() -> Sandbox {
        Sandbox::new(Some(
            "tracker:\n  provider: linear\n  project_slug: demo-project\n",
        ))
    }

    /// The state root (`SPEC_KITTY_HOME`).
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("home/.spec-kitty")
    }

    /// The credentials file.
    pub fn credentials(&self) -> PathBuf {
        self.state().join("credentials")
    }

    /// The project directory.
    pub fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    /// Add an environment variable to every run.
    pub fn env(mut self, key: &str, value: &str) -> Sandbox {
        self.extra_env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The command, ready to run in the project with a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.args(args)
            .current_dir(self.project())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("SPEC_KITTY_HOME", self.state())
            .env("SPEC_KITTY_ENABLE_SAAS_SYNC", "1")
            .env("NO_COLOR", "1");
        // Under a coverage run (scripts/coverage.sh) each run of the binary writes its own
        // profile where the instrumented test harness says, so it is counted too.
        if let Some(profile) = std::env::var_os("LLVM_PROFILE_FILE") {
            cmd.env("LLVM_PROFILE_FILE", profile);
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// The binary with `args` on a pseudo-terminal (util-linux `script`), in the sandbox's
    /// project and environment; `None` (skipped, a failure under CI) without `script`.
    pub fn on_terminal(&self, args: &[&str]) -> Option<Command> {
        if !have("script", "util-linux `script` gives the binary a terminal") {
            return None;
        }
        let line = std::iter::once(bin().display().to_string())
            .chain(args.iter().map(|a| (*a).to_owned()))
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let base = self.command(&[]);
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"])
            .env_clear()
            .envs(
                base.get_envs()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
            )
            .current_dir(self.project());
        Some(cmd)
    }

    /// Run with `stdin` and return the checked output (no secret leaked).
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.as_bytes());
        }
        let out = child.wait_with_output().expect("wait");
        assert_no_secrets(&out);
        json_fields::check_output(args, &out.stdout);
        out
    }

    /// Run with extra environment variables for this run only.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.stdin(Stdio::null()).output().expect("run");
        assert_no_secrets(&out);
        json_fields::check_output(args, &out.stdout);
        out
    }

    /// Run with empty stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    /// Write the credentials file (0600 in a 0700 directory, as the tools keep it).
    pub fn write_credentials(&self, text: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(self.state()).expect("state");
        std::fs::set_permissions(self.state(), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        std::fs::write(self.credentials(), text).expect("credentials");
        std::fs::set_permissions(self.credentials(), std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }

    /// Read the credentials file.
    pub fn read_credentials(&self) -> String {
        std::fs::read_to_string(self.credentials()).unwrap_or_default()
    }
}

/// Fail if stdout or stderr contains any test secret.
pub fn assert_no_secrets(out: &Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked in output:\n{text}"
        );
    }
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code (-1 when killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// A contract mock for team `acme` that accepts its seed tokens, so a project given
/// `session_toml(&mock.url, SEED_ACCESS, SEED_REFRESH, false)` is logged in without a request.
pub fn seeded_mock() -> contract_mock::Running {
    contract_mock::spawn(
        contract_mock::Config {
            team_slug: "acme".into(),
            seed: Some((
                contract_mock::SEED_ACCESS.into(),
                contract_mock::SEED_REFRESH.into(),
            )),
            ..contract_mock::Config::default()
        },
        0,
    )
    .expect("mock")
}

/// A credentials file in the original's layout for `server`, valid for an hour / a week
/// (or expired, when `expired_access`).
pub fn session_toml(server: &str, access: &str, refresh: &str, expired_access: bool) -> String {
    let now = jiff::Timestamp::now().as_second();
    let fmt = |s: i64| {
        jiff::Timestamp::from_second(s)
            .expect("ts")
            .strftime("%Y-%m-%dT%H:%M:%S+00:00")
            .to_string()
    };
    let access_exp = if expired_access { now - 60 } else { now + 3600 };
    format!(
        "[tokens]\naccess = \"{access}\"\nrefresh = \"{refresh}\"\naccess_expires_at = \"{}\"\nrefresh_expires_at = \"{}\"\n\n[user]\nusername = \"alice\"\nteam_slug = \"acme\"\n\n[server]\nurl = \"{server}\"\n",
        fmt(access_exp),
        fmt(now + 7 * 86_400)
    )
}

/// File mode bits (Unix).
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// A sandbox whose PATH starts with the stub `bd` / `fp` of tests/fixtures/bin, with their
/// argv log and state file inside the sandbox.
pub fn local_sandbox(config: &str) -> Sandbox {
    let sb = Sandbox::new(Some(config));
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let log = sb.dir.path().join("argv.log").display().to_string();
    let state = sb.dir.path().join("stub-state.json").display().to_string();
    sb.env("PATH", &path)
        .env("STUB_LOG", &log)
        .env("STUB_STATE", &state)
}

impl Sandbox {
    /// `bind --provider beads --workspace <workspace> <extra...>`, which must succeed.
    pub fn bind_beads(&self, workspace: &str, extra: &[&str]) {
        let mut args = vec!["bind", "--provider", "beads", "--workspace", workspace];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }

    /// Replace the stub's state file.
    pub fn write_stub_state(&self, state: &serde_json::Value) {
        std::fs::write(self.dir.path().join("stub-state.json"), state.to_string())
            .expect("stub state");
    }

    /// The stub's state file.
    pub fn stub_state(&self) -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(self.dir.path().join("stub-state.json")).expect("state"),
        )
        .expect("json")
    }

    /// The argv of every stub call so far (and clear the log).
    pub fn take_argv(&self) -> Vec<Vec<String>> {
        let path = self.dir.path().join("argv.log");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = std::fs::remove_file(&path);
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("log line");
                v["argv"]
                    .as_array()
                    .expect("argv")
                    .iter()
                    .map(|a| a.as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .collect()
    }

    /// The single cache database file under the state root.
    pub fn db_file(&self) -> PathBuf {
        std::fs::read_dir(self.state().join("trackers"))
            .expect("trackers dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "db"))
            .expect("a .db file")
    }

    /// The single cache database under the state root.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db_file()).expect("open db")
    }

    /// `(identity, payload)` rows of tracker_issues.
    pub fn cached(&self) -> Vec<(String, serde_json::Value)> {
        let db = self.db();
        let mut stmt = db
            .prepare("SELECT identity, payload FROM tracker_issues ORDER BY identity")
            .expect("query");
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .expect("rows")
            .map(|r| {
                let (id, p) = r.expect("row");
                (id, serde_json::from_str(&p).expect("payload json"))
            })
            .collect()
    }
}
