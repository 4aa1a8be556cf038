//! The committed man/, completions/ and docs/json/ must be exactly what build.rs generates from
//! commands.yaml. Fix a stale copy with:
//!     SPEC_KITTY_TRACKER_BLESS=1 cargo test --test it generated_files::

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIX: &str = "SPEC_KITTY_TRACKER_BLESS=1 cargo test --test it generated_files::";

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| {
                    let bytes = std::fs::read(e.path()).unwrap_or_default();
                    (e.file_name().to_string_lossy().into_owned(), bytes)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check(name: &str) {
    check_in(name, name);
}

/// Compare build.rs's `OUT_DIR/<name>` with the committed directory `committed`.
fn check_in(name: &str, committed_path: &str) {
    let generated_dir = Path::new(env!("OUT_DIR")).join(name);
    let committed_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(committed_path);
    let generated = files(&generated_dir);
    assert!(!generated.is_empty(), "build.rs generated no {name}/ files");
    let committed = files(&committed_dir);
    if generated != committed && std::env::var_os("SPEC_KITTY_TRACKER_BLESS").is_some() {
        assert!(
            !common::under_ci(),
            "SPEC_KITTY_TRACKER_BLESS under CI=true"
        );
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).expect("create committed dir");
        for (file, bytes) in &generated {
            std::fs::write(committed_dir.join(file), bytes).expect("write committed file");
        }
    } else {
        let stale: Vec<&String> = generated
            .keys()
            .chain(committed.keys())
            .filter(|k| generated.get(*k) != committed.get(*k))
            .collect();
        assert!(
            stale.is_empty(),
            "{committed_path}/ is stale ({stale:?} differ from commands.yaml); fix: {FIX}"
        );
    }
}

#[test]
fn man_pages_are_fresh() {
    check("man");
}

#[test]
fn completions_are_fresh() {
    check("completions");
}

/// The JSON Schema documents of the `--json` outputs, for scripts.
#[test]
fn json_schemas_are_fresh() {
    check_in("json", "docs/json");
}

/// Every committed man page renders without groff warnings or raw escapes, and says what
/// commands.yaml says (the pages are build.rs's, see `man_pages_are_fresh`): each leaf page its
/// summary, each option's value name in the synopsis, its examples, what each provider class
/// gets (as `command_spec::classes` derives it from the dispatch table) and the exit codes; the
/// top page the environment and the exit codes. Oracle: the text groff renders, compared word
/// for word.
#[test]
fn man_pages_render_and_say_what_commands_yaml_says() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    if !common::have("groff", "it renders the man pages") {
        return;
    }
    let render = |file: &str| {
        let out = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-P-cbou", "-rLL=300n", "-rHY=0"])
            .arg(dir.join(file))
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("run groff");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "{file}: {stderr}"
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            !text.contains("\\f") && !text.contains("\\-"),
            "{file}: raw escapes left:\n{text}"
        );
        words(&text)
    };
    let spec = command_spec::load(include_str!("../../commands.yaml")).expect("valid");
    for (file, _) in files(&dir) {
        render(&file);
    }
    let exit_codes = spec
        .exit_codes
        .iter()
        .map(|c| format!("{} {}", c.code, c.help));
    let says = |file: &str, want: Vec<String>| {
        let text = render(file);
        for w in want {
            assert!(
                text.contains(&words(&w)),
                "{file} does not say {w:?}:\n{text}"
            );
        }
    };
    for leaf in spec.leaves() {
        let mut want = vec![leaf.spec.about.clone()];
        // The synopsis names each option's value as commands.yaml does (`--limit N`).
        for arg in leaf.spec.args.iter().filter(|a| !a.hidden) {
            if let (Some(long), Some(value)) = (&arg.long, &arg.value_name) {
                want.push(format!("--{long} {value}"));
            }
        }
        for ex in &leaf.spec.examples {
            want.extend([ex.command.clone(), ex.help.clone()]);
        }
        for line in command_spec::classes::class_lines(leaf.spec) {
            want.push(format!("{} {}", line.class, line.summary));
            want.extend(line.refused_options);
        }
        want.extend(exit_codes.clone());
        says(
            &format!("spec-kitty-tracker-{}.1", leaf.path.join("-")),
            want,
        );
    }
    let mut want: Vec<String> = spec
        .environment
        .iter()
        .map(|v| format!("{} {}", v.name, v.help))
        .collect();
    want.extend(exit_codes);
    says("spec-kitty-tracker.1", want);
}

/// Text with every run of white space made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `completions <shell>` prints exactly the committed script.
#[test]
fn completions_command_prints_the_committed_scripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "spec-kitty-tracker.bash"),
        ("zsh", "_spec-kitty-tracker"),
        ("fish", "spec-kitty-tracker.fish"),
        ("elvish", "spec-kitty-tracker.elv"),
        ("powershell", "_spec-kitty-tracker.ps1"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_spec-kitty-tracker"))
            .args(["completions", shell])
            .env_remove("SPEC_KITTY_ENABLE_SAAS_SYNC")
            .output()
            .expect("run");
        assert!(out.status.success());
        assert_eq!(
            out.stdout,
            std::fs::read(dir.join(file)).expect("committed script"),
            "{shell}"
        );
    }
}
