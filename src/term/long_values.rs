//! Long command-line values cut in messages: a value longer than [`LONG`] characters (a 120 KB
//! provider name, `--limit`, `--credential`, an unknown flag) is shown by its first [`KEPT`]
//! characters and how many were cut, in every message — ours and clap's, on stderr and in the
//! `--json` error object — so one bad argument cannot fill the terminal or a log.
//!
//! The values are taken from the command line once ([`remember`]); a message is cut by
//! replacing each of them wherever it appears ([`cut`]). A run of more than [`LONG_RUN`]
//! characters without a space, quote or bracket is cut too, for a long value that reached a
//! message in another shape (a value read back from a file); the higher bound keeps long but
//! ordinary paths and URLs whole.

use std::borrow::Cow;
use std::ffi::OsString;
use std::sync::OnceLock;

/// Values longer than this many characters are cut.
pub const LONG: usize = 100;
/// How many characters of a cut value are kept.
pub const KEPT: usize = 80;
/// Runs without a separator longer than this many characters are cut wherever they come from.
pub const LONG_RUN: usize = 400;

static VALUES: OnceLock<Vec<String>> = OnceLock::new();

/// Remember the long values of the command line `args` (every word, and the value of a
/// `--name=value` word), longest first.
pub fn remember(args: &[OsString]) {
    VALUES.get_or_init(|| {
        let mut long: Vec<String> = Vec::new();
        for arg in args.iter().skip(1) {
            let arg = arg.to_string_lossy();
            let value = arg
                .strip_prefix("--")
                .and_then(|a| a.split_once('='))
                .map(|(_, v)| v);
            for word in [Some(arg.as_ref()), value].into_iter().flatten() {
                if word.chars().count() > LONG && !long.iter().any(|l| l == word) {
                    long.push(word.to_owned());
                }
            }
        }
        long.sort_by_key(|v| std::cmp::Reverse(v.len()));
        long
    });
}

/// `value` cut to its first [`KEPT`] characters and a note of how many were cut, when it is
/// longer than [`LONG`] characters.
pub fn shorten(value: &str) -> Cow<'_, str> {
    let total = value.chars().count();
    if total <= LONG {
        return Cow::Borrowed(value);
    }
    let kept: String = value.chars().take(KEPT).collect();
    Cow::Owned(format!("{kept}… ({} more characters)", total - KEPT))
}

/// `text` with every remembered long value, and every other run of more than [`LONG_RUN`]
/// characters without a space, quote, bracket or `,;=`, cut (see [`shorten`]).
pub fn cut(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for value in VALUES.get().map(Vec::as_slice).unwrap_or_default() {
        if out.contains(value.as_str()) {
            out = Cow::Owned(out.replace(value.as_str(), &shorten(value)));
        }
    }
    if !has_long_run(&out) {
        return out;
    }
    let mut cut = String::with_capacity(out.len().min(4096));
    let mut run = String::new();
    for c in out.chars() {
        if separator(c) {
            cut.push_str(&shorten_run(&run));
            run.clear();
            cut.push(c);
        } else {
            run.push(c);
        }
    }
    cut.push_str(&shorten_run(&run));
    Cow::Owned(cut)
}

fn shorten_run(run: &str) -> Cow<'_, str> {
    match run.chars().count() > LONG_RUN {
        true => shorten(run),
        false => Cow::Borrowed(run),
    }
}

/// Characters that end a run: whitespace, quotes, brackets and the punctuation around values.
fn separator(c: char) -> bool {
    c.is_whitespace() || "'\"`()[]{}<>,;=".contains(c)
}

fn has_long_run(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if separator(c) { 0 } else { run + 1 };
        if run > LONG_RUN {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_and_runs_are_cut_with_a_count() {
        assert_eq!(shorten("short"), "short");
        let long = "é".repeat(120_000);
        let cut_one = shorten(&long);
        assert!(cut_one.starts_with(&"é".repeat(KEPT)));
        assert!(cut_one.ends_with("… (119920 more characters)"));
        // A run without spaces, quoted as clap quotes it.
        let text = format!(
            "error: invalid value '{}' for '--limit <N>'",
            "9".repeat(500)
        );
        let shown = cut(&text);
        assert_eq!(
            shown,
            format!(
                "error: invalid value '{}… (420 more characters)' for '--limit <N>'",
                "9".repeat(KEPT)
            )
        );
        assert_eq!(cut("nothing long here"), Cow::Borrowed("nothing long here"));
        let path = format!("cannot read /{}/config.yaml", "deep/".repeat(60));
        assert_eq!(cut(&path), path, "a 300-character path stays whole");
    }
}
