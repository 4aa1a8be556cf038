//! Red-team 3 regressions: what a hostile user found and the fixes (findings in
//! /work/coord/redteam.md of that session). Each test names its oracle.

use crate::common::interop::mock_get;
use crate::common::{code, stderr, stdout, Sandbox};
use contract_mock as mock;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `args` in `sb` with stdout `/dev/full` (every write fails with ENOSPC).
fn to_dev_full(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    sb.command(args)
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run")
}

/// `cmd > file` on a full disk must not exit 0 with the file empty. Oracle: GNU coreutils
/// (`echo x > /dev/full` fails, "write error: No space left on device", exit 1) and
/// spec-kitty 3.2.7 (`spec-kitty tracker providers > /dev/full` exits 1); the OS's /dev/full.
/// Before the fix every command but the streamed `sync pull` exited 0 here.
#[test]
fn a_full_stdout_fails_every_report_not_only_the_streamed_pull() {
    if !std::path::Path::new("/dev/full").exists() {
        crate::common::skip("/dev/full is missing: a failing stdout is not tested");
        return;
    }
    let sb = Sandbox::new(Some("agents: {}\n"));
    for args in [
        &["providers"][..],
        &["providers", "--json"],
        &["providers", "--json", "--jq", ".saas"],
        &["completions", "bash"],
    ] {
        let out = to_dev_full(&sb, args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "error: cannot write to stdout: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
    // A closed pipe stays a success: the reader took what it wanted (`| head`).
    let mut child = sb
        .command(&["completions", "bash"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

/// `args` in `sb` as a user whose file modes count: as is for a normal user; for root (CI and
/// these containers), with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped by util-linux
/// `setpriv` (capabilities(7): root without them obeys modes like anyone). `None`: skipped.
fn run_obeying_modes(sb: &Sandbox, args: &[&str]) -> Option<Output> {
    let base = sb.command(args);
    // SAFETY: geteuid has no preconditions.
    let mut cmd = if unsafe { libc::geteuid() } != 0 {
        base
    } else {
        if !crate::common::have(
            "setpriv",
            "root must drop CAP_DAC_OVERRIDE to meet file modes",
        ) {
            return None;
        }
        let caps = "-dac_override,-dac_read_search";
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--bounding-set={caps}"))
            .arg(format!("--inh-caps={caps}"))
            .arg("--")
            .arg(base.get_program())
            .args(base.get_args())
            .env_clear()
            .envs(
                base.get_envs()
                    .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
            )
            .current_dir(sb.project());
        cmd
    };
    Some(cmd.stdin(Stdio::null()).output().expect("run"))
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `auth logout` when the session cannot be removed (its directory is read-only): before the
/// fix the refresh token was revoked first, then the removal failed (exit 4, "log in again"),
/// leaving a session the server no longer honours. Now nothing is revoked, the error names the
/// directory and exit is 1; once the directory is writable, logout works. Oracle: the OS
/// (unlink(2) needs write permission on the directory: EACCES) and the contract mock's
/// revocation count (`/__mock/stats`, the server's side of RFC 7009 revocation).
#[test]
fn a_session_that_cannot_be_removed_is_not_revoked_and_the_directory_is_named() {
    let mock = mock::spawn(
        mock::Config {
            device_auto_approve: Some(1),
            ..mock::Config::default()
        },
        0,
    )
    .expect("mock");
    let sb = Sandbox::saas()
        .env("SPEC_KITTY_SAAS_URL", &mock.url)
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "20");
    let login = sb.run(&["auth", "login", "--headless"]);
    assert_eq!(code(&login), 0, "{}", stderr(&login));
    let auth = sb.state().join("auth");
    set_mode(&auth, 0o500);
    let out = run_obeying_modes(&sb, &["auth", "logout"]);
    set_mode(&auth, 0o700);
    let Some(out) = out else { return };
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: Cannot log out: cannot remove {}: Permission denied; the session was kept and \
             is still in use.\nhint: make {} writable by you, then run `spec-kitty-tracker auth \
             logout` again\n",
            auth.join("session.json").display(),
            auth.display()
        )
    );
    assert_eq!(mock_get(&mock, "/__mock/stats")["revocations"], 0);
    assert!(auth.join("session.json").exists());
    let status = sb.run(&["auth", "status"]);
    assert_eq!(
        code(&status),
        0,
        "the login still works: {}",
        stderr(&status)
    );
    let out = sb.run(&["auth", "logout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mock_get(&mock, "/__mock/stats")["revocations"], 1);
    assert!(!auth.join("session.json").exists());
}

/// `bind` in a project whose `.kittify/` is read-only while config.yaml itself is writable:
/// the error must say the directory is the problem (the file is replaced through a temp file
/// beside it), or the user chmods the file and fails again. Oracle: the OS (open(2) with
/// O_CREAT in a directory without write permission fails with EACCES; the file's own mode is
/// irrelevant to it).
#[test]
fn a_read_only_project_directory_is_named_as_the_problem() {
    let sb = Sandbox::new(Some("a: 1\n"));
    let kittify = sb.project().join(".kittify");
    set_mode(&kittify.join("config.yaml"), 0o644);
    set_mode(&kittify, 0o555);
    let out = run_obeying_modes(
        &sb,
        &["bind", "--provider", "linear", "--project-slug", "x"],
    );
    set_mode(&kittify, 0o755);
    let Some(out) = out else { return };
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: cannot write .kittify/config.yaml: Permission denied: its directory is not \
         writable (the file is replaced through a temporary file created beside it)\nhint: the \
         file was not modified\n"
    );
    assert_eq!(
        std::fs::read(kittify.join("config.yaml")).expect("read"),
        b"a: 1\n"
    );
}

/// A `--json` usage error is the whole of what the parser reported, not its first line: before
/// the fix `issue-search --json` said only "the following required arguments were not
/// provided:" (ending on the colon) and the names were on stderr alone. Oracle: clap's own
/// report on stderr, the parser's (every argument it names there is named in the JSON too).
#[test]
fn json_usage_errors_name_the_missing_arguments() {
    let sb = Sandbox::new(Some("a: 1\n"));
    let out = sb.run(&["issue-search", "--json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("  --provider <PROVIDER>\n  --query <QUERY>\n"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON value");
    assert_eq!(
        v["error"]["message"],
        "the following required arguments were not provided: --provider <PROVIDER>, --query <QUERY>"
    );
}

/// `-C` to a path that does not exist said "not a directory"; it says what is wrong, as
/// `git -C` does (`fatal: cannot change to 'missing': No such file or directory`). Oracle: git
/// and the OS's strerror(3) texts (ENOENT, ENOTDIR).
#[test]
fn dash_c_names_what_is_wrong_with_the_directory() {
    let sb = Sandbox::new(Some("a: 1\n"));
    std::fs::write(sb.project().join("a-file"), "x").expect("file");
    for (dir, reason) in [
        ("missing", "No such file or directory"),
        ("a-file", "Not a directory"),
    ] {
        let out = sb.run(&["-C", dir, "status"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("error: -C/--project {dir}: {reason}\n")
        );
    }
}

/// Paths in `--json` are absolute, whatever the working directory: run from the directory
/// above the state root, `auth doctor --json` gave `"auth_root": "home/.spec-kitty/auth"` (and
/// `auth status --json` a relative `store_path`), which a script cannot use from elsewhere.
/// Oracle: spec-kitty 3.2.7's `auth doctor --json`, run in the same place with the same state
/// root (its `auth_root` is absolute); without its venv, the absolute path it prints.
#[test]
fn json_paths_are_absolute_as_3_2_7_gives_them() {
    let sb = Sandbox::new(Some("a: 1\n"));
    let above_state = sb.dir.path();
    let want = sb.state().join("auth").display().to_string();
    let ours = sb
        .command(&["auth", "doctor", "--json"])
        .current_dir(above_state)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let ours: serde_json::Value = serde_json::from_slice(&ours.stdout).expect("one JSON value");
    assert_eq!(ours["auth_root"], want.as_str());
    if let Some(venv) = crate::common::interop::venv() {
        let theirs = venv
            .command(&sb, "spec-kitty")
            .args(["auth", "doctor", "--json"])
            .current_dir(above_state)
            .stdin(Stdio::null())
            .output()
            .expect("run 3.2.7");
        let theirs: serde_json::Value =
            serde_json::from_slice(&theirs.stdout).expect("3.2.7's JSON");
        assert_eq!(ours["auth_root"], theirs["auth_root"]);
    }
    // The text still names it relative to the working directory, as every message does.
    let text = sb
        .command(&["auth", "doctor"])
        .current_dir(above_state)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(
        stdout(&text).contains("  Auth directory: home/.spec-kitty/auth\n"),
        "{}",
        stdout(&text)
    );
}

/// Ctrl-C at a `bind` question left the user's terminal without a cursor: dialoguer hides it
/// while asking and the process died before showing it again. Oracle: the terminal's own
/// protocol (DECTCEM: `ESC [ ? 25 l` hides the cursor, `ESC [ ? 25 h` shows it; what follows a
/// hide must be a show), a real pseudo-terminal (util-linux `script`) delivering ^C as SIGINT,
/// and the shell's 128 + SIGINT exit status.
#[test]
fn ctrl_c_at_the_rebind_question_gives_the_cursor_back() {
    use std::io::{Read, Write};
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", "http://127.0.0.1:9");
    let Some(mut cmd) = sb.on_terminal(&["bind", "--provider", "linear"]) else {
        return;
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            sink.lock().expect("lock").extend_from_slice(&buf[..n]);
        }
    });
    let shown = |seen: &std::sync::Mutex<Vec<u8>>| {
        String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned()
    };
    // Wait for the question (the cursor hidden), then press Ctrl-C.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !shown(&seen).contains("\x1b[?25l") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = stdin.write_all(b"\x03");
    let _ = stdin.flush();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    drop(stdin);
    reader.join().expect("reader");
    let seen = shown(&seen);
    assert!(seen.contains("Replace existing binding?"), "{seen:?}");
    let hidden = seen.rfind("\x1b[?25l").expect("dialoguer hid the cursor");
    assert!(
        seen[hidden..].contains("\x1b[?25h"),
        "the cursor stays hidden after Ctrl-C: {seen:?}"
    );
    assert_eq!(status.code(), Some(130), "{seen:?}");
}
