//! Operation ids (SPEC §5 step 2): what `operations show ID` accepts and what a 202 answer may
//! name. An id becomes exactly one path segment of `/operations/{id}/` (RFC 3986 §3.3): empty,
//! `.` and `..` would change the path (`..` polls `/api/v1/tracker/`), so they are refused,
//! as is an id longer than [`MAX_LEN`]. The client percent-encodes every other id as one
//! segment (`/` becomes `%2F`).

/// Longest accepted operation id, in bytes (a UUID has 36; no server needs 200).
pub const MAX_LEN: usize = 200;

/// Why `id` cannot be an operation id, if it cannot.
pub fn problem(id: &str) -> Option<String> {
    match id {
        "" => Some("it is empty".to_owned()),
        "." | ".." => Some(format!(
            "'{id}' is not an id (it would change the URL path)"
        )),
        _ if id.len() > MAX_LEN => {
            Some(format!("it is {} bytes long (at most {MAX_LEN})", id.len()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_empty_and_long_ids_are_refused() {
        for bad in ["", ".", ".."] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
        assert!(problem(&"a".repeat(MAX_LEN + 1)).is_some());
        for ok in ["...", "op-1", "a/b", "%2e%2e", &"a".repeat(MAX_LEN)] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }
}
