//! Response classes the mock can play, chosen by the project slug of a request
//! (`bind --project-slug rate-limited` → every call of that project is rate limited once).
//! The spec-kitty 3.2 operations name no project slug: bind-resolve, -confirm and -validate
//! take the scenario from `project_identity.slug`, list-tickets and issue-search from their
//! routing key (none: `--scenario`), resources always from `--scenario` (see `hosted`).

use super::{envelope, garbage, html_bad_gateway, reply, Config, Reply};
use serde_json::{json, Value};

/// A response class of SPEC §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Everything succeeds (any slug that names no other scenario).
    Ok,
    /// pull/push/run report `partial` with item errors.
    Partial,
    /// 500 with an error envelope.
    ServerError,
    /// 403 envelope with `user_action_required`.
    NeedsAction,
    /// 400 `legacy_flow_forbidden`.
    Legacy,
    /// One 429 (retry_after_seconds 1) per request, then success.
    RateLimited,
    /// Always 429.
    RateStorm,
    /// 502 with an HTML body.
    BadGateway,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 JSON without the required fields.
    MissingFields,
    /// push/run answer 202; the operation completes after two polls.
    Async,
    /// push/run answer 202; the operation fails.
    AsyncFail,
    /// push/run answer 202; the operation never completes.
    Never,
    /// Answers after the configured delay.
    Slow,
    /// The first request of each operation is answered 401 (forces one refresh).
    ExpiredToken,
    /// Every tracker request is answered 401.
    Unauthorized,
    /// bind-resolve offers three candidates (high, medium, low confidence).
    Candidates,
    /// bind-resolve finds nothing to bind (`none`).
    NoMatch,
    /// bind-resolve answers `exact` with a binding ref: bound already, nothing to confirm.
    ExactBound,
    /// The first bind-confirm of the project is refused (`invalid_candidate_token`); a token
    /// from a new bind-resolve is accepted.
    ExpiredCandidate,
    /// Every bind-confirm of the project is refused (`invalid_candidate_token`).
    StaleCandidate,
    /// resources, list-tickets and issue-search answer empty lists.
    Empty,
}

/// Slug → scenario table (the slug names are the documented switches).
pub const SLUGS: [(&str, Scenario); 21] = [
    ("partial", Scenario::Partial),
    ("server-error", Scenario::ServerError),
    ("needs-action", Scenario::NeedsAction),
    ("legacy", Scenario::Legacy),
    ("rate-limited", Scenario::RateLimited),
    ("rate-storm", Scenario::RateStorm),
    ("bad-gateway", Scenario::BadGateway),
    ("garbage", Scenario::Garbage),
    ("missing-fields", Scenario::MissingFields),
    ("async", Scenario::Async),
    ("async-fail", Scenario::AsyncFail),
    ("never", Scenario::Never),
    ("slow", Scenario::Slow),
    ("expired-token", Scenario::ExpiredToken),
    ("unauthorized", Scenario::Unauthorized),
    ("candidates", Scenario::Candidates),
    ("no-match", Scenario::NoMatch),
    ("exact-bound", Scenario::ExactBound),
    ("expired-candidate", Scenario::ExpiredCandidate),
    ("stale-candidate", Scenario::StaleCandidate),
    ("empty", Scenario::Empty),
];

/// The slug names of [`SLUGS`].
pub const fn slug_names() -> [&'static str; 21] {
    let mut names = [""; 21];
    let mut i = 0;
    while i < SLUGS.len() {
        names[i] = SLUGS[i].0;
        i += 1;
    }
    names
}

impl Scenario {
    /// The scenario a slug names, if any.
    pub fn from_slug(slug: &str) -> Option<Scenario> {
        SLUGS.iter().find(|(s, _)| *s == slug).map(|(_, sc)| *sc)
    }

    /// Parse a `--scenario` value (`ok` or a slug name).
    pub fn parse(name: &str) -> Option<Scenario> {
        if name == "ok" {
            Some(Scenario::Ok)
        } else {
            Scenario::from_slug(name)
        }
    }

    /// Polls before completion when push/run/bind-confirm are accepted (202).
    pub fn accepts(self) -> Option<u32> {
        match self {
            Scenario::Async | Scenario::AsyncFail => Some(2),
            Scenario::Never => Some(u32::MAX),
            _ => None,
        }
    }

    /// The final operation body for an accepted request (`None`: never finishes).
    pub fn operation_outcome(self, id: &str, result: Value) -> Option<Value> {
        match self {
            Scenario::Never => None,
            Scenario::AsyncFail => Some(json!({
                "operation_id": id,
                "status": "failed",
                "error": envelope(502, "provider_unavailable", "Linear rejected the update: rate limit on the provider side", false),
            })),
            _ => Some(json!({"operation_id": id, "status": "completed", "result": result})),
        }
    }

    /// A response that replaces the normal answer, if this scenario interrupts `op`.
    /// `first_time(key)` is true the first time a key is seen.
    pub async fn interrupt(
        self,
        op: &str,
        token: &str,
        idempotency: Option<&str>,
        mut first_time: impl FnMut(String) -> bool,
        config: &Config,
    ) -> Option<Reply> {
        match self {
            Scenario::ServerError => Some(reply(500, &envelope(500, "internal_error", "The Spec Kitty SaaS had an internal error; try again later.", false))),
            Scenario::NeedsAction => Some(reply(403, &envelope(403, "no_installation", "No installation for provider linear", true))),
            Scenario::Legacy => Some(reply(
                400,
                &envelope(400, "legacy_flow_forbidden", "This project still uses direct provider credentials. Reconnect it in the Spec Kitty dashboard, then run `spec-kitty tracker sync run`.", true),
            )),
            Scenario::RateLimited if first_time(format!("429:{op}:{}", idempotency.unwrap_or(token))) => {
                let mut env = envelope(429, "rate_limited", "Too many requests for this team.", false);
                env["retry_after_seconds"] = json!(1);
                Some(reply(429, &env))
            }
            Scenario::RateStorm => {
                let mut env = envelope(429, "rate_limited", "Too many requests for this team.", false);
                env["retry_after_seconds"] = json!(2);
                Some(reply(429, &env))
            }
            Scenario::BadGateway => Some(html_bad_gateway()),
            Scenario::Garbage => Some(garbage()),
            Scenario::Slow => {
                tokio::time::sleep(config.slow).await;
                None
            }
            Scenario::ExpiredToken if first_time(format!("401:{op}")) => {
                Some(reply(401, &envelope(401, "token_expired", "Access token expired", false)))
            }
            Scenario::Unauthorized => Some(reply(401, &envelope(401, "unauthorized", "Token is invalid or expired", false))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oracle: the README, which documents the slug switches for users of the mock.
    #[test]
    fn the_slug_names_are_the_documented_switches_and_each_selects_its_scenario() {
        let readme = include_str!("../../../README.md");
        let documented: Vec<&str> = readme
            .split_once("response class is chosen by the project slug:")
            .and_then(|(_, rest)| rest.split_once("; any other slug succeeds"))
            .map(|(list, _)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        // Called at run time (SLUG_NAMES is the same function evaluated by the compiler).
        let names = slug_names();
        assert_eq!(names.as_slice(), documented.as_slice());
        for name in names {
            let scenario = Scenario::from_slug(name);
            assert!(scenario.is_some_and(|s| s != Scenario::Ok), "{name}");
            assert_eq!(Scenario::parse(name), scenario, "--scenario {name}");
        }
        assert_eq!(Scenario::parse("ok"), Some(Scenario::Ok));
        assert_eq!(Scenario::from_slug("ok"), None, "`ok` is no slug switch");
        assert_eq!(Scenario::parse("Partial"), None, "names are case-sensitive");
    }
}
