//! The JSON the Python tool writes into the shared SQLite cache: `json.dumps(obj,
//! separators=(",", ":"))` with its default `ensure_ascii=True`, as a serde_json formatter.

/// `json.dumps(obj, separators=(",", ":"))`: compact, non-ASCII escaped; raw fragments are
/// minified and escaped the same way (their key order is kept).
pub struct PythonCompact;

impl serde_json::ser::Formatter for PythonCompact {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        write_ascii(w, fragment)
    }

    fn write_raw_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut in_string = false;
        let mut escaped = false;
        let mut buf = [0u8; 4];
        for c in fragment.chars() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                if c.is_ascii() {
                    w.write_all(c.encode_utf8(&mut buf).as_bytes())?;
                } else {
                    write_ascii(w, c.encode_utf8(&mut buf))?;
                }
            } else if !c.is_whitespace() {
                if c == '"' {
                    in_string = true;
                }
                w.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            }
        }
        Ok(())
    }
}

fn write_ascii<W: ?Sized + std::io::Write>(w: &mut W, text: &str) -> std::io::Result<()> {
    for c in text.chars() {
        if c.is_ascii() {
            let mut b = [0u8; 1];
            w.write_all(c.encode_utf8(&mut b).as_bytes())?;
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{unit:04x}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::PythonCompact;
    use serde::Serialize;
    use serde_json::value::RawValue;

    fn dumps(value: &impl Serialize) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonCompact);
        value.serialize(&mut ser).expect("serialize");
        String::from_utf8(out).expect("ascii")
    }

    /// Oracle: `python3 -c 'import json; print(json.dumps({"a": "é😀\n", "b": [1, None, 2.5]},
    /// separators=(",", ":")))'`.
    #[test]
    fn writes_what_json_dumps_writes() {
        let v = serde_json::json!({"a": "é😀\n", "b": [1, null, 2.5]});
        assert_eq!(
            dumps(&v),
            r#"{"a":"\u00e9\ud83d\ude00\n","b":[1,null,2.5]}"#
        );
    }

    /// A raw fragment is minified (whitespace inside strings kept) and escaped the same way,
    /// its key order kept.
    #[test]
    fn raw_fragments_are_minified_and_escaped() {
        let raw = RawValue::from_string(r#"{ "z" : "x y é" ,	"a" : [ 1 , "\"q\" " ] }"#.into())
            .expect("raw");
        assert_eq!(dumps(&raw), r#"{"z":"x y \u00e9","a":[1,"\"q\" "]}"#);
    }
}
