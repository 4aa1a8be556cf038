//! One pass over a received body that proves it is exactly one JSON document (RFC 8259 grammar,
//! UTF-8 strings, no control characters in strings, at most [`MAX_DEPTH`] levels) and records
//! the members of the top-level object, so later steps never need a second full parse.
//! Iterative (an explicit stack), so hostile nesting cannot overflow the call stack.

use super::{string_special, Invalid, Member, Outline, MAX_DEPTH};
use std::ops::Range;

/// Check `json` and outline its top-level object (if it is one).
pub fn validate(json: &[u8]) -> Result<Outline, Invalid> {
    validate_nested(json, 0)
}

/// [`validate`] for a document that sits `depth` levels deep in a larger one (a block of
/// elements split out of it): the nesting limit counts those levels too.
pub fn validate_nested(json: &[u8], depth: usize) -> Result<Outline, Invalid> {
    let mut v = Validator::new(json, depth, true);
    v.document()?;
    let root = skip_ws(json, 0);
    Ok(Outline {
        object: json.get(root) == Some(&b'{'),
        members: v.members,
    })
}

/// How far [`validate_elements`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elements {
    /// Offset after the last whole element checked (`from` when none was).
    pub end: usize,
    /// Whole elements checked.
    pub count: usize,
    /// Offset after the array's `]`, when it was reached.
    pub closed: Option<usize>,
}

/// Where [`validate_elements`] starts in an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Just after its `[`: an element or `]`.
    Open,
    /// Just after a `,`: an element.
    Comma,
    /// Just after an element: `,` or `]`.
    Element,
}

/// Check the elements of an array whose elements are `depth` levels deep, from `from` in `s`
/// (where `at` says). `s` may end inside an element (more of the body is still to come):
/// checking stops after the last whole element. Only a problem that more bytes could not mend
/// is an error (`last`: no more bytes will come).
pub fn validate_elements(
    s: &[u8],
    from: usize,
    depth: usize,
    mut at: At,
    last: bool,
) -> Result<Elements, Invalid> {
    let mut v = Validator::new(s, depth, false);
    let mut done = Elements {
        end: from,
        count: 0,
        closed: None,
    };
    v.i = from;
    loop {
        v.ws();
        match (s.get(v.i), at) {
            (None, _) => return Ok(done),
            (Some(b']'), At::Open | At::Element) => {
                done.closed = Some(v.i + 1);
                return Ok(done);
            }
            (Some(b','), At::Element) => {
                v.i += 1;
                at = At::Comma;
                continue;
            }
            (Some(_), At::Element) => {
                return Err(v.fail("expected `,` or the end of the container"))
            }
            (Some(_), At::Open | At::Comma) => {}
        }
        match v.value() {
            // A number at the very end may go on in the next chunk.
            Ok(()) if !last && v.i == s.len() => return Ok(done),
            Ok(()) => {
                done.end = v.i;
                done.count += 1;
                at = At::Element;
            }
            // A token cut short by the end of what has arrived: wait for more.
            Err(e) if !last && e.offset + TOKEN_TAIL > s.len() => return Ok(done),
            Err(e) => return Err(e),
        }
    }
}

/// Longest stretch at the end of a buffer that can hold a token cut short and be reported as
/// invalid (a `\uXXXX` escape; a literal, a UTF-8 sequence and a number are shorter).
const TOKEN_TAIL: usize = 6;

struct Validator<'a> {
    s: &'a [u8],
    i: usize,
    /// Levels the document is nested in.
    depth: usize,
    /// Whether top-level members are recorded.
    outline: bool,
    /// Open containers: `{` or `[`.
    stack: Vec<u8>,
    members: Vec<Member>,
}

/// Skip JSON whitespace from `i`.
pub(crate) fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = s.get(i) {
        i += 1;
    }
    i
}

impl<'a> Validator<'a> {
    fn new(s: &'a [u8], depth: usize, outline: bool) -> Validator<'a> {
        Validator {
            s,
            i: 0,
            depth,
            outline,
            stack: Vec::new(),
            members: Vec::new(),
        }
    }

    fn fail(&self, reason: &'static str) -> Invalid {
        Invalid {
            offset: self.i,
            reason,
        }
    }

    fn ws(&mut self) {
        self.i = skip_ws(self.s, self.i);
    }

    fn document(&mut self) -> Result<(), Invalid> {
        self.ws();
        self.value()?;
        self.ws();
        if self.i != self.s.len() {
            return Err(self.fail("trailing characters after the document"));
        }
        Ok(())
    }

    /// One whole value from `self.i` (no whitespace before it); `self.i` ends after it.
    fn value(&mut self) -> Result<(), Invalid> {
        'value: loop {
            // A value starts at self.i (after whitespace).
            match self.s.get(self.i) {
                Some(b'{') | Some(b'[') => {
                    if self.depth + self.stack.len() >= MAX_DEPTH {
                        return Err(self.fail("nested deeper than 128 levels"));
                    }
                    let open = self.s[self.i];
                    self.i += 1;
                    self.ws();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.s.get(self.i) == Some(&close) {
                        self.i += 1;
                    } else {
                        self.stack.push(open);
                        if open == b'{' {
                            self.key()?;
                        } else {
                            self.count_element();
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => self.string()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err(self.fail("expected a value")),
                None => return Err(self.fail("unexpected end of the body")),
            }
            // After a complete value: close containers or move to the next element.
            loop {
                self.end_member();
                let Some(&top) = self.stack.last() else {
                    return Ok(());
                };
                self.ws();
                let close = if top == b'{' { b'}' } else { b']' };
                match self.s.get(self.i) {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                        if top == b'{' {
                            self.key()?;
                        } else {
                            self.count_element();
                        }
                        continue 'value;
                    }
                    Some(&b) if b == close => {
                        self.i += 1;
                        self.stack.pop();
                    }
                    Some(_) => return Err(self.fail("expected `,` or the end of the container")),
                    None => return Err(self.fail("unexpected end of the body")),
                }
            }
        }
    }

    /// A member key and its colon; records top-level members.
    fn key(&mut self) -> Result<(), Invalid> {
        if self.s.get(self.i) != Some(&b'"') {
            return Err(self.fail("expected a string key"));
        }
        let start = self.i;
        self.string()?;
        let key: Range<usize> = start + 1..self.i - 1;
        self.ws();
        if self.s.get(self.i) != Some(&b':') {
            return Err(self.fail("expected `:` after a key"));
        }
        self.i += 1;
        self.ws();
        if self.outline && self.stack.len() == 1 {
            let escaped = self.s[key.clone()].contains(&b'\\');
            self.members.push(Member {
                key,
                escaped,
                value: self.i..self.i,
                elements: 0,
            });
        }
        Ok(())
    }

    /// An element of an array starts: counted when the array is a top-level member's value.
    fn count_element(&mut self) {
        if self.outline && self.stack.len() == 2 && self.stack[0] == b'{' {
            if let Some(m) = self.members.last_mut() {
                m.elements += 1;
            }
        }
    }

    /// A value just ended at `self.i`: close the open top-level member if that was its value.
    fn end_member(&mut self) {
        if self.outline && self.stack.len() == 1 {
            if let Some(m) = self.members.last_mut() {
                if m.value.end == m.value.start {
                    m.value.end = self.i;
                }
            }
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), Invalid> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.fail("invalid literal"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.s.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), Invalid> {
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail("invalid number")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        Ok(())
    }

    /// A string starting at the quote at `self.i`: escapes, control characters and UTF-8
    /// checked; `self.i` ends after the closing quote.
    fn string(&mut self) -> Result<(), Invalid> {
        let s = self.s;
        let mut j = self.i + 1;
        loop {
            let Some(k) = string_special(s, j) else {
                self.i = s.len();
                return Err(self.fail("unterminated string"));
            };
            j = k;
            match s[j] {
                b'"' => {
                    self.i = j + 1;
                    return Ok(());
                }
                b'\\' => match s.get(j + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => j += 2,
                    Some(b'u')
                        if s.len() >= j + 6
                            && s[j + 2..j + 6].iter().all(u8::is_ascii_hexdigit) =>
                    {
                        j += 6
                    }
                    _ => {
                        self.i = j;
                        return Err(self.fail("invalid escape in a string"));
                    }
                },
                b if b < 0x20 => {
                    self.i = j;
                    return Err(self.fail("control character in a string"));
                }
                lead => {
                    // One UTF-8 sequence; its length comes from the lead byte.
                    let width = match lead {
                        0xC2..=0xDF => 2,
                        0xE0..=0xEF => 3,
                        0xF0..=0xF4 => 4,
                        _ => 0,
                    };
                    let valid = width > 0
                        && s.len() >= j + width
                        && std::str::from_utf8(&s[j..j + width]).is_ok();
                    if !valid {
                        self.i = j;
                        return Err(self.fail("invalid UTF-8 in a string"));
                    }
                    j += width;
                }
            }
        }
    }
}
