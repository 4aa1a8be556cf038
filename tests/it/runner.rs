//! The subprocess runner the local connectors use, against real processes. Independent oracle:
//! the OS — POSIX `sh`, `kill -0` on the pid a child reported, file modes, the working
//! directory `pwd` prints — not our code.

use spec_kitty_tracker::local::runner::{CommandRunner, SubprocessRunner};
use std::time::{Duration, Instant};

fn sh(script: &str) -> Vec<String> {
    vec!["/bin/sh".into(), "-c".into(), script.into()]
}

#[test]
fn the_configured_directory_is_the_working_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    let r = SubprocessRunner::new(Some(dir.path().to_path_buf()));
    let out = r.run(&sh("pwd -P")).expect("pwd");
    assert_eq!(
        out.trim_end(),
        dir.path()
            .canonicalize()
            .expect("canon")
            .display()
            .to_string()
    );
}

#[test]
fn a_missing_directory_or_a_non_executable_program_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let gone = dir.path().join("gone");
    let err = SubprocessRunner::new(Some(gone.clone()))
        .run(&sh("true"))
        .expect_err("cwd");
    assert_eq!(err.code, "local_cwd_missing");
    assert_eq!(
        err.message,
        format!(
            "the working directory {} (credential cwd) does not exist",
            gone.display()
        )
    );

    let script = dir.path().join("fp");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").expect("script");
    let prog = script.display().to_string();
    let err = SubprocessRunner::new(None)
        .run(std::slice::from_ref(&prog))
        .expect_err("0644");
    assert_eq!(err.code, "local_command_not_executable");
    assert_eq!(err.message, format!("`{prog}` is not executable"));

    let err = SubprocessRunner::new(None).run(&[]).expect_err("empty");
    assert_eq!(err.message, "empty command");
}

#[test]
fn a_failure_without_stderr_names_the_exit_status_or_the_signal() {
    let r = SubprocessRunner::new(None);
    let err = r.run(&sh("exit 7")).expect_err("exit 7");
    assert_eq!(
        err.message,
        "Command failed: /bin/sh -c exit 7 :: exit status 7"
    );
    let err = r.run(&sh("kill -9 $$")).expect_err("killed");
    assert_eq!(
        err.message,
        "Command failed: /bin/sh -c kill -9 $$ :: killed by a signal"
    );
}

#[test]
fn output_that_is_not_utf8_is_refused_with_its_position() {
    let err = SubprocessRunner::new(None)
        .run(&sh("printf 'ok\\377'"))
        .expect_err("latin-1");
    assert_eq!(err.code, "local_output");
    assert_eq!(
        err.message,
        "Command /bin/sh -c printf 'ok\\377' printed invalid UTF-8 (at byte 2)"
    );
}

#[test]
fn a_timeout_stops_everything_the_command_started() {
    let dir = tempfile::tempdir().expect("tmp");
    let pidfile = dir.path().join("pid");
    let r = SubprocessRunner {
        timeout: Duration::from_millis(300),
        ..SubprocessRunner::new(None)
    };
    let started = Instant::now();
    let err = r
        .run(&sh(&format!(
            "sleep 30 & echo $! > {}; wait",
            pidfile.display()
        )))
        .expect_err("timeout");
    assert_eq!(err.code, "local_timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
    let pid = std::fs::read_to_string(&pidfile).expect("pid");
    // The grandchild was in the child's process group: give the kernel a moment, then it is gone.
    let mut alive = true;
    for _ in 0..50 {
        let status = std::process::Command::new("/bin/sh")
            .args(["-c", &format!("kill -0 {} 2>/dev/null", pid.trim())])
            .status()
            .expect("kill -0");
        let zombie = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .map(|s| s.contains(") Z "))
            .unwrap_or(false);
        if !status.success() || zombie {
            alive = false;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive, "the background sleep {} survived", pid.trim());
}

#[test]
fn stdin_is_closed_so_a_prompt_cannot_hang() {
    let r = SubprocessRunner {
        timeout: Duration::from_secs(10),
        ..SubprocessRunner::new(None)
    };
    let started = Instant::now();
    let out = r
        .run(&sh("if read x; then echo line; else echo eof; fi"))
        .expect("runs");
    assert_eq!(
        out, "eof\n",
        "stdin is /dev/null: the read sees end of file"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Red-team 2 item 1, the mechanism. Oracle: the OS — `setsid` (a session of its own, out of
/// reach of the process-group kill), the pipes a process inherits, /proc. A provider that exits
/// while something it started keeps one or both of its pipes open is read until its exit plus a
/// short grace, not until the pipe ends (60 s here; never for a real daemon).
#[test]
fn a_pipe_held_open_after_the_provider_exited_is_read_for_a_short_grace_only() {
    let dir = tempfile::tempdir().expect("tmp");
    for (n, holder) in [
        // A session of its own, holding stdout and stderr, stderr only, stdout only.
        "setsid sh -c 'echo $$ > PID; exec sleep 60' &",
        "setsid sh -c 'echo $$ > PID; exec sleep 60' >/dev/null &",
        "setsid sh -c 'echo $$ > PID; exec sleep 60' 2>/dev/null &",
        // In the provider's process group, its parent gone.
        "sh -c 'sleep 60 & echo $! > PID'",
    ]
    .into_iter()
    .enumerate()
    {
        let pidfile = dir.path().join(format!("pid{n}"));
        let holder = holder.replace("PID", &pidfile.display().to_string());
        let script = format!(
            "{holder}\nwhile [ ! -s {} ]; do sleep 0.01; done; echo printed; echo said >&2; exit 0",
            pidfile.display()
        );
        let r = SubprocessRunner {
            timeout: Duration::from_secs(30),
            ..SubprocessRunner::new(None)
        };
        let started = Instant::now();
        let out = r.run(&sh(&script));
        let took = started.elapsed();
        let pid = std::fs::read_to_string(&pidfile).expect("pid");
        let _ = std::process::Command::new("kill")
            .args(["-9", pid.trim()])
            .status();
        assert_eq!(out.expect(&holder), "printed\n", "{holder}");
        assert!(took < Duration::from_secs(5), "{holder}: took {took:?}");
    }
}

/// The timeout ends the reading too when the provider itself still runs and a detached child
/// holds its pipes (the kill reaches the provider, not the child).
#[test]
fn the_timeout_ends_the_reading_of_a_pipe_a_detached_child_holds() {
    let dir = tempfile::tempdir().expect("tmp");
    let pidfile = dir.path().join("pid");
    let r = SubprocessRunner {
        timeout: Duration::from_millis(500),
        ..SubprocessRunner::new(None)
    };
    let started = Instant::now();
    let err = r
        .run(&sh(&format!(
            "setsid sleep 60 & echo $! > {}; sleep 60",
            pidfile.display()
        )))
        .expect_err("timeout");
    let took = started.elapsed();
    let pid = std::fs::read_to_string(&pidfile).expect("pid");
    let _ = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status();
    assert_eq!(err.code, "local_timeout");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// CPU time this thread has used (Linux `RUSAGE_THREAD`).
fn thread_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut u);
        u
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// A child that closes both pipes at once and runs on is waited for by polling at a few ms,
/// not by spinning (the bounded reading must not turn the wait into a busy loop). Oracle: the
/// kernel's count of this thread's CPU time.
#[test]
fn a_child_that_closes_its_pipes_early_is_waited_for_without_spinning() {
    let before = thread_cpu();
    let out = SubprocessRunner::new(None)
        .run(&sh("exec >&- 2>&-; sleep 1"))
        .expect("runs");
    assert_eq!(out, "");
    let used = thread_cpu() - before;
    assert!(
        used < Duration::from_millis(150),
        "{used:?} of CPU for a 1 s wait"
    );
}
