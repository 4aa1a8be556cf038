//! Atomic file replacement: write a temp file in the same directory, fsync, rename. A symbolic
//! link is followed: its target is replaced (the temp file is written next to the target), so
//! the link keeps working. Temp files that a killed process left behind are swept.

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
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.path(), &target, mode)?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
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

#[cfg(not(unix))]
fn set_mode(_tmp: &Path, _target: &Path, _mode: FileMode) -> std::io::Result<()> {
    Ok(())
}

/// Make the rename durable; failure here is not fatal (the rename itself happened).
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

#[cfg(not(unix))]
fn owned_by_us(_meta: &std::fs::Metadata) -> bool {
    true
}

/// Open `path` for writing, creating it with `mode` if missing. An existing file (or the target
/// of a link) keeps its mode: nothing is chmodded.
pub fn open_or_create(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
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
