//! A top-level JSON object split as it arrives, chunk by chunk, so a large array member never
//! has to be held whole: the elements of the array under one key (`items` of a pull page) leave
//! in blocks of about a fixed size, already checked, and everything else is kept as the *rest*
//! — the document as received with that array emptied (`"items": []`).
//!
//! The top level is followed byte by byte (its grammar checked here, its values left to
//! [`super::validate()`] on the rest); the array's elements are checked as they arrive by
//! [`validate_elements`], which stops after the last whole element and takes up there when the
//! next chunk comes. A block is `[` + the received bytes of whole elements (and the separators
//! between them) + `]`, so a block and the rest are each one JSON text; when the rest validates
//! too, the body is one valid JSON document. Offsets in either map back to the body
//! (the splitter's own errors and [`RestOffsets`]).
//!
//! A body that is not an object is kept whole as the rest (its validation says what is wrong
//! with it); an object whose split key appears again after its array is refused ([`REPEATED`]:
//! which of the two would count is ambiguous).

use super::validate::skip_ws;
use super::{eq_mask, validate_elements, word, At, Invalid};
use std::collections::VecDeque;

/// Why a body is refused when the split key appears again after its array (which one a
/// parser keeps differs).
pub const REPEATED: &str = "the key of the split array appears twice";

/// Levels above an element of the split array (the object, the array).
const ELEMENT_DEPTH: usize = 2;

/// Elements of the split array, checked, as a JSON array text.
#[derive(Debug)]
pub struct Block {
    /// `[`, whole elements as received, `]`.
    pub json: Vec<u8>,
}

/// What is left once the whole body has been fed.
#[derive(Debug)]
pub struct Split {
    /// The body without the elements of the split array.
    pub rest: Vec<u8>,
    /// Elements of the split array (0 when the key was absent or not an array).
    pub elements: usize,
    /// Where the rest's bytes were in the body.
    pub offsets: RestOffsets,
}

/// Maps offsets of the rest back to the body.
#[derive(Debug, Clone, Copy)]
pub struct RestOffsets {
    /// Where the array's elements were cut out: (offset in `rest` after its `[`, bytes removed).
    cut: Option<(usize, usize)>,
}

impl RestOffsets {
    /// The body offset of byte `offset` of the rest.
    pub fn body_offset(&self, offset: usize) -> usize {
        match self.cut {
            Some((at, removed)) if offset >= at => offset + removed,
            _ => offset,
        }
    }
}

/// Where the splitter is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the document.
    Start,
    /// Not an object: everything is kept as the rest.
    Whole,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After `,` at the top level: a key.
    NextKey,
    /// Inside a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After `:`: a value.
    ValueStart,
    /// Inside a member's value (kept in the rest).
    Value,
    /// After a member's value: `,` or `}`.
    AfterValue,
    /// Inside the split array: bytes go to the block.
    Items,
    /// After the closing `}`: only whitespace.
    Done,
}

/// Finds where one JSON value of the top level ends, fed in pieces.
#[derive(Debug, Default, Clone, Copy)]
struct ValueEnd {
    started: bool,
    /// A number or literal: it ends before the first byte that cannot go on one.
    scalar: bool,
    in_string: bool,
    /// The last byte seen was a backslash inside a string.
    escape: bool,
    /// Open `{` / `[`.
    depth: usize,
}

impl ValueEnd {
    /// Scan `s` (the value's next bytes): how many bytes belong to the value, and whether it
    /// ended there.
    fn scan(&mut self, s: &[u8]) -> (usize, bool) {
        let mut i = 0;
        if !self.started {
            self.started = true;
            match s[0] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth = 1,
                _ => self.scalar = true,
            }
            i = 1;
        }
        loop {
            if self.scalar {
                return match s[i..].iter().position(
                    |b| !matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-'),
                ) {
                    Some(k) => (i + k, true),
                    None => (s.len(), false),
                };
            }
            if self.in_string {
                if self.escape {
                    if i == s.len() {
                        return (i, false);
                    }
                    self.escape = false;
                    i += 1;
                }
                let Some(k) = find_quote_or_backslash(s, i) else {
                    return (s.len(), false);
                };
                if s[k] == b'\\' {
                    self.escape = true;
                    i = k + 1;
                    continue;
                }
                self.in_string = false;
                i = k + 1;
                if self.depth == 0 {
                    return (i, true);
                }
                continue;
            }
            let Some(k) = find_structural(s, i) else {
                return (s.len(), false);
            };
            i = k + 1;
            match s[k] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                _ => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return (i, true);
                    }
                }
            }
        }
    }
}

/// The next `"` or `\` in `s` from `i`.
#[inline]
fn find_quote_or_backslash(s: &[u8], mut i: usize) -> Option<usize> {
    while i + 8 <= s.len() {
        let x = word(s, i);
        let m = eq_mask(x, b'"') | eq_mask(x, b'\\');
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|k| i + k)
}

/// The next `"`, `{`, `}`, `[` or `]` in `s` from `i`.
fn find_structural(s: &[u8], i: usize) -> Option<usize> {
    s[i..]
        .iter()
        .position(|&b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'))
        .map(|k| i + k)
}

/// Whether a JSON value can start with `b`.
fn starts_value(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Splits one body; see the module docs.
#[derive(Debug)]
pub struct Splitter {
    key: &'static str,
    block_bytes: usize,
    state: State,
    /// Body offset of the next byte fed.
    offset: usize,
    rest: Vec<u8>,
    /// The key being read (as received, with its quotes, escapes not decoded).
    key_bytes: Vec<u8>,
    /// Body offset of that key's opening quote.
    key_at: usize,
    value: ValueEnd,
    /// The block being filled: `[`, checked elements, then bytes not yet checked.
    block: Vec<u8>,
    /// Body offset of `block[0]`.
    block_base: usize,
    /// Length of `block` that is checked (it ends after a whole element, or is the `[`).
    checked: usize,
    /// What comes after `checked`.
    at: At,
    /// Bytes after `checked` that the last check could not take (an element still arriving).
    stalled: usize,
    /// Bytes handed to the element check in all (the tests keep it linear).
    #[cfg(test)]
    scanned: usize,
    ready: VecDeque<Block>,
    elements: usize,
    /// Offset in `rest` after the split array's `[`, and the body offset of the byte after it.
    cut_start: Option<(usize, usize)>,
    cut: Option<(usize, usize)>,
}

impl Splitter {
    /// A splitter for the array under `key`, leaving in blocks of about `block_bytes`.
    pub fn new(key: &'static str, block_bytes: usize) -> Splitter {
        Splitter {
            key,
            block_bytes,
            state: State::Start,
            offset: 0,
            rest: Vec::with_capacity(4096),
            key_bytes: Vec::new(),
            key_at: 0,
            value: ValueEnd::default(),
            block: Vec::new(),
            block_base: 0,
            checked: 0,
            at: At::Open,
            stalled: 0,
            #[cfg(test)]
            scanned: 0,
            ready: VecDeque::new(),
            elements: 0,
            cut_start: None,
            cut: None,
        }
    }

    /// A block of elements that is complete, if any.
    pub fn take_block(&mut self) -> Option<Block> {
        self.ready.pop_front()
    }

    /// Feed the next bytes of the body.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Invalid> {
        let at = self.offset;
        self.offset += chunk.len();
        self.run(chunk, at, false)
            .map_err(|problem| self.first_problem(problem))
    }

    /// The body has ended: check what is left (take the last blocks after this), or say why
    /// the body is cut short.
    pub fn finish_body(&mut self) -> Result<(), Invalid> {
        self.finish_inner()
            .map_err(|problem| self.first_problem(problem))
    }

    fn finish_inner(&mut self) -> Result<(), Invalid> {
        if self.state == State::Items {
            if let Some((bytes, at)) = self.items(true)? {
                self.run(&bytes, at, true)?;
            }
        }
        if !matches!(self.state, State::Done | State::Whole) {
            return Err(Invalid {
                offset: self.offset,
                reason: "unexpected end of the body",
            });
        }
        Ok(())
    }

    /// [`Splitter::step`] until the input, and any top-level bytes after the array, are taken.
    fn run(&mut self, input: &[u8], at: usize, last: bool) -> Result<(), Invalid> {
        let mut tail = self.step(input, at, last)?;
        while let Some((bytes, at)) = tail {
            tail = self.step(&bytes, at, last)?;
        }
        Ok(())
    }

    /// The top level is followed without checking its values (they are checked with the rest):
    /// when the splitter finds a problem, a value before it may hold an earlier one, which is
    /// the one to report (as one pass over the whole body would).
    fn first_problem(&self, problem: Invalid) -> Invalid {
        let Err(e) = super::validate(&self.rest) else {
            return problem;
        };
        let offset = RestOffsets { cut: self.cut }.body_offset(e.offset);
        // A problem inside the rest and before this one comes first. At the rest's end (where
        // the body may go on), only one at this very byte counts, and it is the more precise
        // ("unterminated string" for a body that ends inside a value) unless it merely says the
        // rest has not ended.
        let first = if e.offset < self.rest.len() {
            offset < problem.offset
        } else {
            offset == problem.offset && e.reason != "unexpected end of the body"
        };
        if first {
            return Invalid {
                offset,
                reason: e.reason,
            };
        }
        problem
    }

    /// The rest, once [`Splitter::finish_body`] accepted the body.
    pub fn into_split(self) -> Split {
        Split {
            rest: self.rest,
            elements: self.elements,
            offsets: RestOffsets { cut: self.cut },
        }
    }

    /// Run `input` (at body offset `base`) through the top level; once inside the split array,
    /// its bytes go to the block. Returns the bytes after the array's `]` (and their offset),
    /// which the top level has still to take.
    fn step(
        &mut self,
        input: &[u8],
        base: usize,
        last: bool,
    ) -> Result<Option<(Vec<u8>, usize)>, Invalid> {
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            let at = base + i;
            let fail = |reason| Err(Invalid { offset: at, reason });
            match self.state {
                State::Whole => {
                    self.rest.extend_from_slice(&input[i..]);
                    return Ok(None);
                }
                State::Items => {
                    self.block.extend_from_slice(&input[i..]);
                    return self.items(last);
                }
                State::Start
                | State::FirstKey
                | State::NextKey
                | State::Colon
                | State::ValueStart
                | State::AfterValue
                | State::Done
                    if is_ws(b) =>
                {
                    self.rest.push(b);
                }
                State::Start if b == b'{' => {
                    self.rest.push(b);
                    self.state = State::FirstKey;
                }
                State::Start => {
                    self.state = State::Whole;
                    continue;
                }
                State::FirstKey if b == b'}' => {
                    self.rest.push(b);
                    self.state = State::Done;
                }
                State::FirstKey | State::NextKey if b == b'"' => {
                    self.key_bytes.clear();
                    self.key_at = at;
                    self.value = ValueEnd::default();
                    self.state = State::Key;
                    continue;
                }
                State::FirstKey | State::NextKey => return fail("expected a string key"),
                State::Key | State::Value => {
                    let (n, ended) = self.value.scan(&input[i..]);
                    self.rest.extend_from_slice(&input[i..i + n]);
                    if self.state == State::Key {
                        self.key_bytes.extend_from_slice(&input[i..i + n]);
                    }
                    i += n;
                    if ended {
                        self.state = if self.state == State::Key {
                            State::Colon
                        } else {
                            State::AfterValue
                        };
                    }
                    continue;
                }
                State::Colon if b == b':' => {
                    self.rest.push(b);
                    self.state = State::ValueStart;
                }
                State::Colon => return fail("expected `:` after a key"),
                State::ValueStart if !starts_value(b) => return fail("expected a value"),
                State::ValueStart if self.cut_start.is_some() && self.is_split_key() => {
                    return Err(Invalid {
                        offset: self.key_at,
                        reason: REPEATED,
                    })
                }
                State::ValueStart if b == b'[' && self.is_split_key() => {
                    self.rest.push(b);
                    self.cut_start = Some((self.rest.len(), at + 1));
                    self.block = Vec::with_capacity(self.block_bytes + self.block_bytes / 4);
                    self.block.push(b);
                    self.block_base = at;
                    self.checked = 1;
                    self.stalled = 0;
                    self.at = At::Open;
                    self.state = State::Items;
                }
                State::ValueStart => {
                    self.value = ValueEnd::default();
                    self.state = State::Value;
                    continue;
                }
                State::AfterValue if b == b',' => {
                    self.rest.push(b);
                    self.state = State::NextKey;
                }
                State::AfterValue if b == b'}' => {
                    self.rest.push(b);
                    self.state = State::Done;
                }
                State::AfterValue => return fail("expected `,` or the end of the container"),
                State::Done => return fail("trailing characters after the document"),
            }
            i += 1;
        }
        Ok(None)
    }

    /// Check what the block holds past `checked`; close the array at its `]` (returning the
    /// bytes after it), or cut the block once it is big enough.
    fn items(&mut self, last: bool) -> Result<Option<(Vec<u8>, usize)>, Invalid> {
        // An element (or a run of whitespace) larger than a chunk is checked again from its
        // start each time: only once what waits has doubled, so the work stays linear.
        let waiting = self.block.len() - self.checked;
        if !last && waiting < 2 * self.stalled {
            return Ok(None);
        }
        #[cfg(test)]
        {
            self.scanned += waiting;
        }
        let done = validate_elements(&self.block, self.checked, ELEMENT_DEPTH, self.at, last)
            .map_err(|e| Invalid {
                offset: self.block_base + e.offset,
                reason: e.reason,
            })?;
        if done.count > 0 {
            self.at = At::Element;
        }
        self.checked = done.end;
        self.stalled = self.block.len() - self.checked;
        self.elements += done.count;
        if let Some(close) = done.closed {
            let tail = self.block.split_off(close);
            let tail_at = self.block_base + close;
            // An array closed right after its `[` has no elements to send.
            if self.at == At::Element {
                self.ready.push_back(Block {
                    json: std::mem::take(&mut self.block),
                });
            }
            if let Some((rest_at, body_at)) = self.cut_start {
                self.cut = Some((rest_at, tail_at - 1 - body_at));
            }
            self.rest.push(b']');
            self.state = State::AfterValue;
            return Ok(Some((tail, tail_at)));
        }
        if self.checked >= self.block_bytes {
            self.cut_block();
        }
        Ok(None)
    }

    /// Send the checked elements as a block once the `,` after them has arrived; the block
    /// goes on with what follows the comma.
    fn cut_block(&mut self) {
        let comma = skip_ws(&self.block, self.checked);
        if self.block.get(comma) != Some(&b',') {
            return;
        }
        let mut next = Vec::with_capacity(self.block_bytes + self.block_bytes / 4);
        next.push(b'[');
        next.extend_from_slice(&self.block[comma + 1..]);
        self.block.truncate(self.checked);
        self.block.push(b']');
        self.ready.push_back(Block {
            json: std::mem::replace(&mut self.block, next),
        });
        self.block_base += comma;
        self.checked = 1;
        self.stalled = 0;
        self.at = At::Comma;
    }

    /// Whether the key just read is the split key (decoded, so `"\u0069tems"` counts).
    fn is_split_key(&self) -> bool {
        let key = &self.key_bytes;
        if !key.contains(&b'\\') {
            return key.len() == self.key.len() + 2
                && &key[1..key.len() - 1] == self.key.as_bytes();
        }
        serde_json::from_slice::<String>(key).is_ok_and(|k| k == self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{validate, validate_nested};
    use serde_json::{json, Value};

    /// Split `body` fed `chunk` bytes at a time; every block and the rest validated. The
    /// items put back into the rest, or the body offset of the first problem found.
    fn split(
        body: &[u8],
        chunk: usize,
        block_bytes: usize,
    ) -> Result<Value, (usize, &'static str)> {
        let mut s = Splitter::new("items", block_bytes);
        let mut items = Vec::new();
        let mut blocks = 0;
        let mut check = |b: Block| -> Result<(), (usize, &'static str)> {
            validate_nested(&b.json, 1).expect("blocks leave checked");
            let v: Vec<Value> = serde_json::from_slice(&b.json).expect("a valid block parses");
            items.extend(v);
            blocks += 1;
            Ok(())
        };
        for piece in body.chunks(chunk.max(1)) {
            s.feed(piece).map_err(|e| (e.offset, e.reason))?;
            while let Some(b) = s.take_block() {
                check(b)?;
            }
        }
        s.finish_body().map_err(|e| (e.offset, e.reason))?;
        while let Some(b) = s.take_block() {
            check(b)?;
        }
        let done = s.into_split();
        validate(&done.rest).map_err(|e| (done.offsets.body_offset(e.offset), e.reason))?;
        let mut rest: Value = serde_json::from_slice(&done.rest).expect("a valid rest parses");
        assert_eq!(done.elements, items.len());
        if let Some(Value::Array(a)) = rest.get_mut("items") {
            assert!(a.is_empty(), "the rest keeps no item");
            *a = items;
        }
        Ok(rest)
    }

    /// Oracle: serde_json reading the whole body; the split must give back the same value,
    /// however the body is cut into chunks and blocks.
    #[test]
    fn split_pieces_put_back_together_are_the_body() {
        let bodies: Vec<Vec<u8>> = vec![
            serde_json::to_vec_pretty(&json!({
                "status": "ok",
                "items": [{"id": 1, "t": "a\"]}[{,"}, [1, [2]], "s\\", 3, -1.5e3, null, true, {}],
                "item_errors": [{"items": [9]}],
                "next_cursor": null,
            }))
            .expect("json"),
            br#"{"a":1,"\u0069tems":[ {"x":"\\"} ,{"y":[]}],"z":{"items":[1]}}"#.to_vec(),
            br#" { "items" : [ ] , "b" : "]" } "#.to_vec(),
            br#"{"items": null, "n": 1}"#.to_vec(),
            br#"{"n": 1}"#.to_vec(),
            br#"{}"#.to_vec(),
            br#"{"items": [1], "itemsx": [2]}"#.to_vec(),
        ];
        for body in &bodies {
            let want: Value = serde_json::from_slice(body).expect("oracle");
            for chunk in [1, 2, 3, 5, 8, 13, body.len()] {
                for block in [1, 16, 1 << 20] {
                    assert_eq!(
                        split(body, chunk, block).as_ref(),
                        Ok(&want),
                        "{} by {chunk}, blocks of {block}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
    }

    /// Oracle: the one-pass validator over the whole body; every broken body is refused at the
    /// same offset (or, past the first problem, at least refused), however it is cut.
    #[test]
    fn broken_bodies_are_refused_where_the_whole_body_is() {
        for body in [
            &b"{\"items\": [{\"a\": 1}, {\"a\": \"ok \xff\"}], \"n\": 1}"[..],
            b"{\"n\": \"\xc3\", \"items\": [1]}",
            br#"{"items": [{"a": "\x"}]}"#,
            br#"{"items": [1,]}"#,
            br#"{"items": [1 2]}"#,
            br#"{"items": [{"a": 1]}"#,
            br#"{"items": [tru]}"#,
            br#"{"items": [1], "n": }"#,
            br#"{"n": tru"x", "items": [1]}"#,
            br#"{"items": [1], "n": 1"x"}"#,
            br#"{"items": [1], "n": "ab"#,
            br#"{"items": [1], "n": -"#,
            br#"{"items": [1], "n": {"a": [1."#,
            br#"{"items": [1], "#,
            br#"{"n": [1 2], "items": [1]}"#,
            br#"{"items": [1], "n" 1}"#,
            br#"{"items": [1]} x"#,
            br#"{"items": [1], 5: 1}"#,
            br#"{"items": [1], "n": 1"#,
            br#"{"items": ["a
b"]}"#,
            br#"{"items": [1]"#,
            br#"[1, 2]"#,
            br#"nul"#,
            br#""#,
        ] {
            let whole = validate(body).map(|_| ()).map_err(|e| (e.offset, e.reason));
            for chunk in [1, 3, body.len()] {
                let got = split(body, chunk, 4).map(|_| ());
                if let Err(offset) = whole {
                    assert_eq!(got, Err(offset), "{}", String::from_utf8_lossy(body));
                } else {
                    // Valid JSON but not an object: kept whole, refused by the caller.
                    assert!(got.is_ok(), "{}", String::from_utf8_lossy(body));
                }
            }
        }
    }

    #[test]
    fn nesting_counts_the_levels_above_a_block() {
        let deep = |n: usize| format!("{{\"items\": [{}{}]}}", "[".repeat(n), "]".repeat(n));
        assert!(split(deep(126).as_bytes(), 7, 8).is_ok());
        assert_eq!(
            split(deep(127).as_bytes(), 7, 8).map(|_| ()),
            validate(deep(127).as_bytes())
                .map(|_| ())
                .map_err(|e| (e.offset, e.reason))
        );
    }

    #[test]
    fn a_repeated_split_key_is_refused() {
        for body in [
            &br#"{"items": [1], "items": [2]}"#[..],
            br#"{"items": [1], "\u0069tems": null}"#,
        ] {
            let mut s = Splitter::new("items", 64);
            let err = s.feed(body).expect_err("refused");
            assert_eq!(err.reason, REPEATED);
        }
        // Before the array, another value under the key is only a member of the rest.
        let body = br#"{"items": null, "items": [2]}"#;
        let want: Value = serde_json::from_slice(body).expect("oracle: last one wins");
        assert_eq!(split(body, 3, 64), Ok(want));
    }

    /// A hostile server's one huge item (or whitespace run) trickling in: each byte is checked
    /// a bounded number of times, not once per chunk that arrives (which was quadratic).
    #[test]
    fn a_large_element_arriving_in_small_chunks_is_checked_in_linear_work() {
        for filler in [
            format!("{{\"t\": \"{}\"}}", "x".repeat(1 << 20)),
            format!("1{}", " ".repeat(1 << 20)),
        ] {
            let body = format!("{{\"items\": [{filler}, 2], \"n\": 1}}");
            let mut s = Splitter::new("items", 256 * 1024);
            for piece in body.as_bytes().chunks(1024) {
                s.feed(piece).expect("valid");
            }
            s.finish_body().expect("whole");
            assert_eq!(s.elements, 2);
            assert!(
                s.scanned <= 4 * body.len(),
                "{} bytes checked for {}",
                s.scanned,
                body.len()
            );
        }
    }

    #[test]
    fn blocks_cut_at_element_boundaries_near_the_size() {
        let items: Vec<Value> = (0..100)
            .map(|i| json!({"id": i, "t": "x".repeat(20)}))
            .collect();
        let body = serde_json::to_vec(&json!({"items": items})).expect("json");
        let mut s = Splitter::new("items", 256);
        let mut sizes = Vec::new();
        for piece in body.chunks(100) {
            s.feed(piece).expect("valid");
            while let Some(b) = s.take_block() {
                let v: Vec<Value> = serde_json::from_slice(&b.json).expect("block");
                sizes.push((b.json.len(), v.len()));
            }
        }
        s.finish_body().expect("whole");
        assert_eq!(sizes.iter().map(|s| s.1).sum::<usize>(), 100);
        let (last, full) = sizes.split_last().expect("blocks");
        // Cut once 256 bytes are checked, which happens a chunk (100 bytes) at a time.
        assert!(
            full.iter()
                .all(|&(len, _)| (256..256 + 100 + 40).contains(&len)),
            "{sizes:?}"
        );
        assert!(last.0 <= 256 + 100 + 40);
    }
}
