//! The auth endpoints: `POST /api/v1/token/` (login) and `POST /api/v1/token/refresh/` for the
//! 3.0 credentials file, and the OAuth refresh grant `POST /oauth/token` that spec-kitty-cli
//! 3.1+ sessions are refreshed with.

use crate::error::{CliError, ErrorKind};
use crate::http::errors::{error_from_response, unexpected_response};
use crate::http::{header_problem, Http, Method, Request};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use serde_json::{json, Value};

/// The OAuth token endpoint (refresh grant of 3.1+ sessions).
pub const OAUTH_TOKEN_PATH: &str = "/oauth/token";
/// The OAuth client id spec-kitty-cli uses.
pub const OAUTH_CLIENT_ID: &str = "cli_native";
/// The OAuth revocation endpoint (RFC 7009), called by 3.1+ logout.
pub const OAUTH_REVOKE_PATH: &str = "/oauth/revoke";
/// Login endpoint path.
pub const LOGIN_PATH: &str = "/api/v1/token/";
/// Refresh endpoint path.
pub const REFRESH_PATH: &str = "/api/v1/token/refresh/";
/// Access-token lifetime when the server does not say (seconds).
pub const DEFAULT_ACCESS_LIFETIME: i64 = 900;
/// Refresh-token lifetime when the server does not say (seconds).
pub const DEFAULT_REFRESH_LIFETIME: i64 = 604_800;

/// What the token endpoints return.
#[derive(Debug, Clone)]
pub struct Grant {
    /// New access token.
    pub access: Secret,
    /// New refresh token (a refresh response may omit it: keep the old one).
    pub refresh: Option<Secret>,
    /// Access lifetime in seconds.
    pub access_lifetime: i64,
    /// Refresh lifetime in seconds, when given.
    pub refresh_lifetime: Option<i64>,
    /// Team, when given.
    pub team_slug: Option<String>,
}

/// Outcome of a refresh call.
#[derive(Debug, Clone)]
pub enum Refreshed {
    /// New tokens, and what was wrong with them (see [`parse_refresh_grant`]).
    Granted(Grant, Vec<String>),
    /// The server rejected the refresh token (401).
    Rejected,
}

/// Outcome of an OAuth refresh grant.
#[derive(Debug, Clone)]
pub enum OAuthRefreshed {
    /// 200: the token response object (`access_token`, `refresh_token`, `expires_in`, ...).
    Granted(serde_json::Map<String, Value>),
    /// 400/401 with `invalid_grant` or `session_invalid` (the error code).
    Rejected(String),
    /// 409 `refresh_replay_benign_retry`: the token was just spent by someone else.
    Replay,
}

/// `POST /oauth/token` with `grant_type=refresh_token`, form-encoded, as 3.2.7 sends it.
pub async fn oauth_refresh(
    http: &Http,
    server: &ServerUrl,
    refresh: &Secret,
) -> Result<OAuthRefreshed, CliError> {
    let endpoint = format!("POST {OAUTH_TOKEN_PATH}");
    let req = Request::new(Method::Post, server.join(OAUTH_TOKEN_PATH)).form(vec![
        ("grant_type", Secret::new("refresh_token")),
        ("refresh_token", refresh.clone()),
        ("client_id", Secret::new(OAUTH_CLIENT_ID)),
    ]);
    let resp = http.send(req, server.as_str()).await?;
    let error_code = || {
        serde_json::from_slice::<Value>(&resp.body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
    };
    match resp.status {
        200 => match serde_json::from_slice::<Value>(&resp.body) {
            Ok(Value::Object(obj)) => Ok(OAuthRefreshed::Granted(obj)),
            _ => Err(unexpected_response(
                &endpoint,
                "the body is not a JSON object",
            )),
        },
        409 if error_code().as_deref() == Some("refresh_replay_benign_retry") => {
            Ok(OAuthRefreshed::Replay)
        }
        400 | 401 => match error_code() {
            Some(code) if code == "invalid_grant" || code == "session_invalid" => {
                Ok(OAuthRefreshed::Rejected(code))
            }
            _ => Err(error_from_response(&resp, &endpoint, ErrorKind::Failed)),
        },
        _ => Err(error_from_response(&resp, &endpoint, ErrorKind::Failed)),
    }
}

/// Outcome of revoking a refresh token (never an error: logout goes on regardless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// 200 with `{"revoked": true}`.
    Revoked,
    /// Any other answer.
    ServerFailure,
    /// No answer (DNS, connect, timeout).
    NetworkError,
}

impl Revoked {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Revoked::Revoked => "revoked",
            Revoked::ServerFailure => "server_failure",
            Revoked::NetworkError => "network_error",
        }
    }
}

/// `POST /oauth/revoke` with `token=<refresh>&token_type_hint=refresh_token`, form-encoded and
/// without `Authorization`, as 3.2.7's logout sends it (10 s bound).
pub async fn oauth_revoke(http: &Http, server: &ServerUrl, refresh: &Secret) -> Revoked {
    let req = Request::new(Method::Post, server.join(OAUTH_REVOKE_PATH)).form(vec![
        ("token", refresh.clone()),
        ("token_type_hint", Secret::new("refresh_token")),
    ]);
    let sent = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        http.send(req, server.as_str()),
    )
    .await;
    match sent {
        Ok(Ok(resp)) if resp.status == 200 => {
            let revoked = serde_json::from_slice::<Value>(&resp.body)
                .ok()
                .and_then(|v| v.get("revoked").and_then(Value::as_bool));
            if revoked == Some(true) {
                Revoked::Revoked
            } else {
                Revoked::ServerFailure
            }
        }
        Ok(Ok(_)) => Revoked::ServerFailure,
        Ok(Err(e)) if e.kind == ErrorKind::Network => Revoked::NetworkError,
        Ok(Err(_)) => Revoked::ServerFailure,
        Err(_) => Revoked::NetworkError,
    }
}

/// Seconds from a token response field: a number or a numeric string, 0..=10 years.
pub fn seconds_field(value: &Value) -> Option<i64> {
    lifetime(value)
}

/// Log in with a username and password.
pub async fn login(
    http: &Http,
    server: &ServerUrl,
    username: &str,
    password: &Secret,
) -> Result<Grant, CliError> {
    let endpoint = format!("POST {LOGIN_PATH}");
    let req = Request::new(Method::Post, server.join(LOGIN_PATH))
        .json(&json!({ "username": username, "password": password.expose() }));
    let resp = http.send(req, server.as_str()).await?;
    match resp.status {
        200..=299 => parse_grant(&resp.body, &endpoint, true),
        401 => Err(CliError::new(
            ErrorKind::Auth,
            "invalid_credentials",
            "Invalid username or password",
        )),
        _ => Err(error_from_response(&resp, &endpoint, ErrorKind::Failed)),
    }
}

/// Exchange a refresh token for new tokens.
pub async fn refresh(
    http: &Http,
    server: &ServerUrl,
    refresh: &Secret,
) -> Result<Refreshed, CliError> {
    let endpoint = format!("POST {REFRESH_PATH}");
    let req = Request::new(Method::Post, server.join(REFRESH_PATH))
        .json(&json!({ "refresh": refresh.expose() }));
    let resp = http.send(req, server.as_str()).await?;
    match resp.status {
        200..=299 => parse_refresh_grant(&resp.body, &endpoint)
            .map(|(grant, problems)| Refreshed::Granted(grant, problems)),
        401 => Ok(Refreshed::Rejected),
        _ => Err(error_from_response(&resp, &endpoint, ErrorKind::Failed)),
    }
}

/// Parse a token response; lifetimes may be numbers or numeric strings.
pub fn parse_grant(body: &[u8], endpoint: &str, need_refresh: bool) -> Result<Grant, CliError> {
    let (grant, problems) = read_grant(body, endpoint, need_refresh, false)?;
    debug_assert!(problems.is_empty(), "strict reading returns no problems");
    Ok(grant)
}

/// Parse the answer to a refresh, which never refuses what the server issued: the server may
/// have rotated the refresh token already, so the answer's `refresh` is kept whatever else it
/// holds. An `access` that is missing or cannot go into a header, or an unusable lifetime, is
/// listed as a problem with the access token made already expired (an empty access token:
/// keep the previous one); a team that cannot be sent is listed and left out. The caller
/// stores the grant, then reports the problems.
pub fn parse_refresh_grant(body: &[u8], endpoint: &str) -> Result<(Grant, Vec<String>), CliError> {
    read_grant(body, endpoint, false, true)
}

/// The token response `body`; with `lenient`, problems with the access token, its lifetime
/// and the team are listed instead of refused (see [`parse_refresh_grant`]).
fn read_grant(
    body: &[u8],
    endpoint: &str,
    need_refresh: bool,
    lenient: bool,
) -> Result<(Grant, Vec<String>), CliError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| unexpected_response(endpoint, "the body is not JSON"))?;
    let obj = value
        .as_object()
        .ok_or_else(|| unexpected_response(endpoint, "the body is not a JSON object"))?;
    let mut problems = Vec::new();
    let mut problem = |why: String| -> Result<(), CliError> {
        match lenient {
            true => {
                problems.push(why);
                Ok(())
            }
            false => Err(unexpected_response(endpoint, &why)),
        }
    };
    let token = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
    };
    let access = match token("access") {
        Some(access) => access,
        None => {
            problem("`access` is missing".to_owned())?;
            Secret::new("")
        }
    };
    let refresh = token("refresh");
    if need_refresh && refresh.is_none() {
        return Err(unexpected_response(endpoint, "`refresh` is missing"));
    }
    let mut team_slug = obj
        .get("team_slug")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    // Checked before anything is stored: a value that cannot go into a header would make
    // every later request fail. (The refresh token goes into a JSON body: any string can.)
    let mut usable = !access.expose().is_empty();
    if let Some(why) = header_problem(access.expose(), true).filter(|_| usable) {
        problem(format!("`access`: {why}"))?;
        usable = false;
    }
    if !lenient {
        if let Some(why) = refresh
            .as_ref()
            .and_then(|r| header_problem(r.expose(), true))
        {
            problem(format!("`refresh`: {why}"))?;
        }
    }
    if let Some(why) = team_slug.as_deref().and_then(|t| header_problem(t, false)) {
        problem(format!("`team_slug`: {why}"))?;
        team_slug = None;
    }
    // Outer `None`: present but unusable (a problem was listed).
    let mut seconds = |keys: [&str; 2]| -> Result<Option<Option<i64>>, CliError> {
        for key in keys {
            match obj.get(key) {
                None | Some(Value::Null) => continue,
                Some(v) => match lifetime(v) {
                    Some(n) => return Ok(Some(Some(n))),
                    None => {
                        problem(format!("`{key}` is not a number of seconds"))?;
                        return Ok(None);
                    }
                },
            }
        }
        Ok(Some(None))
    };
    let access_lifetime = match seconds(["access_lifetime", "expires_in"])? {
        // Marked expired: the next command refreshes again with the refresh token kept.
        _ if !usable => 0,
        None => 0,
        Some(n) => n.unwrap_or(DEFAULT_ACCESS_LIFETIME),
    };
    // Unusable: the previous expiry is kept (as when none is given).
    let refresh_lifetime = seconds(["refresh_lifetime", "refresh_expires_in"])?.flatten();
    Ok((
        Grant {
            access,
            refresh,
            access_lifetime,
            refresh_lifetime,
            team_slug,
        },
        problems,
    ))
}

fn lifetime(v: &Value) -> Option<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }?;
    (0..=10 * 365 * 86_400).contains(&n).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_as_numbers_strings_or_defaults() {
        let g = parse_grant(br#"{"access":"a","refresh":"r","access_lifetime":"300","refresh_lifetime":1000.0,"team_slug":"t"}"#, "e", true)
            .expect("ok");
        assert_eq!((g.access_lifetime, g.refresh_lifetime), (300, Some(1000)));
        let g = parse_grant(
            br#"{"access":"a","refresh":"r","expires_in":60}"#,
            "e",
            true,
        )
        .expect("ok");
        assert_eq!(
            (g.access_lifetime, g.refresh_lifetime, g.team_slug),
            (60, None, None)
        );
        let g = parse_grant(br#"{"access":"a"}"#, "e", false).expect("refresh may omit refresh");
        assert!(g.refresh.is_none());
    }

    #[test]
    fn bad_bodies_are_clear_errors() {
        for (body, why) in [
            (&b"<html>"[..], "not JSON"),
            (b"[1]", "not a JSON object"),
            (br#"{"refresh":"r"}"#, "`access` is missing"),
            (br#"{"access":"a"}"#, "`refresh` is missing"),
            (
                br#"{"access":"a","refresh":"r","access_lifetime":"soon"}"#,
                "`access_lifetime` is not a number",
            ),
            (
                br#"{"access":"a","refresh":"r","expires_in":-5}"#,
                "`expires_in` is not a number",
            ),
            (
                br#"{"access":"a","refresh":"r","team_slug":"ac\r\nme"}"#,
                "`team_slug`: it holds U+000D at byte 2",
            ),
            (
                br#"{"access":"a b","refresh":"r"}"#,
                "`access`: it holds U+0020",
            ),
            (
                br#"{"access":"a","refresh":"r\u007f"}"#,
                "`refresh`: it holds U+007F",
            ),
        ] {
            let err = parse_grant(body, "POST /api/v1/token/", true).expect_err("bad");
            assert!(err.message.contains(why), "{} / {why}", err.message);
            assert!(err
                .message
                .starts_with("unexpected response from server (POST /api/v1/token/)"));
        }
    }
}
