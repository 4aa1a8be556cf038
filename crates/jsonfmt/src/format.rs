//! The byte-level pretty-printer. Values are copied as received (strings, numbers, literals);
//! only whitespace and member order change. Objects are written in the order received and
//! recorded as member spans in the output buffer; an object whose keys were not already in
//! order is re-ordered in place (one copy of that object's output), so a server that sends
//! sorted keys costs no copy at all. Output leaves in large chunks whenever no open object
//! could still move (between elements of an array outside any object being written).

use super::order::{key_order, Key, OrderCache};
use super::validate::skip_ws;
use super::{compare_keys, eq_mask, word, Outline, MAX_DEPTH};
use std::cmp::Ordering;
use std::io::{self, Write};
use std::ops::Range;

/// Output is handed to the sink in chunks of about this size.
const CHUNK: usize = 256 * 1024;

/// One member of an object being written.
struct Span {
    /// Key bytes in the input (between the quotes).
    key: Range<usize>,
    /// Whether the key holds an escape (compared decoded then).
    escaped: bool,
    /// The member's bytes in the output buffer (newline, indent, key, value; no comma).
    out: Range<usize>,
}

/// Writes JSON values pretty-printed (2-space indent, keys sorted) to a sink.
pub struct Formatter<'w> {
    out: Vec<u8>,
    sink: &'w mut dyn Write,
    /// Objects open in the output buffer (their bytes may still move).
    open_objects: usize,
    /// Member spans of every open object, innermost last.
    spans: Vec<Span>,
    /// Re-ordering workspace.
    scratch: Vec<u8>,
    keys: Vec<Key>,
    shapes: OrderCache,
}

fn malformed(at: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("malformed JSON at byte {at}"),
    )
}

impl<'w> Formatter<'w> {
    /// A formatter writing to `sink`.
    pub fn new(sink: &'w mut dyn Write) -> Formatter<'w> {
        Formatter {
            out: Vec::with_capacity(CHUNK + CHUNK / 4),
            sink,
            open_objects: 0,
            spans: Vec::new(),
            scratch: Vec::new(),
            keys: Vec::new(),
            shapes: OrderCache::default(),
        }
    }

    /// Write literal bytes (structure the caller builds around formatted values).
    pub fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.extend_from_slice(bytes);
        self.maybe_flush()
    }

    /// Write one JSON value as it appears nested `indent` spaces deep (no trailing newline).
    /// The input should have been validated; malformed input is an error, never a panic, but
    /// part of it may have been written by then.
    pub fn value(&mut self, json: &[u8], indent: usize) -> io::Result<()> {
        let mut pos = 0;
        self.any(json, &mut pos, indent, 0)?;
        if skip_ws(json, pos) != json.len() {
            return Err(malformed(pos));
        }
        self.maybe_flush()
    }

    /// Write a whole validated document (its [`Outline`] from validation) and a newline. The
    /// top-level object is ordered from the outline, so everything below it streams.
    pub fn document(&mut self, json: &[u8], outline: &Outline) -> io::Result<()> {
        if !outline.object || outline.members.is_empty() {
            self.value(json, 0)?;
            return self.raw(b"\n");
        }
        let keys: Vec<Key> = outline
            .members
            .iter()
            .map(|m| Key {
                range: m.key.clone(),
                escaped: m.escaped,
            })
            .collect();
        let order = key_order(json, &keys);
        self.out.push(b'{');
        for (n, &i) in order.iter().enumerate() {
            let m = &outline.members[i];
            self.out
                .extend_from_slice(if n == 0 { b"\n  \"" } else { b",\n  \"" });
            self.out.extend_from_slice(&json[m.key.clone()]);
            self.out.extend_from_slice(b"\": ");
            let mut pos = m.value.start;
            self.any(&json[..m.value.end], &mut pos, 2, 1)?;
            self.maybe_flush()?;
        }
        self.raw(b"\n}\n")
    }

    /// Write the elements of the JSON array `json` as further elements of an array whose
    /// elements are `indent` spaces deep: each after `,\n` (the very first, when `first`,
    /// after `\n`) and the indent. Returns how many were written.
    pub fn elements(&mut self, json: &[u8], indent: usize, first: bool) -> io::Result<u64> {
        let mut pos = skip_ws(json, 0);
        if json.get(pos) != Some(&b'[') {
            return Err(malformed(pos));
        }
        pos = skip_ws(json, pos + 1);
        let mut count = 0;
        if json.get(pos) == Some(&b']') {
            pos += 1;
        } else {
            loop {
                if !(first && count == 0) {
                    self.out.push(b',');
                }
                self.newline(indent);
                self.any(json, &mut pos, indent, 1)?;
                count += 1;
                self.maybe_flush()?;
                pos = skip_ws(json, pos);
                match json.get(pos) {
                    Some(b',') => pos += 1,
                    Some(b']') => {
                        pos += 1;
                        break;
                    }
                    _ => return Err(malformed(pos)),
                }
            }
        }
        if skip_ws(json, pos) != json.len() {
            return Err(malformed(pos));
        }
        Ok(count)
    }

    /// Send everything buffered to the sink and flush it.
    pub fn finish(mut self) -> io::Result<()> {
        self.sink.write_all(&self.out)?;
        self.out.clear();
        self.sink.flush()
    }

    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.open_objects == 0 && self.out.len() >= CHUNK {
            self.sink.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// A newline and `n` spaces (a fixed-size copy, then cut: no call to memcpy).
    #[inline(always)]
    fn newline(&mut self, n: usize) {
        const LINE: [u8; 32] = {
            let mut l = [b' '; 32];
            l[0] = b'\n';
            l
        };
        if n < LINE.len() {
            let len = self.out.len();
            self.out.extend_from_slice(&LINE);
            self.out.truncate(len + n + 1);
        } else {
            self.out.push(b'\n');
            self.out.resize(self.out.len() + n, b' ');
        }
    }

    /// Copy `s[start..end]`; short runs as one fixed 8-byte copy, then cut.
    #[inline(always)]
    fn copy_short(&mut self, s: &[u8], start: usize, end: usize) {
        if end - start <= 8 && start + 8 <= s.len() {
            let len = self.out.len();
            self.out.extend_from_slice(&word(s, start).to_le_bytes());
            self.out.truncate(len + end - start);
        } else {
            self.out.extend_from_slice(&s[start..end]);
        }
    }

    /// Copy the string whose opening quote is at `start`, scanning and copying 8 bytes at a
    /// time. Returns the position after its closing quote and whether it holds an escape.
    #[inline]
    fn string(&mut self, s: &[u8], start: usize) -> io::Result<(usize, bool)> {
        self.out.push(b'"');
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            // Whole words: copy, then cut back to the first quote or backslash in them.
            while i + 8 <= s.len() {
                let x = word(s, i);
                let m = eq_mask(x, b'"') | eq_mask(x, b'\\');
                self.out.extend_from_slice(&x.to_le_bytes());
                if m == 0 {
                    i += 8;
                    continue;
                }
                let k = (m.trailing_zeros() / 8) as usize;
                let len = self.out.len();
                self.out.truncate(len - 8 + k);
                i += k;
                break;
            }
            while i < s.len() && s[i] != b'"' && s[i] != b'\\' {
                self.out.push(s[i]);
                i += 1;
            }
            match s.get(i) {
                Some(b'"') => {
                    self.out.push(b'"');
                    return Ok((i + 1, escaped));
                }
                Some(_) if i + 1 < s.len() => {
                    escaped = true;
                    self.out.extend_from_slice(&s[i..i + 2]);
                    i += 2;
                }
                _ => return Err(malformed(start)),
            }
        }
    }

    fn any(&mut self, s: &[u8], pos: &mut usize, indent: usize, depth: usize) -> io::Result<()> {
        *pos = skip_ws(s, *pos);
        match s.get(*pos) {
            Some(b'{') => self.object(s, pos, indent, depth + 1),
            Some(b'[') => self.array(s, pos, indent, depth + 1),
            Some(b'"') => {
                (*pos, _) = self.string(s, *pos)?;
                Ok(())
            }
            Some(_) => {
                let start = *pos;
                while let Some(b) = s.get(*pos) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    if matches!(b, b'"' | b'{' | b'[' | b':') {
                        return Err(malformed(*pos));
                    }
                    *pos += 1;
                }
                if *pos == start {
                    return Err(malformed(start));
                }
                self.copy_short(s, start, *pos);
                Ok(())
            }
            None => Err(malformed(*pos)),
        }
    }

    fn object(&mut self, s: &[u8], pos: &mut usize, indent: usize, depth: usize) -> io::Result<()> {
        if depth > MAX_DEPTH {
            return Err(malformed(*pos));
        }
        *pos = skip_ws(s, *pos + 1);
        if s.get(*pos) == Some(&b'}') {
            *pos += 1;
            self.out.extend_from_slice(b"{}");
            return Ok(());
        }
        self.out.push(b'{');
        let region = self.out.len();
        let base = self.spans.len();
        self.open_objects += 1;
        let mut in_order = true;
        loop {
            if s.get(*pos) != Some(&b'"') {
                return Err(malformed(*pos));
            }
            if self.spans.len() > base {
                self.out.push(b',');
            }
            let start = self.out.len();
            self.newline(indent + 2);
            let key_start = *pos;
            let (key_end, escaped) = self.string(s, key_start)?;
            let key = key_start + 1..key_end - 1;
            self.out.extend_from_slice(b": ");
            *pos = skip_ws(s, key_end);
            if s.get(*pos) != Some(&b':') {
                return Err(malformed(*pos));
            }
            *pos += 1;
            self.any(s, pos, indent + 2, depth)?;
            if in_order && self.spans.len() > base {
                let prev = &self.spans[self.spans.len() - 1];
                in_order =
                    compare_keys(s, &prev.key, prev.escaped, &key, escaped) == Ordering::Less;
            }
            self.spans.push(Span {
                key,
                escaped,
                out: start..self.out.len(),
            });
            *pos = skip_ws(s, *pos);
            match s.get(*pos) {
                Some(b',') => *pos = skip_ws(s, *pos + 1),
                Some(b'}') => {
                    *pos += 1;
                    break;
                }
                _ => return Err(malformed(*pos)),
            }
        }
        if !in_order {
            self.reorder(s, base, region);
        }
        self.spans.truncate(base);
        self.open_objects -= 1;
        self.newline(indent);
        self.out.push(b'}');
        Ok(())
    }

    /// Put the members of the object whose spans start at `base` in key order (the last of
    /// equal keys wins, as in every JSON parser that builds a map).
    fn reorder(&mut self, s: &[u8], base: usize, region: usize) {
        let spans = &self.spans[base..];
        self.keys.clear();
        self.keys.extend(spans.iter().map(|span| Key {
            range: span.key.clone(),
            escaped: span.escaped,
        }));
        let order = self.shapes.order(s, &self.keys);
        self.scratch.clear();
        for (n, &i) in order.iter().enumerate() {
            if n > 0 {
                self.scratch.push(b',');
            }
            self.scratch
                .extend_from_slice(&self.out[spans[i].out.clone()]);
        }
        self.out.truncate(region);
        self.out.extend_from_slice(&self.scratch);
    }

    fn array(&mut self, s: &[u8], pos: &mut usize, indent: usize, depth: usize) -> io::Result<()> {
        if depth > MAX_DEPTH {
            return Err(malformed(*pos));
        }
        *pos = skip_ws(s, *pos + 1);
        if s.get(*pos) == Some(&b']') {
            *pos += 1;
            self.out.extend_from_slice(b"[]");
            return Ok(());
        }
        self.out.push(b'[');
        let mut first = true;
        loop {
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.newline(indent + 2);
            self.any(s, pos, indent + 2, depth)?;
            self.maybe_flush()?;
            *pos = skip_ws(s, *pos);
            match s.get(*pos) {
                Some(b',') => *pos += 1,
                Some(b']') => {
                    *pos += 1;
                    break;
                }
                _ => return Err(malformed(*pos)),
            }
        }
        self.newline(indent);
        self.out.push(b']');
        Ok(())
    }
}
