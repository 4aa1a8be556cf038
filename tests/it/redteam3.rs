//! Red-team 3 regressions: what a hostile user found and the fixes (findings in
//! /work/coord/redteam.md of that session). Each test names its oracle.

use crate::common::{code, stderr, stdout, Sandbox};
use std::process::Stdio;

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
