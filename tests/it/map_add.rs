//! `map add` for every provider class. Independent oracles: SPEC §2/§3 (the hard-break texts,
//! word for word, exit 3; local providers write a mapping) and reference/local-providers.md §7.1
//! (the `tracker_mappings` table: upsert on `(wp_id, system)` keeping `created_at`,
//! `UNIQUE(system, workspace, external_id)`, `map list` ordered by wp_id) — read back with
//! rusqlite, not through our code.

use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn rows(sb: &Sandbox) -> Vec<Row> {
    let db = sb.db();
    let mut stmt = db
        .prepare(
            "SELECT wp_id, system, external_id, external_key, external_url, created_at, updated_at
             FROM tracker_mappings ORDER BY wp_id",
        )
        .expect("query");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .expect("rows")
    .map(|r| r.expect("row"))
    .collect()
}

fn local(provider: &str) -> Sandbox {
    let sb = local_sandbox(&format!(
        "tracker:\n  provider: {provider}\n  workspace: ws\n"
    ));
    let out = sb.run(&["bind", "--provider", provider, "--workspace", "ws"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb
}

#[test]
fn saas_providers_get_the_dashboard_hard_break() {
    for provider in ["linear", "jira", "github", "gitlab"] {
        let sb = Sandbox::new(Some(&format!(
            "tracker:\n  provider: {provider}\n  project_slug: p\n"
        )));
        let out = sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "1"]);
        assert_eq!(
            (code(&out), stderr(&out).as_str(), stdout(&out).as_str()),
            (3, "error: Mappings for SaaS-backed providers are managed in the Spec Kitty dashboard. Use the web interface to create or edit mappings.\n", ""),
            "{provider}"
        );
    }
}

#[test]
fn the_removed_provider_and_its_aliases_are_refused() {
    for provider in ["azure_devops", "azure-devops", "Azure "] {
        let sb = Sandbox::new(Some(&format!(
            "tracker:\n  provider: \"{provider}\"\n  workspace: w\n"
        )));
        let out = sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "1"]);
        assert_eq!(code(&out), 3, "{provider}");
        let err = stderr(&out);
        assert!(
            err.starts_with("error: Provider 'azure_devops' is no longer supported. See the Spec Kitty documentation for supported providers.\nhint: "),
            "{provider}: {err}"
        );
        assert!(
            err.contains("spec-kitty-tracker unbind"),
            "{provider}: {err}"
        );
    }
}

#[test]
fn local_providers_store_the_mapping_with_optional_key_and_url() {
    for provider in ["beads", "fp"] {
        let sb = local(provider);
        let out = sb.run(&[
            "map",
            "add",
            "--wp-id",
            " WP01 ",
            "--external-id",
            " X-1 ",
            "--external-key",
            "KEY-1",
            "--external-url",
            "https://tracker.example/X-1",
        ]);
        assert_eq!(code(&out), 0, "{provider}: {}", stderr(&out));
        assert_eq!(stdout(&out), "Mapping saved: WP01 -> X-1\n");
        let out = sb.run(&[
            "map",
            "add",
            "--wp-id",
            "WP02",
            "--external-id",
            "X-2",
            "--external-key",
            "  ",
            "--external-url",
            "",
        ]);
        assert_eq!(code(&out), 0, "{provider}: {}", stderr(&out));
        let got = rows(&sb);
        assert_eq!(got.len(), 2);
        let (wp, system, id, key, url, created, updated) = &got[0];
        assert_eq!(
            (wp.as_str(), system.as_str(), id.as_str()),
            ("WP01", provider, "X-1"),
            "ids are trimmed"
        );
        assert_eq!(
            (key.as_deref(), url.as_deref()),
            (Some("KEY-1"), Some("https://tracker.example/X-1"))
        );
        assert!(
            jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%.f%:z", created).is_ok(),
            "UTC isoformat: {created}"
        );
        assert_eq!(created, updated);
        assert_eq!(
            (got[1].3.as_deref(), got[1].4.as_deref()),
            (None, None),
            "blank key and url are not stored"
        );
    }
}

#[test]
fn remapping_a_work_package_updates_its_row_and_keeps_created_at() {
    let sb = local("beads");
    sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "a-1"]);
    let before = rows(&sb);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "a-2"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Mapping saved: WP01 -> a-2\n");
    let after = rows(&sb);
    assert_eq!(after.len(), 1, "one row per (wp_id, system)");
    assert_eq!(after[0].2, "a-2");
    assert_eq!(after[0].5, before[0].5, "created_at is kept");
    assert!(after[0].6 > before[0].6, "updated_at moves");

    let again = sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "a-2"]);
    assert_eq!(
        (code(&again), stdout(&again).as_str()),
        (0, "Mapping saved: WP01 -> a-2\n"),
        "the same mapping again is not a conflict"
    );
}

#[test]
fn one_external_issue_belongs_to_one_work_package_unless_forced() {
    let sb = local("fp");
    sb.run(&["map", "add", "--wp-id", "WP01", "--external-id", "FP-1"]);
    let dup = sb.run(&["map", "add", "--wp-id", "WP02", "--external-id", "FP-1"]);
    assert_eq!(code(&dup), 1);
    assert_eq!(stderr(&dup), "error: fp:FP-1 is already mapped to WP01 (mapping WP01 -> FP-1)\nhint: pass --force to move it to WP02, or choose another --external-id\n");
    assert_eq!(rows(&sb).len(), 1, "nothing written");
    let forced = sb.run(&[
        "map",
        "add",
        "--wp-id",
        "WP02",
        "--external-id",
        "FP-1",
        "--force",
    ]);
    assert_eq!(
        stdout(&forced),
        "Mapping saved: WP02 -> FP-1\n(replaced the mapping of WP01)\n"
    );
    let got = rows(&sb);
    assert_eq!(
        got.iter()
            .map(|r| (r.0.as_str(), r.2.as_str()))
            .collect::<Vec<_>>(),
        [("WP02", "FP-1")]
    );
}

#[test]
fn blank_ids_are_usage_errors_and_an_unconfigured_workspace_is_named() {
    let sb = local("beads");
    for (wp, ext) in [("  ", "x-1"), ("WP01", " ")] {
        let out = sb.run(&["map", "add", "--wp-id", wp, "--external-id", ext]);
        assert_eq!(code(&out), 2, "{wp:?} {ext:?}");
        assert_eq!(
            stderr(&out),
            "error: --wp-id and --external-id must not be empty\n"
        );
    }
    let out = sb.run(&["map", "add", "--wp-id", "WP01"]);
    assert_eq!(code(&out), 2, "--external-id is required");

    let unconfigured = Sandbox::new(Some("tracker:\n  provider: beads\n"));
    let out = unconfigured.run(&["map", "add", "--wp-id", "WP01", "--external-id", "x"]);
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    assert!(stderr(&out).contains("workspace"), "{}", stderr(&out));
}
