//! The writers of `.kittify/config.yaml` are serialised by the project's config lock (on Unix
//! a `flock` of the `.kittify` directory, so nothing is added to the project): concurrent binds in one fresh project all send the identity
//! that ends up on disk, and a writer that cannot take the lock says so (red-team finding 5).
//!
//! Oracles: the OS (real concurrent processes of the binary, `flock` semantics: a lock held by
//! this test process through std's `File::try_lock` excludes them), the contract mock's request
//! log (`GET /__mock/received`: what the server was sent), and spec-kitty-cli 3.2.7's own loader
//! (`load_tracker_config`, through scripts/interop/tracker_driver.py) for the file left behind.

use crate::common;
use crate::common::interop::{self, received};
use crate::common::{code, stderr, Sandbox};
use contract_mock as mock;
use serde_json::Value;
use std::process::Stdio;

/// How many binds run at once (the red-team repro used six).
const BINDS: usize = 8;

fn config_json(sb: &Sandbox) -> Value {
    let text = std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config");
    let doc: yaml_serde::Value = yaml_serde::from_str(&text)
        .unwrap_or_else(|e| panic!("config does not parse: {e}\n{text}"));
    serde_json::to_value(doc).expect("json")
}

/// A fresh project (no `project:` block yet), logged in to the mock.
fn fresh_project(mock: &mock::Running) -> Sandbox {
    crate::bind_discovery::logged_in(mock, "vcs:\n  type: git\n")
}

/// Oracle: the OS runs the binds as real concurrent processes; the mock's log is what the
/// server received. Before the lock, each bind generated its own identity unlocked and several
/// uuids reached the server while only one stayed on disk (lost bindings server-side).
#[test]
fn concurrent_binds_send_only_the_identity_that_ends_up_on_disk() {
    let mock = common::seeded_mock();
    let sb = fresh_project(&mock);
    received(&mock);
    let children: Vec<_> = (0..BINDS)
        .map(|_| {
            sb.command(&["bind", "--provider", "linear", "--force", "--json"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn bind")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("bind");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let config = config_json(&sb);
    let on_disk = config["project"]["uuid"].as_str().expect("project.uuid");
    assert_eq!(config["tracker"]["provider"], "linear", "{config}");
    // Nothing but the config is left in `.kittify/` (no lock or temp file for `git status`).
    let left: Vec<_> = std::fs::read_dir(sb.project().join(".kittify"))
        .expect("read .kittify")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["config.yaml"], "{left:?}");
    let sent: Vec<String> = received(&mock)
        .iter()
        .filter_map(|r| {
            r["body"]["project_identity"]["uuid"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert!(
        sent.len() >= BINDS,
        "every bind sent its identity: {sent:?}"
    );
    assert!(
        sent.iter().all(|u| u == on_disk),
        "uuids sent {sent:?}, on disk {on_disk}"
    );
    // The file we leave is read by 3.2.7 as the same binding.
    if let Some(venv) = interop::venv() {
        let mut cmd = venv.script(&sb, "tracker_driver.py");
        cmd.arg("read").arg(sb.project());
        let theirs: Value =
            serde_json::from_str(&interop::run_ok(&mut cmd, "")).expect("3.2.7 json");
        assert_eq!(theirs["provider"], "linear", "{theirs}");
        assert_eq!(theirs["binding_ref"], config["tracker"]["binding_ref"]);
    }
}

/// Oracle: the OS. This process holds an exclusive `flock` on the `.kittify` directory, as a
/// concurrent writer would; `unbind` must neither wait forever nor write past it.
#[test]
fn a_writer_that_cannot_take_the_lock_fails_naming_the_lock_file() {
    let sb = Sandbox::new(Some("tracker:\n  provider: linear\n  project_slug: p\n"));
    let held = std::fs::File::open(sb.project().join(".kittify")).expect("open .kittify");
    held.try_lock().expect("take the lock");
    let out = sb.run(&["unbind", "--json"]);
    drop(held);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err: Value = serde_json::from_slice(&out.stdout).expect("json error");
    assert_eq!(err["error"]["code"], "config_locked", "{err}");
    let message = err["error"]["message"].as_str().expect("message");
    assert!(message.contains(".kittify stayed locked"), "{message}");
    let config = config_json(&sb);
    assert_eq!(config["tracker"]["provider"], "linear", "not modified");
    // Released: the same command goes through.
    let out = sb.run(&["unbind"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// A local bind reads (and locks) the config before it touches the shared credentials file:
/// with a config.yaml that does not parse, it fails and writes neither file. Oracle: the file
/// system (the credentials file never appears, config.yaml keeps its bytes).
#[test]
fn a_local_bind_over_a_broken_config_writes_no_credentials() {
    let broken = "tracker: [unclosed\n";
    let sb = Sandbox::new(Some(broken));
    let out = sb.run(&[
        "bind",
        "--provider",
        "beads",
        "--workspace",
        "ws",
        "--credential",
        "command=bd",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        !sb.state().join("credentials").exists(),
        "credentials written"
    );
    let config =
        std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config");
    assert_eq!(config, broken);
}
