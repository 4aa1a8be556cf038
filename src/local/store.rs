//! The SQLite cache `~/.spec-kitty/trackers/<key>.db`, with the original's schema (so the
//! Python tool and this one can share it), WAL mode, a busy timeout, 0600 files and one
//! transaction per sync step. Issues deleted remotely are recorded in an extra table the
//! original ignores.

use super::model::{ExternalRef, IsoTime, Issue};
use crate::error::CliError;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, Transaction};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long to wait for another process's write lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The cache schema, created in one transaction so a kill never leaves half of it.
const SCHEMA: &str = "
BEGIN;
CREATE TABLE IF NOT EXISTS tracker_issues (identity TEXT PRIMARY KEY, system TEXT NOT NULL, workspace TEXT NOT NULL,
  issue_id TEXT NOT NULL, payload TEXT NOT NULL, updated_at TEXT);
CREATE TABLE IF NOT EXISTS tracker_checkpoints (checkpoint_key TEXT PRIMARY KEY, cursor TEXT, updated_since TEXT);
CREATE TABLE IF NOT EXISTS tracker_mappings (wp_id TEXT NOT NULL, system TEXT NOT NULL, workspace TEXT NOT NULL,
  external_id TEXT NOT NULL, external_key TEXT, external_url TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (wp_id, system), UNIQUE (system, workspace, external_id));
CREATE TABLE IF NOT EXISTS tracker_remote_deletions (identity TEXT PRIMARY KEY, detected_at TEXT NOT NULL);
COMMIT;
";

/// A mapping row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// Work package.
    pub wp_id: String,
    /// Provider.
    pub system: String,
    /// Workspace.
    pub workspace: String,
    /// Issue id.
    pub external_id: String,
    /// Issue key.
    pub external_key: Option<String>,
    /// Issue URL.
    pub external_url: Option<String>,
    /// First written.
    pub created_at: String,
    /// Last written.
    pub updated_at: String,
}

/// A stored checkpoint: `(cursor, updated_since)`.
pub type Checkpoint = (Option<String>, Option<String>);

/// An open cache.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// The database file.
    pub path: PathBuf,
    /// How long a lock is waited for (named in the "locked" error).
    busy: Duration,
}

/// `datetime.now(UTC).isoformat()`.
pub fn now_iso() -> String {
    IsoTime {
        ts: jiff::Timestamp::now(),
        offset: Some(0),
    }
    .format()
}

impl Store {
    /// Open (creating) the cache at `path`; `busy` is the lock wait.
    pub fn open(path: &Path, busy: Duration) -> Result<Store, CliError> {
        if let Some(dir) = path.parent() {
            if !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(path, &e))?;
                restrict(dir, 0o700);
            }
        }
        if !path.exists() {
            // Created 0600 up front; SQLite gives its -wal/-shm files the same mode.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            if let Err(e) = options.open(path) {
                if e.kind() != std::io::ErrorKind::AlreadyExists {
                    return Err(io_error(path, &e));
                }
            }
        }
        let conn = Connection::open(path).map_err(|e| db_error(path, busy, &e))?;
        conn.busy_timeout(busy)
            .map_err(|e| db_error(path, busy, &e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| db_error(path, busy, &e))?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| db_error(path, busy, &e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            busy,
        })
    }

    /// Cached issues of `system`, ordered by identity (payloads that cannot be read are skipped).
    pub fn list_issues(&self, system: &str) -> Result<Vec<Issue>, CliError> {
        let mut stmt = self
            .conn
            .prepare("SELECT payload FROM tracker_issues WHERE system = ?1 ORDER BY identity ASC")
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        let rows = stmt
            .query_map(params![system], |r| r.get::<_, String>(0))
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(issue) =
                Issue::from_payload(&row.map_err(|e| db_error(&self.path, self.busy, &e))?)
            {
                out.push(issue);
            }
        }
        Ok(out)
    }

    /// One cached issue.
    pub fn get_issue(&self, identity: &str) -> Result<Option<Issue>, CliError> {
        let payload: Option<String> = self
            .conn
            .query_row(
                "SELECT payload FROM tracker_issues WHERE identity = ?1",
                params![identity],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        Ok(payload.and_then(|p| Issue::from_payload(&p)))
    }

    /// Identities recorded as deleted remotely.
    pub fn deleted(&self) -> Result<Vec<String>, CliError> {
        let mut stmt = self
            .conn
            .prepare("SELECT identity FROM tracker_remote_deletions ORDER BY identity")
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// `(cursor, updated_since)` of a checkpoint.
    pub fn checkpoint(&self, key: &str) -> Result<Option<Checkpoint>, CliError> {
        self.conn
            .query_row(
                "SELECT cursor, updated_since FROM tracker_checkpoints WHERE checkpoint_key = ?1",
                params![key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Number of cached issues (all systems, as the original counts).
    pub fn issue_count(&self) -> Result<i64, CliError> {
        self.count("SELECT COUNT(*) FROM tracker_issues")
    }

    /// Number of mappings.
    pub fn mapping_count(&self) -> Result<i64, CliError> {
        self.count("SELECT COUNT(*) FROM tracker_mappings")
    }

    fn count(&self, sql: &str) -> Result<i64, CliError> {
        self.conn
            .query_row(sql, [], |r| r.get(0))
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Mappings ordered by wp_id, system.
    pub fn mappings(&self) -> Result<Vec<Mapping>, CliError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT wp_id, system, workspace, external_id, external_key, external_url, created_at, updated_at
                 FROM tracker_mappings ORDER BY wp_id, system",
            )
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        let rows = stmt
            .query_map([], row_to_mapping)
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// The mapping that already uses `(system, workspace, external_id)`, if any.
    pub fn mapping_for_external(
        &self,
        system: &str,
        workspace: &str,
        external_id: &str,
    ) -> Result<Option<Mapping>, CliError> {
        self.conn
            .query_row(
                "SELECT wp_id, system, workspace, external_id, external_key, external_url, created_at, updated_at
                 FROM tracker_mappings WHERE system = ?1 AND workspace = ?2 AND external_id = ?3",
                params![system, workspace, external_id],
                row_to_mapping,
            )
            .optional()
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Run `f` in one transaction: committed when it returns Ok, rolled back otherwise (and on
    /// a crash: SQLite keeps the previous state).
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let path = self.path.clone();
        let busy = self.busy;
        let tx = self
            .conn
            .transaction()
            .map_err(|e| db_error(&path, busy, &e))?;
        let wrapped = Tx {
            tx,
            path: path.clone(),
            busy,
        };
        let value = f(&wrapped)?;
        wrapped.tx.commit().map_err(|e| db_error(&path, busy, &e))?;
        Ok(value)
    }
}

/// Writes inside a transaction.
pub struct Tx<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    busy: Duration,
}

impl Tx<'_> {
    /// Insert or replace an issue row (`updated_at` is the time of the write, as the original).
    pub fn upsert_issue(&self, issue: &Issue) -> Result<(), CliError> {
        let r: &ExternalRef = &issue.reference;
        self.tx
            .execute(
                "INSERT INTO tracker_issues (identity, system, workspace, issue_id, payload, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(identity) DO UPDATE SET system = excluded.system, workspace = excluded.workspace,
                   issue_id = excluded.issue_id, payload = excluded.payload, updated_at = excluded.updated_at",
                params![r.identity(), r.system, r.workspace, r.id, issue.to_payload(), now_iso()],
            )
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        self.tx
            .execute(
                "DELETE FROM tracker_remote_deletions WHERE identity = ?1",
                params![r.identity()],
            )
            .map_err(|e| db_error(&self.path, self.busy, &e))?;
        Ok(())
    }

    /// Record that an issue no longer exists remotely (its cached row is kept).
    pub fn mark_deleted(&self, identity: &str) -> Result<(), CliError> {
        self.tx
            .execute(
                "INSERT INTO tracker_remote_deletions (identity, detected_at) VALUES (?1, ?2)
                 ON CONFLICT(identity) DO NOTHING",
                params![identity, now_iso()],
            )
            .map(|_| ())
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Save a checkpoint.
    pub fn save_checkpoint(
        &self,
        key: &str,
        cursor: Option<&str>,
        updated_since: Option<&str>,
    ) -> Result<(), CliError> {
        self.tx
            .execute(
                "INSERT INTO tracker_checkpoints (checkpoint_key, cursor, updated_since) VALUES (?1, ?2, ?3)
                 ON CONFLICT(checkpoint_key) DO UPDATE SET cursor = excluded.cursor, updated_since = excluded.updated_since",
                params![key, cursor, updated_since],
            )
            .map(|_| ())
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Insert or update a mapping (keyed by wp_id + system; created_at is kept).
    pub fn upsert_mapping(&self, m: &Mapping) -> Result<(), CliError> {
        self.tx
            .execute(
                "INSERT INTO tracker_mappings (wp_id, system, workspace, external_id, external_key, external_url, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(wp_id, system) DO UPDATE SET workspace = excluded.workspace, external_id = excluded.external_id,
                   external_key = excluded.external_key, external_url = excluded.external_url, updated_at = excluded.updated_at",
                params![m.wp_id, m.system, m.workspace, m.external_id, m.external_key, m.external_url, m.created_at, m.updated_at],
            )
            .map(|_| ())
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }

    /// Delete the mapping of `wp_id` for `system`.
    pub fn delete_mapping(&self, wp_id: &str, system: &str) -> Result<(), CliError> {
        self.tx
            .execute(
                "DELETE FROM tracker_mappings WHERE wp_id = ?1 AND system = ?2",
                params![wp_id, system],
            )
            .map(|_| ())
            .map_err(|e| db_error(&self.path, self.busy, &e))
    }
}

fn row_to_mapping(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mapping> {
    Ok(Mapping {
        wp_id: r.get(0)?,
        system: r.get(1)?,
        workspace: r.get(2)?,
        external_id: r.get(3)?,
        external_key: r.get(4)?,
        external_url: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// `5 s`, `1.5 s`, `300 ms`.
fn wait_text(wait: Duration) -> String {
    if wait.as_millis() < 1000 {
        format!("{} ms", wait.as_millis())
    } else {
        format!("{} s", wait.as_secs_f64())
    }
}

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

fn io_error(path: &Path, e: &std::io::Error) -> CliError {
    CliError::failed(
        "cache_io",
        format!(
            "cannot create the tracker cache {}: {}",
            path.display(),
            crate::error::io_reason(e)
        ),
    )
}

/// A clear error for a SQLite failure on the cache at `path` (`busy`: the lock wait used).
pub fn db_error(path: &Path, busy: Duration, e: &rusqlite::Error) -> CliError {
    let code = e.sqlite_error_code();
    match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => CliError::failed(
            "cache_locked",
            format!("the tracker cache {} is locked by another process (waited {})", path.display(), wait_text(busy)),
        )
        .hint("wait for the other spec-kitty command to finish, then try again"),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => CliError::failed(
            "cache_corrupt",
            format!("the tracker cache {} is not a valid SQLite database (it may be corrupt)", path.display()),
        )
        .hint(format!(
            "move it aside (mv {0} {0}.broken) and run `spec-kitty-tracker sync pull` to rebuild it; mappings stored in it must be added again",
            path.display()
        )),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => CliError::failed(
            "cache_io",
            format!("cannot write the tracker cache {}: {e}", path.display()),
        )
        .hint("check the permissions of the file and its directory"),
        _ => CliError::failed("cache", format!("tracker cache {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(id: &str) -> Issue {
        Issue::new(ExternalRef::new("beads", "ws", id), &format!("Issue {id}"))
    }

    #[test]
    fn round_trip_rows_checkpoints_and_mappings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("trackers/x.db");
        let mut store = Store::open(&path, BUSY_TIMEOUT).expect("open");
        store
            .transaction(|tx| {
                tx.upsert_issue(&issue("b"))?;
                tx.upsert_issue(&issue("a"))?;
                tx.save_checkpoint("beads:ws", None, Some("2026-01-01T00:00:00+00:00"))
            })
            .expect("tx");
        let ids: Vec<String> = store
            .list_issues("beads")
            .expect("list")
            .into_iter()
            .map(|i| i.reference.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(
            store.checkpoint("beads:ws").expect("cp"),
            Some((None, Some("2026-01-01T00:00:00+00:00".into())))
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn a_failed_transaction_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("x.db"), BUSY_TIMEOUT).expect("open");
        let result: Result<(), CliError> = store.transaction(|tx| {
            tx.upsert_issue(&issue("a"))?;
            Err(CliError::failed("boom", "stop"))
        });
        assert!(result.is_err());
        assert_eq!(store.issue_count().expect("count"), 0);
    }

    #[test]
    fn a_corrupt_file_is_a_clear_error_and_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.db");
        std::fs::write(&path, vec![7u8; 4096]).expect("write");
        let err = Store::open(&path, BUSY_TIMEOUT).expect_err("corrupt");
        assert_eq!(err.code, "cache_corrupt");
        assert!(err.hints[0].contains("rebuild"));
        assert_eq!(std::fs::read(&path).expect("kept"), vec![7u8; 4096]);
    }
}
