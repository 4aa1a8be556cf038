//! The signals that ask a long wait to stop, and their names.
//!
//! [`first_cancel`] is the one way an async wait (the OAuth login, the polling of an operation)
//! learns that the user or the system wants the command to end: SIGINT (Ctrl-C) and SIGTERM
//! (what `kill`, timeout(1), systemd and CI runners send) on Unix; Ctrl-C and Ctrl-Break on
//! Windows. Every such wait therefore ends the same way, with exit 130 (README "Exit codes").
//! The local provider runs keep their own synchronous handlers ([`crate::local::interrupt`])
//! and only share the names ([`Cancel::name`]). This module imports nothing from the crate.

/// A signal asking the command to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// SIGINT on Unix, Ctrl-C on Windows: what pressing Ctrl-C sends.
    Interrupt,
    /// SIGTERM (Unix).
    Terminate,
    /// Ctrl-Break (Windows).
    Break,
}

impl Cancel {
    /// The signal's name: SIGINT, SIGTERM; on Windows Ctrl-C, Ctrl-Break.
    pub fn name(self) -> &'static str {
        match self {
            Cancel::Interrupt if cfg!(windows) => "Ctrl-C",
            Cancel::Interrupt => "SIGINT",
            Cancel::Terminate => "SIGTERM",
            Cancel::Break => "Ctrl-Break",
        }
    }

    /// What a message adds after "cancelled" / "interrupted": nothing for Ctrl-C (what the user
    /// just pressed), otherwise " by " and the name.
    pub fn by(self) -> String {
        match self {
            Cancel::Interrupt => String::new(),
            other => format!(" by {}", other.name()),
        }
    }
}

/// Resolves at the first cancel signal, with which one. The handlers are installed at once, in
/// the calling tokio runtime (a signal arriving before the first poll counts); one that cannot
/// be installed never resolves. Dropping the wait this is raced against is how it stops.
///
/// As with `tokio::signal`, once installed a handler stays for the life of the process.
pub fn first_cancel() -> impl std::future::Future<Output = Cancel> {
    #[cfg(unix)]
    let (first, second, other) = {
        use tokio::signal::unix::{signal, SignalKind};
        let (interrupt, terminate) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        (
            async move { interrupt.ok()?.recv().await },
            async move { terminate.ok()?.recv().await },
            Cancel::Terminate,
        )
    };
    #[cfg(windows)]
    let (first, second, other) = {
        use tokio::signal::windows::{ctrl_break, ctrl_c};
        let (interrupt, brk) = (ctrl_c(), ctrl_break());
        (
            async move { interrupt.ok()?.recv().await },
            async move { brk.ok()?.recv().await },
            Cancel::Break,
        )
    };
    #[cfg(not(any(unix, windows)))]
    let (first, second, other) = (
        std::future::pending::<Option<()>>(),
        std::future::pending::<Option<()>>(),
        Cancel::Terminate,
    );
    async move {
        // A handler that could not be installed, or whose stream ended, drops out.
        tokio::select! {
            Some(()) = first => Cancel::Interrupt,
            Some(()) = second => other,
            else => std::future::pending().await,
        }
    }
}
