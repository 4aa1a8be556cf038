//! The member order of objects that arrive unsorted, remembered by their key sequence: a
//! server that does not sort its keys sends every item with the same keys in the same order,
//! so each shape is sorted once and later objects of that shape are matched with one
//! comparison per key instead of a sort.

use super::compare_keys;
use std::cmp::Ordering;
use std::ops::Range;

/// Shapes remembered (an item and the objects nested in it, with room to spare).
const SHAPES: usize = 16;

/// One object's key, as bytes of the input.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key's bytes between its quotes (escapes not decoded).
    pub range: Range<usize>,
    /// Whether it holds an escape.
    pub escaped: bool,
}

/// A key sequence and the order its members are written in.
#[derive(Debug, Default)]
struct Shape {
    /// The keys as received, each followed by `"` (which cannot occur unescaped in a key).
    keys: Vec<u8>,
    count: usize,
    /// Indices of the members to write, in key order (of repeated keys, the last).
    order: Vec<usize>,
}

impl Shape {
    fn matches(&self, s: &[u8], keys: &[Key]) -> bool {
        if self.count != keys.len() {
            return false;
        }
        let mut at = 0;
        for k in keys {
            let key = &s[k.range.clone()];
            let end = at + key.len();
            if self.keys.get(at..end) != Some(key) || self.keys.get(end) != Some(&b'"') {
                return false;
            }
            at = end + 1;
        }
        true
    }
}

/// Remembered shapes, the oldest replaced first.
#[derive(Debug, Default)]
pub struct OrderCache {
    shapes: Vec<Shape>,
    next: usize,
}

impl OrderCache {
    /// The order to write the members with `keys` (keys of `s`) in: indices, sorted by
    /// decoded key, the last of equal keys only.
    pub fn order(&mut self, s: &[u8], keys: &[Key]) -> &[usize] {
        let hit = self.shapes.iter().position(|shape| shape.matches(s, keys));
        let at = match hit {
            Some(at) => at,
            None => self.learn(s, keys),
        };
        &self.shapes[at].order
    }

    fn learn(&mut self, s: &[u8], keys: &[Key]) -> usize {
        let order = key_order(s, keys);
        let mut bytes = Vec::new();
        for k in keys {
            bytes.extend_from_slice(&s[k.range.clone()]);
            bytes.push(b'"');
        }
        let shape = Shape {
            keys: bytes,
            count: keys.len(),
            order,
        };
        if self.shapes.len() < SHAPES {
            self.shapes.push(shape);
            return self.shapes.len() - 1;
        }
        let at = self.next;
        self.shapes[at] = shape;
        self.next = (at + 1) % SHAPES;
        at
    }
}

/// Indices of `keys` (keys of `s`) sorted by decoded key, the last of equal keys only.
pub fn key_order(s: &[u8], keys: &[Key]) -> Vec<usize> {
    let cmp = |a: &Key, b: &Key| compare_keys(s, &a.range, a.escaped, &b.range, b.escaped);
    let mut sorted: Vec<usize> = (0..keys.len()).collect();
    // Stable: of equal keys, the last received stays last.
    sorted.sort_by(|&a, &b| cmp(&keys[a], &keys[b]));
    let mut order = Vec::with_capacity(sorted.len());
    for (n, &i) in sorted.iter().enumerate() {
        match sorted.get(n + 1) {
            Some(&next) if cmp(&keys[i], &keys[next]) == Ordering::Equal => {}
            _ => order.push(i),
        }
    }
    order
}
