//! Ctrl-C and SIGTERM while a provider CLI runs.
//!
//! The provider runs in its own process group (so a timeout can stop what it started there),
//! which also means the terminal's SIGINT never reaches it. While a provider runs, SIGINT and
//! SIGTERM therefore only set a flag: the runner ends the provider's process group and the
//! command exits 130 with a message. At any other moment the signals keep their default action
//! (the process ends at once, as before). The handlers are installed the first time a provider
//! is started, so the SaaS path never sees them.
//!
//! Windows has no signals; the console's Ctrl-C and Ctrl-Break are the counterpart. The provider
//! is started in a new console process group (which ignores Ctrl-C, as a Unix process in
//! another group never gets the terminal's SIGINT) and its process tree in a job object
//! (`super::job`). A console control handler sets the same flag while a provider runs, and
//! leaves the event to the next handler (the default one ends the process) at any other
//! moment; closing the console, logging off and shutting down are always left to the default,
//! whose exit closes the job and so ends the provider's tree too.

use crate::error::{CliError, ErrorKind};
use crate::signals::Cancel;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// True while no provider runs: a signal then takes its default action.
static IDLE: AtomicBool = AtomicBool::new(true);
/// The last SIGINT/SIGTERM received while a provider ran (0: none); on Windows, `CTRL_C` or
/// `CTRL_BREAK`.
static RECEIVED: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Marks a provider as running until dropped.
#[derive(Debug)]
pub struct Running(());

impl Running {
    /// Install the handlers (once) and mark a provider as running.
    pub fn start() -> Running {
        install();
        IDLE.store(false, Ordering::SeqCst);
        Running(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        IDLE.store(true, Ordering::SeqCst);
    }
}

/// The signal received while a provider ran, if any (it stays set: the command must end).
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        n => i32::try_from(n).ok(),
    }
}

/// What the runner ends with the provider, and its short name: its process group (Unix), the
/// process tree in its job object (Windows).
#[cfg(not(windows))]
const TREE: [&str; 2] = ["process group", "group"];
/// What the runner ends with the provider, and its short name: its process group (Unix), the
/// process tree in its job object (Windows).
#[cfg(windows)]
const TREE: [&str; 2] = ["process tree", "tree"];

/// The error that ends the command after `signal` stopped `what`: exit 130. `held`: a pipe of
/// the provider was still open after its process group was stopped, so a process it started
/// outside the group (`setsid`) is still running; the message says so instead of claiming
/// everything was stopped.
pub fn error(signal: i32, what: &str, held: bool) -> CliError {
    let left = match held {
        true => format!(", but a process it started outside that {} still holds its output and may still be running", TREE[1]),
        false => String::new(),
    };
    CliError::new(
        ErrorKind::Interrupted,
        "interrupted",
        format!(
            "interrupted by {}: stopped `{what}` and its {}{left}; the cache was not changed",
            signal_name(signal),
            TREE[0]
        ),
    )
    .hint("provider commands that finished before the interruption may have taken effect; run the command again to complete the sync")
}

/// The name of a signal [`received`] (shared with the async waits: [`Cancel::name`]).
fn signal_name(signal: i32) -> &'static str {
    #[cfg(unix)]
    let cancel = match signal {
        libc::SIGTERM => Cancel::Terminate,
        _ => Cancel::Interrupt,
    };
    #[cfg(windows)]
    let cancel = match signal {
        CTRL_BREAK => Cancel::Break,
        _ => Cancel::Interrupt,
    };
    #[cfg(not(any(unix, windows)))]
    let cancel = {
        let _ = signal;
        Cancel::Interrupt
    };
    cancel.name()
}

/// Windows: [`received`] after Ctrl-C (the number of SIGINT in the C runtime).
#[cfg(windows)]
pub const CTRL_C: i32 = 2;
/// Windows: [`received`] after Ctrl-Break (SIGBREAK in the C runtime).
#[cfg(windows)]
pub const CTRL_BREAK: i32 = 21;

#[cfg(unix)]
fn install() {
    INSTALLED.get_or_init(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        [SIGINT, SIGTERM].into_iter().all(|sig| {
            // Registration order does not matter: the default action only runs while idle.
            signal_hook::flag::register_conditional_default(sig, &IDLE).is_ok()
                && usize::try_from(sig)
                    .is_ok_and(|n| signal_hook::flag::register_usize(sig, &RECEIVED, n).is_ok())
        })
    });
}

/// The console control handler: Ctrl-C and Ctrl-Break only set the flag while a provider runs
/// (TRUE: handled); otherwise, and for every other event, FALSE passes the event on to the next
/// handler, the last being the default one (ExitProcess).
#[cfg(windows)]
unsafe extern "system" fn on_console_event(event: u32) -> windows_sys::core::BOOL {
    use windows_sys::Win32::System::Console::{CTRL_BREAK_EVENT, CTRL_C_EVENT};
    let signal = match event {
        CTRL_C_EVENT => CTRL_C,
        CTRL_BREAK_EVENT => CTRL_BREAK,
        _ => return 0,
    };
    if IDLE.load(Ordering::SeqCst) {
        return 0;
    }
    RECEIVED.store(usize::try_from(signal).unwrap_or(1), Ordering::SeqCst);
    1
}

#[cfg(windows)]
fn install() {
    INSTALLED.get_or_init(|| {
        // SAFETY: registers a handler function that lives as long as the program and only
        // touches atomics (Windows calls it on a thread of its own).
        unsafe {
            windows_sys::Win32::System::Console::SetConsoleCtrlHandler(Some(on_console_event), 1)
                != 0
        }
    });
}

#[cfg(not(any(unix, windows)))]
fn install() {
    INSTALLED.get_or_init(|| false);
}
