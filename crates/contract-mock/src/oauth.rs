//! The OAuth login of spec-kitty-cli 3.1+ as the mock plays it: `/oauth/authorize` (consents at
//! once and redirects to the loopback callback), `/oauth/device`, the three grants of
//! `/oauth/token` (authorization code checked against its PKCE challenge, device code, refresh),
//! `/api/v1/me` and `/api/v1/session-status`. Requests reach this module already checked against
//! the contract document.
//!
//! Tests steer the flows through the mock's own endpoints (not part of the contract):
//!
//! - `POST /__mock/oauth/device/<approve|deny|expire|slow_down>[?user_code=C]`: decide the
//!   latest (or the named) device code; `slow_down` answers its next poll with `slow_down`;
//! - `POST /__mock/oauth/authorize/<ok|wrong_state|error>`: how the next authorize redirect
//!   goes (`wrong_state`: another state; `error`: `error=access_denied`), for one redirect.
//!
//! The identity is fixed: `ada@example.com` (its `user_id` is the e-mail too, which 3.2.7's
//! project admission needs), a private teamspace `ada-private` and one shared team whose id is
//! [`crate::Config::team_slug`], so the tracker's `X-Team-Slug` matches the 3.0 logins'.

use crate::{contract, envelope, issue_tokens, reply, Config, MockRequest, Reply, State};
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The e-mail (and user id) of the mock's account.
pub const USER_EMAIL: &str = "ada@example.com";
/// The display name of the mock's account.
pub const USER_NAME: &str = "Ada Lovelace";
/// The id (and slug) of the account's private teamspace.
pub const PRIVATE_TEAM: &str = "ada-private";
/// The device grant type (RFC 8628 §3.4).
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the mock remembers of the OAuth login.
#[derive(Debug, Default)]
pub(crate) struct OAuthState {
    devices: Vec<Device>,
    codes: HashMap<String, AuthCode>,
    /// Access or refresh token → session id.
    sessions: HashMap<String, String>,
    /// Session ids revoked by `/oauth/revoke`.
    revoked: Vec<String>,
    next_redirect: Redirect,
    counter: u64,
    /// Every authorization code, device code and verifier seen (for tests that check a client
    /// never shows them).
    secrets: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Redirect {
    #[default]
    Ok,
    WrongState,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved,
    Denied,
    Expired,
    Spent,
}

#[derive(Debug)]
struct Device {
    device_code: String,
    user_code: String,
    decision: Decision,
    slow_down_next: bool,
    created: Instant,
    /// Milliseconds after `created` of each poll.
    polls: Vec<u128>,
}

#[derive(Debug)]
struct AuthCode {
    redirect_uri: String,
    challenge: String,
}

fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    reply(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// `GET /oauth/authorize`: consent at once; 302 to the callback with a fresh code and the
/// state (or what the test asked for).
pub(crate) fn authorize(query: &str, state: &Mutex<State>) -> Reply {
    let q: HashMap<String, String> = contract::parse_query(query).into_iter().collect();
    let field = |k: &str| q.get(k).cloned().unwrap_or_default();
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.oauth.counter += 1;
    let code = format!(
        "mock-code-{}-{}",
        st.oauth.counter,
        uuid::Uuid::new_v4().simple()
    );
    let mode = std::mem::take(&mut st.oauth.next_redirect);
    let params: Vec<(&str, String)> = match mode {
        Redirect::Ok => {
            st.oauth.secrets.push(code.clone());
            st.oauth.codes.insert(
                code.clone(),
                AuthCode {
                    redirect_uri: field("redirect_uri"),
                    challenge: field("code_challenge"),
                },
            );
            vec![("code", code), ("state", field("state"))]
        }
        Redirect::WrongState => vec![
            ("code", code),
            ("state", format!("forged-{}", uuid::Uuid::new_v4().simple())),
        ],
        Redirect::Error => vec![
            ("error", "access_denied".to_owned()),
            ("error_description", "The user declined.".to_owned()),
            ("state", field("state")),
        ],
    };
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    Reply {
        status: 302,
        content_type: "text/plain",
        body: Vec::new(),
        location: Some(format!("{}?{}", field("redirect_uri"), query.join("&"))),
    }
}

/// `POST /oauth/device`: a new device code, pending.
pub(crate) fn device(config: &Config, state: &Mutex<State>, base: &str) -> Reply {
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.oauth.counter += 1;
    let n = st.oauth.counter;
    let user_code = format!("MOCK{:04}", n % 10_000);
    let device_code = format!("mock-device-{n}-{}", uuid::Uuid::new_v4().simple());
    st.oauth.secrets.push(device_code.clone());
    st.oauth.devices.push(Device {
        device_code: device_code.clone(),
        user_code: user_code.clone(),
        decision: Decision::Pending,
        slow_down_next: false,
        created: Instant::now(),
        polls: Vec::new(),
    });
    let uri = format!("{base}/device");
    reply(
        200,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": uri,
            "verification_uri_complete": format!("{uri}?user_code={user_code}"),
            "expires_in": config.device_expires_in,
            "interval": 1,
        }),
    )
}

/// `POST /oauth/token`, by grant type.
pub(crate) fn token(form: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    match form["grant_type"].as_str().unwrap_or_default() {
        "authorization_code" => authorization_code(form, config, state),
        DEVICE_GRANT => device_code(form, config, state),
        _ => refresh(form, config, state),
    }
}

fn authorization_code(form: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    let text = |k: &str| form[k].as_str().unwrap_or_default();
    let granted = {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        st.oauth.secrets.push(text("code_verifier").to_owned());
        match st.oauth.codes.remove(text("code")) {
            Some(c) if c.redirect_uri != text("redirect_uri") => Err("redirect_uri differs"),
            Some(c) if s256(text("code_verifier")) != c.challenge => {
                Err("code_verifier does not match the code_challenge")
            }
            Some(_) => Ok(()),
            None => Err("unknown or already used authorization code"),
        }
    };
    match granted {
        Ok(()) => new_session(config, state),
        Err(why) => oauth_error(400, "invalid_grant", why),
    }
}

fn device_code(form: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    let code = form["device_code"].as_str().unwrap_or_default();
    let decision = {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        let auto = config.device_auto_approve;
        let Some(d) = st.oauth.devices.iter_mut().find(|d| d.device_code == code) else {
            return oauth_error(400, "invalid_grant", "unknown device code");
        };
        d.polls.push(d.created.elapsed().as_millis());
        if d.decision == Decision::Pending
            && auto.is_some_and(|n| d.polls.len() > usize::try_from(n).unwrap_or(0))
        {
            d.decision = Decision::Approved;
        }
        if d.slow_down_next {
            d.slow_down_next = false;
            return oauth_error(400, "slow_down", "polling too fast; add 5 seconds");
        }
        let decision = d.decision;
        if decision == Decision::Approved {
            d.decision = Decision::Spent;
        }
        decision
    };
    match decision {
        Decision::Approved => new_session(config, state),
        Decision::Pending => oauth_error(400, "authorization_pending", "not approved yet"),
        Decision::Denied => oauth_error(400, "access_denied", "the user denied the request"),
        Decision::Expired => oauth_error(400, "expired_token", "the device code expired"),
        Decision::Spent => oauth_error(400, "invalid_grant", "the device code was already used"),
    }
}

/// Tokens for a new login, with its session id.
fn new_session(config: &Config, state: &Mutex<State>) -> Reply {
    let issued = issue_tokens(config, state);
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    let session = format!("mock-session-{}", uuid::Uuid::new_v4().simple());
    for key in ["access", "refresh"] {
        if let Some(t) = issued[key].as_str() {
            st.oauth.sessions.insert(t.to_owned(), session.clone());
        }
    }
    reply(
        200,
        &json!({
            "access_token": issued["access"],
            "refresh_token": issued["refresh"],
            "token_type": "Bearer",
            "expires_in": config.access_lifetime,
            "refresh_token_expires_in": 7_776_000,
            "scope": "offline_access",
            "session_id": session,
        }),
    )
}

/// The refresh grant: every refresh token is single use, the seeded one too; a spent or
/// unknown one gets `400 invalid_grant`. The session id carries over to the new pair.
fn refresh(form: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    let token = form["refresh_token"].as_str().unwrap_or_default();
    let session = {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        st.oauth_refreshes += 1;
        if !st.refresh.remove(token) {
            st.oauth_rejected += 1;
            return oauth_error(
                400,
                "invalid_grant",
                "the refresh token is invalid, expired or already used",
            );
        }
        st.oauth.sessions.get(token).cloned()
    };
    let issued = issue_tokens(config, state);
    if let Some(session) = session {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        for key in ["access", "refresh"] {
            if let Some(t) = issued[key].as_str() {
                st.oauth.sessions.insert(t.to_owned(), session.clone());
            }
        }
    }
    reply(
        200,
        &json!({
            "access_token": issued["access"],
            "refresh_token": issued["refresh"],
            "token_type": "Bearer",
            "expires_in": config.access_lifetime,
            "refresh_token_expires_in": 604800,
            "scope": "offline_access",
        }),
    )
}

/// `POST /oauth/revoke` (RFC 7009): the refresh token can no longer be used and its session
/// is over; an unknown token is `{"revoked": true}` too, as the RFC says.
pub(crate) fn revoke(form: &Value, state: &Mutex<State>) -> Reply {
    let token = form["token"].as_str().unwrap_or_default();
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.refresh.remove(token);
    st.revocations += 1;
    if let Some(session) = st.oauth.sessions.get(token).cloned() {
        st.oauth.revoked.push(session);
    }
    reply(200, &json!({"revoked": true}))
}

fn bearer(req: &MockRequest) -> &str {
    req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.strip_prefix("Bearer "))
        .unwrap_or_default()
}

fn unauthorized() -> Reply {
    reply(
        401,
        &envelope(401, "unauthorized", "Token is invalid or expired", false),
    )
}

/// `GET /api/v1/me`: the account behind a known access token.
pub(crate) fn me(req: &MockRequest, config: &Config, state: &Mutex<State>) -> Reply {
    let st = state.lock().unwrap_or_else(|p| p.into_inner());
    if !st.access.contains_key(bearer(req)) {
        return unauthorized();
    }
    reply(
        200,
        &json!({
            "user_id": USER_EMAIL,
            "email": USER_EMAIL,
            "name": USER_NAME,
            "teams": [
                {"id": PRIVATE_TEAM, "name": "Ada (private)", "role": "owner", "is_private_teamspace": true, "slug": PRIVATE_TEAM},
                {"id": config.team_slug, "name": "Demo Team", "role": "member", "is_private_teamspace": false, "slug": config.team_slug},
            ],
        }),
    )
}

/// `GET /api/v1/session-status`: the session of a known access token, unless revoked.
pub(crate) fn session_status(req: &MockRequest, state: &Mutex<State>) -> Reply {
    let st = state.lock().unwrap_or_else(|p| p.into_inner());
    let token = bearer(req);
    match st.oauth.sessions.get(token) {
        Some(s) if st.access.contains_key(token) && !st.oauth.revoked.contains(s) => {
            reply(200, &json!({"session_id": s}))
        }
        _ => unauthorized(),
    }
}

/// The test controls under `/__mock/oauth/`; `None` when the path is not one.
pub(crate) fn control(req: &MockRequest, state: &Mutex<State>) -> Option<Reply> {
    let action = req.path.strip_prefix("/__mock/oauth/")?;
    if req.method != "POST" {
        return None;
    }
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(mode) = action.strip_prefix("authorize/") {
        st.oauth.next_redirect = match mode {
            "ok" => Redirect::Ok,
            "wrong_state" => Redirect::WrongState,
            "error" => Redirect::Error,
            _ => return None,
        };
        return Some(reply(200, &json!({"next_redirect": mode})));
    }
    let verb = action.strip_prefix("device/")?;
    let wanted: Option<String> = contract::parse_query(req.query.as_deref().unwrap_or(""))
        .into_iter()
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v.replace(['-', ' '], ""));
    let device = match &wanted {
        Some(code) => st.oauth.devices.iter_mut().find(|d| &d.user_code == code),
        None => st.oauth.devices.last_mut(),
    };
    let Some(device) = device else {
        return Some(reply(
            404,
            &envelope(404, "not_found", "no such device code", false),
        ));
    };
    match verb {
        "approve" => device.decision = Decision::Approved,
        "deny" => device.decision = Decision::Denied,
        "expire" => device.decision = Decision::Expired,
        "slow_down" => device.slow_down_next = true,
        _ => return None,
    }
    Some(reply(
        200,
        &json!({"user_code": device.user_code, "action": verb}),
    ))
}

/// What `/__mock/stats` adds about the OAuth login: the latest device code's poll times (ms
/// after it was issued), and every authorization code, device code and PKCE verifier seen
/// (`secrets`, so tests can check that a client never shows one).
pub(crate) fn stats(st: &State) -> Value {
    json!({
        "device_polls_ms": st.oauth.devices.last().map(|d| d.polls.clone()).unwrap_or_default(),
        "secrets": st.oauth.secrets,
    })
}

/// `BASE64URL(SHA256(verifier))` without padding (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Percent-encode a query value (unreserved characters kept, RFC 3986 §2.3).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
