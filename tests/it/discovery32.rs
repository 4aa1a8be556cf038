//! The 3.2 tracker commands against the real thing: spec-kitty-cli 3.2.7 (installed by
//! scripts/interop-venv.sh) and our binary run the same commands against the same contract
//! mock, and the mock's record of what each sent must agree: method, path, query, body,
//! Content-Type, X-Team-Slug, whether a bearer token and an Idempotency-Key came (their values
//! differ by design, reference/upstream-3.2-tracker.md §9.5). Candidate tokens are issued fresh
//! by the mock, so `ct-<resource>-<n>` is compared without its `<n>`. The project identity block
//! each writes into a fresh project is compared too.
//!
//! 3.2.7 runs through scripts/interop/discovery32.py, which cuts out only its hosted-sync
//! bookkeeping (consent and the logical-operation store, reference §1.2 step 5 and §8.2); what
//! is sent is decided by 3.2.7's own code. Both tools use one session, written with 3.2.7's
//! own storage class. Without the venv these tests skip loudly, except with CI=true, where they
//! fail.

use crate::common::interop::{self, received, session, token_pair, IDENTITY};
use crate::common::{code, stderr, Sandbox};
use contract_mock as mock;
use serde_json::{json, Value};

use std::process::Command;

/// The interop venv, for scripts/interop/driver.py and discovery32.py.
struct Python(interop::Venv);

fn python() -> Option<Python> {
    interop::venv().map(Python)
}

/// What the mock received since the last call, normalised for comparison.
fn taken(mock: &mock::Running) -> Vec<Value> {
    received(mock)
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/api/v1/tracker/"))
        })
        .map(|r| {
            json!({
                "method": r["method"], "path": r["path"], "query": r["query"],
                "body": fresh_tokens(&r["body"]), "content_type": r["content_type"],
                "x_team_slug": r["x_team_slug"], "bearer": r["bearer"],
                "idempotency_key": !r["idempotency_key"].is_null(),
            })
        })
        .collect()
}

/// `ct-2-17` → `ct-2-*`, `br-ct-2-17` → `br-ct-2-*` (the mock numbers every token it issues).
fn fresh_tokens(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            let (prefix, rest) = s.split_once("ct-").unwrap_or(("", ""));
            match rest.split_once('-') {
                Some((n, k))
                    if matches!(prefix, "" | "br-") && k.chars().all(|c| c.is_ascii_digit()) =>
                {
                    json!(format!("{prefix}ct-{n}-*"))
                }
                _ => v.clone(),
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(fresh_tokens).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), fresh_tokens(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Two projects with the same `config.yaml` and git origin, one per tool, logged in with one
/// session each (same tokens).
struct Pair {
    ours: Sandbox,
    theirs: Sandbox,
}

impl Pair {
    fn new(py: &Python, mock: &mock::Running, config: &str) -> Pair {
        let (access, refresh) = token_pair(mock);
        let stored = session(&access, &refresh, 3600);
        let make = || {
            let sb = Sandbox::new(Some(config))
                .env("SPEC_KITTY_SAAS_URL", &mock.url)
                .env("USER", "ada")
                .env("LOGNAME", "ada")
                .env("COLUMNS", "100")
                .env("SPEC_KITTY_NO_NAG", "1");
            let git = |args: &[&str]| {
                let ok = Command::new("git")
                    .args(args)
                    .current_dir(sb.project())
                    .env("HOME", sb.dir.path().join("home"))
                    .output()
                    .expect("git")
                    .status
                    .success();
                assert!(ok, "git {args:?}");
            };
            git(&["init", "-q"]);
            git(&["remote", "add", "origin", "git@github.com:Acme/My_Repo.git"]);
            interop::run_ok(
                &mut py.command(&sb, "driver.py", &["write"]),
                &stored.to_string(),
            );
            sb
        };
        Pair {
            ours: make(),
            theirs: make(),
        }
    }
}

impl Python {
    fn command(&self, sb: &Sandbox, script: &str, args: &[&str]) -> Command {
        let mut cmd = self.0.script(sb, script);
        cmd.args(args);
        interop::sandbox_env(&mut cmd, sb);
        cmd
    }

    /// Run a spec-kitty 3.2.7 command (`tracker ...`, `issue-search ...`); it must succeed.
    fn spec_kitty(&self, sb: &Sandbox, args: &[&str]) {
        interop::run_ok(&mut self.command(sb, "discovery32.py", args), "");
    }
}

/// Run 3.2.7's command and ours; what the mock received from each must agree.
fn same_requests(py: &Python, mock: &mock::Running, pair: &Pair, theirs: &[&str], ours: &[&str]) {
    let _ = taken(mock);
    py.spec_kitty(&pair.theirs, theirs);
    let sent_by_them = taken(mock);
    let out = pair.ours.run(ours);
    assert_eq!(code(&out), 0, "ours {ours:?}: {}", stderr(&out));
    let sent_by_us = taken(mock);
    assert!(!sent_by_them.is_empty(), "3.2.7 {theirs:?} sent nothing");
    assert_eq!(
        sent_by_us, sent_by_them,
        "ours {ours:?} (left) and 3.2.7 {theirs:?} (right) sent different requests"
    );
}

#[test]
fn every_3_2_command_sends_what_3_2_7_sends() {
    let Some(py) = python() else { return };
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let pair = Pair::new(&py, &mock, &IDENTITY.replace("SLUG", "oracle"));
    let same = |theirs: &[&str], ours: &[&str]| same_requests(&py, &mock, &pair, theirs, ours);
    // Unbound: nothing routed.
    same(
        &["tracker", "discover", "--provider", "linear"],
        &["discover", "--provider", "linear"],
    );
    same(
        &[
            "tracker",
            "list-tickets",
            "--provider",
            "linear",
            "--limit",
            "5",
        ],
        &["list-tickets", "--provider", "linear", "--limit", "5"],
    );
    same(
        &["tracker", "map", "list", "--provider", "github"],
        &["map", "list", "--provider", "github"],
    );
    // Bind by exact match: resolve with the identity, confirm the token (a write).
    same(
        &["tracker", "bind", "--provider", "linear"],
        &["bind", "--provider", "linear"],
    );
    // Bound to linear: list-tickets and issue-search carry the binding_ref; status --all not.
    same(&["tracker", "status", "--all"], &["status", "--all"]);
    same(
        &["tracker", "list-tickets", "--provider", "linear"],
        &["list-tickets", "--provider", "linear"],
    );
    same(
        &["issue-search", "--provider", "linear", "--query", "LIN-2"],
        &["issue-search", "--provider", "linear", "--query", "LIN-2"],
    );
    same(
        &[
            "issue-search",
            "--provider",
            "linear",
            "--query",
            "search words",
        ],
        &[
            "issue-search",
            "--provider",
            "linear",
            "--query",
            "search words",
        ],
    );
    // Bound to linear, asking about jira: not routed.
    same(
        &[
            "tracker",
            "list-tickets",
            "--provider",
            "jira",
            "--limit",
            "7",
        ],
        &["list-tickets", "--provider", "jira", "--limit", "7"],
    );
    same(
        &["tracker", "map", "list", "--provider", "linear"],
        &["map", "list", "--provider", "linear"],
    );
    // --bind-ref: validated first (ours needs --force to replace without a terminal).
    same(
        &[
            "tracker",
            "bind",
            "--provider",
            "jira",
            "--bind-ref",
            "br-core",
        ],
        &[
            "bind",
            "--provider",
            "jira",
            "--bind-ref",
            "br-core",
            "--force",
        ],
    );
    // The blocks both wrote agree (3.2 layout, §3.1).
    let read = |sb: &Sandbox| {
        std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
    };
    assert_eq!(read(&pair.ours), read(&pair.theirs));
}

#[test]
fn a_selected_candidate_is_confirmed_as_3_2_7_confirms_it() {
    let Some(py) = python() else { return };
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let pair = Pair::new(&py, &mock, &IDENTITY.replace("SLUG", "candidates"));
    same_requests(
        &py,
        &mock,
        &pair,
        &["tracker", "bind", "--provider", "gitlab", "--select", "2"],
        &["bind", "--provider", "gitlab", "--select", "2"],
    );
}

#[test]
fn the_identity_block_of_a_fresh_project_is_3_2_7_s() {
    let Some(py) = python() else { return };
    let mock = mock::spawn(mock::Config::default(), 0).expect("mock");
    let pair = Pair::new(&py, &mock, "# kept\nvcs:\n  type: git\n");
    py.spec_kitty(&pair.theirs, &["tracker", "bind", "--provider", "linear"]);
    let out = pair.ours.run(&["bind", "--provider", "linear"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let read = |sb: &Sandbox| {
        std::fs::read_to_string(sb.project().join(".kittify/config.yaml")).expect("config")
    };
    let (ours, theirs) = (read(&pair.ours), read(&pair.theirs));
    let block = |text: &str| -> Vec<(String, String)> {
        text.lines()
            .skip_while(|l| *l != "project:")
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.trim().split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    };
    let (a, b) = (block(&ours), block(&theirs));
    let keys = |x: &[(String, String)]| x.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&a), ["uuid", "slug", "node_id", "build_id"]);
    assert_eq!(keys(&a), keys(&b), "{ours}\n---\n{theirs}");
    // slug (from the origin) and node_id (host and user) are the same; uuid is random.
    assert_eq!(a[1], b[1]);
    assert_eq!(a[1].1, "my-repo");
    assert_eq!(a[2], b[2]);
    // build_id is uuid5 of "<uuid>:<node_id>" on both sides: ours derives 3.2.7's from its uuid.
    assert_eq!(
        spec_kitty_tracker::config::identity::derive_build_id(&b[0].1, &b[2].1),
        b[3].1
    );
    assert_eq!(
        spec_kitty_tracker::config::identity::derive_build_id(&a[0].1, &a[2].1),
        a[3].1
    );
    // Everything but the random uuid (and the build_id and binding made from it) is the same
    // text: the other lines kept, the block in the same place and layout.
    let mask = |text: &str, own: &[(String, String)]| {
        let mut t = text
            .replace(&own[0].1, "<uuid>")
            .replace(&own[3].1, "<build_id>");
        if let Some(i) = t.find("tracker:") {
            t.truncate(i);
        }
        t
    };
    assert_eq!(mask(&ours, &a), mask(&theirs, &b));
}
