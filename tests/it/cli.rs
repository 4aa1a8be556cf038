//! Golden CLI tests: trycmd cases under tests/cmd/<class>/ (saas, local, removed,
//! no-binding, flag-off). Each runs in a sandbox copy of a project from tests/cmd/projects/
//! with HOME pointed at a temp dir and SPEC_KITTY_HOME=state inside the sandbox, so `.out`
//! trees can show the credentials file too. Re-bless with
//! `TRYCMD=overwrite cargo test --test it cli::` (their layout: tests/cmd/README.md).
//!
//! Every class but `flag-off` runs with SPEC_KITTY_ENABLE_SAAS_SYNC=1 set here, so the cases
//! do not repeat it. `flag-off` runs as a second batch without it, and its cases also say
//! `env.remove = ["SPEC_KITTY_ENABLE_SAAS_SYNC"]` against a flag inherited from the shell.
//! (One batch cannot serve both: trycmd applies a case's `env.remove` before the harness's
//! `env`, so a case cannot unset a variable the harness adds.)

use crate::common::{self, windows_build};
use contract_mock as mock;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

const CLASSES: [&str; 5] = ["saas", "local", "removed", "no-binding", "flag-off"];

/// The class whose cases run without the feature flag.
const FLAG_OFF: &str = "flag-off";

#[test]
fn cli_cases() {
    let home = tempfile::tempdir().expect("temp HOME");
    let mock = mock::spawn(
        mock::Config {
            issues: 12,
            seed: Some((mock::SEED_ACCESS.into(), mock::SEED_REFRESH.into())),
            slow: Duration::from_secs(3),
            device_auto_approve: Some(1),
            ..mock::Config::default()
        },
        0,
    )
    .expect("contract mock");
    restrict_fixture_secrets();
    for flag_on in [true, false] {
        let cases = trycmd::TestCases::new();
        if flag_on {
            cases.env("SPEC_KITTY_ENABLE_SAAS_SYNC", "1");
        }
        configure(&cases, home.path(), &mock.url);
        for class in CLASSES.into_iter().filter(|c| (*c != FLAG_OFF) == flag_on) {
            if class == "local" && windows_build() {
                // scripts/wine-test.sh lists this skip in its summary too.
                common::skip_on_platform(
                    "tests/cmd/local/ under Wine (the stub bd/fp of tests/fixtures/bin/ are \
                     Python scripts with a #! line, which a Windows program cannot start)",
                );
                continue;
            }
            cases.case(format!("tests/cmd/{class}/*.toml"));
        }
        if windows_build() {
            for (case, why) in WINDOWS_DIFFERS {
                common::skip_on_platform(&format!("{case} under Wine ({why})"));
                cases.skip(*case);
            }
        }
        cases.run();
    }
}

/// The environment, binary and redactions every case shares.
fn configure(cases: &trycmd::TestCases, home: &Path, mock_url: &str) {
    cases
        .register_bin("spec-kitty-tracker", binary())
        .env("HOME", home.display().to_string())
        .env("SPEC_KITTY_HOME", "state")
        .env("NO_COLOR", "1")
        .env("SPECIFY_REPO_ROOT", "")
        .env("SPEC_KITTY_SAAS_URL", mock_url)
        // Polling runs its real schedule at 1 ms per second; requests time out after 1 s.
        .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1")
        .env("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS", "1000")
        .env("RUST_LOG", "")
        // Stub bd/fp first on PATH; they log argv and keep state in the sandbox.
        .env("PATH", stub_path());
    cases
        .insert_var("[MOCK]", mock_url.to_owned())
        .expect("redaction");
}

/// Cargo's binary, or the launcher `SPEC_KITTY_TRACKER_TEST_BIN` names (`scripts/wine-test.sh`
/// points it at the Windows build run by Wine).
fn binary() -> std::path::PathBuf {
    std::env::var_os("SPEC_KITTY_TRACKER_TEST_BIN").map_or_else(
        || trycmd::cargo::cargo_bin!("spec-kitty-tracker").to_path_buf(),
        Into::into,
    )
}

/// Cases whose expected output is right for Linux and macOS only, with what Windows prints.
const WINDOWS_DIFFERS: &[(&str, &str)] = &[
    (
        "tests/cmd/saas/auth-logout-json.toml",
        r#"--json shows the path the Windows way, "state\\credentials""#,
    ),
    (
        "tests/cmd/saas/auth-status-json.toml",
        r#"--json shows the path the Windows way, "state\\credentials""#,
    ),
    (
        "tests/cmd/saas/auth-doctor-json.toml",
        r#"--json shows the path the Windows way, "state\\auth""#,
    ),
];

fn stub_path() -> String {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bin");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Git does not keep file modes: give the fixture credentials the 0600/0700 the tool expects
/// (it would otherwise warn about them in every case).
fn restrict_fixture_secrets() {
    use std::os::unix::fs::PermissionsExt;
    let projects = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/projects");
    for entry in std::fs::read_dir(projects)
        .expect("projects")
        .filter_map(Result::ok)
    {
        let state = entry.path().join("state");
        if state.is_dir() {
            let _ = std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700));
            let creds = state.join("credentials");
            if creds.is_file() {
                let _ = std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

/// (class, command) pairs whose behaviour has not landed yet, with the issue that tracks them.
/// The coverage test fails both when a pair is missing and when a listed pair is covered, so
/// this list always tells the truth.
const PENDING: &[&str] = &[];

/// Every leaf command of commands.yaml has at least one case in every class directory.
#[test]
fn every_command_is_covered_in_every_class() {
    let spec =
        command_spec::load(include_str!("../../commands.yaml")).expect("valid commands.yaml");
    let leaves: Vec<Vec<&str>> = spec.leaves().into_iter().map(|l| l.path).collect();
    let mut missing = Vec::new();
    for class in CLASSES {
        let mut covered = BTreeSet::new();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cmd")
            .join(class);
        for entry in std::fs::read_dir(&dir)
            .expect("class dir")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("case");
            let doc: toml_edit::DocumentMut = text.parse().expect("case is TOML");
            let args: Vec<String> = doc["args"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let words: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .filter(|a| !a.starts_with('-'))
                .collect();
            for leaf in &leaves {
                if words.starts_with(leaf) {
                    covered.insert(leaf.join(" "));
                }
            }
        }
        for leaf in &leaves {
            if !covered.contains(&leaf.join(" ")) {
                missing.push(format!("{class}: {}", leaf.join(" ")));
            }
        }
    }
    let unexpected: Vec<&String> = missing
        .iter()
        .filter(|m| !PENDING.contains(&m.as_str()))
        .collect();
    let stale: Vec<&&str> = PENDING
        .iter()
        .filter(|p| !missing.iter().any(|m| m == *p))
        .collect();
    assert!(
        unexpected.is_empty(),
        "commands without a golden case: {unexpected:?}"
    );
    assert!(
        stale.is_empty(),
        "covered now, remove from PENDING: {stale:?}"
    );
}

/// Issue 14.4: every command but `completions` (which prints a script) takes `--json`.
#[test]
fn every_command_but_completions_takes_json() {
    let spec =
        command_spec::load(include_str!("../../commands.yaml")).expect("valid commands.yaml");
    let without: Vec<String> = spec
        .leaves()
        .iter()
        .filter(|l| l.spec.json.is_none())
        .map(|l| l.path_str())
        .collect();
    assert_eq!(without, vec!["completions"]);
}

/// No case is a byte-identical copy of another (tests/cmd/README.md): a copy runs the same path
/// twice and has to be changed twice.
#[test]
fn no_case_is_a_copy_of_another() {
    let cmd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd");
    let mut seen: std::collections::BTreeMap<Vec<u8>, String> = std::collections::BTreeMap::new();
    let mut copies = Vec::new();
    for class in CLASSES {
        let mut cases: Vec<_> = std::fs::read_dir(cmd.join(class))
            .expect("class dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        cases.sort();
        for case in cases {
            let name = format!(
                "{class}/{}",
                case.file_name().expect("name").to_string_lossy()
            );
            let bytes = std::fs::read(&case).expect("case");
            if let Some(first) = seen.get(&bytes) {
                copies.push(format!("{name} = {first}"));
            } else {
                seen.insert(bytes, name);
            }
        }
    }
    assert!(copies.is_empty(), "copied cases: {copies:?}");
}
