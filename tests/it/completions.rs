//! The committed completion scripts, run in the real shells: bash (the function registered
//! with `complete -F`, called the way bash calls it on TAB), zsh (an interactive zsh in a
//! zsh/zpty pseudo-terminal, typing the line and a TAB) and fish (`complete -C`).
//!
//! Oracle: the shells themselves. A shell that is not installed skips its cases locally and
//! fails the test under CI (`CI=true`), where .ci/run installs zsh and fish.

use crate::common;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = "spec-kitty-tracker";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    fn program(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// Whether the shell can run here; under CI a missing shell is a failure.
    fn available(self) -> bool {
        let found = Command::new(self.program())
            .args(["-c", "exit 0"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            common::skip(&format!(
                "{} is not installed: its completion cases are not run",
                self.program()
            ));
        }
        found
    }

    /// The candidates the shell offers for `line` (typed in `cwd`, TAB at the end).
    fn complete(self, line: &str, cwd: &Path) -> BTreeSet<String> {
        let scripts = root().join("completions");
        let mut cmd = match self {
            Shell::Bash => {
                let mut c = Command::new("bash");
                c.arg("--norc")
                    .arg("--noprofile")
                    .arg(root().join("tests/fixtures/bash-complete.sh"))
                    .arg(scripts.join("spec-kitty-tracker.bash"))
                    .arg(line);
                c
            }
            Shell::Zsh => {
                let mut c = Command::new("zsh");
                c.arg("-f")
                    .arg(root().join("tests/fixtures/zsh/complete.zsh"))
                    .arg(line)
                    .env("COMPLETE_FPATH", &scripts);
                c
            }
            Shell::Fish => {
                let mut c = Command::new("fish");
                let script = scripts.join("spec-kitty-tracker.fish");
                c.arg("--no-config").arg("-c").arg(format!(
                    "source {}; complete -C {}",
                    shell_quote(&script.display().to_string()),
                    shell_quote(line)
                ));
                c
            }
        };
        let out = run_with_timeout(cmd.current_dir(cwd).env("HOME", cwd));
        assert!(
            out.status.success(),
            "{self:?} on {line:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            // fish prints `value<TAB>description`.
            .map(|l| l.split('\t').next().unwrap_or("").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "\\'"))
}

/// Run with `timeout 60` so a hung shell fails the test instead of hanging it.
fn run_with_timeout(cmd: &mut Command) -> std::process::Output {
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
    let mut wrapped = Command::new("timeout");
    wrapped.arg("60").arg(program).args(args);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped.output().expect("run the shell")
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs `check` for every installed shell, in a temp dir holding `changes.json` and `proj/`.
fn for_each_shell(check: impl Fn(Shell, &dyn Fn(&str) -> BTreeSet<String>)) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("changes.json"), "[]").expect("file");
    std::fs::create_dir(dir.path().join("proj")).expect("dir");
    for shell in Shell::ALL {
        if shell.available() {
            check(shell, &|line| shell.complete(line, dir.path()));
        }
    }
}

fn assert_contains(shell: Shell, line: &str, got: &BTreeSet<String>, want: &[&str]) {
    let missing: Vec<&&str> = want.iter().filter(|w| !got.contains(**w)).collect();
    assert!(
        missing.is_empty(),
        "{shell:?}: `{line}<TAB>` lacks {missing:?}; offered {got:?}"
    );
}

#[test]
fn subcommands_complete_at_every_depth() {
    for_each_shell(|shell, complete| {
        let cases: &[(&str, &[&str])] = &[
            ("sy", &["sync"]),
            (
                "",
                &[
                    "providers",
                    "bind",
                    "status",
                    "unbind",
                    "map",
                    "sync",
                    "operations",
                    "auth",
                    "completions",
                    "help",
                ],
            ),
            ("sync ", &["pull", "push", "run", "publish"]),
            ("map ", &["add", "list"]),
            ("auth ", &["login", "logout", "status"]),
            ("operations ", &["show"]),
        ];
        for (rest, want) in cases {
            let line = format!("{BIN} {rest}");
            assert_contains(shell, &line, &complete(&line), want);
        }
    });
}

#[test]
fn every_leaf_completes_its_options() {
    let spec = command_spec::load(include_str!("../../commands.yaml")).expect("valid");
    for_each_shell(|shell, complete| {
        for leaf in spec.leaves() {
            let line = format!("{BIN} {} --", leaf.path_str());
            let mut want: Vec<String> = leaf
                .spec
                .args
                .iter()
                .filter_map(|a| a.long.as_ref().map(|l| format!("--{l}")))
                .collect();
            if leaf.spec.json.is_some() {
                want.push("--json".into());
            }
            want.extend(["--help".into(), "--project".into(), "--verbose".into()]);
            let want: Vec<&str> = want.iter().map(String::as_str).collect();
            assert_contains(shell, &line, &complete(&line), &want);
        }
    });
}

#[test]
fn values_come_from_commands_yaml_without_removed_providers() {
    for_each_shell(|shell, complete| {
        let providers = complete(&format!("{BIN} bind --provider "));
        assert_eq!(
            providers,
            set(&["linear", "jira", "github", "gitlab", "beads", "fp"]),
            "{shell:?}"
        );
        let modes = complete(&format!("{BIN} bind --provider beads --ownership-mode "));
        assert_eq!(
            modes,
            set(&[
                "external_authoritative",
                "spec_kitty_authoritative",
                "split_ownership"
            ]),
            "{shell:?}"
        );
        let shells = complete(&format!("{BIN} completions "));
        assert_contains(
            shell,
            "completions ",
            &shells,
            &["bash", "zsh", "fish", "elvish", "powershell"],
        );
        assert!(!shells.contains("changes.json"), "{shell:?}: {shells:?}");
    });
}

#[test]
fn files_for_items_json_and_directories_for_project() {
    for_each_shell(|shell, complete| {
        let files = complete(&format!("{BIN} sync push --items-json "));
        assert!(
            files.contains("changes.json"),
            "{shell:?}: --items-json offers {files:?}"
        );
        let dirs = complete(&format!("{BIN} status -C "));
        assert!(
            dirs.iter().any(|d| d.trim_end_matches('/') == "proj"),
            "{shell:?}: -C offers {dirs:?}"
        );
        let slug = complete(&format!("{BIN} bind --provider linear --project-slug "));
        assert!(
            !slug.contains("changes.json"),
            "{shell:?}: a slug is not a file: {slug:?}"
        );
    });
}
