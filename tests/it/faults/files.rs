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

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Red-team item 8. Oracle: lstat()/stat() from the OS (is it still a link, which mode does the
/// target have) and a byte-for-byte compare with what the files held: a read-only command
/// changes nothing, links survive every write, and files we do not write keep their modes.
#[test]
fn symlinked_files_are_followed_and_nothing_is_chmodded_that_is_not_written() {
    use crate::common::mode;
    use std::os::unix::fs::symlink;
    let sb = Sandbox::new(Some("agents: [claude]\n"));
    let ext = sb.dir.path().join("dotfiles");
    std::fs::create_dir_all(&ext).expect("ext");
    std::fs::create_dir_all(sb.state()).expect("state");
    set_mode(&sb.state(), 0o700);

    // A credentials link to a file that is not TOML at all: `auth status` only reads.
    let notes = ext.join("notes.txt");
    std::fs::write(&notes, "my notes [[[ not toml\n").expect("notes");
    set_mode(&notes, 0o644);
    symlink(&notes, sb.credentials()).expect("link");
    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        mode(&notes),
        0o644,
        "auth status chmodded the link's target"
    );
    assert_eq!(
        std::fs::read(&notes).expect("notes"),
        b"my notes [[[ not toml\n"
    );

    // Links to real files: credentials, credentials.lock and config.yaml.
    std::fs::remove_file(sb.credentials()).expect("unlink");
    let creds = ext.join("spec-kitty-credentials");
    std::fs::write(&creds, "# mine\n[other]\nkey = \"v\"\n").expect("creds");
    set_mode(&creds, 0o640);
    symlink(&creds, sb.credentials()).expect("link");
    let lock = ext.join("lockfile");
    std::fs::write(&lock, "").expect("lock");
    set_mode(&lock, 0o644);
    symlink(&lock, sb.state().join("credentials.lock")).expect("link");
    let config = ext.join("shared-config.yaml");
    std::fs::write(&config, "agents: [claude]\n").expect("config");
    set_mode(&config, 0o664);
    let link = sb.project().join(".kittify/config.yaml");
    std::fs::remove_file(&link).expect("unlink");
    symlink(&config, &link).expect("link");

    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(
        (mode(&creds), mode(&lock)),
        (0o640, 0o644),
        "a read changes no mode"
    );
    let out = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "w",
        "--credential",
        "command=bd",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for path in [sb.credentials(), link.clone()] {
        assert!(
            std::fs::symlink_metadata(&path)
                .expect("lstat")
                .file_type()
                .is_symlink(),
            "{} is still a link",
            path.display()
        );
    }
    let written = std::fs::read_to_string(&creds).expect("creds");
    assert!(
        written.starts_with("# mine\n[other]\nkey = \"v\"\n")
            && written.contains("[tracker.providers.beads]"),
        "{written}"
    );
    assert_eq!(mode(&creds), 0o600, "the secret file we wrote is 0600");
    assert_eq!(mode(&lock), 0o644, "the lock's target is not ours to chmod");
    assert!(std::fs::read_to_string(&config)
        .expect("config")
        .starts_with("agents: [claude]\ntracker:\n  provider: beads\n"));
    assert_eq!(mode(&config), 0o664, "the config keeps its mode");
    let leftovers: Vec<_> = std::fs::read_dir(&ext)
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Login writes the credentials through the link too, keeping the other tables.
    let mock = contract_mock::spawn(contract_mock::Config::default(), 0).expect("mock");
    let out = sb.run_with_stdin(
        &[
            "--server-url",
            &mock.url,
            "auth",
            "login",
            "-u",
            "alice",
            "--password-stdin",
        ],
        "demo-password",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(sb.credentials())
        .expect("lstat")
        .file_type()
        .is_symlink());
    let written = std::fs::read_to_string(&creds).expect("creds");
    assert!(
        written.starts_with("# mine\n[other]\n") && written.contains("[tokens]"),
        "{written}"
    );
    assert_eq!((mode(&creds), mode(&lock)), (0o600, 0o644));

    let out = sb.run(&["unbind"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&config).expect("config"),
        b"agents: [claude]\n",
        "bind + unbind through the link gives back the bytes"
    );

    // A link to nothing is refused with a message naming it; nothing is created.
    std::fs::remove_file(&link).expect("unlink");
    symlink(ext.join("missing.yaml"), &link).expect("link");
    let out = sb.run(&["bind", "--provider", "beads", "--workspace", "w"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with(&format!(
            "error: cannot write .kittify/config.yaml: it is a symbolic link to {}, which cannot be followed",
            ext.join("missing.yaml").display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(!ext.join("missing.yaml").exists());
}

/// Red-team item 15, config layouts. Oracle: a byte-for-byte compare with the original file
/// (bind then unbind must give it back) and YAML 1.2 itself (§5.2: a byte order mark is not
/// content; §5.4: CR, LF and CRLF are all line breaks).
#[test]
fn unusual_config_layouts_are_read_kept_byte_for_byte_or_refused_clearly() {
    let bind = ["bind", "--provider", "beads", "--workspace", "w"];
    for original in [
        "\u{feff}a: 1\ntracker:\n  provider: beads\n  workspace: old\n",
        "\u{feff}# settings\nagents: [claude]\n",
        "a: 1",
        "a: 1\rb: 2\r",
        "a: 1\r\nb: 2",
    ] {
        let sb = Sandbox::new(Some(original));
        let out = sb.run(&["status"]);
        if original.contains("tracker") {
            assert_eq!(code(&out), 0, "{original:?}: {}", stderr(&out));
            assert!(
                stdout(&out).contains("- workspace: old"),
                "{}",
                stdout(&out)
            );
        }
        let out = sb.run(&bind);
        assert_eq!(code(&out), 0, "{original:?}: {}", stderr(&out));
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 0, "{original:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("- workspace: w"), "{}", stdout(&out));
        let out = sb.run(&["unbind"]);
        assert_eq!(code(&out), 0, "{original:?}: {}", stderr(&out));
        let want = if original.contains("tracker") {
            "\u{feff}a: 1\n"
        } else {
            original
        };
        assert_eq!(
            String::from_utf8(config_bytes(&sb)).expect("utf8"),
            want,
            "{original:?}"
        );
    }
    for (original, why) in [
        (
            "{a: 1, b: 2}\n",
            "its top-level mapping is written in flow style ({...})",
        ),
        (
            "  a: 1\n  b: 2\n",
            "its top-level keys are indented by 2 spaces",
        ),
    ] {
        let sb = Sandbox::new(Some(original));
        let out = sb.run(&bind);
        assert_eq!(code(&out), 1);
        assert!(
            stderr(&out).starts_with(&format!("error: cannot update .kittify/config.yaml: {why}")),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("more than one document"));
        assert_eq!(config_bytes(&sb), original.as_bytes());
    }
}

/// Red-team item 15, stale temp files. Oracle: the directory listing and the file times the OS
/// reports: of the `.spec-kitty-tracker-*.tmp` files, only old regular files are removed; a
/// fresh one (a write in progress), a directory, a link and other names stay.
#[test]
fn stale_temp_files_of_killed_runs_are_swept_and_nothing_else() {
    use std::os::unix::fs::symlink;
    let sb = Sandbox::new(Some("a: 1\n"));
    std::fs::create_dir_all(sb.state()).expect("state");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let make = |path: std::path::PathBuf, age: std::time::SystemTime| {
        let f = std::fs::File::create(&path).expect("create");
        f.set_modified(age).expect("mtime");
        path
    };
    let stale = make(sb.state().join(".spec-kitty-tracker-AbC123.tmp"), old);
    let stale_cfg = make(
        sb.project().join(".kittify/.spec-kitty-tracker-x9.tmp"),
        old,
    );
    let fresh = make(
        sb.state().join(".spec-kitty-tracker-fresh1.tmp"),
        std::time::SystemTime::now(),
    );
    let foreign = make(sb.state().join(".other-tool-1.tmp"), old);
    let dir = sb.state().join(".spec-kitty-tracker-dir.tmp");
    std::fs::create_dir(&dir).expect("dir");
    let target = make(sb.dir.path().join("precious"), old);
    let link = sb.state().join(".spec-kitty-tracker-link.tmp");
    symlink(&target, &link).expect("link");

    let out = sb.run(&["auth", "status"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        !stale.exists(),
        "the stale temp file in the state dir is swept"
    );
    for kept in [&fresh, &foreign, &dir, &link, &target] {
        assert!(
            std::fs::symlink_metadata(kept).is_ok(),
            "{} must stay",
            kept.display()
        );
    }
    assert!(stale_cfg.exists(), "only directories we write are swept");
    let out = sb.run(&["bind", "--provider", "beads", "--workspace", "w"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stale_cfg.exists(), "writing config.yaml sweeps .kittify");
}

/// Red-team 2 item 7. Oracle: the OS (`session.json` made a directory with mkdir). It is named
/// as a directory with the way out (move it away, log in again), never sent to `chmod 600`,
/// which cannot help. (Was: "it has unsafe permissions (mode 755; expected 600); fix with:
/// chmod 600 …".)
#[test]
fn a_session_json_that_is_a_directory_is_named_as_one() {
    let sb = Sandbox::saas().env("SPEC_KITTY_SAAS_URL", "http://127.0.0.1:9");
    std::fs::create_dir_all(sb.state().join("auth/session.json/inside")).expect("mkdir");
    for args in [&["status"][..], &["sync", "pull"], &["auth", "status"]] {
        let out = sb.run(args);
        let err = stderr(&out);
        assert!(!err.contains("chmod"), "{args:?}: {err}");
        assert!(
            err.contains("/auth/session.json: it is a directory, not a session file; move it out of the way (or remove it) and log in again"),
            "{args:?}: {err}"
        );
    }
    assert!(
        sb.state().join("auth/session.json/inside").is_dir(),
        "left as it was"
    );
}

/// Red-team 2 item 7. Oracle: YAML 1.2 §9.1.2 (`...` ends the document; what follows it is
/// another document). A config.yaml ending with the marker is read, bound (the block goes
/// inside the document, before the marker) and unbound back to its bytes; a second document
/// after the marker is refused naming the marker and its line. (Was: bind refused the first
/// with "more than one document is not supported".)
#[test]
fn a_config_ending_with_a_document_end_marker_is_accepted() {
    for text in [
        "vcs: git\n...\n",
        "# project\nvcs: git\n... # end of document\n",
    ] {
        let sb = Sandbox::new(Some(text));
        let out = sb.run(&["bind", "--provider", "beads", "--workspace", "demo-ws"]);
        assert_eq!(code(&out), 0, "{text:?}: {}", stderr(&out));
        let bound = String::from_utf8(config_bytes(&sb)).expect("utf-8");
        let marker = bound.find("\n...").expect("the marker stays");
        assert!(bound[..marker].contains("workspace: demo-ws"), "{bound}");
        let out = sb.run(&["status"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(
            stdout(&out).contains("- workspace: demo-ws"),
            "{}",
            stdout(&out)
        );
        assert_eq!(code(&sb.run(&["unbind"])), 0);
        assert_eq!(
            config_bytes(&sb),
            text.as_bytes(),
            "unbind gives the bytes back"
        );
    }
    let sb = Sandbox::new(Some("vcs: git\n...\ntracker:\n  provider: linear\n"));
    let out = sb.run(&["status"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).starts_with("error: cannot parse .kittify/config.yaml:2:1: the document-end marker `...` on line 2 is followed by more YAML (a second document)"),
        "{}",
        stderr(&out)
    );
}
