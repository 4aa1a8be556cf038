//! The refresh transaction of spec-kitty-cli 3.2.7 (`auth/refresh_transaction.py`,
//! `auth/flows/refresh.py`), so this tool and that one can refresh one session side by side
//! without ever spending a refresh token twice:
//!
//! 1. take `refresh.lock` (10 s); on timeout adopt the stored session if its access token is
//!    usable, else fail asking to retry;
//! 2. re-read the store; when its `(session_id, refresh_token)` differs from the one in hand and
//!    its access token is usable, adopt it without a request;
//! 3. else `POST /oauth/token` (10 s bound) and write the rotated session back — under
//!    `session.lock`, only while the stored session is still the one refreshed: a session
//!    another tool wrote meanwhile (its `auth login` takes only `session.lock`) is kept and
//!    used. A granted answer is never refused: the refresh token it carries is stored first,
//!    then any problem with it is reported (see [`rotated`]);
//! 4. `invalid_grant` / `session_invalid`: re-read; if the rejected material is still the stored
//!    one, delete the session ("Session expired", exit 4); otherwise keep the newer one;
//!    409 `refresh_replay_benign_retry`: one retry with a newer stored token.

use super::lock::{self, LockError};
use super::model::{IsoTime, StoredSession};
use super::EncryptedStore;
use crate::auth::api::{self, OAuthRefreshed};
use crate::auth::{no_token, session_expired};
use crate::error::{CliError, ErrorKind};
use crate::http::errors::unexpected_response;
use crate::http::Http;
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use jiff::Timestamp;
use serde_json::{Map, Value};
use std::time::Duration;

/// Bound on the network leg, as 3.2.7 (`max_hold_s`).
pub const MAX_HOLD: Duration = Duration::from_secs(10);

/// Where to refresh: the store, the server resolved by the usual rules, the client.
#[derive(Debug)]
pub struct Refresher<'a> {
    store: &'a EncryptedStore,
    server: &'a ServerUrl,
    http: &'a Http,
    /// How long `refresh.lock` is waited for ([`lock::LOCK_WAIT`]).
    lock_wait: Duration,
    /// Bound on the grant request ([`MAX_HOLD`]).
    max_hold: Duration,
}

impl<'a> Refresher<'a> {
    /// A refresher for `store` sending grants to `server` through `http`, with 3.2.7's waits
    /// (10 s for `refresh.lock`, 10 s for the grant).
    pub fn new(store: &'a EncryptedStore, server: &'a ServerUrl, http: &'a Http) -> Refresher<'a> {
        Refresher {
            store,
            server,
            http,
            lock_wait: lock::LOCK_WAIT,
            max_hold: MAX_HOLD,
        }
    }

    /// The same refresher with shorter waits, so tests reach the timeout branches quickly.
    #[cfg(test)]
    fn with_waits(self, lock_wait: Duration, max_hold: Duration) -> Refresher<'a> {
        Refresher {
            lock_wait,
            max_hold,
            ..self
        }
    }

    /// Run one refresh transaction for the session `in_hand`; returns the session to use.
    pub async fn run(&self, in_hand: &StoredSession) -> Result<StoredSession, CliError> {
        let held = match lock::refresh_lock(&self.store.refresh_lock_path(), self.lock_wait) {
            Ok(held) => held,
            Err(LockError::Timeout) => return match self.read()? {
                Some(s) if s.access_valid(Timestamp::now()) => Ok(s),
                _ => Err(busy(
                    "Another spec-kitty process is refreshing the auth session; retry in a moment.",
                )),
            },
            Err(LockError::Io(e)) => {
                return Err(CliError::failed(
                    "session_lock",
                    format!(
                        "cannot lock {}: {e}",
                        self.store.refresh_lock_path().display()
                    ),
                ))
            }
        };
        let result = self.locked(in_hand).await;
        drop(held);
        result
    }

    async fn locked(&self, in_hand: &StoredSession) -> Result<StoredSession, CliError> {
        let persisted = self.read()?.ok_or_else(no_token)?;
        if !persisted.same_material(in_hand) && persisted.access_valid(Timestamp::now()) {
            return Ok(persisted);
        }
        if persisted.refresh_expired(Timestamp::now()) {
            return Err(session_expired());
        }
        match self.grant(&persisted.refresh_token).await? {
            OAuthRefreshed::Granted(tokens) => self.store_rotated(&persisted, &tokens),
            OAuthRefreshed::Rejected(_) => {
                let now_stored = self.read()?;
                match now_stored {
                    Some(s) if s.same_material(&persisted) => {
                        self.delete()?;
                        Err(session_expired())
                    }
                    None => Err(session_expired()),
                    Some(s) if s.refresh_expired(Timestamp::now()) => {
                        self.delete()?;
                        Err(session_expired())
                    }
                    Some(s) if !s.access_valid(Timestamp::now()) => Err(busy(
                        "The auth session was rotated by another process but is not usable yet; retry in a moment.",
                    )),
                    Some(s) => Ok(s),
                }
            }
            OAuthRefreshed::Replay => {
                let replay = || {
                    busy("Refresh token replay detected and no newer local token is available.")
                        .hint("if this persists, log in again: `spec-kitty-tracker auth login` (or spec-kitty 3.1+'s own login)")
                };
                let newer = match self.read()? {
                    Some(s) if s.refresh_token != persisted.refresh_token => s,
                    _ => return Err(replay()),
                };
                match self.grant(&newer.refresh_token).await {
                    Ok(OAuthRefreshed::Granted(tokens)) => self.store_rotated(&newer, &tokens),
                    _ => Err(replay()),
                }
            }
        }
    }

    async fn grant(&self, refresh: &Secret) -> Result<OAuthRefreshed, CliError> {
        match tokio::time::timeout(
            self.max_hold,
            api::oauth_refresh(self.http, self.server, refresh),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(CliError::new(
                ErrorKind::Network,
                "network",
                format!(
                    "Timed out waiting for Spec Kitty SaaS at {}: the token refresh took longer than {:?}.",
                    self.server.as_str(),
                    self.max_hold
                ),
            )),
        }
    }

    /// Store the rotation of `base` by `tokens`, then report what was wrong with the answer:
    /// the refresh token the server just issued is never dropped (see [`rotated`]).
    fn store_rotated(
        &self,
        base: &StoredSession,
        tokens: &Map<String, Value>,
    ) -> Result<StoredSession, CliError> {
        let Rotation { session, problems } = rotated(base, tokens, Timestamp::now());
        match self
            .store
            .replace(base, &session)
            .map_err(|why| store_error(self.store, &why))?
        {
            Ok(()) => {}
            // Another tool logged in while the grant was in flight: its session stays and is
            // the one used (ours was a refresh of the older one).
            Err(Some(stored)) => return Ok(stored),
            // Logged out meanwhile: that stands.
            Err(None) => return Err(no_token()),
        }
        if !problems.is_empty() {
            return Err(unexpected_response(
                &format!("POST {}", api::OAUTH_TOKEN_PATH),
                &problems.join("; "),
            )
            .hint("the refresh token it issued was saved and the access token marked expired; run the command again to refresh once more"));
        }
        Ok(session)
    }

    fn read(&self) -> Result<Option<StoredSession>, CliError> {
        self.store
            .read()
            .map_err(|why| store_error(self.store, &why))
    }

    fn delete(&self) -> Result<(), CliError> {
        self.store
            .delete()
            .map_err(|why| store_error(self.store, &why))
    }
}

/// The session after a granted refresh, and what was wrong with the answer (empty: nothing).
pub struct Rotation {
    /// The session to store.
    pub session: StoredSession,
    /// Each problem of the answer, naming the field (never its value).
    pub problems: Vec<String>,
}

/// The session after a granted refresh, as 3.2.7's `_update_session` builds it: identity,
/// teams and session id kept; tokens rotated (the refresh token kept when none came back);
/// `expires_in` (default 3600); refresh expiry from `refresh_token_expires_at`, else
/// `refresh_token_expires_in`, else the old one; `scope` and `generation` from the response.
///
/// Never refuses the answer: the server has already spent the old refresh token, so the one it
/// just issued is kept whatever else the answer holds (3.2.7 stores it too). An access token
/// that is missing, cannot go into an HTTP header, or has no usable lifetime (`expires_in`
/// unreadable, zero or negative) is stored marked expired (the next command refreshes again),
/// and the problem is listed for the caller to report after storing.
pub fn rotated(base: &StoredSession, tokens: &Map<String, Value>, now: Timestamp) -> Rotation {
    let mut problems = Vec::new();
    let access = match tokens.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
        _ => {
            problems.push("`access_token` is missing".to_owned());
            None
        }
    };
    let refresh = match tokens.get("refresh_token") {
        None | Some(Value::Null) => base.refresh_token.clone(),
        Some(Value::String(s)) if !s.is_empty() => Secret::new(s.clone()),
        Some(_) => {
            problems.push("`refresh_token` is not a string".to_owned());
            base.refresh_token.clone()
        }
    };
    let expires_in = match tokens.get("expires_in") {
        None | Some(Value::Null) => Some(3600),
        Some(v) => signed_seconds(v),
    };
    match expires_in {
        None => problems.push("`expires_in` is not a number of seconds".to_owned()),
        Some(n) if n <= 0 => problems.push(format!(
            "`expires_in` is {n}: the access token arrived already expired"
        )),
        Some(_) => {}
    }
    let unsendable = access.and_then(|a| crate::http::header_problem(a, true));
    if let Some(why) = &unsendable {
        problems.push(format!("`access_token`: {why}"));
    }
    let usable = access.is_some() && unsendable.is_none();
    let after = |secs: i64| {
        IsoTime::utc(Timestamp::from_second(now.as_second().saturating_add(secs)).unwrap_or(now))
    };
    let refresh_expires = match (
        tokens
            .get("refresh_token_expires_at")
            .filter(|v| !v.is_null()),
        tokens
            .get("refresh_token_expires_in")
            .filter(|v| !v.is_null()),
    ) {
        (Some(at), _) => match at.as_str().and_then(crate::timefmt::parse) {
            Some(at) => Some(IsoTime::utc(at)),
            None => {
                problems.push("`refresh_token_expires_at` is not a timestamp".to_owned());
                base.refresh_token_expires_at
            }
        },
        (None, Some(secs)) => match api::seconds_field(secs) {
            Some(s) => Some(after(s)),
            None => base.refresh_token_expires_at,
        },
        (None, None) => base.refresh_token_expires_at,
    };
    let mut fresh = base.clone();
    let now_micros = IsoTime::utc(now);
    fresh.access_token = access.map_or_else(|| base.access_token.clone(), Secret::new);
    fresh.refresh_token = refresh;
    fresh.issued_at = now_micros;
    fresh.last_used_at = now_micros;
    fresh.access_token_expires_at = match expires_in {
        Some(n) if usable => after(n),
        // Marked expired: at most now (a negative lifetime is kept as 3.2.7 keeps it).
        n => after(n.unwrap_or(0).min(0)),
    };
    fresh.refresh_token_expires_at = refresh_expires;
    if let Some(scope) = tokens.get("scope").and_then(Value::as_str) {
        fresh.scope = scope.to_owned();
    }
    fresh.generation = tokens.get("generation").and_then(Value::as_i64);
    Rotation {
        session: fresh,
        problems,
    }
}

/// A number of seconds as 3.2.7's `int(...)` reads it (negative too), from a number or a
/// numeric string.
fn signed_seconds(v: &Value) -> Option<i64> {
    let f = match v {
        Value::Number(n) => return n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    f.is_finite().then_some(f as i64)
}

fn busy(message: &str) -> CliError {
    CliError::failed("refresh_busy", message).hint("run the command again in a moment")
}

/// An error of the 3.1+ store while using it.
pub fn store_error(store: &EncryptedStore, why: &str) -> CliError {
    CliError::new(
        ErrorKind::Auth,
        "session_unreadable",
        format!(
            "Cannot use the spec-kitty session {}: {why}",
            store.session_path().display()
        ),
    )
    .hint("log in again: `spec-kitty-tracker auth login` (or spec-kitty 3.1+'s own login)")
}

#[cfg(test)]
mod transaction_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> StoredSession {
        let v: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/session32/vector.json"
        ))
        .expect("vector");
        StoredSession::from_json(v["plaintext"].as_str().expect("text").as_bytes())
            .expect("session")
    }

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn rotation_follows_update_session() {
        let now: Timestamp = "2026-11-25T12:00:00.5Z".parse().expect("ts");
        let s = rotated(
            &base(),
            &map(json!({"access_token": "a2", "refresh_token": "r2", "expires_in": "60", "refresh_token_expires_in": 3600, "scope": "offline_access x"})),
            now,
        )
        .session;
        assert_eq!(
            (s.access_token.expose(), s.refresh_token.expose()),
            ("a2", "r2")
        );
        assert_eq!(
            s.access_token_expires_at.format(),
            "2026-11-25T12:01:00+00:00"
        );
        assert_eq!(
            s.refresh_token_expires_at.map(|t| t.format()).as_deref(),
            Some("2026-11-25T13:00:00+00:00")
        );
        assert_eq!(s.issued_at.format(), "2026-11-25T12:00:00.500000+00:00");
        assert_eq!(
            (s.session_id.as_str(), s.email.as_str()),
            ("sess-1", "ada@example.com")
        );
        assert_eq!(s.generation, None, "the response sent none");
        assert_eq!(s.scope, "offline_access x");

        let s = rotated(
            &base(),
            &map(json!({"access_token": "a3", "refresh_token_expires_at": "2027-01-01T00:00:00Z", "generation": 4})),
            now,
        )
        .session;
        assert_eq!(
            s.refresh_token.expose(),
            "vector-refresh",
            "kept when not rotated"
        );
        assert_eq!(
            s.access_token_expires_at.format(),
            "2026-11-25T13:00:00+00:00"
        );
        assert_eq!(
            s.refresh_token_expires_at.map(|t| t.format()).as_deref(),
            Some("2027-01-01T00:00:00+00:00")
        );
        assert_eq!(s.generation, Some(4));
        let s = rotated(
            &base(),
            &map(json!({"access_token": "a4", "refresh_token_expires_in": "soon"})),
            now,
        )
        .session;
        assert_eq!(
            s.refresh_token_expires_at,
            base().refresh_token_expires_at,
            "an unreadable expires_in keeps the old expiry"
        );
        let r = rotated(
            &base(),
            &map(json!({"access_token": "a", "refresh_token": 5})),
            now,
        );
        assert_eq!(r.problems, ["`refresh_token` is not a string"]);
        assert_eq!(r.session.refresh_token.expose(), "vector-refresh");
    }

    /// Red-team 2 item 3, the mechanism: whatever is wrong with a granted answer, the refresh
    /// token it carries is kept, an unusable access token is kept marked expired (3.2.7's
    /// `_update_session` stores such answers as they are), and the problem is named.
    #[test]
    fn a_refresh_answer_with_an_unusable_access_token_keeps_the_issued_refresh_token() {
        let now: Timestamp = "2026-11-25T12:00:00Z".parse().expect("ts");
        let cases = [
            (
                json!({"access_token": "a2", "refresh_token": "r2", "expires_in": -100}),
                "a2",
                "`expires_in` is -100: the access token arrived already expired",
                "2026-11-25T11:58:20+00:00",
            ),
            (
                json!({"access_token": "a2", "refresh_token": "r2", "expires_in": 0}),
                "a2",
                "`expires_in` is 0: the access token arrived already expired",
                "2026-11-25T12:00:00+00:00",
            ),
            (
                json!({"access_token": "a2", "refresh_token": "r2", "expires_in": "soon"}),
                "a2",
                "`expires_in` is not a number of seconds",
                "2026-11-25T12:00:00+00:00",
            ),
            (
                json!({"access_token": "a\r\nX-Evil: 1", "refresh_token": "r2", "expires_in": 600}),
                "a\r\nX-Evil: 1",
                "`access_token`: it holds U+000D at byte 1",
                "2026-11-25T12:00:00+00:00",
            ),
            (
                json!({"access_token": "acc-\u{e9}t\u{e9}", "refresh_token": "r2"}),
                "acc-\u{e9}t\u{e9}",
                "`access_token`: it holds U+00E9 at byte 4",
                "2026-11-25T12:00:00+00:00",
            ),
            (
                json!({"access_token": "a b", "refresh_token": "r2"}),
                "a b",
                "`access_token`: it holds U+0020 at byte 1",
                "2026-11-25T12:00:00+00:00",
            ),
            (
                json!({"refresh_token": "r2", "expires_in": 600}),
                "vector-access",
                "`access_token` is missing",
                "2026-11-25T12:00:00+00:00",
            ),
        ];
        for (answer, access, problem, expires) in cases {
            let r = rotated(&base(), &map(answer.clone()), now);
            assert_eq!(r.problems.len(), 1, "{answer}");
            assert!(
                r.problems[0].starts_with(problem),
                "{answer}: {:?}",
                r.problems
            );
            assert_eq!(
                r.session.refresh_token.expose(),
                "r2",
                "{answer}: the issued token is kept"
            );
            assert_eq!(r.session.access_token.expose(), access, "{answer}");
            assert_eq!(
                r.session.access_token_expires_at.format(),
                expires,
                "{answer}"
            );
            assert!(!r.session.access_valid(now), "{answer}: counts as expired");
        }
        let fine = rotated(
            &base(),
            &map(json!({"access_token": "a2", "refresh_token": "r2"})),
            now,
        );
        assert!(fine.problems.is_empty());
        assert!(fine.session.access_valid(now));
        // A problem that leaves the access token usable does not expire it.
        let r = rotated(
            &base(),
            &map(
                json!({"access_token": "a2", "refresh_token": "r2", "refresh_token_expires_at": "later"}),
            ),
            now,
        );
        assert_eq!(
            r.problems,
            ["`refresh_token_expires_at` is not a timestamp"]
        );
        assert_eq!(
            r.session.refresh_token_expires_at,
            base().refresh_token_expires_at
        );
        assert!(r.session.access_valid(now));
    }
}
