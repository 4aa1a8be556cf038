//! `.kittify/config.yaml` (SPEC §4): reading the `tracker:` binding and writing it back
//! losslessly and atomically.
//!
//! Every writer of the file (`bind`, `unbind`, the identity written by a bind by discovery)
//! takes the project's config lock, an OS lock on the `.kittify` directory (see [`lock_path`]),
//! and reads the file again under it, so that two commands running at once in one project
//! cannot lose each other's edit, and concurrent binds all send the project identity that ends
//! up on disk. The lock is held for the read-edit-write only: never across a terminal prompt or
//! a server round-trip (see [`crate::commands::bind_discovery`]).

pub mod edit;
pub mod identity;
pub mod tracker;

use crate::error::{io_reason, CliError};
use crate::fsutil::{atomic_write, display_path, lock_opened, FileMode};
use edit::{EditError, TrackerBlock};
use std::path::{Path, PathBuf};
use std::time::Duration;
pub use tracker::{Egress, OwnershipSource, SaasBinding, TrackerConfig};
use yaml_serde::Value;

/// The default ownership mode.
pub const DEFAULT_MODE: &str = "external_authoritative";

/// The project configuration file and its parsed content.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Path of `.kittify/config.yaml`.
    pub path: PathBuf,
    /// The path as shown in messages (relative to the working directory when below it).
    pub shown: String,
    /// File text (empty when the file does not exist).
    pub text: String,
    /// Parsed document (`Null` when missing or empty).
    pub doc: Value,
}

/// How long a writer of `.kittify/config.yaml` waits for another one to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Path of the config file inside a project root.
pub fn config_path(root: &Path) -> PathBuf {
    root.join(".kittify").join("config.yaml")
}

/// What the config lock locks. On Unix the `.kittify` directory itself (`flock` locks a
/// directory like a file), so nothing is created in the user's project and nothing shows in
/// `git status`. On Windows, where a directory cannot be locked, the file
/// `.kittify/config.yaml.lock` beside the config (a name spec-kitty 3.2.7 neither reads nor
/// writes; it opens `config.yaml` by its exact name).
pub fn lock_path(root: &Path) -> PathBuf {
    let dir = root.join(".kittify");
    if cfg!(unix) {
        dir
    } else {
        dir.join("config.yaml.lock")
    }
}

/// Open [`lock_path`] for locking: the directory read-only on Unix, the lock file elsewhere.
fn open_lock(path: &Path) -> std::io::Result<std::fs::File> {
    if cfg!(unix) {
        std::fs::File::open(path)
    } else {
        crate::fsutil::open_lock_file(path)
    }
}

/// The project's config lock, held until dropped.
#[derive(Debug)]
pub struct ConfigLock {
    _file: std::fs::File,
}

impl ConfigFile {
    /// Take the project's config lock (an OS lock on [`lock_path`]: `flock` of the `.kittify`
    /// directory on Linux and macOS, `LockFileEx` of the lock file on Windows, released when
    /// the process ends however it ends), waiting up to [`LOCK_WAIT`], then read the file. Edits of the returned file made while the lock is held
    /// cannot race another writer of this tool.
    pub fn locked(root: &Path, cwd: &Path) -> Result<(ConfigLock, ConfigFile), CliError> {
        let path = lock_path(root);
        let shown = display_path(&path, cwd);
        let opened = std::fs::create_dir_all(root.join(".kittify")).and_then(|()| {
            lock_opened(
                &path,
                || open_lock(&path),
                Duration::from_millis(20),
                LOCK_WAIT,
            )
        });
        let file = match opened {
            Ok(Some(file)) => file,
            Ok(None) => {
                return Err(CliError::failed(
                    "config_locked",
                    format!(
                        "another spec-kitty-tracker command is changing this project's configuration: {shown} stayed locked for {} s",
                        LOCK_WAIT.as_secs()
                    ),
                )
                .hint("wait for the other bind or unbind to finish (or stop it), then try again; the configuration was not modified")
                .detail("path", shown))
            }
            Err(e) => {
                return Err(CliError::failed(
                    "config_lock",
                    format!("cannot lock {shown}: {}", io_reason(&e)),
                )
                .hint("the configuration was not modified")
                .detail("path", shown))
            }
        };
        let config = ConfigFile::load(root, cwd)?;
        Ok((ConfigLock { _file: file }, config))
    }

    /// Read and parse the file. A missing file is an empty document; a file that does not
    /// parse is an error with file:line:col.
    pub fn load(root: &Path, cwd: &Path) -> Result<ConfigFile, CliError> {
        let path = config_path(root);
        let shown = display_path(&path, cwd);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                CliError::failed(
                    "config_parse",
                    format!(
                        "cannot parse {shown}: invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    ),
                )
                .hint("fix the file; it was not modified")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(CliError::failed(
                    "config_read",
                    format!("cannot read {shown}: {}", io_reason(&e)),
                ))
            }
        };
        let doc = parse(&shown, &text)?;
        Ok(ConfigFile {
            path,
            shown,
            text,
            doc,
        })
    }

    /// The tracker binding, read tolerantly (the 3.2 layout and the 3.0 one).
    pub fn tracker(&self) -> TrackerConfig {
        TrackerConfig::from_value(self.doc.get("tracker"))
    }

    /// Write `block` as the tracker section, keeping every other byte.
    pub fn save_tracker(&self, block: &TrackerBlock) -> Result<(), CliError> {
        let new_text =
            edit::set_tracker(&self.text, &self.doc, block).map_err(|e| self.edit_error(e))?;
        self.write(&new_text)
    }

    /// Remove the tracker section, keeping every other byte; a recorded `egress` stays, alone
    /// in the section (3.2's `unbind`). Returns whether there was a section.
    pub fn remove_tracker(&self) -> Result<bool, CliError> {
        let edited = match self.tracker().egress {
            Some(egress) if self.doc.get("tracker").is_some_and(Value::is_mapping) => {
                Some(edit::keep_only_egress(&self.text, &self.doc, &egress))
            }
            _ => edit::remove_tracker(&self.text, &self.doc).transpose(),
        };
        match edited.transpose().map_err(|e| self.edit_error(e))? {
            Some(new_text) => {
                if new_text != self.text {
                    self.write(&new_text)?;
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn write(&self, text: &str) -> Result<(), CliError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| write_error(&self.shown, &e))?;
        }
        atomic_write(&self.path, text.as_bytes(), FileMode::Keep(0o644))
            .map_err(|e| write_error(&self.shown, &e))
    }

    fn edit_error(&self, e: EditError) -> CliError {
        CliError::failed("config_edit", format!("cannot update {}: {e}", self.shown))
            .hint("the file was not modified; edit its tracker: section by hand")
    }
}

fn write_error(shown: &str, e: &std::io::Error) -> CliError {
    CliError::failed(
        "config_write",
        format!("cannot write {shown}: {}", io_reason(e)),
    )
    .hint("the file was not modified")
}

fn parse(shown: &str, text: &str) -> Result<Value, CliError> {
    // A byte order mark is not content (YAML 1.2 §5.2); the parser would take it for one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_empty_document(text) {
        return Ok(Value::Null);
    }
    yaml_serde::from_str(text).map_err(|e| {
        let (mut pos, mut line, mut column) = match e.location() {
            Some(l) => (
                format!(":{}:{}", l.line(), l.column()),
                l.line(),
                l.column(),
            ),
            None => (String::new(), 0, 0),
        };
        let mut reason = e.to_string();
        if let Some(i) = reason.find(" at line ") {
            reason.truncate(i);
        }
        // A document-end marker with more after it: name the marker, not "more than one
        // document" alone.
        let end = text.lines().position(|l| is_marker(l.trim_end(), "..."));
        if let (true, Some(n)) = (reason.contains("more than one document"), end) {
            (pos, line, column) = (format!(":{}:1", n + 1), n + 1, 1);
            reason = format!(
                "the document-end marker `...` on line {} is followed by more YAML (a second document); keep one document: remove the marker or what follows it",
                n + 1
            );
        }
        CliError::failed(
            "config_parse",
            format!("cannot parse {shown}{pos}: {reason}"),
        )
        .hint("fix the file; it was not modified")
        .detail("path", shown)
        .detail("line", line)
        .detail("column", column)
    })
}

/// Nothing but blank lines, comments and document markers (`---`, `...`): an empty document,
/// as PyYAML reads it (the parser refuses a lone `...`).
fn is_empty_document(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || is_marker(l, "...") || is_marker(l, "---"))
}

/// Whether `line` (trimmed at its end) is the document marker `marker`, alone or before a
/// comment.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker).is_some_and(|rest| {
        rest.is_empty() || rest.starts_with([' ', '\t']) && rest.trim_start().starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker_of(yaml: &str) -> TrackerConfig {
        let doc: Value = if yaml.trim().is_empty() {
            Value::Null
        } else {
            yaml_serde::from_str(yaml).expect("yaml")
        };
        ConfigFile {
            path: PathBuf::from("x"),
            shown: "x".into(),
            text: yaml.into(),
            doc,
        }
        .tracker()
    }

    #[test]
    fn tolerant_reading() {
        let t = tracker_of("tracker:\n  provider: ' Linear '\n  project_slug: '  s  '\n  workspace: ' '\n  extra: 1\n");
        assert_eq!(t.provider.as_deref(), Some("Linear"));
        assert_eq!(t.project_slug.as_deref(), Some("s"));
        assert_eq!(t.workspace, None);
        assert_eq!(t.ownership_mode, DEFAULT_MODE);
        assert_eq!(tracker_of("tracker: [1, 2]\n").provider, None);
        assert_eq!(tracker_of("tracker: text\n").provider, None);
        assert_eq!(tracker_of("").provider, None);
        assert_eq!(
            tracker_of("tracker:\n  provider: 123\n")
                .provider
                .as_deref(),
            Some("123")
        );
        let t = tracker_of("tracker:\n  provider: beads\n  doctrine:\n    mode: Split_Ownership\n    field_owners: {title: local, body: ' '}\n");
        assert_eq!(t.ownership_mode, "split_ownership");
        assert_eq!(t.field_owners.len(), 1);
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let err = parse("/p/.kittify/config.yaml", "a: 1\nb: [\n").expect_err("bad yaml");
        assert!(
            err.message
                .starts_with("cannot parse /p/.kittify/config.yaml:"),
            "{}",
            err.message
        );
        assert!(err.details.contains_key("line"));
        let tabs = parse("c.yaml", "a:\n\tb: 1\n").expect_err("tabs");
        assert!(tabs.message.contains("c.yaml:2:"), "{}", tabs.message);
    }

    /// Red-team 2 item 7. Oracle: YAML 1.2 §9.1.2 (`...` ends a document; a stream may hold
    /// several) and PyYAML's `safe_load`, which reads a file ending with the marker, or holding
    /// nothing but markers and comments, as that one (possibly empty) document and refuses a
    /// second document after the marker.
    #[test]
    fn a_document_end_marker_is_accepted_and_named_when_more_follows() {
        let one = serde_json::json!({"tracker": {"provider": "beads"}});
        for text in [
            "tracker:\n  provider: beads\n...\n",
            "tracker:\n  provider: beads\n...",
            "---\ntracker:\n  provider: beads\n...\n\n# end\n",
            "tracker:\n  provider: beads\n... # end\n",
        ] {
            let v = parse("c.yaml", text).unwrap_or_else(|e| panic!("{text:?}: {}", e.message));
            assert_eq!(serde_json::to_value(&v).expect("json"), one, "{text:?}");
        }
        for text in [
            "...\n",
            "---\n...\n",
            "# only a comment\n...\n",
            "--- # c\n... # c\n",
        ] {
            assert_eq!(parse("c.yaml", text).expect(text), Value::Null, "{text:?}");
        }
        for (text, line) in [("a: 1\n...\nb: 2\n", 2), ("a: 1\n\n...\n---\nb: 2\n", 3)] {
            let err = parse("c.yaml", text).expect_err(text);
            assert_eq!(
                err.message,
                format!("cannot parse c.yaml:{line}:1: the document-end marker `...` on line {line} is followed by more YAML (a second document); keep one document: remove the marker or what follows it")
            );
        }
    }
}
