//! The terminal beside the report: which standard streams are terminals, the stderr lines that
//! are not the result (warnings, notes, progress), a wait's spinner, and questions.

use super::{clean, long_values};
use crate::error::CliError;
use crate::term::{Progress, Terminal, HINT};
use std::io::{BufRead, IsTerminal, Write};

/// Which of stdin, stdout and stderr are terminals (looked at once, by `cli`).
pub fn terminal() -> Terminal {
    Terminal {
        stdin: std::io::stdin().is_terminal(),
        stdout: std::io::stdout().is_terminal(),
        stderr: std::io::stderr().is_terminal(),
    }
}

/// Print a `warning:` line on stderr.
pub fn warn(message: &str) {
    let _ = writeln!(
        anstream::stderr().lock(),
        "{HINT}warning:{HINT:#} {}",
        clean(&long_values::cut(message), true)
    );
}

/// Print a `note:` line on stderr (progress the user should know about, e.g. a wait).
pub fn note(message: &str) {
    let _ = writeln!(
        anstream::stderr().lock(),
        "{HINT}note:{HINT:#} {}",
        clean(&long_values::cut(message), true)
    );
}

/// A progress line on stderr (what the user does next, what is being waited for), control
/// characters made visible.
pub fn progress(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", clean(line, true));
}

/// How the layers below show a wait: [`note`] lines and a [`spinner`].
pub const PROGRESS: Progress = Progress { note, spinner };

/// A spinner on stderr with `message` and the time elapsed.
pub fn spinner(message: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Ask for one line on stderr, read it from stdin; the answer without surrounding blanks.
pub fn prompt(label: &str) -> std::io::Result<String> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{label}");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}

/// Ask for a password on the terminal, without echo.
pub fn password(label: &str) -> std::io::Result<String> {
    rpassword::prompt_password(label)
}

/// Ask a yes/no question on the terminal (default no); `true` for yes.
pub fn confirm(question: &str) -> Result<bool, CliError> {
    showing_the_cursor_if_killed(|| {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact_opt()
    })
    .map(|answer| answer == Some(true))
    .map_err(cannot_ask)
}

/// Offer `items` in a list on the terminal (the first highlighted); the chosen one's index, or
/// `None` when the user cancels.
pub fn select(prompt: &str, items: &[String]) -> Result<Option<usize>, CliError> {
    showing_the_cursor_if_killed(|| {
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact_opt()
    })
    .map_err(cannot_ask)
}

/// dialoguer hides the terminal's cursor while it asks and shows it again when it returns; a
/// Ctrl-C (or SIGTERM) meanwhile ended the process with the cursor still hidden, and the user's
/// shell went on without one. While `ask` runs, those signals first show the cursor on stderr
/// (the terminal dialoguer draws on), then end the process as they would have (exit 130/143).
#[cfg(unix)]
fn showing_the_cursor_if_killed<T>(ask: impl FnOnce() -> T) -> T {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let ids: Vec<_> = [SIGINT, SIGTERM]
        .into_iter()
        .filter_map(|sig| {
            // SAFETY: the handler calls only write(2) and signal-hook's default-action emulation,
            // both async-signal-safe.
            unsafe {
                signal_hook::low_level::register(sig, move || {
                    const SHOW: &[u8] = b"\x1b[?25h\n";
                    libc::write(2, SHOW.as_ptr().cast(), SHOW.len());
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                })
            }
            .ok()
        })
        .collect();
    let answer = ask();
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    answer
}

#[cfg(not(unix))]
fn showing_the_cursor_if_killed<T>(ask: impl FnOnce() -> T) -> T {
    ask()
}

fn cannot_ask(e: dialoguer::Error) -> CliError {
    CliError::failed("prompt", format!("cannot ask on the terminal: {e}"))
}
