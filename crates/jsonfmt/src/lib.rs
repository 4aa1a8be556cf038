//! The byte-level JSON engine of spec-kitty-tracker: JSON output as the Python `spec-kitty
//! tracker` prints it — keys sorted at every level, 2-space indent — written straight from the
//! received bytes at memory speed.
//!
//! Two byte-level passes, no tree and no allocation per key or value:
//! 1. [`validate()`] proves the body is one JSON document (grammar, UTF-8, depth) before a byte
//!    reaches stdout, and outlines its top-level object ([`Outline`]);
//! 2. [`Formatter`] re-indents it, copying strings and numbers as received (strings are
//!    scanned and copied eight bytes at a time), re-ordering an object's members only when they
//!    were not already in order, and streaming output in large chunks.
//!
//! Keys compare by their decoded text (code-point order, as Python's `sort_keys` and
//! serde_json's map); when a key repeats, the last one wins (as both parsers keep it).
//!
//! [`PythonCompact`] is the other JSON this tool writes: the cache payloads, byte for byte as
//! the Python tool's `json.dumps` writes them.

mod format;
mod order;
mod python;
pub mod split;
mod validate;

pub use format::Formatter;
pub use python::PythonCompact;
pub use validate::{validate, validate_elements, validate_nested, At, Elements};

use std::cmp::Ordering;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;

/// Deepest nesting accepted (as serde_json's own recursion limit).
pub const MAX_DEPTH: usize = 128;

/// Why a body is not one valid JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.reason, self.offset)
    }
}

impl std::error::Error for Invalid {}

/// One member of the top-level object, as byte ranges of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The key's bytes between its quotes (escapes not decoded).
    pub key: Range<usize>,
    /// Whether the key holds an escape.
    pub escaped: bool,
    /// The value's bytes.
    pub value: Range<usize>,
    /// Number of elements when the value is an array (0 otherwise).
    pub elements: usize,
}

/// The top level of a validated document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// Whether the document is an object.
    pub object: bool,
    /// Its members in the order received (empty unless it is an object).
    pub members: Vec<Member>,
}

impl Outline {
    /// The member named `key` (the last one when it repeats).
    pub fn get(&self, json: &[u8], key: &str) -> Option<&Member> {
        self.members
            .iter()
            .rev()
            .find(|m| key_text(json, &m.key, m.escaped).as_deref() == Some(key))
    }
}

/// Validate `json` and write it pretty-printed with sorted keys and a final newline. Nothing
/// is written when it is not valid JSON.
pub fn write_sorted(json: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let outline = validate(json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut f = Formatter::new(out);
    f.document(json, &outline)?;
    f.finish()
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes of `s` at `i` as a little-endian word (the caller checks `i + 8 <= s.len()`).
#[inline(always)]
pub(crate) fn word(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_le_bytes(w)
}

/// High bit set in each byte of `x` equal to `b` (exact for the lowest such byte).
#[inline(always)]
pub(crate) fn eq_mask(x: u64, b: u8) -> u64 {
    let v = x ^ (LO * u64::from(b));
    v.wrapping_sub(LO) & !v & HI
}

/// Position (from `i`) of the next byte a validating string scan must look at: `"`, `\\`,
/// a control character or a non-ASCII byte.
#[inline]
fn string_special(s: &[u8], mut i: usize) -> Option<usize> {
    while i + 8 <= s.len() {
        let x = word(s, i);
        let m =
            eq_mask(x, b'"') | eq_mask(x, b'\\') | (x.wrapping_sub(LO * 0x20) & !x & HI) | (x & HI);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b))
        .map(|k| i + k)
}

/// The decoded text of a key (only keys with an escape need decoding).
fn key_text(s: &[u8], key: &Range<usize>, escaped: bool) -> Option<String> {
    if escaped {
        serde_json::from_slice(&s[key.start - 1..key.end + 1]).ok()
    } else {
        std::str::from_utf8(&s[key.clone()]).ok().map(str::to_owned)
    }
}

/// The first 8 bytes of a key as a big-endian number, zero-padded (keys hold no NUL byte, so
/// comparing these orders keys whose first 8 bytes differ).
#[inline(always)]
fn key_prefix(s: &[u8], key: &Range<usize>) -> u64 {
    let len = key.end - key.start;
    if key.start + 8 <= s.len() {
        let v = u64::from_be_bytes(word(s, key.start).to_le_bytes());
        if len >= 8 {
            v
        } else {
            v & !(u64::MAX >> (8 * len))
        }
    } else {
        let mut w = [0u8; 8];
        let n = len.min(8);
        w[..n].copy_from_slice(&s[key.start..key.start + n]);
        u64::from_be_bytes(w)
    }
}

/// Order of two keys of `s` by decoded text (raw bytes when neither holds an escape: UTF-8
/// byte order is code-point order).
#[inline(always)]
fn compare_keys(
    s: &[u8],
    a: &Range<usize>,
    a_esc: bool,
    b: &Range<usize>,
    b_esc: bool,
) -> Ordering {
    if !a_esc && !b_esc {
        let (pa, pb) = (key_prefix(s, a), key_prefix(s, b));
        if pa != pb {
            return pa.cmp(&pb);
        }
        if a.end - a.start <= 8 && b.end - b.start <= 8 {
            return (a.end - a.start).cmp(&(b.end - b.start));
        }
    }
    compare_keys_slow(s, a, a_esc, b, b_esc)
}

/// [`compare_keys`] past the first 8 bytes, or with escapes.
#[cold]
fn compare_keys_slow(
    s: &[u8],
    a: &Range<usize>,
    a_esc: bool,
    b: &Range<usize>,
    b_esc: bool,
) -> Ordering {
    if a_esc || b_esc {
        if let (Some(x), Some(y)) = (key_text(s, a, a_esc), key_text(s, b, b_esc)) {
            return x.cmp(&y);
        }
    }
    s[a.clone()].cmp(&s[b.clone()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(json: &str) -> String {
        let mut out = Vec::new();
        write_sorted(json.as_bytes(), &mut out).expect("valid");
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn matches_serde_json_pretty_with_sorted_keys() {
        let input =
            r#"{"z": [1, {"b": true, "a": null}], "a": {}, "m": [], "s": "x\"y", "n": -1.5e3}"#;
        let value: serde_json::Value = serde_json::from_str(input).expect("json");
        let want = format!(
            "{}\n",
            serde_json::to_string_pretty(&value).expect("pretty")
        );
        let got = sorted(input);
        // Numbers are kept as received ("-1.5e3"), everything else matches serde_json.
        assert_eq!(got.replace("-1.5e3", "-1500.0"), want);
    }

    #[test]
    fn repeated_keys_keep_the_last_and_escaped_keys_sort_decoded() {
        assert_eq!(
            sorted(r#"{"b": 1, "a": {"y": 1, "x": 2, "y": 3}, "b": 2}"#),
            "{\n  \"a\": {\n    \"x\": 2,\n    \"y\": 3\n  },\n  \"b\": 2\n}\n"
        );
        // "\u0061b" is "ab": after "a", before "b".
        assert_eq!(
            sorted(r#"{"b": 0, "\u0061b": 1, "a": 2}"#),
            "{\n  \"a\": 2,\n  \"\\u0061b\": 1,\n  \"b\": 0\n}\n"
        );
    }

    /// Oracle: serde_json's sorted map. Objects of one shape re-use a remembered order; shapes
    /// with the same number of keys, repeated keys and more shapes than are remembered must not
    /// be confused.
    #[test]
    fn unsorted_objects_of_many_shapes_come_out_sorted() {
        let mut items = Vec::new();
        for i in 0..40 {
            items.push(format!(
                r#"{{"z": {i}, "b": {{"y": 1, "x": [{{"k2": 1, "k1": 2}}]}}, "a": "s"}}"#
            ));
            items.push(format!(r#"{{"z": {i}, "c": 2, "a": "s"}}"#));
            items.push(format!(r#"{{"q": 1, "p": {i}, "q": 3}}"#));
            items.push(format!(r#"{{"k{}": 1, "j": 2}}"#, i % 20));
        }
        let input = format!("[{}]", items.join(","));
        let value: serde_json::Value = serde_json::from_str(&input).expect("json");
        let want = format!(
            "{}\n",
            serde_json::to_string_pretty(&value).expect("pretty")
        );
        assert_eq!(sorted(&input), want);
    }

    #[test]
    fn the_outline_names_top_level_members_and_counts_arrays() {
        let doc = br#" {"items": [1, [2, 3], {"a": [4]}], "n": null, "e": []} "#;
        let outline = validate(doc).expect("valid");
        assert!(outline.object);
        let items = outline.get(doc, "items").expect("items");
        assert_eq!(&doc[items.value.clone()], br#"[1, [2, 3], {"a": [4]}]"#);
        assert_eq!(items.elements, 3);
        assert_eq!(
            &doc[outline.get(doc, "n").expect("n").value.clone()],
            b"null"
        );
        assert_eq!(outline.get(doc, "e").expect("e").elements, 0);
        assert!(
            outline.get(doc, "a").is_none(),
            "nested keys are not top-level"
        );
    }

    #[test]
    fn nesting_past_the_limit_is_refused_before_writing() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let mut out = Vec::new();
        let err = write_sorted(deep.as_bytes(), &mut out).expect_err("too deep");
        assert!(
            err.to_string().contains("nested deeper than 128 levels"),
            "{err}"
        );
        assert!(out.is_empty());
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(validate(ok.as_bytes()).is_ok());
    }

    #[test]
    fn invalid_documents_are_refused_with_the_reason() {
        for (doc, why) in [
            (&b"{\"a\": "[..], "unexpected end"),
            (b"\xff", "expected a value"),
            (b"{\"a\": \"\xff\"}", "invalid UTF-8"),
            (b"{\"a\": \"x\ny\"}", "control character"),
            (b"{\"a\": \"\\x\"}", "invalid escape"),
            (b"{\"a\": 01}", "expected `,`"),
            (b"{\"a\": 1.}", "invalid number"),
            (b"{\"a\": tru}", "invalid literal"),
            (b"{\"a\" 1}", "expected `:`"),
            (b"{1: 1}", "expected a string key"),
            (b"[1,]", "expected a value"),
            (b"{} {}", "trailing characters"),
            (b"\"abc", "unterminated string"),
            (b"", "unexpected end"),
        ] {
            let err = validate(doc).expect_err(why);
            assert!(err.reason.contains(why), "{doc:?}: {err}");
            let mut out = Vec::new();
            assert!(write_sorted(doc, &mut out).is_err());
            assert!(out.is_empty(), "nothing written for {doc:?}");
        }
    }

    #[test]
    fn malformed_input_to_the_formatter_is_an_error_not_a_panic() {
        for doc in [
            &b"{\"a\" 1}"[..],
            b"[1 2]",
            b"\"abc",
            b"{\"a\":}",
            b"[",
            b"{",
            b"}",
        ] {
            let mut sink = Vec::new();
            let mut f = Formatter::new(&mut sink);
            assert!(f.value(doc, 0).is_err(), "{doc:?}");
        }
    }
}
