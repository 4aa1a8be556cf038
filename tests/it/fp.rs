//! The fp connector through every operation and failure the beads connector is tested for:
//! the argv it runs, parsing of fp's human output, not-found, timeouts and hostile output.
//!
//! Independent oracle: reference/local-providers.md §5 (the upstream FPConnector's commands,
//! its line regex, status/priority tables and `get` fallbacks), not our code; the argv follows
//! the README's documented hardening of it (flag values as `--name=value`, the id after `--`,
//! still last). The first half
//! drives `Fp` with a scripted runner (exact outputs fp could print); the second half runs the
//! binary against the stub `fp` of tests/fixtures/bin, whose argv log is the record.

use crate::common::{code, local_sandbox, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use spec_kitty_tracker::error::CliError;
use spec_kitty_tracker::local::connector::Connector;
use spec_kitty_tracker::local::fp::Fp;
use spec_kitty_tracker::local::model::{ExternalRef, Issue, IssueType, Status};
use spec_kitty_tracker::local::runner::CommandRunner;
use std::cell::RefCell;
use std::collections::HashMap;

/// A runner that answers each argv (joined with spaces) from a script and records the calls.
/// An argv missing from the script fails as fp does for an unknown issue.
#[derive(Default)]
struct Scripted {
    answers: HashMap<String, Result<String, CliError>>,
    calls: RefCell<Vec<Vec<String>>>,
}

impl Scripted {
    fn ok(mut self, argv: &str, out: &str) -> Self {
        self.answers.insert(argv.to_owned(), Ok(out.to_owned()));
        self
    }

    fn fail(mut self, argv: &str, stderr: &str) -> Self {
        self.answers.insert(
            argv.to_owned(),
            Err(CliError::failed(
                "local_command",
                format!("Command failed: {argv} :: {stderr}"),
            )),
        );
        self
    }

    fn calls(&self) -> Vec<String> {
        self.calls.borrow().iter().map(|a| a.join(" ")).collect()
    }
}

impl CommandRunner for Scripted {
    fn run(&self, argv: &[String]) -> Result<String, CliError> {
        self.calls.borrow_mut().push(argv.to_vec());
        let key = argv.join(" ");
        match self.answers.get(&key) {
            Some(Ok(out)) => Ok(out.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(CliError::failed(
                "local_command",
                format!("Command failed: {key} :: Error: issue not found"),
            )),
        }
    }
}

fn fp(runner: &Scripted) -> Fp<'_> {
    Fp {
        command: "fp".into(),
        workspace: "ws".into(),
        runner,
    }
}

fn raw(issue: &Issue) -> Value {
    serde_json::from_str(issue.raw.as_ref().expect("raw").get()).expect("raw json")
}

fn issue(id: &str, status: Status, priority: Option<u8>) -> Issue {
    let mut i = Issue::new(ExternalRef::new("fp", "ws", id), "T");
    i.status = status;
    i.priority = priority;
    i
}

const TREE: &str = "FP-1 [todo] [high] Plan auth\n\
├── FP-2 [in-progress] Build it\n\
│   └── FP-abcd [done] [critical]  Ship  \n\
└── FP-3 [In_Review] [medium] Review\n\
FP-4 [blocked] [low] Wait\n\
FP-5 [CANCELLED] [7] Dropped\n\
FP-6 [wontfix] [-3] Odd status\n\
FP-7 [in_progress] Underscore\n\
\n\
Showing 8 issues (filter: none)\n";

#[test]
fn list_runs_issue_list_and_parses_every_documented_line_shape() {
    let r = Scripted::default().ok("fp issue list", TREE);
    let issues = fp(&r).list_issues(None, Some(100)).expect("list");
    assert_eq!(r.calls(), ["fp issue list"], "one call, no filters");
    let got: Vec<(&str, Status, Option<u8>, &str)> = issues
        .iter()
        .map(|i| {
            (
                i.reference.id.as_str(),
                i.status,
                i.priority,
                i.title.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("FP-1", Status::Todo, Some(1), "Plan auth"),
            ("FP-2", Status::InProgress, None, "Build it"),
            ("FP-abcd", Status::Done, None, "Ship"),
            ("FP-3", Status::InReview, Some(2), "Review"),
            ("FP-4", Status::Blocked, Some(3), "Wait"),
            ("FP-5", Status::Canceled, Some(4), "Dropped"),
            ("FP-6", Status::Todo, Some(0), "Odd status"),
            ("FP-7", Status::InProgress, None, "Underscore"),
        ],
        "statuses case-insensitive, unknown → todo; priorities high/medium/low or an integer clamped to 0..4, critical → none; the summary line is skipped"
    );
    let third = &issues[2];
    assert_eq!(
        raw(third),
        json!({"line": "FP-abcd [done] [critical]  Ship"}),
        "raw is the matched line without its tree prefix"
    );
    assert_eq!(third.reference.key.as_deref(), Some("FP-abcd"));
    assert_eq!(
        (
            third.reference.system.as_str(),
            third.reference.workspace.as_str()
        ),
        ("fp", "ws")
    );
    assert_eq!(third.issue_type, IssueType::Task);
    assert!(third.body.is_none() && third.created_at.is_none() && third.updated_at.is_none());
    assert!(
        third.parent.is_none() && third.links.is_empty(),
        "tree nesting is discarded"
    );
}

#[test]
fn list_honours_the_limit_and_the_configured_command() {
    let r = Scripted::default().ok("/opt/fp/bin/fp issue list", TREE);
    let conn = Fp {
        command: "/opt/fp/bin/fp".into(),
        workspace: "ws".into(),
        runner: &r,
    };
    let ids: Vec<String> = conn
        .list_issues(None, Some(2))
        .expect("list")
        .into_iter()
        .map(|i| i.reference.id)
        .collect();
    assert_eq!(ids, ["FP-1", "FP-2"]);
    assert_eq!(r.calls(), ["/opt/fp/bin/fp issue list"]);
}

#[test]
fn an_empty_listing_is_no_issues_but_a_listing_without_issue_lines_is_an_error() {
    let empty = Scripted::default().ok("fp issue list", "\n  \n");
    assert!(fp(&empty)
        .list_issues(None, Some(10))
        .expect("empty")
        .is_empty());

    let junk = format!("No .fp here\u{1b}[31m\n{}\n", "x".repeat(500));
    let r = Scripted::default().ok("fp issue list", &junk);
    let err = fp(&r).list_issues(None, Some(10)).expect_err("junk");
    assert_eq!(err.code, "local_output");
    assert_eq!(
        err.message,
        "fp issue list printed no issue lines (expected `ID [status] [priority] title`); first line: No .fp here\u{1b}[31m"
    );
}

#[test]
fn hostile_lines_are_skipped_or_kept_as_plain_text() {
    let out = "FP-1; rm -rf ~ [todo] Injected id\n\
               $(reboot) [todo] Subshell id\n\
               FP-2 [todo] `rm -rf ~`; $(reboot) \u{1b}]0;pwned\u{7}\n\
               FP-3[todo] No space\n\
               FP-4 [todo\n";
    let r = Scripted::default().ok("fp issue list", out);
    let issues = fp(&r).list_issues(None, Some(10)).expect("list");
    assert_eq!(issues.len(), 1, "ids outside [A-Za-z0-9_-] do not match");
    assert_eq!(issues[0].reference.id, "FP-2");
    assert_eq!(
        issues[0].title, "`rm -rf ~`; $(reboot) \u{1b}]0;pwned\u{7}",
        "the title is data, kept verbatim (escaped only when printed)"
    );
}

#[test]
fn get_runs_show_then_context_and_the_body_is_the_whole_context() {
    let r = Scripted::default()
        .ok(
            "fp issue show -- FP-2",
            "FP-2 [done] [low] Build it\n\nDetails\n",
        )
        .ok("fp context -- FP-2", "\n# FP-2: Build it\n\nDetails\n\n");
    let got = fp(&r).get_issue("FP-2").expect("get").expect("found");
    assert_eq!(r.calls(), ["fp issue show -- FP-2", "fp context -- FP-2"]);
    assert_eq!(
        (got.status, got.priority, got.title.as_str()),
        (Status::Done, Some(3), "Build it")
    );
    assert_eq!(got.body.as_deref(), Some("# FP-2: Build it\n\nDetails"));
    assert_eq!(
        raw(&got),
        json!({"show": "FP-2 [done] [low] Build it\n\nDetails\n", "context": "\n# FP-2: Build it\n\nDetails\n\n"})
    );
}

#[test]
fn get_uses_the_line_of_the_requested_id_not_the_first_line() {
    let r = Scripted::default()
        .ok(
            "fp issue show -- FP-2",
            "FP-1 [todo] Parent\n└── FP-2 [in-progress] [high] Child\n",
        )
        .ok("fp context -- FP-2", "");
    let got = fp(&r).get_issue("FP-2").expect("get").expect("found");
    assert_eq!(
        (got.title.as_str(), got.status, got.priority),
        ("Child", Status::InProgress, Some(1))
    );
    assert_eq!(got.body, None, "an empty context leaves the body unset");
}

#[test]
fn get_without_an_issue_line_but_naming_the_id_is_a_stub_issue() {
    let show = "Issue FP-9\nstatus: whatever\n";
    let r = Scripted::default()
        .ok("fp issue show -- FP-9", show)
        .ok("fp context -- FP-9", "Context text\n");
    let got = fp(&r).get_issue("FP-9").expect("get").expect("found");
    assert_eq!(r.calls(), ["fp issue show -- FP-9", "fp context -- FP-9"]);
    assert_eq!(
        (got.title.as_str(), got.status),
        ("FP-9", Status::Todo),
        "title = id, status todo"
    );
    assert_eq!(got.reference.key.as_deref(), Some("FP-9"));
    assert_eq!(raw(&got), json!({"show": show}));
    assert_eq!(got.body.as_deref(), Some("Context text"));
}

#[test]
fn get_naming_another_id_relists_and_searches_by_id() {
    let r = Scripted::default()
        .ok("fp issue show -- FP-3", "See FP-1 for details\n")
        .ok("fp context -- FP-3", "ctx\n")
        .ok("fp issue list", TREE);
    let got = fp(&r).get_issue("FP-3").expect("get").expect("found");
    assert_eq!(
        r.calls(),
        [
            "fp issue show -- FP-3",
            "fp context -- FP-3",
            "fp issue list"
        ]
    );
    assert_eq!(
        (got.title.as_str(), got.status),
        ("Review", Status::InReview)
    );
    assert_eq!(
        raw(&got),
        json!({"show": "See FP-1 for details\n", "context": "ctx\n"})
    );
    assert_eq!(got.body.as_deref(), Some("ctx"));

    let missing = Scripted::default()
        .ok("fp issue show -- FP-77", "nothing useful\n")
        .ok("fp context -- FP-77", "")
        .ok("fp issue list", TREE);
    assert!(fp(&missing).get_issue("FP-77").expect("get").is_none());
}

#[test]
fn get_of_an_unknown_issue_is_none_and_other_failures_are_errors() {
    let gone = Scripted::default().fail("fp issue show -- FP-8", "Error: issue FP-8 not found");
    assert!(fp(&gone).get_issue("FP-8").expect("not found").is_none());
    assert_eq!(gone.calls(), ["fp issue show -- FP-8"], "no context call");

    let locked = Scripted::default().fail("fp issue show -- FP-1", "database is locked");
    let err = fp(&locked).get_issue("FP-1").expect_err("locked");
    assert_eq!(
        err.message,
        "Command failed: fp issue show -- FP-1 :: database is locked"
    );

    let no_context = Scripted::default()
        .ok("fp issue show -- FP-1", "FP-1 [todo] T\n")
        .fail("fp context -- FP-1", "permission denied");
    let err = fp(&no_context).get_issue("FP-1").expect_err("context");
    assert!(err
        .message
        .starts_with("Command failed: fp context -- FP-1"));
}

#[test]
fn update_maps_status_and_priority_out_and_puts_the_id_last() {
    let cases: [(Status, Option<u8>, &str); 7] = [
        (Status::Todo, Some(0), "--status=todo --priority=high"),
        (
            Status::InProgress,
            Some(1),
            "--status=in-progress --priority=high",
        ),
        (
            Status::InReview,
            Some(2),
            "--status=in-progress --priority=medium",
        ),
        (
            Status::Blocked,
            Some(3),
            "--status=in-progress --priority=low",
        ),
        (Status::Done, Some(4), "--status=done --priority=low"),
        (Status::Canceled, None, "--status=done"),
        (Status::Todo, None, "--status=todo"),
    ];
    for (status, priority, flags) in cases {
        let r = Scripted::default()
            .ok(
                &format!("fp issue update {flags} -- FP-1"),
                "Updated issue FP-1\n",
            )
            .ok("fp issue show -- FP-1", "FP-1 [done] T\n")
            .ok("fp context -- FP-1", "");
        let desired = issue("FP-1", status, priority);
        let remote = issue("FP-1", Status::Todo, None);
        let got = fp(&r)
            .update_issue(&remote, &desired, &["status", "priority"])
            .expect("update");
        assert_eq!(
            r.calls(),
            [
                format!("fp issue update {flags} -- FP-1"),
                "fp issue show -- FP-1".into(),
                "fp context -- FP-1".into()
            ],
            "{status:?} {priority:?}"
        );
        assert_eq!(got.status, Status::Done, "the result is read back");
    }
}

#[test]
fn update_without_supported_flags_only_reads_back() {
    let r = Scripted::default()
        .ok("fp issue show -- FP-1", "FP-1 [todo] T\n")
        .ok("fp context -- FP-1", "");
    let remote = issue("FP-1", Status::Todo, None);
    fp(&r)
        .update_issue(&remote, &remote, &["links"])
        .expect("links are ignored");
    fp(&r)
        .update_issue(&remote, &issue("FP-1", Status::Todo, None), &["priority"])
        .expect("no priority to write");
    assert!(
        r.calls().iter().all(|c| !c.contains("update")),
        "{:?}",
        r.calls()
    );
}

#[test]
fn update_refuses_fields_fp_cannot_change_before_running_anything() {
    let r = Scripted::default();
    let one = issue("FP-1", Status::Done, None);
    let err = fp(&r)
        .update_issue(&one, &one, &["status", "parent", "labels", "assignees"])
        .expect_err("unsupported");
    assert_eq!(err.code, "capability_not_supported");
    assert_eq!(
        err.message,
        "FPConnector does not currently support patch keys: assignees, labels, parent"
    );
    assert!(err.hints[0].contains("--ownership-mode external_authoritative"));
    for fields in [&["title"][..], &["status", "body"][..]] {
        let err = fp(&r)
            .update_issue(&one, &one, fields)
            .expect_err("title/body");
        assert_eq!(
            err.message,
            "FPConnector update currently supports status/priority/dependencies only"
        );
    }
    assert!(r.calls().is_empty(), "nothing ran: {:?}", r.calls());
}

#[test]
fn update_of_an_issue_that_vanished_is_not_found() {
    let r = Scripted::default()
        .ok(
            "fp issue update --status=done -- FP-5",
            "Updated issue FP-5\n",
        )
        .fail("fp issue show -- FP-5", "Error: issue FP-5 not found");
    let err = fp(&r)
        .update_issue(
            &issue("FP-5", Status::Todo, None),
            &issue("FP-5", Status::Done, None),
            &["status"],
        )
        .expect_err("vanished");
    assert_eq!(err.message, "fp issue not found: FP-5");
}

#[test]
fn update_failures_are_reported_as_fp_printed_them() {
    let r = Scripted::default().fail(
        "fp issue update --status=done -- FP-1",
        "fp: .fp directory not found (run fp init)",
    );
    let err = fp(&r)
        .update_issue(
            &issue("FP-1", Status::Todo, None),
            &issue("FP-1", Status::Done, None),
            &["status"],
        )
        .expect_err("fails");
    assert_eq!(
        err.message,
        "Command failed: fp issue update --status=done -- FP-1 :: fp: .fp directory not found (run fp init)"
    );
    assert_eq!(r.calls().len(), 1, "no read-back after a failed update");
}

// ---- end to end: the binary and the stub `fp` ----

const FP: &str = "tracker:\n  provider: fp\n  workspace: demo-ws\n";

fn sv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn fp_state() -> Value {
    json!({"next": 4, "issues": [
        {"id": "FP-1", "status": "todo", "priority": "high", "title": "Plan auth", "description": "Details"},
        {"id": "FP-2", "status": "in-progress", "title": "Build it", "parent": "FP-1"},
        {"id": "FP-3", "status": "done", "priority": "low", "title": "Ship", "parent": "FP-1"}
    ]})
}

/// Bound to fp with `mode`, the stub seeded and pulled once, the argv log cleared.
fn pulled(mode: &str) -> Sandbox {
    let sb = local_sandbox(FP);
    let out = sb.run(&[
        "bind",
        "--provider",
        "fp",
        "--workspace",
        "demo-ws",
        "--ownership-mode",
        mode,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb.write_stub_state(&fp_state());
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    sb.take_argv();
    sb
}

#[test]
fn every_pull_lists_everything_and_keeps_no_checkpoint_time() {
    let sb = pulled("external_authoritative");
    let out = sb.run(&["sync", "pull", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        sb.take_argv(),
        vec![sv(&["fp", "issue", "list"])],
        "no --updated-after for fp"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["stats"]["skipped"], 3);
    let since: Option<String> = sb
        .db()
        .query_row(
            "SELECT updated_since FROM tracker_checkpoints WHERE checkpoint_key = 'fp:demo-ws'",
            [],
            |r| r.get(0),
        )
        .expect("checkpoint");
    assert_eq!(since, None, "fp issues have no timestamps");
    let rows = sb.cached();
    assert_eq!(rows[2].0, "fp:demo-ws:FP-3");
    assert_eq!(
        (
            &rows[2].1["issue_type"],
            &rows[2].1["created_at"],
            &rows[2].1["raw"]
        ),
        (
            &json!("task"),
            &Value::Null,
            &json!({"line": "FP-3 [done] [low] Ship"})
        )
    );
}

#[test]
fn push_writes_status_and_priority_with_the_id_last() {
    let sb = pulled("spec_kitty_authoritative");
    let mut state = sb.stub_state();
    state["issues"][0]["status"] = json!("done");
    state["issues"][0]["priority"] = json!("low");
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("- updated: 1\n"), "{}", stdout(&out));
    assert_eq!(
        sb.take_argv(),
        vec![
            sv(&["fp", "issue", "list"]),
            sv(&[
                "fp",
                "issue",
                "update",
                "--status=todo",
                "--priority=high",
                "--",
                "FP-1"
            ]),
            sv(&["fp", "issue", "show", "--", "FP-1"]),
            sv(&["fp", "context", "--", "FP-1"]),
        ]
    );
    let issue = &sb.stub_state()["issues"][0];
    assert_eq!(
        (&issue["status"], &issue["priority"]),
        (&json!("todo"), &json!("high"))
    );
}

#[test]
fn an_issue_gone_from_fp_is_looked_up_then_reported_deleted() {
    let sb = pulled("spec_kitty_authoritative");
    let mut state = sb.stub_state();
    state["issues"].as_array_mut().expect("issues").remove(2);
    sb.write_stub_state(&state);
    let out = sb.run(&["sync", "push", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let argv = sb.take_argv();
    assert_eq!(
        argv,
        vec![
            sv(&["fp", "issue", "list"]),
            sv(&["fp", "issue", "show", "--", "FP-3"])
        ],
        "a not-found show ends the lookup; nothing is created"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["deleted_remotely"], json!(["fp:demo-ws:FP-3"]));
}

#[test]
fn fp_failures_are_clear_errors_and_leave_the_cache() {
    let sb = pulled("spec_kitty_authoritative");
    let before = sb.cached();
    let mut state = sb.stub_state();
    state["issues"][1]["status"] = json!("todo");
    sb.write_stub_state(&state);
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 4] = [
        (&["sync", "pull"], &[("STUB_FAIL", "list")],
         "error: Command failed: fp issue list :: fp: .fp directory not found (run fp init)\n"),
        (&["sync", "push"], &[("STUB_FAIL", "update")],
         "error: Command failed: fp issue update --status=in-progress -- FP-2 :: fp: .fp directory not found (run fp init)\n"),
        (&["sync", "push"], &[("STUB_FAIL", "context")],
         "error: Command failed: fp context -- FP-2 :: fp: .fp directory not found (run fp init)\n"),
        (&["sync", "run"], &[("STUB_SLEEP", "5"), ("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS", "300")],
         "error: Command timed out: fp issue list (after 0.3 s)\nhint: the process was stopped; check that the tool is not waiting for input or a lock\n"),
    ];
    for (args, env, want) in cases {
        let out = sb.run_env(args, env);
        assert_eq!((code(&out), stderr(&out).as_str()), (1, want), "{env:?}");
        assert_eq!(sb.cached(), before, "{env:?}");
    }
}

#[test]
fn a_missing_fp_names_the_command_and_how_to_point_to_it() {
    let sb = local_sandbox(FP);
    let out = sb.run(&[
        "bind",
        "--provider",
        "fp",
        "--workspace",
        "demo-ws",
        "--credential",
        "command=/nonexistent/fp",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "error: `/nonexistent/fp` was not found (looked up on PATH)\nhint: install it, or point to it with `spec-kitty-tracker bind ... --credential command=/path/to/it`\n");
}

#[test]
fn hostile_fp_output_reaches_the_terminal_escaped() {
    let sb = local_sandbox(FP);
    let out = sb.run(&["bind", "--provider", "fp", "--workspace", "demo-ws"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // `[]` is not a status, so no line parses and the first one is quoted in the error.
    sb.write_stub_state(&json!({"next": 2, "issues": [
        {"id": "FP-1", "status": "", "title": "\u{1b}]0;pwned\u{7}\u{1b}[2J gone"}
    ]}));
    let out = sb.run(&["sync", "pull"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}'),
        "no raw terminal control reaches stderr: {err:?}"
    );
    assert_eq!(
        err,
        "error: fp issue list printed no issue lines (expected `ID [status] [priority] title`); first line: FP-1 [] \\u{1b}]0;pwned\\u{7}\\u{1b}[2J gone\n"
    );
}
