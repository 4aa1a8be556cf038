//! The headless login: the device authorization grant (RFC 8628). Ask `/oauth/device` for a
//! device code (§3.1-3.2), show the user code and where to enter it (§3.3), then poll the token
//! endpoint every `interval` seconds (§3.4-3.5): `authorization_pending` waits,
//! `slow_down` adds 5 s to the interval for good, `access_denied` and `expired_token` end the
//! login, and so does a local deadline of `expires_in` seconds. Network failures while polling
//! are retried until that deadline (as 3.2.7 does). Unlike 3.2.7 the interval is not capped at
//! 10 s: §3.5 says the client MUST keep the slower pace.

use super::token::{self, DevicePoll, NewTokens};
use super::{Scale, CLIENT_ID, SCOPE};
use crate::error::{CliError, ErrorKind};
use crate::http::errors::unexpected_response;
use crate::http::{Http, Method, Request};
use crate::output::tty::progress;
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use serde_json::Value;
use std::time::Instant;

/// The device authorization endpoint.
pub const DEVICE_PATH: &str = "/oauth/device";
/// `expires_in` when the server gives none (3.2.7's default).
const DEFAULT_EXPIRES_IN: i64 = 900;
/// `interval` when the server gives none (RFC 8628 §3.2).
const DEFAULT_INTERVAL: i64 = 5;

/// A device authorization response (RFC 8628 §3.2).
#[derive(Debug, Clone)]
pub struct DeviceCode {
    /// `device_code` (sent only to the token endpoint).
    pub device_code: Secret,
    /// `user_code`, as the server spelled it.
    pub user_code: String,
    /// `verification_uri`.
    pub verification_uri: String,
    /// `verification_uri_complete`, when given.
    pub verification_uri_complete: Option<String>,
    /// Lifetime of the codes (seconds).
    pub expires_in: i64,
    /// Seconds between polls.
    pub interval: i64,
}

/// Request a device code.
pub async fn request(http: &Http, server: &ServerUrl) -> Result<DeviceCode, CliError> {
    let endpoint = format!("POST {DEVICE_PATH}");
    let req = Request::new(Method::Post, server.join(DEVICE_PATH)).form(vec![
        ("client_id", Secret::new(CLIENT_ID)),
        ("scope", Secret::new(SCOPE)),
    ]);
    let resp = http.send(req, server.as_str()).await?;
    if resp.status != 200 {
        return Err(CliError::new(
            ErrorKind::Failed,
            "device_request_failed",
            format!("Device code request failed: HTTP {}", resp.status),
        ));
    }
    let v: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| unexpected_response(&endpoint, "the body is not JSON"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let required = |k: &str| {
        text(k)
            .map(str::to_owned)
            .ok_or_else(|| unexpected_response(&endpoint, &format!("`{k}` is missing")))
    };
    let seconds = |k: &str, default: i64| {
        v.get(k)
            .and_then(crate::auth::api::seconds_field)
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    Ok(DeviceCode {
        device_code: Secret::new(required("device_code")?),
        user_code: required("user_code")?,
        verification_uri: required("verification_uri")?,
        verification_uri_complete: text("verification_uri_complete").map(str::to_owned),
        expires_in: seconds("expires_in", DEFAULT_EXPIRES_IN),
        interval: seconds("interval", DEFAULT_INTERVAL),
    })
}

/// The user code as 3.2.7 shows it: hyphens and spaces removed, groups of 4 joined by `-`.
pub fn display_code(user_code: &str) -> String {
    let bare: Vec<char> = user_code
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .collect();
    bare.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The device flow to the end: request, show (on stderr), poll.
pub async fn run(http: &Http, server: &ServerUrl, scale: Scale) -> Result<NewTokens, CliError> {
    let code = request(http, server).await?;
    progress(&format!(
        "To log in, open {} and enter the code: {}",
        code.verification_uri,
        display_code(&code.user_code)
    ));
    if let Some(complete) = &code.verification_uri_complete {
        progress(&format!("Or open: {complete}"));
    }
    let expires = if code.expires_in < 120 {
        format!("{} seconds", code.expires_in)
    } else {
        format!("{} minutes", code.expires_in / 60)
    };
    progress(&format!(
        "Waiting for authorization (the code expires in {expires}; Ctrl-C cancels)..."
    ));
    poll(http, server, &code, scale).await
}

/// Poll until the code is approved, refused or expired.
pub async fn poll(
    http: &Http,
    server: &ServerUrl,
    code: &DeviceCode,
    scale: Scale,
) -> Result<NewTokens, CliError> {
    let deadline = Instant::now() + scale.real(code.expires_in as f64);
    let mut interval = code.interval;
    loop {
        let wait = scale.real(interval as f64);
        if Instant::now() + wait > deadline {
            return Err(failed(
                "device_code_expired",
                format!(
                    "Device authorization expired after {} seconds.",
                    code.expires_in
                ),
            ));
        }
        tokio::time::sleep(wait).await;
        match token::poll_device(http, server, &code.device_code).await {
            Ok(DevicePoll::Granted(tokens)) => return Ok(*tokens),
            Ok(DevicePoll::Pending) => {}
            Ok(DevicePoll::SlowDown) => interval += 5,
            Ok(DevicePoll::Denied) => {
                return Err(failed(
                    "access_denied",
                    "User denied the authorization request.",
                ))
            }
            Ok(DevicePoll::Expired) => {
                return Err(failed(
                    "device_code_expired",
                    "Device code expired before approval.",
                ))
            }
            Ok(DevicePoll::Other(why)) => {
                return Err(failed(
                    "device_flow_error",
                    format!("Unexpected device flow error: {why}"),
                ))
            }
            Err(e) if e.kind == ErrorKind::Network => {}
            Err(e) => return Err(e),
        }
    }
}

fn failed(code: &str, message: impl Into<String>) -> CliError {
    CliError::new(ErrorKind::Auth, code, message)
        .hint("run `spec-kitty-tracker auth login --headless` to try again")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_grouped_by_four() {
        assert_eq!(display_code("WXYZ9876"), "WXYZ-9876");
        assert_eq!(display_code("WX-YZ 98-76"), "WXYZ-9876");
        assert_eq!(display_code("ABCDEF"), "ABCD-EF");
    }
}
