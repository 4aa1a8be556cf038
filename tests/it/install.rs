//! The README's install path (`scripts/install.sh --prefix ~/.local`), followed in a temp HOME:
//! afterwards `man spec-kitty-tracker` finds the page and bash, fish and zsh complete the
//! command, with nothing configured but PATH.
//!
//! Oracles: man-db (`man -w`, which derives its search path from PATH), bash-completion's own
//! on-demand loader (`__load_completion`), fish's default `fish_complete_path`, zsh's `fpath`.
//! A missing tool skips its check locally and fails under CI (`CI=true`), where .ci/run
//! installs them.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn available(what: &str, ok: bool) -> bool {
    if !ok {
        common::skip(&format!(
            "{what} is not installed: its install check is not run"
        ));
    }
    ok
}

fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A command with only HOME and PATH (prefix/bin first) set, as after a fresh login.
fn clean(program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("HOME", home)
        .env(
            "PATH",
            format!(
                "{}:{}",
                home.join(".local/bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("TERM", "dumb")
        .current_dir(home);
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn install_sh_gives_man_pages_and_completions_in_a_fresh_home() {
    let home = tempfile::tempdir().expect("temp HOME");
    let prefix = home.path().join(".local");
    let out = Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .args(["--prefix", &prefix.display().to_string()])
        .args(["--binary", env!("CARGO_BIN_EXE_spec-kitty-tracker")])
        .env("HOME", home.path())
        .env_remove("MANPATH")
        .output()
        .expect("install.sh");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("add {}/bin to PATH", prefix.display())),
        "{}",
        text(&out)
    );

    let version = clean("spec-kitty-tracker", home.path())
        .arg("--version")
        .output()
        .expect("installed binary on PATH");
    assert!(version.status.success());

    if available("man (man-db)", has("man")) {
        for page in ["spec-kitty-tracker", "spec-kitty-tracker-sync-pull"] {
            let found = clean("man", home.path())
                .args(["-w", page])
                .output()
                .expect("man -w");
            assert_eq!(
                String::from_utf8_lossy(&found.stdout).trim(),
                prefix
                    .join(format!("share/man/man1/{page}.1"))
                    .display()
                    .to_string(),
                "man -w {page}: {}",
                text(&found)
            );
        }
    }

    if available(BASH_COMPLETION, Path::new(BASH_COMPLETION).is_file()) {
        let loaded = clean("bash", home.path())
            .args(["--norc", "--noprofile", "-c"])
            .arg(format!(
                "source {BASH_COMPLETION} && __load_completion spec-kitty-tracker && complete -p spec-kitty-tracker"
            ))
            .output()
            .expect("bash");
        assert!(
            text(&loaded).contains("-F _spec__kitty__tracker spec-kitty-tracker"),
            "bash-completion did not load the installed script: {}",
            text(&loaded)
        );
    }

    if available("fish", has("fish")) {
        let offered = clean("fish", home.path())
            .args(["-c", "complete -C 'spec-kitty-tracker sync '"])
            .output()
            .expect("fish");
        assert!(
            String::from_utf8_lossy(&offered.stdout).contains("pull\t"),
            "fish did not find the installed completions: {}",
            text(&offered)
        );
    }

    if available("zsh", has("zsh")) {
        let offered = clean("zsh", home.path())
            .arg("-f")
            .arg(root().join("tests/fixtures/zsh/complete.zsh"))
            .arg("spec-kitty-tracker sync ")
            .env("COMPLETE_FPATH", prefix.join("share/zsh/site-functions"))
            .output()
            .expect("zsh");
        assert!(
            String::from_utf8_lossy(&offered.stdout)
                .lines()
                .any(|l| l == "pull"),
            "zsh with the documented fpath line: {}",
            text(&offered)
        );
    }
}
