//! Ctrl-C and SIGTERM while a provider CLI runs.
//!
//! The provider runs in its own process group (so a timeout can stop what it started there),
//! which also means the terminal's SIGINT never reaches it. While a provider runs, SIGINT and
//! SIGTERM therefore only set a flag: the runner ends the provider's process group and the
//! command exits 130 with a message. At any other moment the signals keep their default action
//! (the process ends at once, as before). The handlers are installed the first time a provider
//! is started, so the SaaS path never sees them.

use crate::error::{CliError, ErrorKind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// True while no provider runs: a signal then takes its default action.
static IDLE: AtomicBool = AtomicBool::new(true);
/// The last SIGINT/SIGTERM received while a provider ran (0: none).
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

/// The error that ends the command after `signal` stopped `what`: exit 130. `held`: a pipe of
/// the provider was still open after its process group was stopped, so a process it started
/// outside the group (`setsid`) is still running; the message says so instead of claiming
/// everything was stopped.
pub fn error(signal: i32, what: &str, held: bool) -> CliError {
    let left = match held {
        true => ", but a process it started outside that group still holds its output and may still be running",
        false => "",
    };
    CliError::new(
        ErrorKind::Interrupted,
        "interrupted",
        format!(
            "interrupted by {}: stopped `{what}` and its process group{left}; the cache was not changed",
            signal_name(signal)
        ),
    )
    .hint("provider commands that finished before the interruption may have taken effect; run the command again to complete the sync")
}

fn signal_name(signal: i32) -> &'static str {
    #[cfg(unix)]
    if signal == libc::SIGTERM {
        return "SIGTERM";
    }
    let _ = signal;
    "SIGINT"
}

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

#[cfg(not(unix))]
fn install() {
    INSTALLED.get_or_init(|| false);
}
