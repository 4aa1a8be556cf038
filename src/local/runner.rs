//! Running the provider's CLI: no shell (argv passed as is, so `; rm -rf ~` stays text), the
//! configured working directory, a time limit after which the child is killed and reaped,
//! Ctrl-C / SIGTERM ending the child's process group (exit 130, see [`super::interrupt`]), and
//! stdout/stderr captured up to a size cap.
//!
//! On Windows the process group's counterpart is a job object holding the provider's process
//! tree (`super::job`), in a console process group of its own (Ctrl-C reaches only us, Ctrl-Break
//! is the polite stop before the job is terminated); and a program named without an extension
//! is looked up with each `PATHEXT` extension, as `cmd.exe` does, so the `bd.cmd`/`fp.bat`
//! shims that package managers install are found (Rust's std tries `.exe` only).
//!
//! The reading of stdout/stderr is bounded too, not only the child: a process the provider
//! started in a session of its own (`setsid`, a daemon) is out of reach of the group kill and
//! may keep the pipes open for ever. The pipes are read until the child has exited (or was
//! killed at the timeout) plus a short grace of 2 s, or until Ctrl-C / SIGTERM, whichever
//! comes first; what was read is used, with a warning that something the provider started
//! still holds its output. The reader threads left blocked on such a pipe end when it
//! closes, or with the process.

use super::interrupt;
use crate::error::CliError;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Default time limit for one command (the original's 30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest stdout or stderr accepted from one command.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// Runs a command and returns its stdout.
pub trait CommandRunner {
    /// Run `argv` (`argv[0]` is the program) and return stdout, or a clear error.
    fn run(&self, argv: &[String]) -> Result<String, CliError>;
}

/// The real runner.
#[derive(Debug, Clone)]
pub struct SubprocessRunner {
    /// Working directory (`--credential cwd=...`), else the current directory.
    pub cwd: Option<PathBuf>,
    /// Time limit.
    pub timeout: Duration,
    /// Output cap.
    pub max_output: usize,
}

impl SubprocessRunner {
    /// A runner with the defaults.
    pub fn new(cwd: Option<PathBuf>) -> SubprocessRunner {
        SubprocessRunner {
            cwd,
            timeout: DEFAULT_TIMEOUT,
            max_output: MAX_OUTPUT_BYTES,
        }
    }
}

/// `argv` joined with spaces, as the original's messages show it.
pub fn shown(argv: &[String]) -> String {
    argv.join(" ")
}

/// How long the pipes are still read after the provider exited (or was killed at the
/// timeout): what it printed is in the pipe by then, so this only has to cover the reader
/// threads getting to it. A pipe still open past it is held by a process the provider left
/// behind (a daemon that called `setsid`, out of reach of the process-group kill). 2 s, not
/// less: on a loaded machine (a test suite on 2 cores) a reader thread can wait that long for
/// a core, and a shorter grace then cut a healthy provider's last output short.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// A piece of one pipe (0: stdout, 1: stderr): bytes, or `None` at its end.
type Piece = (usize, Option<Vec<u8>>);

/// Read `stream` on a thread of its own, sending what arrives on `to`. The thread ends at the
/// end of the pipe or once nobody receives any more (the pipe is then dropped: a process still
/// writing to it gets EPIPE, not a blocked write).
fn reader(n: usize, mut stream: impl Read + Send + 'static, to: mpsc::Sender<Piece>) {
    std::thread::spawn(move || {
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => {
                    let _ = to.send((n, None));
                    break;
                }
                Ok(got) => {
                    if to.send((n, Some(chunk[..got].to_vec()))).is_err() {
                        break;
                    }
                }
            }
        }
    });
}

/// What has been read from the child's stdout and stderr. The reading is bounded by whoever
/// calls [`Pipes::receive`]: nothing here waits for a pipe to end.
struct Pipes {
    from: mpsc::Receiver<Piece>,
    bytes: [Vec<u8>; 2],
    overflow: bool,
    open: usize,
    cap: usize,
}

impl Pipes {
    /// Receive for `wait` (less when every pipe ends meanwhile; when they have all ended
    /// already, just wait, so the caller's polling loop does not spin).
    fn receive(&mut self, wait: Duration) {
        if self.open == 0 {
            std::thread::sleep(wait);
            return;
        }
        let until = Instant::now() + wait;
        while self.open > 0 {
            let left = until.saturating_duration_since(Instant::now());
            match self.from.recv_timeout(left) {
                Ok((_, None)) => self.open -= 1,
                Ok((n, Some(data))) => {
                    if self.bytes[n].len() + data.len() > self.cap {
                        // Keep receiving (the reader keeps draining the pipe) but not storing.
                        self.overflow = true;
                    } else {
                        self.bytes[n].extend_from_slice(&data);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.open = 0;
                }
            }
        }
    }

    /// After the child was reaped: read until both pipes end or [`EXIT_GRACE`] passes (and,
    /// with `stop_on_signal`, until Ctrl-C / SIGTERM). True when a pipe is still open: a process
    /// the child started outside its process group holds it.
    fn finish(&mut self, stop_on_signal: bool) -> bool {
        let until = Instant::now() + EXIT_GRACE;
        while self.open > 0 && Instant::now() < until {
            if stop_on_signal && interrupt::received().is_some() {
                break;
            }
            self.receive(
                Duration::from_millis(10).min(until.saturating_duration_since(Instant::now())),
            );
        }
        self.open > 0
    }
}

impl CommandRunner for SubprocessRunner {
    fn run(&self, argv: &[String]) -> Result<String, CliError> {
        let Some((program, args)) = argv.split_first() else {
            return Err(CliError::failed("local_command", "empty command"));
        };
        let mut cmd = Command::new(resolve(program));
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        // Its own process group, so a timeout can stop what it started in that group (and so
        // Ctrl-C reaches only us: see `interrupt`). A child that leaves the group (`setsid`) is
        // out of reach: the reading of the pipes is bounded instead (see [`Pipes`]).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        #[cfg(windows)]
        std::os::windows::process::CommandExt::creation_flags(
            &mut cmd,
            windows_sys::Win32::System::Threading::CREATE_NEW_PROCESS_GROUP,
        );
        let running = interrupt::Running::start();
        let mut tree =
            Tree::spawn(&mut cmd).map_err(|e| spawn_error(program, self.cwd.as_ref(), &e))?;
        let (to, from) = mpsc::channel();
        let mut pipes = Pipes {
            from,
            bytes: [Vec::new(), Vec::new()],
            overflow: false,
            open: 0,
            cap: self.max_output,
        };
        if let Some(s) = tree.child.stdout.take() {
            reader(0, s, to.clone());
            pipes.open += 1;
        }
        if let Some(s) = tree.child.stderr.take() {
            reader(1, s, to);
            pipes.open += 1;
        }
        let started = Instant::now();
        let status = loop {
            if let Some(signal) = interrupt::received() {
                tree.stop();
                let held = pipes.finish(false);
                return Err(interrupt::error(signal, &shown(argv), held));
            }
            match tree.child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() >= self.timeout => {
                    tree.kill();
                    break Err(());
                }
                Ok(None) => pipes.receive(Duration::from_millis(5)),
                Err(e) => {
                    tree.kill();
                    return Err(CliError::failed(
                        "local_command",
                        format!("Command failed: {} :: {e}", shown(argv)),
                    ));
                }
            }
        };
        let held = pipes.finish(true);
        if tracing::enabled!(tracing::Level::DEBUG) {
            let how = match &status {
                Ok(s) => s
                    .code()
                    .map_or_else(|| "killed".to_owned(), |c| format!("exit {c}")),
                Err(()) => "timed out".to_owned(),
            };
            tracing::debug!("run: {how} after {} ms", started.elapsed().as_millis());
        }
        drop(running);
        if let Some(signal) = interrupt::received() {
            // It finished, but the user asked to stop: nothing after it may run, and what is
            // left of its process group is stopped too.
            tree.kill();
            return Err(interrupt::error(signal, &shown(argv), held));
        }
        if held {
            crate::output::warn(&format!(
                "`{}` {}, but a process it started still holds its output open and may still be running; stopped reading its output",
                shown(argv),
                if status.is_ok() { "exited" } else { "was stopped" }
            ));
        }
        let [stdout, stderr] = std::mem::take(&mut pipes.bytes);
        let Ok(status) = status else {
            return Err(CliError::failed(
                "local_timeout",
                format!(
                    "Command timed out: {} (after {} s)",
                    shown(argv),
                    self.timeout.as_secs_f64()
                ),
            )
            .hint(
                "the process was stopped; check that the tool is not waiting for input or a lock",
            ));
        };
        if pipes.overflow {
            return Err(CliError::failed(
                "local_output_too_large",
                format!(
                    "Command {} printed more than {} MiB; refusing to read it",
                    shown(argv),
                    self.max_output / (1024 * 1024)
                ),
            ));
        }
        if !status.success() {
            let detail = String::from_utf8_lossy(&stderr).trim().to_owned();
            let detail = if detail.is_empty() {
                status.code().map_or_else(
                    || "killed by a signal".to_owned(),
                    |c| format!("exit status {c}"),
                )
            } else {
                detail
            };
            return Err(CliError::failed(
                "local_command",
                format!("Command failed: {} :: {detail}", shown(argv)),
            ));
        }
        String::from_utf8(stdout).map_err(|e| {
            CliError::failed(
                "local_output",
                format!(
                    "Command {} printed invalid UTF-8 (at byte {})",
                    shown(argv),
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    }
}

/// How long an interrupted provider gets to exit after SIGTERM (Windows: Ctrl-Break) before
/// its group (Windows: its job) is killed.
const INTERRUPT_GRACE: Duration = Duration::from_secs(1);

/// The provider's process and everything it started: its process group on Unix (the child
/// leads it), its job object on Windows.
struct Tree {
    child: Child,
    /// None when Windows refused the job (a parent job that forbids nesting, before Windows 8):
    /// then only the child itself can be ended.
    #[cfg(windows)]
    job: Option<super::job::Job>,
}

impl Tree {
    fn spawn(cmd: &mut Command) -> std::io::Result<Tree> {
        let child = cmd.spawn()?;
        Ok(Tree {
            #[cfg(windows)]
            job: super::job::Job::adopt(&child).ok(),
            child,
        })
    }

    /// After Ctrl-C / SIGTERM: SIGTERM to the child's process group (Windows: Ctrl-Break to its
    /// console process group), then, after at most [`INTERRUPT_GRACE`], [`Tree::kill`].
    fn stop(&mut self) {
        #[cfg(unix)]
        let asked = i32::try_from(self.child.id()).is_ok_and(|pid| {
            // SAFETY: kill(2) with a negative pid signals the process group we created at spawn.
            unsafe { libc::kill(-pid, libc::SIGTERM) == 0 }
        });
        #[cfg(windows)]
        // SAFETY: the group id is the child's pid (CREATE_NEW_PROCESS_GROUP at spawn); a child
        // without our console does not get the event, and the call fails harmlessly.
        let asked = unsafe {
            windows_sys::Win32::System::Console::GenerateConsoleCtrlEvent(
                windows_sys::Win32::System::Console::CTRL_BREAK_EVENT,
                self.child.id(),
            ) != 0
        };
        #[cfg(not(any(unix, windows)))]
        let asked = false;
        let deadline = Instant::now() + INTERRUPT_GRACE;
        while asked && Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.kill();
    }

    /// Kill the child's process group (Windows: terminate its job), so the child and anything
    /// it started, and reap the child.
    fn kill(&mut self) {
        #[cfg(unix)]
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group we created at spawn.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        #[cfg(windows)]
        if let Some(job) = &self.job {
            job.terminate();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Windows: whatever ends the run, the job is released, not closed with its kill on close (what
/// the provider left running lives on, as its process group does on Unix): [`Tree::kill`] has
/// already ended the tree where the runner meant to.
#[cfg(windows)]
impl Drop for Tree {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            job.release();
        }
    }
}

/// The program to start for `program`: on Windows, a name without an extension looked up in
/// `PATH` with each `PATHEXT` extension ([`with_pathext`]); elsewhere, and when nothing is
/// found, `program` as given (std's own lookup then reports it missing).
fn resolve(program: &str) -> PathBuf {
    #[cfg(windows)]
    {
        let dirs: Vec<PathBuf> =
            std::env::var_os("PATH").map_or_else(Vec::new, |p| std::env::split_paths(&p).collect());
        let exts = std::env::var("PATHEXT").unwrap_or_else(|_| DEFAULT_PATHEXT.to_owned());
        if let Some(found) = with_pathext(program, &dirs, &exts, &|p: &Path| p.is_file()) {
            return found;
        }
    }
    PathBuf::from(program)
}

/// `PATHEXT` when the environment has none (Windows' own default, minus the scripting hosts).
#[cfg_attr(not(windows), allow(dead_code))]
const DEFAULT_PATHEXT: &str = ".COM;.EXE;.BAT;.CMD";

/// What `cmd.exe` would run for `program` when it has no extension: in each of `dirs` in order
/// (or, for a path with a directory, there only), the first `program` + extension of `pathext`
/// (in its order) that `is_file`. None for a program with an extension or when nothing matches.
#[cfg_attr(not(windows), allow(dead_code))]
fn with_pathext(
    program: &str,
    dirs: &[PathBuf],
    pathext: &str,
    is_file: &dyn Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let path = Path::new(program);
    if program.is_empty() || path.extension().is_some() {
        return None;
    }
    let bases = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => vec![path.to_path_buf()],
        _ => dirs.iter().map(|d| d.join(path)).collect(),
    };
    let exts: Vec<String> = pathext
        .split(';')
        .map(str::trim)
        .filter(|e| e.len() > 1 && e.starts_with('.'))
        .map(str::to_ascii_lowercase)
        .collect();
    bases.into_iter().find_map(|base| {
        exts.iter().find_map(|ext| {
            let mut candidate = base.clone().into_os_string();
            candidate.push(ext);
            let candidate = PathBuf::from(candidate);
            is_file(&candidate).then_some(candidate)
        })
    })
}

fn spawn_error(program: &str, cwd: Option<&PathBuf>, e: &std::io::Error) -> CliError {
    match e.kind() {
        std::io::ErrorKind::NotFound if cwd.is_some_and(|d| !d.is_dir()) => CliError::failed(
            "local_cwd_missing",
            format!("the working directory {} (credential cwd) does not exist", cwd.map(|d| d.display().to_string()).unwrap_or_default()),
        )
        .hint("rebind with `--credential cwd=<existing directory>`"),
        std::io::ErrorKind::NotFound => CliError::failed("local_command_missing", format!("`{program}` was not found (looked up on PATH)"))
            .hint("install it, or point to it with `spec-kitty-tracker bind ... --credential command=/path/to/it`"),
        std::io::ErrorKind::PermissionDenied => CliError::failed("local_command_not_executable", format!("`{program}` is not executable"))
            .hint("check its permissions, or point to another with `--credential command=/path/to/it`"),
        _ => CliError::failed("local_command", format!("cannot run `{program}`: {}", crate::error::io_reason(e))),
    }
}

/// A runner that answers from a table of argv → stdout, for the connectors' unit tests.
/// Records every argv.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct ScriptedRunner {
    /// (argv prefix, stdout) in match order.
    pub script: Vec<(Vec<String>, Result<String, String>)>,
    /// Every argv run.
    pub log: std::cell::RefCell<Vec<Vec<String>>>,
}

#[cfg(test)]
impl CommandRunner for ScriptedRunner {
    fn run(&self, argv: &[String]) -> Result<String, CliError> {
        self.log.borrow_mut().push(argv.to_vec());
        for (prefix, answer) in &self.script {
            if argv.starts_with(prefix) {
                return answer.clone().map_err(|e| {
                    CliError::failed(
                        "local_command",
                        format!("Command failed: {} :: {e}", shown(argv)),
                    )
                });
            }
        }
        Err(CliError::failed(
            "local_command",
            format!("Command failed: {} :: no scripted answer", shown(argv)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn captures_stdout_and_reports_failures() {
        let r = SubprocessRunner::new(None);
        assert_eq!(r.run(&sh("echo hi")).expect("ok"), "hi\n");
        let err = r.run(&sh("echo boom >&2; exit 3")).expect_err("fails");
        assert_eq!(
            err.message,
            "Command failed: /bin/sh -c echo boom >&2; exit 3 :: boom"
        );
        let err = r
            .run(&["definitely-not-a-command-xyz".into()])
            .expect_err("missing");
        assert_eq!(err.code, "local_command_missing");
    }

    #[test]
    fn a_hanging_child_is_killed_at_the_timeout() {
        let r = SubprocessRunner {
            timeout: Duration::from_millis(200),
            ..SubprocessRunner::new(None)
        };
        let started = Instant::now();
        let err = r.run(&sh("sleep 30")).expect_err("timeout");
        assert_eq!(err.code, "local_timeout");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_is_capped() {
        let r = SubprocessRunner {
            max_output: 1000,
            ..SubprocessRunner::new(None)
        };
        let err = r.run(&sh("head -c 5000 /dev/zero")).expect_err("too large");
        assert_eq!(err.code, "local_output_too_large");
    }

    /// cmd.exe's rule, on plain names: per directory in PATH order, per extension in PATHEXT
    /// order; names with an extension and unknown programs are left to std.
    #[test]
    fn a_name_without_extension_is_looked_up_with_pathext() {
        let dirs = [PathBuf::from("a"), PathBuf::from("b")];
        let files = ["b/bd.exe", "a/bd.cmd", "b/fp.bat", "b/fp.cmd", "c/bd.bat"];
        let is_file = |p: &Path| files.iter().any(|f| Path::new(f) == p);
        let exts = ".COM;.EXE;.BAT;.CMD";
        let found = |program: &str| with_pathext(program, &dirs, exts, &is_file);
        assert_eq!(found("bd"), Some(PathBuf::from("a/bd.cmd")));
        assert_eq!(found("fp"), Some(PathBuf::from("b/fp.bat")));
        assert_eq!(found("c/bd"), Some(PathBuf::from("c/bd.bat")));
        assert_eq!(found("bd.exe"), None);
        assert_eq!(found("gone"), None);
        assert_eq!(
            with_pathext("fp", &dirs, ".CMD; ;EXE", &is_file),
            Some(PathBuf::from("b/fp.cmd"))
        );
    }

    #[test]
    fn arguments_are_never_interpreted_by_a_shell() {
        let r = SubprocessRunner::new(None);
        let out = r
            .run(&["echo".into(), "; rm -rf ~".into(), "$(id)".into()])
            .expect("echo");
        assert_eq!(out, "; rm -rf ~ $(id)\n");
    }
}
