//! The corner shapes, end to end through the binary: every SaaS command succeeds against
//! responses whose nullable fields are all null, whose optional fields are all absent, and
//! with unknown fields added at every level (which `--json` keeps), plus a sample of random
//! responses. Oracle: `contract/tracker-api.yaml`; `--json` must print the response itself.

use super::gen::{named, response, with_pending, Shape};
use super::harness::{Harness, Reply};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

/// One value of `strategy` (deterministic: the runner's seed is fixed).
fn sample<S: Strategy>(runner: &mut TestRunner, strategy: S) -> S::Value {
    strategy.new_tree(runner).expect("a value").current()
}

/// Exit code and stdout of the binary; on success stderr may hold hints, never an error.
fn run(h: &Harness, args: &[&str]) -> (i32, String) {
    let out = h.command(args).output().expect("run the binary");
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        code != 0 || !stderr.contains("error:"),
        "{args:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn exit_for(body: &Value) -> i32 {
    i32::from(matches!(body["status"].as_str(), Some("partial" | "error")))
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn every_command_in(shape: Shape, samples: usize) {
    let h = Harness::new();
    let mut runner = TestRunner::new(super::config(samples as u32));
    for _ in 0..samples {
        h.reset();
        let status = sample(&mut runner, response("status", 200, shape));
        h.script(
            "status",
            [Reply::json(200, &status), Reply::json(200, &status)],
        );
        assert_eq!(run(&h, &["status"]).0, 0, "{status}");
        assert_eq!(
            json_of(&run(&h, &["status", "--json"]).1),
            with_pending(&status)
        );

        let mappings = sample(&mut runner, response("mappings", 200, shape));
        h.script(
            "mappings",
            [Reply::json(200, &mappings), Reply::json(200, &mappings)],
        );
        assert_eq!(run(&h, &["map", "list"]).0, 0, "{mappings}");
        assert_eq!(
            json_of(&run(&h, &["map", "list", "--json"]).1),
            json!({"mappings": mappings["mappings"], "pending_binding_upgrade": with_pending(&mappings)["pending_binding_upgrade"]})
        );

        let page = sample(&mut runner, response("pull", 200, shape));
        h.script("pull", [Reply::json(200, &page), Reply::json(200, &page)]);
        assert_eq!(run(&h, &["sync", "pull"]).0, exit_for(&page), "{page}");
        let (code, text) = run(&h, &["sync", "pull", "--json"]);
        assert_eq!(
            (code, json_of(&text)),
            (exit_for(&page), with_pending(&page))
        );

        let mut first = sample(&mut runner, response("pull", 200, shape));
        let mut last = sample(&mut runner, response("pull", 200, shape));
        first["has_more"] = json!(true);
        first["next_cursor"] = json!("cursor-1");
        last["has_more"] = json!(false);
        h.script(
            "pull",
            [
                Reply::json(200, &first),
                Reply::json(200, &last),
                Reply::json(200, &first),
                Reply::json(200, &last),
            ],
        );
        assert_eq!(
            run(&h, &["sync", "pull", "--all"]).0,
            exit_for(&first).max(exit_for(&last))
        );
        let (_, text) = run(&h, &["sync", "pull", "--all", "--json"]);
        let all = json_of(&text);
        let items: Vec<Value> = [&first, &last]
            .iter()
            .flat_map(|p| p["items"].as_array().cloned().unwrap_or_default())
            .collect();
        assert_eq!(
            all["items"],
            Value::Array(items),
            "--all keeps every item as sent"
        );
        assert_eq!(all["pages"], 2);

        let items = h.items.display().to_string();
        for (kind, args, result) in [
            (
                "push",
                vec!["sync", "push", "--items-json", items.as_str()],
                "PushResponse",
            ),
            ("run", vec!["sync", "run"], "RunResponse"),
        ] {
            let direct = sample(&mut runner, response(kind, 200, shape));
            h.script(kind, [Reply::json(200, &direct), Reply::json(200, &direct)]);
            assert_eq!(run(&h, &args).0, exit_for(&direct), "{direct}");
            let json_args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
            let (code, text) = run(&h, &json_args);
            assert_eq!(
                (code, json_of(&text)),
                (exit_for(&direct), with_pending(&direct))
            );

            let accepted = sample(&mut runner, response(kind, 202, shape));
            let mut pending = sample(&mut runner, response("operation", 200, shape));
            pending["status"] = json!("running");
            let mut done = sample(&mut runner, response("operation", 200, shape));
            let result = sample(&mut runner, named(result, shape));
            done["status"] = json!("completed");
            done["result"] = result.clone();
            h.script(
                kind,
                [Reply::json(202, &accepted), Reply::json(202, &accepted)],
            );
            h.script(
                "operation",
                [&pending, &done, &pending, &done].map(|b| Reply::json(200, b)),
            );
            assert_eq!(run(&h, &args).0, exit_for(&result), "{done}");
            let (code, text) = run(&h, &json_args);
            assert_eq!(
                (code, json_of(&text)),
                (exit_for(&result), with_pending(&result))
            );
        }
        // The spec-kitty 3.2 reads: human output, and --json as documented.
        for (kind, op, args) in [
            (
                "resources",
                "resources",
                vec!["discover", "--provider", "linear"],
            ),
            (
                "list-tickets",
                "list_tickets",
                vec!["list-tickets", "--provider", "linear"],
            ),
            (
                "issue-search",
                "issue_search",
                vec!["issue-search", "--provider", "linear", "--query", "LIN-1"],
            ),
        ] {
            let body = sample(&mut runner, response(op, 200, shape));
            h.script(kind, [Reply::json(200, &body), Reply::json(200, &body)]);
            assert_eq!(run(&h, &args).0, 0, "{body}");
            let json_args: Vec<&str> = args.iter().copied().chain(["--json"]).collect();
            let (code, text) = run(&h, &json_args);
            assert_eq!(code, 0, "{body}");
            assert!(json_of(&text).is_array(), "{text}");
        }
        let all = sample(&mut runner, response("status", 200, shape));
        h.script("status", [Reply::json(200, &all), Reply::json(200, &all)]);
        assert_eq!(run(&h, &["status", "--all"]).0, 0, "{all}");
        assert_eq!(json_of(&run(&h, &["status", "--all", "--json"]).1), all);
        let mappings = sample(&mut runner, response("mappings", 200, shape));
        h.script("mappings", [Reply::json(200, &mappings)]);
        assert_eq!(
            json_of(&run(&h, &["map", "list", "--provider", "github", "--json"]).1),
            json!({"mappings": mappings["mappings"], "pending_binding_upgrade": null})
        );
        if let Err(problems) = h.finish() {
            panic!("{shape:?}: {problems}");
        }
    }
}

#[test]
fn every_command_takes_responses_whose_nullable_fields_are_all_null() {
    every_command_in(Shape::AllNull, 3);
}

#[test]
fn every_command_takes_responses_without_any_optional_field() {
    every_command_in(Shape::AllAbsent, 3);
}

#[test]
fn every_command_keeps_unknown_fields_added_at_every_level() {
    every_command_in(Shape::AllUnknown, 3);
}

#[test]
fn a_sample_of_random_responses_end_to_end() {
    every_command_in(Shape::Any, 6);
}
