//! The terminal as the layers below meet it: which standard streams are terminals, progress
//! lines while a login waits, and a line asked for on stderr.

use super::clean;
use crate::term::Terminal;
use std::io::{BufRead, IsTerminal, Write};

/// Which of stdin, stdout and stderr are terminals (looked at once, by `cli`).
pub fn terminal() -> Terminal {
    Terminal {
        stdin: std::io::stdin().is_terminal(),
        stdout: std::io::stdout().is_terminal(),
        stderr: std::io::stderr().is_terminal(),
    }
}

/// A progress line on stderr (what the user does next, what is being waited for), control
/// characters made visible.
pub fn progress(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", clean(line, true));
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
