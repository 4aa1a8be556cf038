//! Bad files and inputs: every one is a clear error, and nothing the user had is modified.

use crate::common::{code, stderr, stdout, Sandbox};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn config_bytes(sb: &Sandbox) -> Vec<u8> {
    std::fs::read(sb.project().join(".kittify/config.yaml")).unwrap_or_default()
}

#[test]
fn a_malformed_config_is_reported_with_its_position_and_never_written() {
    let text = "# keep me\nagents:\n  available: [claude\ntracker:\n  provider: linear\n";
    let sb = Sandbox::new(Some(text));
    for args in [
        &["status"][..],
        &["bind", "--provider", "linear", "--project-slug", "x"],
        &["unbind"],
    ] {
        let out = sb.run(args);
        assert_eq!(code(&out), 1, "{args:?}");
        assert!(
            stderr(&out).starts_with("error: cannot parse .kittify/config.yaml:4:"),
            "{}",
            stderr(&out)
        );
        assert_eq!(config_bytes(&sb), text.as_bytes());
    }
    let json = sb.run(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json error");
    assert_eq!(
        (v["error"]["code"].as_str(), v["error"]["line"].as_u64()),
        (Some("config_parse"), Some(4))
    );
}

#[test]
fn a_config_that_is_a_directory_or_not_utf8_or_not_a_mapping_is_refused() {
    let sb = Sandbox::new(None);
    std::fs::create_dir_all(sb.project().join(".kittify/config.yaml")).expect("dir");
    let out = sb.run(&["bind", "--provider", "linear", "--project-slug", "x"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: cannot read .kittify/config.yaml: Is a directory"),
        "{}",
        stderr(&out)
    );

    let sb = Sandbox::new(None);
    std::fs::write(
        sb.project().join(".kittify/config.yaml"),
        b"agents: \xff\xfe\n",
    )
    .expect("write");
    let out = sb.run(&["status"]);
    assert_eq!((code(&out), stderr(&out).as_str()), (1, "error: cannot parse .kittify/config.yaml: invalid UTF-8 at byte 8\nhint: fix the file; it was not modified\n"));

    let list = "- one\n- two\n";
    let sb = Sandbox::new(Some(list));
    let out = sb.run(&["bind", "--provider", "beads", "--workspace", "w"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("the top level of the file is a list, not a mapping"),
        "{}",
        stderr(&out)
    );
    assert_eq!(config_bytes(&sb), list.as_bytes());
}

#[test]
fn an_unwritable_project_or_home_is_a_clear_error() {
    let sb = Sandbox::new(Some("a: 1\n"));
    if is_root() {
        // root ignores file modes: make the state root unusable instead (a file in its path).
        std::fs::write(sb.dir.path().join("not-a-dir"), "x").expect("file");
        let home = sb
            .dir
            .path()
            .join("not-a-dir/.spec-kitty")
            .display()
            .to_string();
        let sb = sb.env("SPEC_KITTY_HOME", &home);
        let out = sb.run(&[
            "bind",
            "--provider",
            "beads",
            "--workspace",
            "w",
            "--credential",
            "command=bd",
        ]);
        assert_eq!(code(&out), 1);
        assert!(
            stderr(&out).contains("cannot create") && stderr(&out).contains("Not a directory"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            config_bytes(&sb),
            b"a: 1\n",
            "the binding is not half-saved"
        );
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let kittify = sb.project().join(".kittify");
    std::fs::set_permissions(&kittify, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let out = sb.run(&["bind", "--provider", "linear", "--project-slug", "x"]);
    std::fs::set_permissions(&kittify, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: cannot write .kittify/config.yaml: Permission denied"),
        "{}",
        stderr(&out)
    );
    assert_eq!(config_bytes(&sb), b"a: 1\n");
}

#[test]
fn items_json_problems_are_usage_errors_before_any_request() {
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", "http://127.0.0.1:9");
    std::fs::write(sb.project().join("items.json"), "{\"ref\": 1}").expect("write");
    for (args, stdin, want) in [
        (vec!["sync", "push", "--items-json", "items.json"], "", "error: --items-json must contain a JSON array of PushItem objects.\n"),
        (vec!["sync", "push", "--items-json", "-"], "[1,", "error: --items-json stdin: not valid JSON: EOF while parsing a value at line 1 column 3\n"),
        (vec!["sync", "push", "--items-json", "-"], "[{\"ref\": \"LIN-1\"}]", "error: --items-json stdin: item 0: `action` is missing\n"),
        (vec!["sync", "push", "--items-json", "missing.json"], "", "error: --items-json missing.json: cannot read it: No such file or directory\n"),
    ] {
        let out = sb.run_with_stdin(&args, stdin);
        assert_eq!((code(&out), stderr(&out).as_str()), (2, want));
        assert!(stdout(&out).is_empty());
    }
}
