//! `sync pull --all --json`: one document merged from every page, streamed.
//!
//! Blocks of items and each page's `item_errors` are formatted as they arrive into two unlinked
//! temp files (memory stays at a block), counted against a size cap. At the end the document is
//! written member by member in key order: the keys are ours and every server value is written
//! as a value, so nothing a server sends can take the place of a member or of the items.

use jsonfmt::Formatter;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// Most bytes the two spools may hold (`SPEC_KITTY_TRACKER_MAX_SPOOL_BYTES` overrides it).
pub const MAX_SPOOL_BYTES: u64 = 1 << 30;

/// Why a page could not be added.
#[derive(Debug)]
pub enum SpoolError {
    /// The temp file failed.
    Io(io::Error),
    /// The spools would pass the cap (the cap, in bytes).
    Full(u64),
}

/// A writer that counts what passes and refuses to pass `limit` bytes.
struct Capped<'a> {
    inner: &'a mut BufWriter<File>,
    written: &'a mut u64,
    limit: u64,
    full: bool,
}

impl Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if *self.written + buf.len() as u64 > self.limit {
            self.full = true;
            return Err(io::Error::other("spool cap reached"));
        }
        let n = self.inner.write(buf)?;
        *self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Array elements formatted into an unlinked temp file, 4 spaces deep.
struct Spool {
    file: BufWriter<File>,
    count: u64,
}

impl Spool {
    fn new() -> io::Result<Spool> {
        Ok(Spool {
            file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            count: 0,
        })
    }

    /// The spooled elements, ready to be read from the start (`None`: there are none).
    fn into_file(self) -> io::Result<Option<File>> {
        if self.count == 0 {
            return Ok(None);
        }
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(Some(file))
    }
}

/// Copy the spooled elements `file` (as the inside of an array 2 spaces deep) to `out`; when
/// `out` writes to stdout (`to_stdout`), the kernel copies the spool there.
fn write_array(file: Option<&File>, out: &mut dyn Write, to_stdout: bool) -> io::Result<()> {
    let Some(mut file) = file else {
        return out.write_all(b"[]");
    };
    out.write_all(b"[")?;
    let copied = to_stdout && {
        out.flush()?;
        send_to_stdout(file)?
    };
    if !copied {
        io::copy(&mut file, out)?;
    }
    out.write_all(b"\n  ]")
}

/// Copy `file` from its current offset to its end into stdout with `sendfile(2)`: no copy
/// through this process, which matters for the spool of a large pull (std's `io::copy` reads
/// and writes when the output is a pipe, since a spliced file could still change under the
/// reader; the spool is ours and no longer written). `false` when the kernel cannot, before
/// anything was copied (then the caller copies).
#[cfg(target_os = "linux")]
fn send_to_stdout(file: &File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    let mut sent = 0usize;
    loop {
        // SAFETY: both descriptors are open for the call (stdout and the borrowed file); a null
        // offset makes the kernel use and move the file's own offset.
        let n = unsafe {
            libc::sendfile(
                libc::STDOUT_FILENO,
                file.as_raw_fd(),
                std::ptr::null_mut(),
                1 << 30,
            )
        };
        match n {
            0 => return Ok(true),
            n if n > 0 => sent += n as usize,
            _ => {
                let e = io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::EINTR) => {}
                    Some(libc::EINVAL | libc::ENOSYS) if sent == 0 => return Ok(false),
                    _ => return Err(e),
                }
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn send_to_stdout(_file: &File) -> io::Result<bool> {
    Ok(false)
}

/// The pages of a pull merged into one document.
pub struct MergedPull {
    items: Spool,
    item_errors: Spool,
    written: u64,
    limit: u64,
}

impl MergedPull {
    /// An empty merge whose spools may hold `limit` bytes.
    pub fn new(limit: u64) -> io::Result<MergedPull> {
        Ok(MergedPull {
            items: Spool::new()?,
            item_errors: Spool::new()?,
            written: 0,
            limit,
        })
    }

    /// Add one page's `items` and `item_errors` (JSON arrays as received; absent: none).
    pub fn add(
        &mut self,
        items: Option<&[u8]>,
        item_errors: Option<&[u8]>,
    ) -> Result<(), SpoolError> {
        for (spool, array) in [
            (&mut self.items, items),
            (&mut self.item_errors, item_errors),
        ] {
            let Some(array) = array.filter(|a| a.first() == Some(&b'[')) else {
                continue;
            };
            let mut capped = Capped {
                inner: &mut spool.file,
                written: &mut self.written,
                limit: self.limit,
                full: false,
            };
            let mut f = Formatter::new(&mut capped);
            let added = f
                .elements(array, 4, spool.count == 0)
                .and_then(|n| f.finish().map(|()| n));
            match added {
                Ok(n) => spool.count += n,
                Err(_) if capped.full => return Err(SpoolError::Full(self.limit)),
                Err(e) => return Err(SpoolError::Io(e)),
            }
        }
        Ok(())
    }

    /// Stop adding: the spools are made ready to be read (their failures are the spool's, not
    /// the output's).
    /// The spools complete, beside the document's other `members` (raw JSON values under
    /// their keys: ours, and those carried from the first page).
    pub fn finish(self, members: BTreeMap<String, Vec<u8>>) -> io::Result<FinishedPull> {
        Ok(FinishedPull {
            items: self.items.into_file()?,
            item_errors: self.item_errors.into_file()?,
            members,
        })
    }
}

/// A merge whose spools are complete.
#[derive(Debug)]
pub struct FinishedPull {
    items: Option<File>,
    item_errors: Option<File>,
    members: BTreeMap<String, Vec<u8>>,
}

impl FinishedPull {
    /// Write the merged document and a newline: the members and the spooled `items` and
    /// `item_errors`, all in key order (once: the spools are read to their end).
    /// `to_stdout`: `out` writes to stdout (so the kernel may copy the spools there).
    pub fn write(&self, out: &mut dyn Write, to_stdout: bool) -> io::Result<()> {
        let mut spooled = BTreeMap::new();
        spooled.insert("item_errors", self.item_errors.as_ref());
        spooled.insert("items", self.items.as_ref());
        let mut keys: Vec<&str> = self
            .members
            .keys()
            .map(String::as_str)
            .chain(spooled.keys().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        out.write_all(b"{")?;
        for (n, key) in keys.into_iter().enumerate() {
            out.write_all(if n == 0 { b"\n  " } else { b",\n  " })?;
            serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
            out.write_all(b": ")?;
            if let Some(file) = spooled.remove(key) {
                write_array(file, out, to_stdout)?;
            } else if let Some(value) = self.members.get(key) {
                let mut f = Formatter::new(&mut *out);
                f.value(value, 2)?;
                f.finish()?;
            }
        }
        out.write_all(b"\n}\n")?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_value_cannot_take_the_place_of_the_items() {
        let mut merge = MergedPull::new(1 << 20).expect("spool");
        let hostile =
            br#"[{"message": "\"items\": \"@@spec-kitty-tracker:items@@\"", "items": "x"}]"#;
        merge
            .add(Some(br#"[{"id": 1}]"#), Some(hostile))
            .expect("add");
        merge.add(Some(br#"[{"id": 2}]"#), None).expect("add");
        let mut members = BTreeMap::new();
        members.insert("status".to_owned(), b"\"ok\"".to_vec());
        let mut out = Vec::new();
        merge
            .finish(members)
            .expect("spools")
            .write(&mut out, false)
            .expect("write");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
        assert_eq!(v["items"], serde_json::json!([{"id": 1}, {"id": 2}]));
        assert_eq!(v["item_errors"][0]["items"], "x");
        assert_eq!(v["status"], "ok");
    }

    #[test]
    fn the_spool_cap_is_enforced() {
        let mut merge = MergedPull::new(64).expect("spool");
        let big = format!("[\"{}\"]", "x".repeat(100));
        assert!(matches!(
            merge.add(Some(big.as_bytes()), None),
            Err(SpoolError::Full(64))
        ));
    }
}
