//! The root crate's integration tests, in one binary (jj's `tests/runner.rs` pattern): one
//! link of the whole dependency stack instead of one per file. Cargo.toml sets
//! `autotests = false` and declares this file as the only `[[test]]`, so a new test file must
//! be added as a module here. Run one file's tests with a filter on its module path, e.g.
//! `cargo test --test it cli::` or `cargo test --test it faults::paging::`.

mod common;

mod auth;
mod bind_discovery;
mod bind_lock;
mod binding32;
mod cache_compat;
mod cli;
mod completions;
mod contract;
mod discovery32;
mod egress_gate;
mod faults;
mod fp;
mod generated_files;
mod hints;
mod install;
mod json_fields;
mod local;
mod login;
mod map_add;
mod oauth_login;
mod operations;
mod redteam3;
mod runner;
mod saas_e2e;
mod saas_wire;
mod server_url;
mod session32;
mod tracker32;

/// With `autotests = false`, a test file that is not a module of this binary never runs: every
/// `.rs` file under tests/ (but fixtures/) must be declared by its directory's `main.rs` or
/// `mod.rs`.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("tests dir").flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("fixtures") && !path.ends_with("cmd") {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    walk(&tests, &mut files);
    let mut stray = Vec::new();
    for file in files {
        let dir = file.parent().expect("dir");
        let name = file.file_stem().expect("stem").to_string_lossy();
        if name == "main" || name == "mod" {
            continue;
        }
        let parent = ["main.rs", "mod.rs"]
            .iter()
            .map(|f| dir.join(f))
            .find(|f| f.is_file());
        let declared = parent.is_some_and(|p| {
            std::fs::read_to_string(p)
                .expect("module file")
                .lines()
                .any(|l| l.trim().trim_start_matches("pub ") == format!("mod {name};"))
        });
        if !declared || !dir.starts_with(tests.join("it")) {
            stray.push(file.display().to_string());
        }
    }
    assert!(
        stray.is_empty(),
        "test files outside the one test binary (move them under tests/it/ and add `mod <name>;` \
         to tests/it/main.rs): {stray:?}"
    );
}
