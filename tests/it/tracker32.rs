//! The `tracker:` block against the real thing: spec-kitty-cli 3.2.7 from PyPI (installed by
//! scripts/interop-venv.sh).
//!
//! Independent oracles: 3.2.7's own `tracker bind` and `tracker status --json` (the CLI, run
//! in the same project and `SPEC_KITTY_HOME` as ours), and for SaaS bindings 3.2.7's own
//! persistence code (`SaaSTrackerService._persist_binding`, what its `bind` runs after
//! bind-confirm / bind-validate; driven by scripts/interop/tracker_driver.py, so no SaaS login
//! and admission are needed). Without the venv these tests skip loudly, except with CI=true,
//! where they fail.

use crate::common::interop::{self, Venv};
use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use spec_kitty_tracker::config::edit::{find_block, set_tracker};
use spec_kitty_tracker::config::{SaasBinding, TrackerConfig};

/// 3.2.7's `spec-kitty` in the sandbox's project; its stdout, which it must exit 0 to give.
fn spec_kitty(venv: &Venv, sb: &Sandbox, args: &[&str]) -> String {
    interop::run_ok(venv.command(sb, "spec-kitty").args(args), "")
}

/// scripts/interop/tracker_driver.py `command <project>` with `stdin`.
fn driver(venv: &Venv, sb: &Sandbox, command: &str, stdin: &str) -> String {
    let mut cmd = venv.script(sb, "tracker_driver.py");
    cmd.arg(command).arg(sb.project());
    interop::run_ok(&mut cmd, stdin)
}

fn config_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
}

fn tracker_block(text: &str) -> String {
    let range = find_block(text).expect("a tracker block");
    text[range].to_owned()
}

/// The keys of the `tracker:` mapping in file order, with their values.
fn tracker_entries(text: &str) -> Vec<(String, yaml_serde::Value)> {
    let doc: yaml_serde::Value = yaml_serde::from_str(text).expect("yaml");
    doc["tracker"]
        .as_mapping()
        .expect("tracker mapping")
        .iter()
        .map(|(k, v)| (k.as_str().expect("string key").to_owned(), v.clone()))
        .collect()
}

/// Our SaaS bind's write, through the same API `bind` uses.
fn ours_saas(text: &str, provider: &str, binding: SaasBinding) -> String {
    let doc: yaml_serde::Value = yaml_serde::from_str(text).expect("yaml");
    let old = TrackerConfig::from_value(doc.get("tracker"));
    set_tracker(text, &doc, &old.saas_block(provider, binding)).expect("edit")
}

/// The SaaS block we write equals, key for key and byte for byte, what 3.2.7's bind writes
/// for the same binding and the same prior file (reference §3.1): a fresh project; a 3.0
/// block of the same provider (ownership from `doctrine:`, project_slug and label kept,
/// unknown keys first, egress last); another provider's block (nothing of it kept but
/// ownership, egress and unknown keys).
#[test]
fn the_saas_block_we_write_equals_what_3_2_7_writes() {
    let Some(venv) = interop::venv() else { return };
    let cases: [(&str, Value); 4] = [
        (
            "project:\n  slug: oracle\n",
            json!({"provider": "linear", "binding_ref": "br-core", "display_label": "Core (COR)", "provider_context": {"workspace_name": "Acme"}}),
        ),
        (
            "project:\n  slug: oracle\ntracker:\n  zz_custom:\n    nested: [1, two]\n  provider: linear\n  project_slug: old-slug\n  display_label: Old\n  workspace: w0\n  doctrine:\n    mode: split_ownership\n    field_owners:\n      title: local\n  egress: refused\nvcs:\n  type: git\n",
            json!({"provider": "linear", "binding_ref": "br-new"}),
        ),
        (
            "tracker:\n  provider: jira\n  project_slug: j\n  display_label: J\n  workspace: w\n  ownership:\n    mode: spec_kitty_authoritative\n    field_owners: {}\n  egress: permitted\n",
            json!({"provider": "github", "binding_ref": "br-gh", "project_slug": "p2", "provider_context": {"workspace_name": "A: B", "team_id": "2"}}),
        ),
        (
            "project:\n  slug: oracle\n",
            json!({"provider": "gitlab", "binding_ref": "br-gl", "display_label": "yes", "provider_context": {}}),
        ),
    ];
    for (before, binding) in cases {
        let sb = Sandbox::new(Some(before));
        driver(&venv, &sb, "persist-binding", &binding.to_string());
        let theirs = config_text(&sb);
        let text = |k: &str| binding[k].as_str().map(str::to_owned);
        let ours = ours_saas(
            before,
            binding["provider"].as_str().expect("provider"),
            SaasBinding {
                binding_ref: text("binding_ref"),
                project_slug: text("project_slug"),
                display_label: text("display_label"),
                provider_context: binding["provider_context"].as_object().map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                        .collect()
                }),
            },
        );
        assert_eq!(tracker_entries(&ours), tracker_entries(&theirs), "{before}");
        assert_eq!(tracker_block(&ours), tracker_block(&theirs), "{before}");
        // And 3.2.7 reads our file back as it reads its own.
        std::fs::write(sb.project().join(".kittify/config.yaml"), &ours).expect("write");
        let read_ours = driver(&venv, &sb, "read", "");
        std::fs::write(sb.project().join(".kittify/config.yaml"), &theirs).expect("write");
        assert_eq!(read_ours, driver(&venv, &sb, "read", ""), "{before}");
    }
}

/// Keys both status outputs have must agree.
fn assert_same_status(ours: &Value, theirs: &Value) {
    let theirs = theirs.as_object().expect("object");
    for (k, v) in theirs {
        assert_eq!(
            &ours[k], v,
            "status --json key {k}: ours {ours} / 3.2.7 {theirs:?}"
        );
    }
    for k in [
        "ownership_mode",
        "doctrine_mode",
        "field_owners",
        "workspace",
        "provider",
    ] {
        assert!(theirs.contains_key(k), "3.2.7 reports {k}");
    }
}

fn ours_status(sb: &Sandbox) -> Value {
    let out = sb.run(&["status", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

const BIND_SPLIT: [&str; 12] = [
    "bind",
    "--provider",
    "beads",
    "--workspace",
    "ws1",
    "--ownership-mode",
    "split_ownership",
    "--field-owner",
    "title=local",
    "--field-owner",
    "status=external",
    "--json",
];

/// A local binding made by 3.2.7's `tracker bind` (with egress and an unknown key recorded
/// before) is read by ours with the same values as 3.2.7's own `status --json`; and the block
/// we write for the same bind is the one 3.2.7 wrote.
#[test]
fn a_local_binding_made_by_3_2_7_reads_the_same_in_ours() {
    let Some(venv) = interop::venv() else { return };
    let before = "project:\n  slug: oracle\ntracker:\n  custom: {a: 1}\n  egress: permitted\n";
    let sb = Sandbox::new(Some(before));
    let mut args = vec!["tracker"];
    args.extend_from_slice(&BIND_SPLIT[..11]);
    spec_kitty(&venv, &sb, &args);
    let theirs_text = config_text(&sb);
    let theirs: Value =
        serde_json::from_str(&spec_kitty(&venv, &sb, &["tracker", "status", "--json"]))
            .expect("3.2.7 json");
    let ours = ours_status(&sb);
    assert_eq!(ours["ownership_mode"], "split_ownership");
    assert_eq!(
        ours["field_owners"],
        json!({"title": "local", "status": "external"})
    );
    assert_same_status(&ours, &theirs);

    let mine = Sandbox::new(Some(before));
    let out = mine.run(&BIND_SPLIT[..11]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        tracker_entries(&config_text(&mine)),
        tracker_entries(&theirs_text)
    );
    assert_eq!(
        tracker_block(&config_text(&mine)),
        tracker_block(&theirs_text)
    );
}

/// A local binding we write is read back by 3.2.7's `tracker status --json` with the same
/// values (no legacy-key warning: we write `ownership:`), and 3.2.7's unbind leaves what ours
/// leaves.
#[test]
fn a_local_binding_we_write_reads_the_same_in_3_2_7() {
    let Some(venv) = interop::venv() else { return };
    let sb = Sandbox::new(Some("project:\n  slug: oracle\n"));
    let out = sb.run(&BIND_SPLIT);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bound: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(bound["ownership_mode"], "split_ownership");
    assert_eq!(bound["doctrine_mode"], "split_ownership");
    let theirs: Value =
        serde_json::from_str(&spec_kitty(&venv, &sb, &["tracker", "status", "--json"]))
            .expect("3.2.7 json");
    assert_same_status(&ours_status(&sb), &theirs);
    let read = driver(&venv, &sb, "read", "");
    assert!(
        read.contains("\"ownership_mode\": \"split_ownership\""),
        "{read}"
    );
}

/// Done-when: a local binding 3.2.7 made with `--ownership-mode spec_kitty_authoritative`
/// makes our push revert remote edits.
#[test]
fn a_3_2_7_spec_kitty_authoritative_binding_makes_push_revert_remote_edits() {
    let Some(venv) = interop::venv() else { return };
    let sb = local_sandbox("project:\n  slug: oracle\n");
    spec_kitty(
        &venv,
        &sb,
        &[
            "tracker",
            "bind",
            "--provider",
            "beads",
            "--workspace",
            "demo-ws",
            "--ownership-mode",
            "spec_kitty_authoritative",
        ],
    );
    sb.write_stub_state(&json!({"next": 10, "issues": [
        {"id": "demo-001", "title": "Seed issue A", "status": "open", "priority": 1, "issue_type": "feature",
         "created_at": "2026-03-05T09:00:00Z", "updated_at": "2026-03-05T09:30:00Z", "labels": []}
    ]}));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut state = sb.stub_state();
    state["issues"][0]["title"] = json!("Renamed remotely");
    state["issues"][0]["updated_at"] = json!("2026-03-06T12:00:00Z");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("- updated: 1\n"), "{}", stdout(&out));
    assert_eq!(sb.stub_state()["issues"][0]["title"], "Seed issue A");
}

/// Differential, against 3.2.7's own `SaaSTrackerService` (its HTTP layer replaced by a
/// recorder, scripts/interop/tracker_driver.py `service`) on the same binding_ref-only block:
/// status, map list, sync pull, push and run send the same routing (query or body) as ours
/// (ours as the contract mock logged it); the same answer gives the same
/// `pending_binding_upgrade`; the same stale-binding envelope gives the same message (3.2.7
/// appends its own rebind command, ours is the hint line).
#[test]
fn routing_upgrades_and_stale_bindings_match_3_2_7() {
    let Some(venv) = interop::venv() else { return };
    let mock = contract_mock::spawn(contract_mock::Config::default(), 0).expect("mock");
    let items = r#"[{"ref": "LIN-1", "action": "update"}]"#;
    let bound = |binding_ref: &str| {
        let sb = Sandbox::new(Some(&format!(
            "project:\n  slug: oracle\ntracker:\n  provider: linear\n  binding_ref: {binding_ref}\n  project_slug:\n  display_label:\n  provider_context:\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {{}}\n"
        )))
        .env("SPEC_KITTY_SAAS_URL", &mock.url);
        let login = sb.run_with_stdin(
            &["auth", "login", "-u", "ada", "--password-stdin"],
            "demo-password",
        );
        assert_eq!(code(&login), 0, "{}", stderr(&login));
        sb
    };
    let ours = |sb: &Sandbox, args: &[&str]| {
        let out = sb.run_with_stdin(args, items);
        (code(&out), stdout(&out), stderr(&out))
    };
    let commands: [&[&str]; 5] = [
        &["status", "--json"],
        &["map", "list", "--json"],
        &["sync", "pull", "--json"],
        &["sync", "push", "--items-json", "-", "--json"],
        &["sync", "run", "--json"],
    ];
    let theirs = |sb: &Sandbox, answer: Value, error: Value| -> Value {
        let input = json!({"answer": answer, "error": error}).to_string();
        let mut cmd = venv.script(sb, "tracker_driver.py");
        cmd.arg("service")
            .arg(sb.project())
            .env("SPEC_KITTY_SAAS_URL", &mock.url);
        serde_json::from_str(&interop::run_ok(&mut cmd, &input)).expect("driver json")
    };

    // Routing: the same keys and values in the same places.
    let sb = bound("br-main");
    for args in commands {
        assert_eq!(ours(&sb, args).0, 0, "{args:?}");
    }
    let mine: Vec<Value> = interop::tracker_requests(&mock)
        .into_iter()
        .map(|r| match r["op"].as_str() {
            Some("status" | "mappings") => r["query"].clone(),
            _ => r["body"].clone(),
        })
        .collect();
    let oracle = theirs(&sb, json!({"status": "ok", "mappings": []}), Value::Null);
    let expected: Vec<Value> = oracle["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            if r["json"].is_null() {
                r["params"].clone()
            } else {
                r["json"].clone()
            }
        })
        .collect();
    assert_eq!(mine, expected, "routing: ours (mock log) vs 3.2.7");

    // Upgrade: the mock answers `upgrade-v2` to the ref `upgrade`; 3.2.7 gets the same answer.
    let sb = bound(contract_mock::UPGRADE_REF);
    let oracle = theirs(
        &sb,
        json!({"binding_ref": "upgrade-v2", "mappings": []}),
        Value::Null,
    );
    for (args, op) in
        commands
            .iter()
            .zip(["status", "map_list", "sync_pull", "sync_push", "sync_run"])
    {
        let (status, out, _) = ours(&sb, args);
        assert_eq!(status, 0, "{args:?}");
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(
            v["pending_binding_upgrade"], oracle["results"][op]["pending_binding_upgrade"],
            "{op}"
        );
    }

    // Stale: the same envelope gives the same message.
    let (stale, _) = contract_mock::STALE_REFS[0];
    let sb = bound(stale);
    let message = format!("No active binding {stale} for this project");
    let oracle = theirs(
        &sb,
        json!({}),
        json!({"code": stale.replace('-', "_"), "message": message}),
    );
    for (args, op) in
        commands
            .iter()
            .zip(["status", "map_list", "sync_pull", "sync_push", "sync_run"])
    {
        let plain: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
        let (status, _, err) = ours(&sb, &plain);
        assert_eq!(status, 3, "{args:?}");
        let theirs_text = oracle["results"][op]["error"]
            .as_str()
            .expect("3.2.7 error");
        let (text, rebind) = theirs_text
            .split_once(". Run `")
            .expect("3.2.7 rebind sentence");
        assert_eq!(
            err.lines().next(),
            Some(format!("error: {text}").as_str()),
            "{op}"
        );
        assert_eq!(
            rebind,
            "spec-kitty tracker bind --provider linear` to rebind."
        );
        assert_eq!(
            err.lines().nth(1),
            Some("hint: run `spec-kitty-tracker bind --provider linear` to rebind"),
            "{op}: our equivalent of 3.2.7's rebind command"
        );
    }
}
