//! JSON output as the original prints it — keys sorted at every level, 2-space indent — written
//! straight from the received bytes. Objects are re-ordered one level at a time over borrowed
//! raw slices, so a large body is never turned into a tree: memory stays at the body plus one
//! level's index. Scalars are copied as received.

use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Deepest nesting accepted (as serde_json's own recursion limit).
pub const MAX_DEPTH: usize = 128;

/// How deeply `json` nests arrays and objects (a linear scan that skips strings).
pub fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Write `json` (one JSON document) pretty-printed with sorted keys and a final newline.
pub fn write_sorted(json: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let text =
        std::str::from_utf8(json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    if nesting_depth(json) > MAX_DEPTH {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "JSON nested deeper than 128 levels",
        ));
    }
    let raw: &RawValue = serde_json::from_str(text).map_err(io::Error::other)?;
    write_value(raw, 0, out)?;
    out.write_all(b"\n")
}

fn pad(out: &mut dyn Write, n: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        left -= k;
    }
    Ok(())
}

/// Write one value as it would appear nested `indent` spaces deep (no trailing newline).
pub fn write_value(raw: &RawValue, indent: usize, out: &mut dyn Write) -> io::Result<()> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            let map: BTreeMap<String, &RawValue> =
                serde_json::from_str(text).map_err(io::Error::other)?;
            if map.is_empty() {
                return out.write_all(b"{}");
            }
            out.write_all(b"{\n")?;
            let last = map.len() - 1;
            for (i, (key, value)) in map.iter().enumerate() {
                pad(out, indent + 2)?;
                serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
                out.write_all(b": ")?;
                write_value(value, indent + 2, out)?;
                out.write_all(if i == last { b"\n" } else { b",\n" })?;
            }
            pad(out, indent)?;
            out.write_all(b"}")
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(io::Error::other)?;
            if items.is_empty() {
                return out.write_all(b"[]");
            }
            out.write_all(b"[\n")?;
            let last = items.len() - 1;
            for (i, item) in items.iter().enumerate() {
                pad(out, indent + 2)?;
                write_value(item, indent + 2, out)?;
                out.write_all(if i == last { b"\n" } else { b",\n" })?;
            }
            pad(out, indent)?;
            out.write_all(b"]")
        }
        _ => out.write_all(text.as_bytes()),
    }
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
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": "[[[{"}]}"#), 3);
        assert_eq!(nesting_depth(br#""\"[""#), 0);
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(write_sorted(deep.as_bytes(), &mut Vec::new()).is_err());
    }

    #[test]
    fn invalid_json_is_an_error() {
        let mut out = Vec::new();
        assert!(write_sorted(b"{\"a\": ", &mut out).is_err());
        assert!(write_sorted(b"\xff", &mut out).is_err());
    }
}
