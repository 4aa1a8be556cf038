//! The one error type of the CLI: a kind (→ exit code), a machine code, a message, hints and
//! optional details that `--json` shows (server envelope fields, file positions).

use serde_json::{Map, Value};
use std::fmt;

/// An I/O error's reason without the "(os error N)" noise.
///
/// On Windows the common reasons are worded as on Linux and macOS ("No such file or directory",
/// "Permission denied", "Connection refused"), so a message, its documentation and a script
/// matching it are the same on every platform; the others keep Windows' text (without its final
/// full stop, which would end our sentence twice).
pub fn io_reason(e: &std::io::Error) -> String {
    if cfg!(windows) && e.raw_os_error().is_some() {
        if let Some(posix) = posix_wording(e.kind()) {
            return posix.to_owned();
        }
    }
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => &s[..i],
        None => &s,
    };
    if cfg!(windows) {
        s.trim_end_matches('.')
    } else {
        s
    }
    .to_owned()
}

/// strerror(3)'s text (glibc and macOS agree) for the kinds of error users meet most.
fn posix_wording(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "No such file or directory",
        K::PermissionDenied => "Permission denied",
        K::AlreadyExists => "File exists",
        K::ConnectionRefused => "Connection refused",
        K::ConnectionReset => "Connection reset by peer",
        K::ConnectionAborted => "Software caused connection abort",
        K::TimedOut => "Connection timed out",
        K::AddrInUse => "Address already in use",
        K::NotADirectory => "Not a directory",
        K::IsADirectory => "Is a directory",
        K::DirectoryNotEmpty => "Directory not empty",
        K::ReadOnlyFilesystem => "Read-only file system",
        K::StorageFull => "No space left on device",
        K::BrokenPipe => "Broken pipe",
        _ => return None,
    })
}

/// What kind of failure, which decides the exit code (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The operation failed: server or provider error, partial failure, bad file. Exit 1.
    Failed,
    /// Usage error: bad or missing arguments. Exit 2.
    Usage,
    /// Not allowed here: hard-break, removed provider, feature flag off, not bound. Exit 3.
    NotAllowed,
    /// Authentication needed. Exit 4.
    Auth,
    /// Network failure or timeout. Exit 5.
    Network,
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM while waiting for the server or a local provider.
    /// Exit 130, as a shell reports 128 + SIGINT.
    Interrupted,
}

impl ErrorKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Failed => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotAllowed => 3,
            ErrorKind::Auth => 4,
            ErrorKind::Network => 5,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// A user-facing failure.
#[derive(Debug, Clone)]
pub struct CliError {
    /// Kind (exit code).
    pub kind: ErrorKind,
    /// Stable machine-readable code, e.g. `hard_break`, `not_bound`.
    pub code: String,
    /// What happened (may span lines).
    pub message: String,
    /// What to do next.
    pub hints: Vec<String>,
    /// Extra fields for the `--json` error object.
    pub details: Map<String, Value>,
}

impl CliError {
    /// A new error of `kind` with machine `code` and `message`.
    pub fn new(kind: ErrorKind, code: &str, message: impl Into<String>) -> Self {
        CliError {
            kind,
            code: code.to_owned(),
            message: message.into(),
            hints: Vec::new(),
            details: Map::new(),
        }
    }

    /// Exit 1 failure.
    pub fn failed(code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, code, message)
    }

    /// Exit 2 usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, "usage", message)
    }

    /// Exit 3 hard-break with a fixed guidance message.
    pub fn hard_break(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotAllowed, "hard_break", message)
    }

    /// Add a `hint:` line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Add a field to the `--json` error object.
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Add a `hint:` with this binary's equivalent of every `spec-kitty` command the message
    /// quotes (messages quoted word for word from the original name `spec-kitty auth login`,
    /// `spec-kitty tracker bind`, ...), unless a hint already names it.
    pub fn with_equivalent_hints(mut self) -> Self {
        for command in original_commands(&self.message) {
            let ours = format!("spec-kitty-tracker {command}");
            if self.hints.iter().any(|h| h.contains(&ours)) {
                continue;
            }
            let hint = match command.as_str() {
                "auth login" => format!("run `{ours}` (one login serves spec-kitty and spec-kitty-tracker)"),
                "bind" => format!("run `{ours} --provider <name> ...` (`spec-kitty-tracker providers` lists the names)"),
                _ => format!("run `{ours}`"),
            };
            self.hints.push(hint);
        }
        self
    }

    /// The `{"error": {...}}` document printed with `--json`.
    pub fn to_json(&self) -> Value {
        let mut obj = self.details.clone();
        obj.insert("code".into(), Value::String(self.code.clone()));
        obj.insert("message".into(), Value::String(self.message.clone()));
        obj.insert("exit_code".into(), Value::from(self.kind.exit_code()));
        if !self.hints.is_empty() {
            obj.insert("hints".into(), Value::from(self.hints.clone()));
        }
        let mut root = Map::new();
        root.insert("error".into(), Value::Object(obj));
        Value::Object(root)
    }
}

/// The commands of the original CLI quoted in `text`, without the program name:
/// "Run `spec-kitty auth login`" gives `auth login`, "Use `spec-kitty tracker sync push`" gives
/// `sync push`.
pub fn original_commands(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (prefix, group) in [("spec-kitty tracker ", ""), ("spec-kitty auth ", "auth ")] {
        for (at, _) in text.match_indices(prefix) {
            let words: String = text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == ' ' || *c == '-')
                .collect();
            let command = format!("{group}{}", words.trim_end());
            if !words.trim().is_empty() && !out.contains(&command) {
                out.push(command);
            }
        }
    }
    out
}

impl fmt::Display for CliError {
    /// `error: <message>` then one `hint: <hint>` line per hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oracle: the OS's own strerror text (Linux here; on Windows the mapping gives the same).
    #[test]
    fn io_reasons_read_as_strerror_says() {
        let missing = std::fs::File::open("/nonexistent/spec-kitty-tracker").expect_err("missing");
        assert_eq!(io_reason(&missing), "No such file or directory");
        assert_eq!(
            posix_wording(missing.kind()),
            Some(io_reason(&missing).as_str())
        );
        let plain = std::io::Error::other("a reason");
        assert_eq!(io_reason(&plain), "a reason");
    }

    #[test]
    fn json_error_object_has_code_message_and_exit_code() {
        let err = CliError::hard_break("nope").detail("provider", "linear");
        assert_eq!(
            err.to_json(),
            serde_json::json!({"error": {"code": "hard_break", "message": "nope", "exit_code": 3, "provider": "linear"}})
        );
    }

    #[test]
    fn quoted_original_commands_get_this_binarys_equivalent() {
        let err = CliError::failed(
            "x",
            "No valid access token. Run `spec-kitty auth login` to authenticate.",
        )
        .with_equivalent_hints();
        assert_eq!(
            err.hints,
            vec!["run `spec-kitty-tracker auth login` (one login serves spec-kitty and spec-kitty-tracker)"]
        );
        assert_eq!(
            original_commands(
                "Use `spec-kitty tracker sync push` to push; run 'spec-kitty tracker bind' first."
            ),
            vec!["sync push", "bind"]
        );
        assert!(original_commands("Not inside a spec-kitty project.").is_empty());
        assert!(original_commands("the `spec-kitty tracker` command group").is_empty());
        let already = CliError::failed("x", "Run `spec-kitty auth login`.")
            .hint("run `spec-kitty-tracker auth login` now")
            .with_equivalent_hints();
        assert_eq!(already.hints.len(), 1);
    }

    #[test]
    fn display_puts_hints_on_their_own_lines() {
        let err = CliError::failed("x", "broke").hint("fix it");
        assert_eq!(err.to_string(), "error: broke\nhint: fix it");
    }
}
