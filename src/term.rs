//! The terminal, below every layer that talks to it: the control-character filter every printed
//! server or user value goes through, the `error:`/`hint:` styles, which streams are
//! terminals, and how a wait is shown. [`crate::output`], which writes, re-exports [`clean`]
//! and gives the [`Progress`] sinks.

pub mod long_values;

use std::borrow::Cow;

/// `text` with every terminal control character (Unicode `Cc`: C0, DEL, C1) replaced by its
/// visible escape (`\u{1b}`, `\n`); `keep_newlines` keeps line feeds of multi-line messages.
pub fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `error:` in bold red, on a terminal without NO_COLOR (anstream strips it otherwise).
pub const ERROR: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
/// `hint:` / `warning:` in bold yellow.
pub const HINT: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));

/// Which standard streams are terminals (found by `output::tty::terminal`; none by default,
/// as in tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    /// stdin is a terminal.
    pub stdin: bool,
    /// stdout is a terminal.
    pub stdout: bool,
    /// stderr is a terminal.
    pub stderr: bool,
}

impl Terminal {
    /// A question can be asked: stdin and stderr are terminals.
    pub fn interactive(self) -> bool {
        self.stdin && self.stderr
    }
}

/// How the layers below show a wait on a terminal (given by `crate::output::tty`).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// A `note:` line.
    pub note: fn(&str),
    /// A spinner on stderr showing its first message; the caller updates and clears it.
    pub spinner: fn(&str) -> indicatif::ProgressBar,
}
