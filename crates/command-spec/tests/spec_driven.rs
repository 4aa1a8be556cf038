//! Changing a help string or a hard-break message in commands.yaml changes `--help`, the man
//! page and the generated dispatch code (the command's behaviour) with no Rust edit.
#![cfg(feature = "docs")]

use command_spec::{codegen, docs, load, to_clap};

const REAL: &str = include_str!("../../../commands.yaml");
const OLD_ABOUT: &str = "Pull tracker updates into the local cache.";
const NEW_ABOUT: &str = "Fetch tracker issues into the cache (edited).";
const OLD_BREAK: &str = "Mappings for SaaS-backed providers are managed in the Spec Kitty dashboard. Use the web interface to create or edit mappings.";
const NEW_BREAK: &str = "Mappings live in the dashboard now (edited).";

fn edited() -> String {
    assert!(
        REAL.contains(OLD_ABOUT) && REAL.contains(OLD_BREAK),
        "fixture strings moved"
    );
    REAL.replace(OLD_ABOUT, NEW_ABOUT)
        .replace(OLD_BREAK, NEW_BREAK)
}

#[test]
fn a_help_string_edit_reaches_help_and_man_page() {
    let spec = load(&edited()).expect("edited file is valid");
    let mut root = to_clap::build(&spec, "0.0.0");
    let help = root
        .find_subcommand_mut("sync")
        .and_then(|s| s.find_subcommand_mut("pull"))
        .map(|c| c.render_help().to_string())
        .expect("sync pull");
    assert!(help.contains(NEW_ABOUT), "{help}");
    let pages = docs::man_pages(&spec, "0.0.0");
    let (_, page) = pages
        .iter()
        .find(|(n, _)| n == "spec-kitty-tracker-sync-pull.1")
        .expect("page");
    assert!(
        page.contains("Fetch tracker issues into the cache (edited)."),
        "{page}"
    );
}

#[test]
fn a_hard_break_edit_reaches_dispatch_help_and_man_page() {
    let spec = load(&edited()).expect("edited file is valid");
    let code = codegen::route_module(&spec);
    assert!(
        code.contains(&format!("{NEW_BREAK:?}")),
        "dispatch code does not carry the new message"
    );
    assert!(!code.contains(OLD_BREAK));
    let mut root = to_clap::build(&spec, "0.0.0");
    let help = root
        .find_subcommand_mut("map")
        .and_then(|s| s.find_subcommand_mut("add"))
        .map(|c| c.render_long_help().to_string())
        .expect("map add");
    assert!(help.contains(NEW_BREAK), "{help}");
    let pages = docs::man_pages(&spec, "0.0.0");
    let (_, page) = pages
        .iter()
        .find(|(n, _)| n == "spec-kitty-tracker-map-add.1")
        .expect("page");
    assert!(
        page.contains("Mappings live in the dashboard now (edited)."),
        "{page}"
    );
}
