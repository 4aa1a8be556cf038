//! `POST /oauth/token` for a new login: the authorization-code grant with its PKCE verifier
//! (RFC 6749 §4.1.3, RFC 7636 §4.5) and the device-code grant (RFC 8628 §3.4-3.5), form-encoded
//! as 3.2.7 sends them, and the token response a new session needs (`access_token`,
//! `refresh_token`, `expires_in`, `session_id`).

use super::CLIENT_ID;
use crate::auth::api::{seconds_field, OAUTH_TOKEN_PATH};
use crate::error::{CliError, ErrorKind};
use crate::http::errors::unexpected_response;
use crate::http::{header_problem, Http, Method, Request};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use jiff::Timestamp;
use serde_json::{Map, Value};

/// The device grant type (RFC 8628 §3.4).
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The tokens of a new login.
#[derive(Debug, Clone)]
pub struct NewTokens {
    /// Access token.
    pub access: Secret,
    /// Refresh token.
    pub refresh: Secret,
    /// Access lifetime (seconds).
    pub expires_in: i64,
    /// The server's session id.
    pub session_id: String,
    /// Refresh expiry: `refresh_token_expires_at`, else now + `refresh_token_expires_in`.
    pub refresh_expires_at: Option<Timestamp>,
    /// Granted scope.
    pub scope: Option<String>,
    /// Token-family generation.
    pub generation: Option<i64>,
}

/// What one device-grant poll said (RFC 8628 §3.5).
#[derive(Debug, Clone)]
pub enum DevicePoll {
    /// Approved: the tokens.
    Granted(Box<NewTokens>),
    /// `authorization_pending`: keep polling.
    Pending,
    /// `slow_down`: keep polling, 5 s slower.
    SlowDown,
    /// `access_denied`.
    Denied,
    /// `expired_token`.
    Expired,
    /// Another OAuth error (its description, else its code).
    Other(String),
}

fn endpoint() -> String {
    format!("POST {OAUTH_TOKEN_PATH}")
}

/// Exchange the authorization code (with its verifier) for tokens.
pub async fn exchange_code(
    http: &Http,
    server: &ServerUrl,
    code: &Secret,
    redirect_uri: &str,
    verifier: &Secret,
) -> Result<NewTokens, CliError> {
    let req = Request::new(Method::Post, server.join(OAUTH_TOKEN_PATH)).form(vec![
        ("grant_type", Secret::new("authorization_code")),
        ("code", code.clone()),
        ("redirect_uri", Secret::new(redirect_uri)),
        ("client_id", Secret::new(CLIENT_ID)),
        ("code_verifier", verifier.clone()),
    ]);
    let resp = http.send(req, server.as_str()).await?;
    if resp.status != 200 {
        let why = oauth_error(&resp.body)
            .map(|(code, description)| description.unwrap_or(code))
            .unwrap_or_else(|| format!("HTTP {}", resp.status));
        return Err(CliError::new(
            ErrorKind::Auth,
            "token_exchange_failed",
            format!("Token exchange failed: {why}"),
        )
        .hint("run `spec-kitty-tracker auth login` again"));
    }
    parse(&resp.body, Timestamp::now())
}

/// Poll the token endpoint once with the device code.
pub async fn poll_device(
    http: &Http,
    server: &ServerUrl,
    device_code: &Secret,
) -> Result<DevicePoll, CliError> {
    let req = Request::new(Method::Post, server.join(OAUTH_TOKEN_PATH)).form(vec![
        ("grant_type", Secret::new(DEVICE_GRANT)),
        ("device_code", device_code.clone()),
        ("client_id", Secret::new(CLIENT_ID)),
    ]);
    let resp = http.send(req, server.as_str()).await?;
    match (resp.status, oauth_error(&resp.body)) {
        (200, None) => Ok(DevicePoll::Granted(Box::new(parse(
            &resp.body,
            Timestamp::now(),
        )?))),
        (200 | 400 | 401, Some((code, description))) => Ok(match code.as_str() {
            "authorization_pending" => DevicePoll::Pending,
            "slow_down" => DevicePoll::SlowDown,
            "access_denied" => DevicePoll::Denied,
            "expired_token" => DevicePoll::Expired,
            _ => DevicePoll::Other(description.unwrap_or(code)),
        }),
        (status, _) => Err(unexpected_response(
            &endpoint(),
            &format!("HTTP {status} to the device-code grant"),
        )),
    }
}

/// `(error, error_description)` of an OAuth error body (RFC 6749 §5.2).
fn oauth_error(body: &[u8]) -> Option<(String, Option<String>)> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let code = v.get("error")?.as_str()?.to_owned();
    let description = v
        .get("error_description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some((code, description))
}

/// Parse a 200 token response of a new login.
pub fn parse(body: &[u8], now: Timestamp) -> Result<NewTokens, CliError> {
    let endpoint = endpoint();
    let bad = |why: &str| unexpected_response(&endpoint, why);
    let obj: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(obj)) => obj,
        _ => return Err(bad("the body is not a JSON object")),
    };
    let text = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let missing: Vec<&str> = ["access_token", "refresh_token", "expires_in", "session_id"]
        .into_iter()
        .filter(|k| match *k {
            "expires_in" => obj.get(*k).is_none_or(Value::is_null),
            _ => text(k).is_none(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(bad(&format!(
            "the token response lacks {}",
            missing.join(", ")
        )));
    }
    let (access, refresh) = (
        text("access_token").unwrap_or_default(),
        text("refresh_token").unwrap_or_default(),
    );
    for (key, value) in [("access_token", access), ("refresh_token", refresh)] {
        if let Some(why) = header_problem(value, true) {
            return Err(bad(&format!("`{key}`: {why}")));
        }
    }
    let expires_in = obj
        .get("expires_in")
        .and_then(seconds_field)
        .ok_or_else(|| bad("`expires_in` is not a number of seconds"))?;
    let after =
        |secs: i64| Timestamp::from_second(now.as_second().saturating_add(secs)).unwrap_or(now);
    let refresh_expires_at = match text("refresh_token_expires_at") {
        Some(at) => Some(
            crate::timefmt::parse(at)
                .ok_or_else(|| bad("`refresh_token_expires_at` is not a timestamp"))?,
        ),
        None => obj
            .get("refresh_token_expires_in")
            .and_then(seconds_field)
            .map(after),
    };
    Ok(NewTokens {
        access: Secret::new(access),
        refresh: Secret::new(refresh),
        expires_in,
        session_id: text("session_id").unwrap_or_default().to_owned(),
        refresh_expires_at,
        scope: text("scope").map(str::to_owned),
        generation: obj.get("generation").and_then(Value::as_i64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_response_needs_the_four_fields_of_a_new_session() {
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().expect("ts");
        let t = parse(
            br#"{"access_token":"a","refresh_token":"r","expires_in":"60","session_id":"s","refresh_token_expires_in":3600}"#,
            now,
        )
        .expect("ok");
        assert_eq!((t.expires_in, t.session_id.as_str()), (60, "s"));
        assert_eq!(
            t.refresh_expires_at.map(|t| t.to_string()).as_deref(),
            Some("2026-12-01T01:00:00Z")
        );
        let err = parse(br#"{"access_token":"a","expires_in":null}"#, now).expect_err("missing");
        assert!(
            err.message
                .contains("lacks refresh_token, expires_in, session_id"),
            "{}",
            err.message
        );
        let err = parse(
            br#"{"access_token":"a b","refresh_token":"r","expires_in":1,"session_id":"s"}"#,
            now,
        )
        .expect_err("unsendable");
        assert!(err.message.contains("`access_token`: it holds U+0020"));
    }
}
