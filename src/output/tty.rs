//! The terminal beside the report: which standard streams are terminals, and the lines on
//! stderr that are not the result (warnings, notes, progress, a prompt).

use super::{clean, long_values};
use crate::term::{Terminal, HINT};
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
