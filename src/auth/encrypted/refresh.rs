//! The refresh transaction of spec-kitty-cli 3.2.7 (`auth/refresh_transaction.py`,
//! `auth/flows/refresh.py`), so this tool and that one can refresh one session side by side
//! without ever spending a refresh token twice:
//!
//! 1. take `refresh.lock` (10 s); on timeout adopt the stored session if its access token is
//!    usable, else fail asking to retry;
//! 2. re-read the store; when its `(session_id, refresh_token)` differs from the one in hand and
//!    its access token is usable, adopt it without a request;
//! 3. else `POST /oauth/token` (10 s bound) and write the rotated session back;
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
                    "Cannot connect to Spec Kitty SaaS at {}: the token refresh took longer than {:?}.",
                    self.server.as_str(),
                    self.max_hold
                ),
            )),
        }
    }

    fn store_rotated(
        &self,
        base: &StoredSession,
        tokens: &Map<String, Value>,
    ) -> Result<StoredSession, CliError> {
        let fresh = rotated(base, tokens, Timestamp::now())?;
        self.store
            .write(&fresh)
            .map_err(|why| store_error(self.store, &why))?;
        Ok(fresh)
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

/// The session after a granted refresh, as 3.2.7's `_update_session` builds it: identity,
/// teams and session id kept; tokens rotated (the refresh token kept when none came back);
/// `expires_in` (default 3600); refresh expiry from `refresh_token_expires_at`, else
/// `refresh_token_expires_in`, else the old one; `scope` and `generation` from the response.
pub fn rotated(
    base: &StoredSession,
    tokens: &Map<String, Value>,
    now: Timestamp,
) -> Result<StoredSession, CliError> {
    let endpoint = format!("POST {}", api::OAUTH_TOKEN_PATH);
    let bad = |why: &str| unexpected_response(&endpoint, why);
    let access = tokens
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("`access_token` is missing"))?;
    let refresh = match tokens.get("refresh_token") {
        None | Some(Value::Null) => base.refresh_token.clone(),
        Some(Value::String(s)) if !s.is_empty() => Secret::new(s.clone()),
        Some(_) => return Err(bad("`refresh_token` is not a string")),
    };
    let expires_in = match tokens.get("expires_in") {
        None | Some(Value::Null) => 3600,
        Some(v) => {
            api::seconds_field(v).ok_or_else(|| bad("`expires_in` is not a number of seconds"))?
        }
    };
    let after = |secs: i64| {
        IsoTime(Timestamp::from_second(now.as_second().saturating_add(secs)).unwrap_or(now))
    };
    let refresh_expires = match (
        tokens
            .get("refresh_token_expires_at")
            .filter(|v| !v.is_null()),
        tokens
            .get("refresh_token_expires_in")
            .filter(|v| !v.is_null()),
    ) {
        (Some(at), _) => Some(IsoTime(
            at.as_str()
                .and_then(crate::timefmt::parse)
                .ok_or_else(|| bad("`refresh_token_expires_at` is not a timestamp"))?,
        )),
        (None, Some(secs)) => match api::seconds_field(secs) {
            Some(s) => Some(after(s)),
            None => base.refresh_token_expires_at,
        },
        (None, None) => base.refresh_token_expires_at,
    };
    // Checked before anything is stored, as for the 3.0 file's token responses.
    for (key, value) in [
        ("access_token", access),
        ("refresh_token", refresh.expose()),
    ] {
        if let Some(why) = crate::http::header_problem(value, true) {
            return Err(bad(&format!("`{key}`: {why}")));
        }
    }
    let mut fresh = base.clone();
    let now_micros = IsoTime(Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now));
    fresh.access_token = Secret::new(access);
    fresh.refresh_token = refresh;
    fresh.issued_at = now_micros;
    fresh.last_used_at = now_micros;
    fresh.access_token_expires_at = after(expires_in);
    fresh.refresh_token_expires_at = refresh_expires;
    if let Some(scope) = tokens.get("scope").and_then(Value::as_str) {
        fresh.scope = scope.to_owned();
    }
    fresh.generation = tokens.get("generation").and_then(Value::as_i64);
    Ok(fresh)
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
        .expect("ok");
        assert_eq!(
            (s.access_token.expose(), s.refresh_token.expose()),
            ("a2", "r2")
        );
        assert_eq!(
            s.access_token_expires_at.python(),
            "2026-11-25T12:01:00+00:00"
        );
        assert_eq!(
            s.refresh_token_expires_at.map(|t| t.python()).as_deref(),
            Some("2026-11-25T13:00:00+00:00")
        );
        assert_eq!(s.issued_at.python(), "2026-11-25T12:00:00.500000+00:00");
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
        .expect("ok");
        assert_eq!(
            s.refresh_token.expose(),
            "vector-refresh",
            "kept when not rotated"
        );
        assert_eq!(
            s.access_token_expires_at.python(),
            "2026-11-25T13:00:00+00:00"
        );
        assert_eq!(
            s.refresh_token_expires_at.map(|t| t.python()).as_deref(),
            Some("2027-01-01T00:00:00+00:00")
        );
        assert_eq!(s.generation, Some(4));
        let s = rotated(
            &base(),
            &map(json!({"access_token": "a4", "refresh_token_expires_in": "soon"})),
            now,
        )
        .expect("ok");
        assert_eq!(
            s.refresh_token_expires_at,
            base().refresh_token_expires_at,
            "an unreadable expires_in keeps the old expiry"
        );
        assert!(rotated(
            &base(),
            &map(json!({"access_token": "a", "refresh_token": 5})),
            now
        )
        .expect_err("not a string")
        .message
        .contains("`refresh_token` is not a string"));
        assert!(rotated(&base(), &map(json!({"refresh_token": "r"})), now)
            .expect_err("no access")
            .message
            .contains("`access_token` is missing"));
        assert!(rotated(
            &base(),
            &map(json!({"access_token": "a\r\nX-Evil: 1"})),
            now
        )
        .expect_err("unsendable")
        .message
        .contains("`access_token`: it holds U+000D at byte 1"));
    }
}
