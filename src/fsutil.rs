//! Atomic file replacement: write a temp file in the same directory, fsync, rename. A symbolic
//! link is followed: its target is replaced (the temp file is written next to the target), so
//! the link keeps working. Temp files that a killed process left behind are swept.
//!
//! On Windows the rename (std's `FileRenameInfoEx` with POSIX semantics, else `MoveFileExW`)
//! fails where POSIX's does not, and both cases are handled here:
//! - a **read-only** target (`FILE_ATTRIBUTE_READONLY`, what `attrib +r` or Explorer set) is
//!   refused with "access denied": its read-only attribute is cleared, the rename retried, and
//!   the new file made read-only again (`FileMode::Keep` keeps the attribute as it keeps a POSIX
//!   mode);
//! - a target **open in another process** without `FILE_SHARE_DELETE` (Python's `open()`, an
//!   editor, a virus scanner, the indexer) gives a sharing violation or "access denied": the
//!   rename is retried for up to [`REPLACE_RETRY`] (what such a reader needs to finish), then the
//!   error is reported and the temp file removed; the target is never left half-written.
//!
//! POSIX modes do not exist on Windows: `FileMode` is ignored there, except the read-only bit.
//! Secrets are protected by the directory they live in: under `%LOCALAPPDATA%` (the user's
//! profile, whose ACL grants only the user, SYSTEM and Administrators) new files inherit that
//! ACL. [`warn_if_loose`] and the session store's "unsafe permissions" check are POSIX-only, as
//! in spec-kitty-cli 3.2.7 (which skips them on Windows too).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Name prefix and suffix of our temp files (`.spec-kitty-tracker-XXXXXX.tmp`).
const TEMP_PREFIX: &str = ".spec-kitty-tracker-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temp file of ours older than this was left by a killed process (a write takes
/// milliseconds), so it may be removed.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(15 * 60);

/// The permissions the replaced file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// Keep the current file's mode; a new file gets this one.
    Keep(u32),
    /// Always exactly this mode (set on the temp file, before it becomes visible).
    Exactly(u32),
}

/// Replace `path` with `bytes` atomically. Readers see either the old or the new content, never
/// a mix. When `path` is a symbolic link, its final target is replaced instead (a link to a
/// missing file is refused).
pub fn atomic_write(path: &Path, bytes: &[u8], mode: FileMode) -> std::io::Result<()> {
    let target = resolve_link(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    sweep_stale_temps(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(temp_file_error)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.path(), &target, mode)?;
    persist(tmp, &target)?;
    sync_dir(dir);
    Ok(())
}

/// A temp file refused by a directory the user cannot write to: say so, or a user who finds
/// the file itself writable has nothing to go on.
fn temp_file_error(e: std::io::Error) -> std::io::Error {
    if e.kind() != std::io::ErrorKind::PermissionDenied {
        return e;
    }
    std::io::Error::new(
        e.kind(),
        format!(
            "{}: its directory is not writable (the file is replaced through a temporary file created beside it)",
            crate::error::io_reason(&e)
        ),
    )
}

/// How long a Windows rename is retried while another process has the target open.
pub const REPLACE_RETRY: Duration = Duration::from_secs(2);

#[cfg(not(windows))]
fn persist(tmp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    tmp.persist(target).map(drop).map_err(|e| e.error)
}

/// The Windows rename: read-only targets and targets open elsewhere (see the module docs).
#[cfg(windows)]
fn persist(mut tmp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    let was_read_only = std::fs::metadata(target).is_ok_and(|m| m.permissions().readonly());
    if was_read_only {
        set_read_only(target, false)?;
    }
    let deadline = std::time::Instant::now() + REPLACE_RETRY;
    let result = loop {
        match tmp.persist(target) {
            Ok(_) => break Ok(()),
            Err(e) if is_busy(&e.error) && std::time::Instant::now() < deadline => {
                tmp = e.file;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => break Err(e.error),
        }
    };
    if was_read_only {
        // The new file when the rename happened, else the old one: read-only again either way.
        let _ = set_read_only(target, true);
    }
    result
}

#[cfg(windows)]
fn set_read_only(path: &Path, read_only: bool) -> std::io::Result<()> {
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_readonly(read_only);
    std::fs::set_permissions(path, permissions)
}

/// Whether a Windows error means another process has the file open (sharing violation, lock
/// violation) or it is being deleted ("access denied" for a delete-pending name).
#[cfg(windows)]
pub fn is_busy(e: &std::io::Error) -> bool {
    const ERROR_ACCESS_DENIED: i32 = 5;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_LOCK_VIOLATION: i32 = 33;
    matches!(
        e.raw_os_error(),
        Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
    )
}

/// `path` itself, or the file its chain of symbolic links ends at.
fn resolve_link(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|e| {
            let to = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            std::io::Error::new(
                e.kind(),
                format!(
                    "it is a symbolic link to {to}, which cannot be followed ({})",
                    crate::error::io_reason(&e)
                ),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(unix)]
fn set_mode(tmp: &Path, target: &Path, mode: FileMode) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match mode {
        FileMode::Exactly(m) => m,
        FileMode::Keep(new_mode) => match std::fs::metadata(target) {
            Ok(meta) => meta.permissions().mode() & 0o7777,
            Err(_) => new_mode,
        },
    };
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode))
}

/// No POSIX modes here (see the module docs); the read-only bit is kept by [`persist`].
#[cfg(not(unix))]
fn set_mode(_tmp: &Path, _target: &Path, _mode: FileMode) -> std::io::Result<()> {
    Ok(())
}

/// Make the rename durable; failure here is not fatal (the rename itself happened). Windows
/// cannot open a directory as a file and needs no such step (NTFS journals the rename).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Remove the temp files a killed process of ours left in `dir`: only regular files (not
/// links or directories) named `.spec-kitty-tracker-*.tmp`, owned by this user and older than
/// [`STALE_TEMP_AGE`] (so a write in progress elsewhere is never touched). Errors are ignored.
pub fn sweep_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // DirEntry::metadata does not follow symbolic links.
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if meta.file_type().is_file() && old && owned_by_us(&meta) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn owned_by_us(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

/// Windows: the directory is the user's own (under `%LOCALAPPDATA%` or `SPEC_KITTY_HOME`), and
/// a file another user has open cannot be removed anyway (sharing violation, ignored).
#[cfg(not(unix))]
fn owned_by_us(_meta: &std::fs::Metadata) -> bool {
    true
}

/// Take an exclusive lock on the lock file `path` (created when missing, never truncated),
/// trying every `poll` for up to `wait`; `Ok(None)` when another process held it all along.
///
/// The lock is std's `File::try_lock`: `flock` on Linux and macOS (what Python's `filelock` and
/// `fcntl.flock` take), `LockFileEx` over the whole file on Windows, which conflicts with the
/// byte-0 `LockFileEx` of `filelock` and the `msvcrt.locking(fd, LK_NBLCK, 1)` of 3.2.7's own
/// locks (byte-range locks conflict when the ranges overlap).
///
/// On Windows the file is opened sharing read and write but not delete, like `filelock`'s: while
/// the handle is open nobody can unlink the name (`filelock` unlinks its lock file on release),
/// so the lock is on the live file. An open refused because another process is deleting the
/// name or has it open exclusively ("access denied", sharing violation) is retried like a held
/// lock, as `filelock` does; one still refused at the end of the wait is reported as the error.
pub fn lock_file(
    path: &Path,
    poll: Duration,
    wait: Duration,
) -> std::io::Result<Option<std::fs::File>> {
    lock_opened(path, || open_lock_file(path), poll, wait)
}

/// [`lock_file`]'s bounded wait for a lock on whatever `open` opens (`path` names it): a lock
/// file, or on Unix a directory, which `flock` locks like a file without creating anything.
pub fn lock_opened(
    path: &Path,
    open: impl Fn() -> std::io::Result<std::fs::File>,
    poll: Duration,
    wait: Duration,
) -> std::io::Result<Option<std::fs::File>> {
    #[cfg(not(windows))]
    let _ = path; // only Windows' busy-open retry looks at it
    let deadline = std::time::Instant::now() + wait;
    loop {
        let opened = open();
        let last_try = std::time::Instant::now() >= deadline;
        match opened {
            Ok(file) => match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) if last_try => return Ok(None),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            },
            #[cfg(windows)]
            Err(e) if is_busy(&e) && !last_try && !path.is_dir() => {}
            Err(e) => return Err(e),
        }
        std::thread::sleep(poll);
    }
}

/// Open (creating it when missing) a lock file the way every lock of this tool opens it.
pub fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    #[cfg(windows)]
    {
        const FILE_SHARE_READ: u32 = 1;
        const FILE_SHARE_WRITE: u32 = 2;
        std::os::windows::fs::OpenOptionsExt::share_mode(
            &mut options,
            FILE_SHARE_READ | FILE_SHARE_WRITE,
        );
    }
    options.open(path)
}

/// Warn when `path` grants group or others more than `mode` allows. Only a warning: a file is
/// never chmodded by a command that does not write it (it may be a link to a file that is not
/// ours); every write of a secret file sets its mode.
pub fn warn_if_loose(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let current = meta.permissions().mode() & 0o777;
        if current & 0o077 & !mode != 0 {
            crate::output::warn(&format!(
                "{0} is accessible to other users (mode {current:o}); restrict it with `chmod {mode:o} {0}` (the next login or bind does it)",
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// `path` as JSON gives it: absolute (`cwd` joined to a relative one), so a script can use it
/// from anywhere; text shows it with [`display_path`] (the `shown` template filter).
pub fn absolute_path(path: &Path, cwd: &Path) -> String {
    cwd.join(path).display().to_string()
}

/// `path` as shown to the user: relative to `cwd` when it lies below it, else as is.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_keeps_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.yaml");
        std::fs::write(&path, "old").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        }
        atomic_write(&path, b"new", FileMode::Keep(0o600)).expect("atomic");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        let leftovers = std::fs::read_dir(dir.path()).expect("ls").count();
        assert_eq!(leftovers, 1, "no temp file left behind");
    }

    /// Oracle: lstat() and read_link() from the OS.
    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("dir");
        let target = elsewhere.join("real.yaml");
        std::fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        atomic_write(&link, b"new", FileMode::Exactly(0o600)).expect("atomic");
        assert!(std::fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_link(&link).expect("readlink"), target);
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).expect("link");
        let err = atomic_write(&dangling, b"x", FileMode::Keep(0o644)).expect_err("dangling");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!dir.path().join("missing").exists());
    }

    #[test]
    fn new_files_get_the_requested_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("secret");
        atomic_write(&path, b"x", FileMode::Keep(0o600)).expect("atomic");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
