//! Property tests: for every operation, responses generated from the document drive the real
//! command paths in-process, and each ends in success or the documented error (SPEC §5), never
//! a panic. `--json` output must be the response itself (unknown fields kept).
//! Oracle: `contract/tracker-api.yaml` (what a server may send) and SPEC §5 (what must follow).

use super::gen::{named, response, with_pending, Shape};
use super::harness::{Harness, Reply};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};
use spec_kitty_tracker::args::{
    DiscoverArgs, Invocation, IssueSearchArgs, ListTicketsArgs, MapListArgs, StatusArgs,
    SyncPullArgs, SyncPushArgs, SyncRunArgs,
};
use spec_kitty_tracker::error::CliError;

/// Cases per operation in CI.
const CASES: u32 = 500;

/// The exit code SPEC §5 gives a sync envelope's status.
fn exit_for(body: &Value) -> u8 {
    u8::from(matches!(body["status"].as_str(), Some("partial" | "error")))
}

fn parse(text: &str) -> Result<Value, TestCaseError> {
    serde_json::from_str(text)
        .map_err(|e| TestCaseError::fail(format!("--json output is not JSON ({e}): {text}")))
}

fn ok(result: Result<(u8, String), CliError>) -> Result<(u8, String), TestCaseError> {
    result.map_err(|e| TestCaseError::fail(format!("failed: {} ({})", e.message, e.code)))
}

/// Run `check` over `strategy` for [`CASES`] cases.
fn property<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
    check: impl Fn(&Harness, T) -> Result<(), TestCaseError>,
) {
    property_n(CASES, strategy, check);
}

/// Run `check` over `strategy` with one harness; a failure panics with the shrunk input.
fn property_n<T: std::fmt::Debug>(
    cases: u32,
    strategy: impl Strategy<Value = T>,
    check: impl Fn(&Harness, T) -> Result<(), TestCaseError>,
) {
    let h = Harness::new();
    TestRunner::new(super::config(cases))
        .run(&strategy, |input| {
            h.reset();
            check(&h, input)?;
            h.finish().map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

fn pull(all: bool, json: bool) -> Invocation {
    Invocation::SyncPull(SyncPullArgs {
        limit: 100,
        all,
        cursor: None,
        json,
    })
}

fn push(h: &Harness, json: bool) -> Invocation {
    Invocation::SyncPush(SyncPushArgs {
        limit: 100,
        items_json: Some(h.items.display().to_string()),
        json,
    })
}

fn run(json: bool) -> Invocation {
    Invocation::SyncRun(SyncRunArgs { limit: 100, json })
}

#[test]
fn status_takes_every_legal_response() {
    property(response("status", 200, Shape::Any), |h, body| {
        h.script("status", [Reply::json(200, &body), Reply::json(200, &body)]);
        let (code, text) = ok(h.run(
            Invocation::Status(StatusArgs {
                json: false,
                all: false,
            }),
            false,
        ))?;
        prop_assert_eq!(code, 0);
        prop_assert!(text.starts_with("Tracker status\n"), "{}", text);
        let (_, text) = ok(h.run(
            Invocation::Status(StatusArgs {
                json: true,
                all: false,
            }),
            true,
        ))?;
        prop_assert_eq!(parse(&text)?, with_pending(&body));
        Ok(())
    });
}

#[test]
fn map_list_takes_every_legal_response() {
    property(response("mappings", 200, Shape::Any), |h, body| {
        h.script(
            "mappings",
            [Reply::json(200, &body), Reply::json(200, &body)],
        );
        let (_, text) = ok(h.run(
            Invocation::MapList(MapListArgs {
                json: false,
                provider: None,
            }),
            false,
        ))?;
        let rows = body["mappings"].as_array().map_or(0, Vec::len);
        prop_assert_eq!(
            text.lines().filter(|l| l.starts_with("- ")).count(),
            rows,
            "{}",
            text
        );
        let (_, text) = ok(h.run(
            Invocation::MapList(MapListArgs {
                json: true,
                provider: None,
            }),
            true,
        ))?;
        prop_assert_eq!(
            parse(&text)?,
            json!({"mappings": body["mappings"], "pending_binding_upgrade": with_pending(&body)["pending_binding_upgrade"]})
        );
        Ok(())
    });
}

#[test]
fn sync_pull_takes_every_legal_page() {
    property(response("pull", 200, Shape::Any), |h, body| {
        h.script("pull", [Reply::json(200, &body), Reply::json(200, &body)]);
        let (code, text) = ok(h.run(pull(false, false), false))?;
        prop_assert_eq!(code, exit_for(&body));
        let total = body["summary"]["total"].as_i64().unwrap_or(-1);
        prop_assert!(text.contains(&format!("\n- total: {total}\n")), "{}", text);
        let (code, text) = ok(h.run(pull(false, true), true))?;
        prop_assert_eq!(code, exit_for(&body));
        prop_assert_eq!(parse(&text)?, with_pending(&body));
        Ok(())
    });
}

/// 1 to 3 pages chained by distinct cursors.
fn pages() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(response("pull", 200, Shape::Any), 1..=3).prop_map(|mut pages| {
        let last = pages.len() - 1;
        for (i, page) in pages.iter_mut().enumerate() {
            page["has_more"] = json!(i < last);
            if i < last {
                page["next_cursor"] = json!(format!("cursor-{i}"));
            }
        }
        pages
    })
}

#[test]
fn sync_pull_all_follows_every_legal_page_chain() {
    property(pages(), |h, pages| {
        h.script("pull", pages.iter().map(|p| Reply::json(200, p)));
        let (code, text) = ok(h.run(pull(true, false), false))?;
        let sum = |k: &str| {
            pages.iter().fold(0u64, |n, p| {
                n.saturating_add(p["summary"][k].as_u64().unwrap_or(0))
            })
        };
        prop_assert!(
            text.contains(&format!("\n- total: {}\n", sum("total"))),
            "{}",
            text
        );
        prop_assert!(
            text.contains(&format!("\n- skipped: {}\n", sum("skipped"))),
            "{}",
            text
        );
        let worst = pages.iter().map(exit_for).max().unwrap_or(0);
        prop_assert_eq!(code, worst);
        Ok(())
    });
}

/// How an accepted push or run ends.
#[derive(Debug, Clone)]
enum End {
    /// 200 with this body.
    Direct(Value),
    /// 202, these polls while pending/running, then the final operation body.
    Polled(Value, Vec<Value>, Value),
}

fn ending(result_schema: &'static str) -> impl Strategy<Value = End> {
    let waiting = response("operation", 200, Shape::Any).prop_flat_map(|op| {
        prop::sample::select(vec!["pending", "running"]).prop_map(move |s| {
            let mut op = op.clone();
            op["status"] = json!(s);
            op
        })
    });
    let completed = (
        response("operation", 200, Shape::Any),
        named(result_schema, Shape::Any),
    )
        .prop_map(|(mut op, result)| {
            op["status"] = json!("completed");
            op["result"] = result;
            op
        });
    let failed = response("operation", 200, Shape::Any).prop_map(|mut op| {
        op["status"] = json!("failed");
        op
    });
    let last = prop_oneof![4 => completed, 1 => failed];
    let op = match result_schema {
        "PushResponse" => "push",
        _ => "run",
    };
    prop_oneof![
        response(op, 200, Shape::Any).prop_map(End::Direct),
        (
            response(op, 202, Shape::Any),
            proptest::collection::vec(waiting, 0..=3),
            last
        )
            .prop_map(|(accepted, polls, last)| End::Polled(accepted, polls, last)),
    ]
}

/// Script `end` for `kind` and check the command's result against SPEC §5 item 2.
fn check_end(
    h: &Harness,
    kind: &'static str,
    end: &End,
    invocation: Invocation,
    json: bool,
) -> Result<(), TestCaseError> {
    let result = match end {
        End::Direct(body) => {
            h.script(kind, [Reply::json(200, body)]);
            let (code, text) = ok(h.run(invocation, json))?;
            prop_assert_eq!(code, exit_for(body));
            if json {
                prop_assert_eq!(parse(&text)?, with_pending(body));
            }
            return Ok(());
        }
        End::Polled(accepted, polls, last) => {
            h.script(kind, [Reply::json(202, accepted)]);
            h.script(
                "operation",
                polls.iter().chain([last]).map(|p| Reply::json(200, p)),
            );
            (h.run(invocation, json), last)
        }
    };
    match result {
        (outcome, last) if last["status"] == "completed" => {
            let (code, text) = ok(outcome)?;
            prop_assert_eq!(code, exit_for(&last["result"]));
            if json {
                prop_assert_eq!(parse(&text)?, with_pending(&last["result"]));
            }
        }
        (outcome, last) => {
            let err = outcome
                .err()
                .ok_or_else(|| TestCaseError::fail("a failed operation succeeded"))?;
            prop_assert_eq!(err.kind.exit_code(), 1, "{}", err.message);
            let expected = match &last["error"] {
                Value::Object(e) => message_of(e, None),
                Value::String(s) if !s.trim().is_empty() => s.clone(),
                _ => "Operation failed".to_owned(),
            };
            if !expected.is_empty() {
                prop_assert!(
                    err.message.contains(expected.trim()),
                    "{} / {}",
                    err.message,
                    expected
                );
            }
        }
    }
    Ok(())
}

#[test]
fn sync_push_takes_every_legal_result_direct_or_polled() {
    property((ending("PushResponse"), any::<bool>()), |h, (end, json)| {
        let invocation = push(h, json);
        check_end(h, "push", &end, invocation, json)
    });
}

#[test]
fn sync_run_takes_every_legal_result_direct_or_polled() {
    property((ending("RunResponse"), any::<bool>()), |h, (end, json)| {
        check_end(h, "run", &end, run(json), json)
    });
}

/// The message SPEC §5 item 6 prints for an error envelope answered with `status`.
fn message_of(envelope: &serde_json::Map<String, Value>, status: Option<u16>) -> String {
    let message = envelope
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if message.is_empty() {
        return status.map(|s| format!("HTTP {s}")).unwrap_or_default();
    }
    if envelope.get("user_action_required") == Some(&Value::Bool(true)) {
        format!("{message} (action required — check the Spec Kitty dashboard)")
    } else {
        message.to_owned()
    }
}

#[test]
fn every_error_envelope_class_is_the_documented_error() {
    let ops = prop::sample::select(vec![
        "status",
        "mappings",
        "pull",
        "push",
        "run",
        "resources",
        "list-tickets",
        "issue-search",
    ]);
    let statuses = prop::sample::select(vec![400u16, 401, 403, 404, 409, 429, 500, 502, 503]);
    let strategy = (
        ops,
        statuses,
        named("ErrorEnvelope", Shape::Any),
        any::<bool>(),
        any::<bool>(),
    );
    property(strategy, |h, (op, status, mut envelope, legacy, json)| {
        let status = if status == 409 && !matches!(op, "push" | "run") {
            400
        } else {
            status
        };
        if status == 400 && legacy {
            envelope["code"] = json!("legacy_flow_forbidden");
        }
        let replies = match status {
            401 => 2,
            429 => 4,
            _ => 1,
        };
        h.script(
            op,
            std::iter::repeat_n(Reply::json(status, &envelope), replies),
        );
        if status == 401 {
            h.script("refresh", [Harness::refreshed()]);
        }
        let invocation = match op {
            "status" => Invocation::Status(StatusArgs { json, all: false }),
            "mappings" => Invocation::MapList(MapListArgs {
                json,
                provider: None,
            }),
            "resources" => discover(json),
            "list-tickets" => list_tickets(json),
            "issue-search" => issue_search("LIN-7", json),
            "pull" => pull(false, json),
            "push" => push(h, json),
            _ => run(json),
        };
        let err = h
            .run(invocation, json)
            .err()
            .ok_or_else(|| TestCaseError::fail("an error envelope succeeded"))?;
        let obj = envelope.as_object().cloned().unwrap_or_default();
        let (exit, message) = match status {
            401 => (
                4,
                "Session expired. Run `spec-kitty auth login` to re-authenticate.".to_owned(),
            ),
            429 => (
                1,
                Some(message_of(&obj, None))
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "Rate limited by SaaS API.".into()),
            ),
            400 if legacy => (3, message_of(&obj, Some(status))),
            _ => (1, message_of(&obj, Some(status))),
        };
        prop_assert_eq!(err.kind.exit_code(), exit, "{}", err.message);
        prop_assert_eq!(err.message, message);
        Ok(())
    });
}

/// An interrupted request is retried and then takes the page like any other: one 401 (one
/// refresh, SPEC §5 item 3), or a 429 whose envelope names no delay (null or absent; it waits
/// for `Retry-After`, else 5 s, item 4; the waits themselves are measured in tests/saas_wire.rs).
#[test]
fn interrupted_requests_are_retried_and_take_the_page() {
    let retry_after = prop_oneof![
        Just(None),
        (0u32..10).prop_map(|s| Some(s.to_string())),
        Just(Some("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()))
    ];
    // Not an operation of its own (pull stands in), so fewer cases.
    property_n(
        200,
        (
            named("ErrorEnvelope", Shape::Any),
            retry_after,
            any::<bool>(),
            response("pull", 200, Shape::Any),
        ),
        |h, (mut envelope, header, unauthorized, page)| {
            if envelope["retry_after_seconds"].is_number() {
                envelope["retry_after_seconds"] = Value::Null;
            }
            let first = if unauthorized {
                h.script("refresh", [Harness::refreshed()]);
                Reply::json(401, &envelope)
            } else {
                Harness::rate_limited(&envelope, header)
            };
            h.script("pull", [first, Reply::json(200, &page)]);
            let (code, text) = ok(h.run(pull(false, true), true))?;
            prop_assert_eq!(code, exit_for(&page));
            prop_assert_eq!(parse(&text)?, with_pending(&page));
            Ok(())
        },
    );
}

fn discover(json: bool) -> Invocation {
    Invocation::Discover(DiscoverArgs {
        provider: "linear".into(),
        json,
    })
}

fn list_tickets(json: bool) -> Invocation {
    Invocation::ListTickets(ListTicketsArgs {
        provider: "linear".into(),
        limit: 20,
        json,
    })
}

fn issue_search(query: &str, json: bool) -> Invocation {
    Invocation::IssueSearch(IssueSearchArgs {
        provider: "linear".into(),
        query: query.into(),
        limit: 20,
        json,
    })
}

#[test]
fn discover_takes_every_legal_resource_list() {
    property(response("resources", 200, Shape::Any), |h, body| {
        h.script(
            "resources",
            [Reply::json(200, &body), Reply::json(200, &body)],
        );
        let listed = body["resources"].as_array().cloned().unwrap_or_default();
        let (code, text) = ok(h.run(discover(false), false))?;
        prop_assert_eq!(code, 0);
        if listed.is_empty() {
            prop_assert!(
                text.starts_with("No bindable resources found for provider 'linear'."),
                "{}",
                text
            );
        } else {
            // A title, a header and one numbered line per resource, in the server's order.
            prop_assert_eq!(text.lines().count(), listed.len() + 2, "{}", text);
        }
        let (_, text) = ok(h.run(discover(true), true))?;
        let printed = parse(&text)?;
        let rows = printed.as_array().cloned().unwrap_or_default();
        prop_assert_eq!(rows.len(), listed.len());
        for (i, (row, resource)) in rows.iter().zip(&listed).enumerate() {
            // Oracle: reference §5.1 (`number` from 1, `is_bound` = binding_ref non-null).
            prop_assert_eq!(&row["number"], &json!(i + 1));
            prop_assert_eq!(&row["candidate_token"], &resource["candidate_token"]);
            prop_assert_eq!(&row["display_label"], &resource["display_label"]);
            let bound = !resource["binding_ref"].is_null();
            prop_assert_eq!(&row["is_bound"], &json!(bound));
        }
        Ok(())
    });
}

/// The §5.4 identifier rule, written out for the check: the first truthy of three fields.
fn expected_identifier(ticket: &Value) -> Value {
    ["identifier", "external_issue_key", "external_issue_id"]
        .iter()
        .map(|k| &ticket[*k])
        .find(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A ticket list answer: every ticket object listed once (normalised), the table one line per
/// ticket under a header (or `No tickets found`).
fn check_tickets(
    h: &Harness,
    member: &str,
    body: &Value,
    run: &dyn Fn(bool) -> Invocation,
) -> Result<(), TestCaseError> {
    let listed = body[member].as_array().cloned().unwrap_or_default();
    let (code, text) = ok(h.run(run(false), false))?;
    prop_assert_eq!(code, 0);
    if listed.is_empty() {
        prop_assert_eq!(text.as_str(), "No tickets found\n");
    } else {
        prop_assert_eq!(text.lines().count(), listed.len() + 1, "{}", text);
    }
    let (_, text) = ok(h.run(run(true), true))?;
    let printed = parse(&text)?;
    let rows = printed.as_array().cloned().unwrap_or_default();
    prop_assert_eq!(rows.len(), listed.len());
    for (row, ticket) in rows.iter().zip(&listed) {
        prop_assert_eq!(&row["identifier"], &expected_identifier(ticket));
        let keys: Vec<&String> = row
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        prop_assert_eq!(keys.len(), 10, "{:?}", keys);
        let state = match &ticket["state"] {
            Value::Object(s) => s.get("name").cloned().unwrap_or(Value::Null),
            _ => ticket["status"].clone(),
        };
        prop_assert_eq!(&row["state"]["name"], &state);
    }
    Ok(())
}

#[test]
fn list_tickets_takes_every_legal_ticket_list() {
    property(response("list_tickets", 200, Shape::Any), |h, body| {
        h.script(
            "list-tickets",
            [Reply::json(200, &body), Reply::json(200, &body)],
        );
        check_tickets(h, "tickets", &body, &list_tickets)
    });
}

#[test]
fn issue_search_takes_every_legal_candidate_list() {
    property(response("issue_search", 200, Shape::Any), |h, body| {
        h.script(
            "issue-search",
            [Reply::json(200, &body), Reply::json(200, &body)],
        );
        check_tickets(h, "candidates", &body, &|json| {
            issue_search("login timeout", json)
        })
    });
}

#[test]
fn status_all_takes_every_legal_installation_status() {
    property(response("status", 200, Shape::Any), |h, body| {
        h.script("status", [Reply::json(200, &body), Reply::json(200, &body)]);
        let all = |json| Invocation::Status(StatusArgs { json, all: true });
        let (code, text) = ok(h.run(all(false), false))?;
        prop_assert_eq!(code, 0);
        prop_assert!(
            text.starts_with("Installation-wide tracker status\n- provider: "),
            "{}",
            text
        );
        let (_, text) = ok(h.run(all(true), true))?;
        prop_assert_eq!(parse(&text)?, body);
        Ok(())
    });
}

#[test]
fn map_list_provider_takes_every_legal_response() {
    property(response("mappings", 200, Shape::Any), |h, body| {
        h.script("mappings", [Reply::json(200, &body)]);
        let args = MapListArgs {
            json: true,
            provider: Some("github".into()),
        };
        let (_, text) = ok(h.run(Invocation::MapList(args), true))?;
        prop_assert_eq!(
            parse(&text)?,
            json!({"mappings": body["mappings"], "pending_binding_upgrade": null})
        );
        Ok(())
    });
}
