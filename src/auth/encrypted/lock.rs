//! The two locks of the 3.1+ store, compatible with spec-kitty-cli's own (see
//! [`crate::fsutil::lock_file`]: `flock` on POSIX, byte-range `LockFileEx` on Windows), taken in
//! the order `refresh.lock`, then `session.lock`, never unlinked.
//!
//! - `session.lock`: polled every 50 ms for up to 10 s, held around reading the raw file and
//!   around write-temp + rename.
//! - `refresh.lock`: polled every 100 ms for up to 10 s; the holder writes
//!   `{"host", "pid", "schema_version": 1, "started_at", "version"}` into it (what `auth doctor`
//!   shows) and truncates it on release.

use crate::fsutil::open_lock_file;
use std::fs::{File, TryLockError};
use std::io::{Seek, Write};
use std::path::Path;
use std::time::Duration;

/// How long either lock is waited for.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// A held lock; released (and, for `refresh.lock`, truncated) on drop.
#[derive(Debug)]
pub struct Held {
    file: File,
    truncate_on_release: bool,
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.truncate_on_release {
            let _ = self.file.set_len(0);
        }
        let _ = self.file.unlock();
    }
}

/// Why a lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process held it for the whole wait.
    Timeout,
    /// The file could not be opened or locked.
    Io(std::io::Error),
}

/// Take `session.lock`.
pub fn session_lock(path: &Path) -> Result<Held, LockError> {
    take(path, Duration::from_millis(50), LOCK_WAIT, false)
}

/// Take `refresh.lock` and write the holder record into it.
pub fn refresh_lock(path: &Path, wait: Duration) -> Result<Held, LockError> {
    let mut held = take(path, Duration::from_millis(100), wait, true)?;
    let record = serde_json::json!({
        "host": gethostname::gethostname().to_string_lossy(),
        "pid": std::process::id(),
        "schema_version": 1,
        "started_at": super::model::IsoTime::utc(jiff::Timestamp::now()).format(),
        "version": concat!("spec-kitty-tracker ", env!("CARGO_PKG_VERSION")),
    });
    let bytes = serde_json::to_vec(&record).unwrap_or_default();
    let file = &mut held.file;
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(&bytes))
        .and_then(|()| file.sync_all());
    written.map_err(LockError::Io)?;
    Ok(held)
}

/// Release a `refresh.lock` left by a holder that is gone (`auth doctor --unstick-lock`): take
/// the OS lock without waiting (a live holder keeps it: `Ok(false)`), re-read the record under
/// it and, when `still_stuck` says so, truncate the file to 0 bytes (never unlink it, as 3.2.7
/// does). `Ok(true)` when truncated.
pub fn release_stuck(path: &Path, still_stuck: impl Fn(&[u8]) -> bool) -> std::io::Result<bool> {
    if !path.exists() {
        return Ok(false);
    }
    let file = open_lock_file(path)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Ok(false),
        Err(TryLockError::Error(e)) => return Err(e),
    }
    let record = std::fs::read(path)?;
    let released = still_stuck(&record);
    if released {
        file.set_len(0)?;
    }
    let _ = file.unlock();
    Ok(released)
}

fn take(path: &Path, poll: Duration, wait: Duration, record: bool) -> Result<Held, LockError> {
    match crate::fsutil::lock_file(path, poll, wait) {
        Ok(Some(file)) => Ok(Held {
            file,
            truncate_on_release: record,
        }),
        Ok(None) => Err(LockError::Timeout),
        Err(e) => Err(LockError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_times_out_a_second_taker_and_the_record_is_cleared_on_release() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("refresh.lock");
        let held = refresh_lock(&path, LOCK_WAIT).expect("lock");
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("record");
        assert_eq!(record["pid"], std::process::id());
        assert_eq!(record["schema_version"], 1);
        assert!(matches!(
            refresh_lock(&path, Duration::from_millis(150)),
            Err(LockError::Timeout)
        ));
        drop(held);
        assert_eq!(std::fs::read(&path).expect("read").len(), 0);
        assert!(path.exists(), "never unlinked");
        drop(session_lock(&path).expect("free again"));
    }
}
