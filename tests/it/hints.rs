//! Every command a message or hint tells the user to run is a command of this binary
//! (`spec-kitty-tracker ...`), except inside the messages quoted word for word from the original
//! `spec-kitty`; each printed quote comes with a hint naming this binary's equivalent.
//!
//! Scanned: every golden output (tests/cmd), every template, commands.yaml and the non-test
//! source of src/. Oracle: the original's messages as SPEC §3/§5 and
//! reference/upstream-cli-detail.md quote them (text we did not write), plus the contract
//! mock's legacy_flow_forbidden message, which stands for server text we do not control.

use std::path::{Path, PathBuf};

/// The quoted originals (and server text) that may name `spec-kitty auth|tracker ...`.
const QUOTED: &[&str] = &[
    "Run `spec-kitty auth login` to authenticate.",
    "Run `spec-kitty auth login` to re-authenticate.",
    "No tracker bound. Run `spec-kitty tracker bind` first.",
    "Tracker is not configured. Run 'spec-kitty tracker bind' first.",
    "Use `spec-kitty tracker sync push` to push changes through the SaaS control plane.",
    "then run `spec-kitty tracker sync run`.",
];

/// The original's command groups: `spec-kitty auth login`, `spec-kitty tracker bind`, ...
const ORIGINAL_GROUPS: [&str; 2] = ["spec-kitty auth ", "spec-kitty tracker "];

/// Commands of the original named in `text` outside the quoted messages, as
/// `spec-kitty <group> <word>`.
fn unquoted_original_commands(text: &str) -> Vec<String> {
    let mut rest = text.to_owned();
    for quoted in QUOTED {
        rest = rest.replace(quoted, "");
    }
    // JSON strings in goldens: the same quotes with escaped newlines are still whole lines.
    let mut found = Vec::new();
    for group in ORIGINAL_GROUPS {
        for (at, _) in rest.match_indices(group) {
            let word: String = rest[at + group.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            if !word.is_empty() {
                found.push(format!("{group}{word}"));
            }
        }
    }
    found
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dir").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn golden_outputs_name_only_this_binarys_commands() {
    let mut goldens = Vec::new();
    files(&root().join("tests/cmd"), "toml", &mut goldens);
    assert!(goldens.len() > 100, "found {} goldens", goldens.len());
    let mut bad = Vec::new();
    let mut quoted_seen = 0;
    for file in &goldens {
        let text = std::fs::read_to_string(file).expect("golden");
        let name = file
            .strip_prefix(root())
            .unwrap_or(file)
            .display()
            .to_string();
        for cmd in unquoted_original_commands(&text) {
            bad.push(format!("{name}: {cmd}"));
        }
        for quoted in QUOTED {
            if !text.contains(quoted) {
                continue;
            }
            quoted_seen += 1;
            for cmd in original_in(quoted) {
                let ours = cmd
                    .replacen("spec-kitty tracker ", "spec-kitty-tracker ", 1)
                    .replacen("spec-kitty auth ", "spec-kitty-tracker auth ", 1);
                let named = format!("`{ours}");
                let hinted = text.lines().any(|l| {
                    let l = l.trim_start();
                    (l.starts_with("hint:") || l.starts_with('"')) && l.contains(&named)
                });
                if !hinted {
                    bad.push(format!(
                        "{name}: quotes `{cmd}` without a hint naming `{ours}`"
                    ));
                }
            }
        }
    }
    assert!(
        quoted_seen > 10,
        "the scan saw only {quoted_seen} quoted messages"
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The original commands inside a quoted message.
fn original_in(quoted: &str) -> Vec<String> {
    let mut out = Vec::new();
    for group in ORIGINAL_GROUPS {
        for (at, _) in quoted.match_indices(group) {
            let words: String = quoted[at + group.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == ' ' || *c == '-')
                .collect();
            out.push(format!("{group}{}", words.trim_end()));
        }
    }
    out
}

#[test]
fn sources_name_only_this_binarys_commands() {
    let mut sources = Vec::new();
    files(&root().join("src"), "rs", &mut sources);
    files(&root().join("templates"), "j2", &mut sources);
    sources.push(root().join("commands.yaml"));
    let mut bad = Vec::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("source");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") || line.trim_start().starts_with('#') {
                continue;
            }
            for cmd in unquoted_original_commands(line) {
                bad.push(format!("{}:{}: {cmd}", file.display(), n + 1));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    assert_eq!(
        unquoted_original_commands("hint: run `spec-kitty auth login` to authenticate"),
        vec!["spec-kitty auth login"]
    );
    assert_eq!(
        unquoted_original_commands("Use `spec-kitty tracker bind` first."),
        vec!["spec-kitty tracker bind"]
    );
    assert!(unquoted_original_commands(QUOTED[2]).is_empty());
    assert!(unquoted_original_commands("Not inside a spec-kitty project.").is_empty());
    assert!(unquoted_original_commands("run `spec-kitty-tracker auth login`").is_empty());
}
