//! Property tests for bind by discovery: bind-resolve, bind-confirm (direct or accepted and
//! polled) and bind-validate answers generated from the document drive the real `bind` in
//! process; each ends as reference/upstream-3.2-tracker.md §5.2 says (the oracle, with the
//! document), and every request the client sends validates against the document.

use super::gen::{named, response, Shape};
use super::harness::{Harness, Reply};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{json, Value};
use spec_kitty_tracker::args::{BindArgs, Invocation};

fn bind(select: Option<i64>, bind_ref: Option<&str>) -> Invocation {
    Invocation::Bind(BindArgs {
        provider: "linear".into(),
        project_slug: None,
        workspace: None,
        ownership_mode: None,
        doctrine_mode: None,
        field_owner: Vec::new(),
        credential: Vec::new(),
        select,
        bind_ref: bind_ref.map(str::to_owned),
        // The harness project is bound already; a terminal is never asked.
        force: true,
        json: true,
    })
}

fn run<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
    check: impl Fn(&Harness, T) -> Result<(), TestCaseError>,
) {
    let h = Harness::new();
    TestRunner::new(super::config(300))
        .run(&strategy, |input| {
            h.reset();
            check(&h, input)?;
            h.finish().map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A confirm answer: 200 with the binding, or 202 then a completed operation carrying it.
fn confirmed() -> impl Strategy<Value = (Value, bool)> {
    (named("BindConfirmResponse", Shape::Any), any::<bool>())
}

#[test]
fn bind_follows_every_legal_resolve_and_confirm() {
    let strategy = (
        response("bind_resolve", 200, Shape::Any),
        confirmed(),
        prop::option::of(1i64..=4),
    );
    run(strategy, |h, (resolved, (binding, polled), select)| {
        let exact = resolved["match_type"] == "exact";
        let given = |v: &Value| {
            v.as_str()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        let bound_ref = given(&resolved["binding_ref"]).filter(|_| exact);
        let token = if exact {
            given(&resolved["candidate_token"])
        } else if resolved["match_type"] == "candidates" {
            select.and_then(|n| {
                resolved["candidates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|c| c["sort_position"].as_i64() == Some(n - 1))
                    .and_then(|c| c["candidate_token"].as_str().map(str::to_owned))
            })
        } else {
            None
        };
        h.script("bind-resolve", [Reply::json(200, &resolved)]);
        let confirms = bound_ref.is_none() && token.is_some();
        if confirms {
            if polled {
                let id = "op-bind-1";
                h.script(
                    "bind-confirm",
                    [Reply::json(
                        202,
                        &json!({"operation_id": id, "status": "pending"}),
                    )],
                );
                h.script(
                    "operation",
                    [Reply::json(
                        200,
                        &json!({"operation_id": id, "status": "completed", "result": binding}),
                    )],
                );
            } else {
                h.script("bind-confirm", [Reply::json(200, &binding)]);
            }
        }
        let result = h.run(bind(select, None), true);
        let count = resolved["candidates"].as_array().map_or(0, Vec::len);
        match resolved["match_type"].as_str() {
            Some("exact") if bound_ref.is_some() || token.is_some() => {
                let (code, text) = result.map_err(|e| TestCaseError::fail(e.message))?;
                prop_assert_eq!(code, 0);
                let v: Value =
                    serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let want = bound_ref
                    .clone()
                    .map_or_else(|| binding["binding_ref"].clone(), |r| json!(r));
                prop_assert_eq!(&v["binding_ref"], &want);
            }
            Some("exact") => {
                let e = result
                    .err()
                    .ok_or_else(|| TestCaseError::fail("bound without a ref or token"))?;
                prop_assert_eq!(e.code.as_str(), "unexpected_response");
            }
            Some("candidates") if token.is_some() => {
                let (code, text) = result.map_err(|e| TestCaseError::fail(e.message))?;
                prop_assert_eq!(code, 0);
                prop_assert!(
                    text.contains(&format!(
                        "{:?}",
                        binding["binding_ref"].as_str().unwrap_or("")
                    )),
                    "{}",
                    text
                );
            }
            Some("candidates") => {
                let e = result
                    .err()
                    .ok_or_else(|| TestCaseError::fail("bound without a choice"))?;
                prop_assert_eq!(e.kind.exit_code(), 2, "{}", e.message);
                let expected = match select {
                    Some(n) => format!("Selection {n} is out of range. Valid range: 1-{count}."),
                    None => "Multiple resources found for provider 'linear':".to_owned(),
                };
                prop_assert!(e.message.starts_with(&expected), "{}", e.message);
            }
            _ => {
                let e = result
                    .err()
                    .ok_or_else(|| TestCaseError::fail("bound to nothing"))?;
                prop_assert_eq!(
                    e.message.as_str(),
                    "No bindable resources found for provider 'linear'. Verify the tracker is connected in the SaaS dashboard."
                );
            }
        }
        Ok(())
    });
}

#[test]
fn bind_ref_follows_every_legal_validation() {
    run(response("bind_validate", 200, Shape::Any), |h, answer| {
        h.script("bind-validate", [Reply::json(200, &answer)]);
        let result = h.run(bind(None, Some("br-given")), true);
        if answer["valid"] == true {
            let (code, text) = result.map_err(|e| TestCaseError::fail(e.message))?;
            prop_assert_eq!(code, 0);
            prop_assert!(text.contains("\"binding_ref\": \"br-given\""), "{}", text);
        } else {
            let e = result
                .err()
                .ok_or_else(|| TestCaseError::fail("an invalid ref was bound"))?;
            let reason = answer["reason"].as_str().unwrap_or("unknown reason");
            let guidance = answer["guidance"].as_str().unwrap_or("");
            let want = format!("Binding ref 'br-given' is not valid: {reason}. {guidance}");
            prop_assert_eq!(e.message.as_str(), want.trim_end());
            prop_assert_eq!(e.kind.exit_code(), 1);
        }
        Ok(())
    });
}
