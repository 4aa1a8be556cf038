//! The `tracker.egress` gate on the SaaS requests that need no binding: `discover`,
//! `list-tickets`, `issue-search`, `map list --provider`, `status --all` and bind's discovery
//! (`bind --provider P` without `--project-slug`, by resolve or `--bind-ref`).
//!
//! Oracles: reference/upstream-3.2-tracker.md §6 ("Hosted gate: every SaaS tracker request";
//! Channel 2: exactly `refused` or `permitted`, anything else a fault that refuses), the
//! contract mock's record of every request it received (`GET /__mock/received`), and
//! spec-kitty-cli 3.2.7 itself run against the same mock in the same project (the differential
//! test at the end; without the venv it skips loudly, under CI=true it fails).

use crate::common::interop::{self, mock_get, session, token_pair, IDENTITY};
use crate::common::{self, code, stderr, stdout, Sandbox};
use contract_mock as mock;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The commands of the brief, each with the path of the request it sends when allowed.
/// `bind` has `--force`: the project is bound, and without a terminal a replacement needs it.
const SCOPED: [(&[&str], &str); 7] = [
    (&["discover", "--provider", "linear"], "/resources/"),
    (&["list-tickets", "--provider", "linear"], "/list-tickets/"),
    (
        &["issue-search", "--provider", "linear", "--query", "LIN-1"],
        "/issue-search/",
    ),
    (&["map", "list", "--provider", "linear"], "/mappings/"),
    (&["status", "--all"], "/status/"),
    (
        &["bind", "--provider", "linear", "--force"],
        "/bind-resolve/",
    ),
    (
        &[
            "bind",
            "--provider",
            "linear",
            "--bind-ref",
            "br-core",
            "--force",
        ],
        "/bind-validate/",
    ),
];

/// The config.yaml of a project bound to linear by `binding_ref` (so `status --all` passes
/// its binding check), with `egress` lines appended.
fn bound_config(egress: &str) -> String {
    format!(
        "{}tracker:\n  provider: linear\n  binding_ref: br-main\n  project_slug:\n  display_label: Core (COR)\n{egress}",
        IDENTITY.replace("SLUG", "oracle")
    )
}

/// A project with `config`, logged in at `mock` (a seeded session: logging in sends nothing).
fn project(mock: &mock::Running, config: &str) -> Sandbox {
    let sb = Sandbox::new(Some(config)).env("SPEC_KITTY_SAAS_URL", &mock.url);
    sb.write_credentials(&common::session_toml(
        &mock.url,
        mock::SEED_ACCESS,
        mock::SEED_REFRESH,
        false,
    ));
    sb
}

/// The paths of every request the mock received since the last call (any path at all, the
/// login and token endpoints included).
fn received(mock: &mock::Running) -> Vec<String> {
    let v = mock_get(mock, "/__mock/received");
    v["requests"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn config_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
}

/// Run `args` (and `args --json`) in `sb`: refused as the bound commands are (exit 3, the
/// message `why` names, its hint; `--json`: the `egress_refused` object on stdout), nothing
/// received by the mock, the config left byte for byte.
fn assert_refused(mock: &mock::Running, sb: &Sandbox, args: &[&str], why: &str) {
    let before = config_text(sb);
    let _ = received(mock);
    let out = sb.run(args);
    assert_eq!(code(&out), 3, "{args:?}: {}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: Refusing to send tracker data: tracker.egress in .kittify/config.yaml {why}; nothing was sent or changed.\n\
             hint: to allow it, set `egress: permitted` under `tracker:` in .kittify/config.yaml (or remove the key)\n"
        ),
        "{args:?}"
    );
    let json_args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
    let out = sb.run(&json_args);
    assert_eq!(code(&out), 3, "{json_args:?}: {}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("a JSON error object on stdout");
    assert_eq!(v["error"]["code"], "egress_refused", "{json_args:?}: {v}");
    assert_eq!(v["error"]["exit_code"], 3);
    assert_eq!(
        received(mock),
        Vec::<String>::new(),
        "{args:?}: nothing sent"
    );
    assert_eq!(config_text(sb), before, "{args:?}: nothing written");
}

/// Reference §6: `egress: refused`, and the faults `Permitted` (a different case), a present
/// null and a mapping, refuse every command of [`SCOPED`] before any request — as they refuse
/// the bound commands (`binding32::egress_refused_stops_every_saas_command_before_a_request`).
#[test]
fn a_refusing_egress_stops_every_provider_scoped_request() {
    let mock = common::seeded_mock();
    for (egress, why) in [
        ("refused", "is recorded as 'refused'"),
        (
            "Permitted",
            "is set to 'Permitted', which is not a legal value (legal values are 'refused' and 'permitted')",
        ),
        (
            "",
            "is set to null, which is not a legal value (legal values are 'refused' and 'permitted')",
        ),
        (
            "{a: 1}",
            "is set to {\"a\":1}, which is not a legal value (legal values are 'refused' and 'permitted')",
        ),
    ] {
        let sb = project(&mock, &bound_config(&format!("  egress: {egress}\n")));
        for (args, _) in SCOPED {
            assert_refused(&mock, &sb, args, why);
        }
    }
}

/// A project that is not bound at all but records `egress: refused` (what 3.2's `unbind`
/// leaves, reference §3.1): the scoped reads and a first bind are refused too.
#[test]
fn an_unbound_project_that_refuses_egress_sends_nothing() {
    let mock = common::seeded_mock();
    let sb = project(
        &mock,
        &format!(
            "{}tracker:\n  egress: refused\n",
            IDENTITY.replace("SLUG", "oracle")
        ),
    );
    for (args, _) in SCOPED.iter().filter(|(a, _)| a[0] != "status") {
        assert_refused(&mock, &sb, args, "is recorded as 'refused'");
    }
    // Bind refuses before it writes the project identity of a fresh project.
    let sb = project(&mock, "tracker:\n  egress: refused\n");
    assert_refused(
        &mock,
        &sb,
        &["bind", "--provider", "linear"],
        "is recorded as 'refused'",
    );
}

/// `egress: permitted`, and no `egress` key: every command sends its request (the gate
/// refuses nothing more than §6 says).
#[test]
fn a_permitting_or_absent_egress_sends_the_request() {
    let mock = common::seeded_mock();
    for egress in ["  egress: permitted\n", ""] {
        for (args, path) in SCOPED {
            // A fresh project each time: a bind rewrites the block.
            let sb = project(&mock, &bound_config(egress));
            assert_sent(&mock, &sb, &sb.project(), args, path);
        }
    }
}

/// Outside a project nothing is recorded, so nothing is refused: the reads that need no
/// project send their request (README: they work without one). Run from the sandbox's HOME,
/// which has no `.kittify/` above it.
#[test]
fn outside_a_project_the_scoped_reads_send_their_request() {
    let mock = common::seeded_mock();
    let sb = project(&mock, &bound_config("  egress: refused\n"));
    let home = sb.dir.path().join("home");
    assert!(
        !home.ancestors().any(|d| d.join(".kittify").is_dir()),
        "the sandbox's HOME must be outside every project"
    );
    for (args, path) in &SCOPED[..4] {
        assert_sent(&mock, &sb, &home, args, path);
    }
}

/// A config that cannot be read (malformed YAML, not UTF-8) stops the scoped reads with its own
/// error before any request: a refusal recorded in it cannot be seen. 3.2.7 does the same
/// (its `load_tracker_config` raises before the request; the differential test below checks
/// it on the real thing).
#[test]
fn an_unreadable_config_stops_the_scoped_reads_before_a_request() {
    let mock = common::seeded_mock();
    for bytes in [&b"tracker: [\n"[..], b"tracker:\n  egress: \xff\n"] {
        let sb = project(&mock, "");
        std::fs::write(sb.project().join(".kittify/config.yaml"), bytes).expect("config");
        for (args, _) in &SCOPED[..4] {
            let _ = received(&mock);
            let out = sb.run(args);
            assert_eq!(code(&out), 1, "{bytes:?} {args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).starts_with("error: cannot parse .kittify/config.yaml"),
                "{bytes:?} {args:?}: {}",
                stderr(&out)
            );
            assert_eq!(
                received(&mock),
                Vec::<String>::new(),
                "{args:?}: nothing sent"
            );
        }
    }
}

/// Our binary with `args` in `dir` (the sandbox's environment otherwise) succeeds, and the
/// mock received its request (a path ending with `path`).
fn assert_sent(mock: &mock::Running, sb: &Sandbox, dir: &Path, args: &[&str], path: &str) {
    let _ = received(mock);
    let out = sb
        .command(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    common::assert_no_secrets(&out);
    assert_eq!(
        code(&out),
        0,
        "{} {args:?}: {}",
        dir.display(),
        stderr(&out)
    );
    let paths = received(mock);
    assert!(
        paths.iter().any(|p| p.ends_with(path)),
        "{} {args:?}: {paths:?}",
        dir.display()
    );
}

/// spec-kitty-cli 3.2.7 in-process with scripts/interop/discovery32.py's transport cut (no
/// hosted-sync bookkeeping around a request) but its own egress verdict, of which only
/// Channel 1 (hosted-sync consent, which we do not copy: README, differences) is taken as
/// granted; Channel 2 — `tracker.egress` — is 3.2.7's own reading of the project's config.
/// argv: the scripts/interop directory, then spec-kitty's arguments.
const THEIRS: &str = r#"
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from specify_cli.tracker.saas_client import SaaSTrackerClient
verdict = SaaSTrackerClient._current_tracker_egress_verdict
import discovery32
SaaSTrackerClient._current_tracker_egress_verdict = verdict
import specify_cli.tracker.egress_verdict as ev
ev._resolve_channel1 = lambda root, identifiers: (True, None, ev.CHANNEL1_GRANTED, False)
from specify_cli import main
sys.argv = ["spec-kitty", *sys.argv[2:]]
sys.exit(main())
"#;

/// 3.2.7 (`spec-kitty tracker <args>`, or `spec-kitty issue-search`) in `sb`'s project.
fn theirs(venv: &interop::Venv, sb: &Sandbox, args: &[&str]) -> Output {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/interop");
    let mut cmd: Command = venv.command(sb, "python");
    interop::sandbox_env(&mut cmd, sb);
    cmd.arg("-c").arg(THEIRS).arg(scripts);
    if args[0] != "issue-search" {
        cmd.arg("tracker");
    }
    let child = cmd
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn 3.2.7");
    interop::wait_bounded(child, std::time::Duration::from_secs(60))
}

/// The differential oracle: in one project, with one session, spec-kitty-cli 3.2.7 and ours
/// run the same commands against the same mock. With `egress: refused`, a fault
/// (`Permitted`) or a malformed config, 3.2.7 refuses (exit 1, its Channel 2 message or its
/// parse error) and sends nothing, and so do we; with `egress: permitted` both send.
#[test]
fn spec_kitty_3_2_7_refuses_the_same_requests() {
    let Some(venv) = interop::venv() else { return };
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let (access, refresh) = token_pair(&mock);
    // 3.2.7 prints a refusal of `discover` as a traceback, its line cut at COLUMNS (200).
    let sb = Sandbox::new(Some(&bound_config(""))).env("SPEC_KITTY_SAAS_URL", &mock.url);
    interop::run_ok(
        venv.script(&sb, "driver.py").arg("write"),
        &session(&access, &refresh, 3600).to_string(),
    );
    let write = |text: &str| {
        std::fs::write(sb.project().join(".kittify/config.yaml"), text).expect("config");
    };
    let reads: [&[&str]; 3] = [
        &["discover", "--provider", "linear"],
        &["list-tickets", "--provider", "linear"],
        &["issue-search", "--provider", "linear", "--query", "LIN-1"],
    ];
    let refused = "Channel 2 refused: tracker.egress is recorded as 'refused'";
    let fault =
        "Channel 2 refused: tracker.egress is set to 'Permitted', which is not a legal value";
    let cases: [(String, &str, &[&[&str]]); 3] = [
        (
            bound_config("  egress: refused\n"),
            refused,
            &[
                reads[0],
                reads[1],
                reads[2],
                &["map", "list", "--provider", "linear"],
                &["status", "--all"],
                &["bind", "--provider", "linear", "--select", "1"],
                &["bind", "--provider", "linear", "--bind-ref", "br-core"],
            ],
        ),
        (bound_config("  egress: Permitted\n"), fault, &reads),
        ("tracker: [\n".to_owned(), "Failed to parse", &reads[..2]),
    ];
    for (config, says, commands) in cases {
        write(&config);
        for args in commands {
            let _ = received(&mock);
            let out = theirs(&venv, &sb, args);
            assert_eq!(code(&out), 1, "3.2.7 {args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).contains(says),
                "3.2.7 {args:?}: {}",
                stderr(&out)
            );
            assert_eq!(received(&mock), Vec::<String>::new(), "3.2.7 {args:?} sent");
            let mut ours: Vec<&str> = args.to_vec();
            if ours[0] == "bind" {
                ours.push("--force");
            }
            let out = sb.run(&ours);
            assert_ne!(code(&out), 0, "ours {ours:?}");
            assert_eq!(received(&mock), Vec::<String>::new(), "ours {ours:?} sent");
        }
    }
    // The control: with `egress: permitted` both send, so the refusals above are the gate's.
    write(&bound_config("  egress: permitted\n"));
    for args in reads {
        let _ = received(&mock);
        let out = theirs(&venv, &sb, args);
        assert_eq!(code(&out), 0, "3.2.7 {args:?}: {}", stderr(&out));
        let sent_by_them = received(&mock);
        let out = sb.run(args);
        assert_eq!(code(&out), 0, "ours {args:?}: {}", stderr(&out));
        assert!(!sent_by_them.is_empty(), "3.2.7 {args:?} sent nothing");
        assert_eq!(received(&mock), sent_by_them, "ours {args:?}");
    }
}
