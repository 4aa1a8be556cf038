//! The shared credentials file `~/.spec-kitty/credentials` (TOML), also written by the Python
//! `spec-kitty`. Edits go through toml_edit so every table this tool does not touch stays
//! byte-for-byte; writes are atomic (0600 file in a 0700 directory) and happen under an
//! exclusive lock on `credentials.lock` with a bounded wait. A file that does not parse is
//! reported and never overwritten.

use crate::error::io_reason;
use crate::error::CliError;
use crate::fsutil::{atomic_write, lock_file, warn_if_loose, FileMode};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml_edit::{DocumentMut, Item, Table};

/// How long to wait for another process holding the lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The credentials file of a state root.
#[derive(Debug, Clone)]
pub struct CredentialsFile {
    /// `<root>/credentials`.
    pub path: PathBuf,
    /// `<root>/credentials.lock`.
    pub lock_path: PathBuf,
}

/// An exclusive lock on `credentials.lock`, released on drop.
#[derive(Debug)]
pub struct CredentialsLock {
    _file: File,
}

impl CredentialsFile {
    /// The credentials file under `state_root`.
    pub fn new(state_root: &Path) -> CredentialsFile {
        CredentialsFile {
            path: state_root.join("credentials"),
            lock_path: state_root.join("credentials.lock"),
        }
    }

    /// Read and parse the file (missing → empty document). No lock is needed to read: writers
    /// replace the file atomically.
    pub fn read(&self) -> Result<DocumentMut, CliError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(CliError::failed(
                    "credentials_read",
                    format!("cannot read {}: {}", self.path.display(), io_reason(&e)),
                ))
            }
        };
        warn_if_loose(&self.path, 0o600);
        text.parse::<DocumentMut>().map_err(|e| {
            CliError::failed(
                "credentials_parse",
                format!(
                    "cannot parse {}: {}",
                    self.path.display(),
                    e.message().trim_end()
                ),
            )
            .hint("fix or remove the file; it was not modified")
        })
    }

    /// Take the exclusive lock, waiting up to [`LOCK_WAIT`].
    pub fn lock(&self) -> Result<CredentialsLock, CliError> {
        self.ensure_dir()?;
        match lock_file(&self.lock_path, Duration::from_millis(25), LOCK_WAIT) {
            Ok(Some(file)) => Ok(CredentialsLock { _file: file }),
            Ok(None) => Err(CliError::failed(
                "credentials_locked",
                format!(
                    "another spec-kitty process holds {} (waited {} s)",
                    self.lock_path.display(),
                    LOCK_WAIT.as_secs()
                ),
            )
            .hint("wait for the other command to finish, then try again")),
            Err(e) => Err(self.io_error("lock", &self.lock_path, &e)),
        }
    }

    /// Under the lock: read, let `edit` change the document, write it back atomically if the
    /// text changed. Returns what `edit` returned.
    pub fn update<T>(
        &self,
        edit: impl FnOnce(&mut DocumentMut) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let _lock = self.lock()?;
        self.update_locked(edit)
    }

    /// Like [`CredentialsFile::update`] for a caller that already holds the lock.
    pub fn update_locked<T>(
        &self,
        edit: impl FnOnce(&mut DocumentMut) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let mut doc = self.read()?;
        let before = doc.to_string();
        let result = edit(&mut doc)?;
        let after = doc.to_string();
        if after != before {
            self.write(&after)?;
        }
        Ok(result)
    }

    fn write(&self, text: &str) -> Result<(), CliError> {
        self.ensure_dir()?;
        atomic_write(&self.path, text.as_bytes(), FileMode::Exactly(0o600))
            .map_err(|e| self.io_error("write", &self.path, &e))
    }

    fn ensure_dir(&self) -> Result<(), CliError> {
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| self.io_error("create", dir, &e))?;
            restrict(dir, 0o700);
        }
        Ok(())
    }

    fn io_error(&self, what: &str, path: &Path, e: &std::io::Error) -> CliError {
        CliError::failed(
            "credentials_write",
            format!("cannot {what} {}: {}", path.display(), io_reason(e)),
        )
    }
}

/// Set permissions (Unix); failures are ignored (e.g. a file owned by someone else).
fn restrict(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
    }
    // Windows has no POSIX modes: the inherited ACL of the user's profile protects the file
    // (see the `fsutil` module docs).
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// The `[tracker.providers.<provider>]` table, if present.
pub fn provider_table<'a>(doc: &'a DocumentMut, provider: &str) -> Option<&'a Table> {
    doc.get("tracker")?
        .get("providers")?
        .get(provider)?
        .as_table()
}

/// Local provider settings as key/value strings (non-string values are skipped).
pub fn provider_settings(doc: &DocumentMut, provider: &str) -> Vec<(String, String)> {
    provider_table(doc, provider)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.to_owned(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Replace `[tracker.providers.<provider>]` with `settings`.
pub fn set_provider(doc: &mut DocumentMut, provider: &str, settings: &[(String, String)]) {
    let tracker = implicit_table(doc.as_table_mut(), "tracker");
    let providers = implicit_table(tracker, "providers");
    let mut table = Table::new();
    for (k, v) in settings {
        table.insert(k, toml_edit::value(v.as_str()));
    }
    providers.insert(provider, Item::Table(table));
}

/// Set `settings` in `[tracker.providers.<provider>]`, keeping its other keys. A stored value
/// that differs is only replaced when `replace` is true. Returns the keys whose stored value
/// differs (replaced or not), so the caller can refuse without writing.
pub fn merge_provider(
    doc: &mut DocumentMut,
    provider: &str,
    settings: &[(String, String)],
    replace: bool,
) -> Vec<String> {
    let mut merged = provider_settings(doc, provider);
    let mut changed = Vec::new();
    for (key, value) in settings {
        match merged.iter_mut().find(|(k, _)| k == key) {
            Some((_, old)) if old == value => {}
            Some((_, old)) => {
                changed.push(key.clone());
                if replace {
                    old.clone_from(value);
                }
            }
            None => merged.push((key.clone(), value.clone())),
        }
    }
    if changed.is_empty() || replace {
        set_provider(doc, provider, &merged);
    }
    changed
}

/// Remove `[tracker.providers.<provider>]` (and the parent tables it leaves empty).
/// Returns whether a table was removed.
pub fn clear_provider(doc: &mut DocumentMut, provider: &str) -> bool {
    let Some(tracker) = doc.get_mut("tracker").and_then(Item::as_table_mut) else {
        return false;
    };
    let Some(providers) = tracker.get_mut("providers").and_then(Item::as_table_mut) else {
        return false;
    };
    let removed = providers.remove(provider).is_some();
    if providers.is_empty() {
        tracker.remove("providers");
    }
    if tracker.is_empty() {
        doc.remove("tracker");
    }
    removed
}

fn implicit_table<'a>(parent: &'a mut Table, key: &str) -> &'a mut Table {
    if !parent.get(key).is_some_and(Item::is_table) {
        let mut t = Table::new();
        t.set_implicit(true);
        parent.insert(key, Item::Table(t));
    }
    match parent.get_mut(key).and_then(Item::as_table_mut) {
        Some(t) => t,
        None => unreachable!("inserted above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOREIGN: &str = "# written by spec-kitty\n[tokens]\naccess = \"a\"  # keep me\nrefresh = \"r\"\n\n[user]\nusername = \"alice\"\n";

    #[test]
    fn provider_tables_round_trip_and_keep_foreign_tables() {
        let mut doc: DocumentMut = FOREIGN.parse().expect("toml");
        set_provider(
            &mut doc,
            "beads",
            &[
                ("command".into(), "bd".into()),
                ("cwd".into(), "/repo".into()),
            ],
        );
        let text = doc.to_string();
        assert!(text.starts_with(FOREIGN), "{text}");
        assert!(
            text.contains("[tracker.providers.beads]\ncommand = \"bd\"\ncwd = \"/repo\"\n"),
            "{text}"
        );
        assert!(!text.contains("[tracker]\n"), "{text}");
        assert_eq!(provider_settings(&doc, "beads").len(), 2);
        assert!(clear_provider(&mut doc, "beads"));
        assert_eq!(doc.to_string(), FOREIGN);
        assert!(!clear_provider(&mut doc, "beads"));
    }

    #[test]
    fn merging_keeps_other_keys_and_reports_changed_values() {
        let mut doc: DocumentMut = "[tracker.providers.beads]\ncommand = \"/a/bd\"\ncwd = \"/a\"\n"
            .parse()
            .expect("toml");
        let same = merge_provider(&mut doc, "beads", &[("cwd".into(), "/a".into())], false);
        assert!(same.is_empty());
        let added = merge_provider(&mut doc, "beads", &[("username".into(), "u".into())], false);
        assert!(added.is_empty());
        assert_eq!(provider_settings(&doc, "beads").len(), 3);
        let before = doc.to_string();
        let refused = merge_provider(
            &mut doc,
            "beads",
            &[
                ("command".into(), "/b/bd".into()),
                ("cwd".into(), "/a".into()),
            ],
            false,
        );
        assert_eq!(refused, vec!["command".to_owned()]);
        assert_eq!(doc.to_string(), before, "nothing changes without replace");
        merge_provider(
            &mut doc,
            "beads",
            &[("command".into(), "/b/bd".into())],
            true,
        );
        assert!(doc
            .to_string()
            .contains("command = \"/b/bd\"\ncwd = \"/a\"\nusername = \"u\""));
    }

    #[test]
    fn update_writes_0600_in_0700_dir_and_refuses_invalid_toml() {
        let home = tempfile::tempdir().expect("tempdir");
        let root = home.path().join("state");
        let file = CredentialsFile::new(&root);
        file.update(|doc| {
            set_provider(doc, "fp", &[("command".into(), "fp".into())]);
            Ok(())
        })
        .expect("update");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&file.path), 0o600);
            assert_eq!(mode(&root), 0o700);
            assert_eq!(mode(&file.lock_path), 0o600);
        }
        std::fs::write(&file.path, "not = [valid").expect("write");
        let err = file.update(|_| Ok(())).expect_err("invalid toml");
        assert_eq!(err.code, "credentials_parse");
        assert_eq!(
            std::fs::read_to_string(&file.path).expect("read"),
            "not = [valid"
        );
    }

    #[test]
    fn a_held_lock_blocks_a_second_locker() {
        let home = tempfile::tempdir().expect("tempdir");
        let file = CredentialsFile::new(home.path());
        let _held = file.lock().expect("first lock");
        let other = std::fs::OpenOptions::new()
            .write(true)
            .open(&file.lock_path)
            .expect("open");
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
    }
}
