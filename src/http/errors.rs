//! Turning a non-2xx response into one clear error (SPEC §5 step 6): the error envelope's
//! message (with the action-required suffix), or the HTTP status and the start of a body that
//! is not an envelope. Envelope fields go into the `--json` error object.
//!
//! Every response is first [`screen`]ed: a redirect (3xx, never followed so that the bearer
//! token goes nowhere else) and an HTML page where JSON was expected are the signs of a proxy,
//! sign-in page or captive portal in front of the API, or of a server URL that is not the API's;
//! both become one error naming the `Location` / `Content-Type` and the server URL in use.

use crate::error::{CliError, ErrorKind};
use crate::http::{Opened, Response};
use serde_json::Value;

/// What the server said about its answer, besides the status, and which request it answers.
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Location` header.
    pub location: Option<String>,
    /// The request, as errors name it (`GET /api/v1/me`).
    pub endpoint: String,
    /// The server URL in use (the base URL users know).
    pub server: String,
}

impl Served {
    /// The content type, when it says HTML (a page for people, not the API's JSON).
    fn html(&self) -> Option<&str> {
        let ct = self.content_type.as_deref()?;
        let media = ct.split(';').next().unwrap_or("").trim();
        (media.eq_ignore_ascii_case("text/html")
            || media.eq_ignore_ascii_case("application/xhtml+xml"))
        .then_some(ct)
    }

    /// The hint for an answer that is not the API's: what it usually means, what to check.
    fn hint(&self, answers: &str) -> String {
        format!(
            "the server URL {} answers {answers}: usually a proxy, sign-in page or captive portal in front of the API, or a URL that is not the API's (e.g. the dashboard's); check --server-url / SPEC_KITTY_SAAS_URL",
            self.server
        )
    }
}

/// `METHOD PATH` of a request to `url` on `server`, as errors name an endpoint (no query).
pub fn endpoint_of(method: &str, url: &str, server: &str) -> String {
    let path = url.strip_prefix(server).unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    format!("{method} {path}")
}

/// `opened` as it is, or the error for a redirect or an HTML page that is not JSON (any status
/// but 401 and 429, whose status alone says what to do). A JSON body labelled HTML is handed on.
pub async fn screen(mut opened: Opened) -> Result<Opened, CliError> {
    let status = opened.status;
    if (300..400).contains(&status) {
        return Err(redirect(&opened.read_all().await?));
    }
    if opened.served.html().is_none() || matches!(status, 401 | 429) {
        return Ok(opened);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = opened.body.chunk().await? {
        bytes.extend_from_slice(&chunk);
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() {
        opened.body.pending = Some(bytes.into());
        return Ok(opened);
    }
    let resp = Response {
        status,
        body: bytes,
        retry_after: opened.retry_after,
        served: opened.served,
    };
    Err(html_page(&resp))
}

/// The error for a 3xx answer: the status, where it points, and why it is not followed.
fn redirect(resp: &Response) -> CliError {
    let served = &resp.served;
    let to = served
        .location
        .as_deref()
        .map(|l| format!(" (redirect to {l})"))
        .unwrap_or_default();
    let mut err = status_error(resp, &to, ErrorKind::Failed).hint(format!(
        "{}; redirects are not followed, so that the login token is not sent elsewhere",
        served.hint("with a redirect")
    ));
    if let Some(location) = &served.location {
        err = err.detail("location", location.as_str());
    }
    err
}

/// The error for an HTML page where the API's JSON was expected.
fn html_page(resp: &Response) -> CliError {
    let served = &resp.served;
    let ct = served.html().unwrap_or_default();
    let err = if (200..300).contains(&resp.status) {
        unexpected_response(
            &served.endpoint,
            &format!("the body is an HTML page ({ct}), not JSON"),
        )
    } else {
        status_error(resp, &format!(" (an HTML page, {ct})"), ErrorKind::Failed)
    };
    let hint = if resp.status >= 500 {
        // A gateway's own error page: the URL is most likely right and the API behind it down.
        format!(
            "a gateway or proxy in front of the API at {} answered for it; the API behind it may be down or restarting: try again later, and if it persists check --server-url / SPEC_KITTY_SAAS_URL",
            served.server
        )
    } else {
        served.hint("with an HTML page")
    };
    err.hint(hint).detail("content_type", ct)
}

/// Suffix added when the envelope says the user must act in the dashboard.
pub const ACTION_REQUIRED: &str = " (action required — check the Spec Kitty dashboard)";

/// The message of an error envelope, with the action-required suffix when set.
pub fn envelope_message(envelope: &serde_json::Map<String, Value>) -> Option<String> {
    let message = envelope.get("message")?.as_str()?.trim();
    if message.is_empty() {
        return None;
    }
    let action = envelope
        .get("user_action_required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(if action {
        format!("{message}{ACTION_REQUIRED}")
    } else {
        message.to_owned()
    })
}

/// The envelope object of a body, if it is one (a top-level object, or `{"error": {...}}`).
pub fn envelope_of(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Object(mut obj) => match obj.remove("error") {
            Some(Value::Object(inner)) if !obj.contains_key("message") => Some(inner),
            Some(other) => {
                obj.insert("error".into(), other);
                Some(obj)
            }
            None => Some(obj),
        },
        _ => None,
    }
}

/// The first `limit` bytes of a body as text, for messages.
pub fn body_excerpt(body: &[u8], limit: usize) -> String {
    let cut = &body[..body.len().min(limit)];
    let text = String::from_utf8_lossy(cut);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.len() > limit {
        format!("{text}…")
    } else {
        text
    }
}

/// The error for a non-2xx `resp` from `endpoint` (e.g. `POST /api/v1/tracker/pull/`).
pub fn error_from_response(resp: &Response, endpoint: &str, kind: ErrorKind) -> CliError {
    match envelope_of(&resp.body) {
        Some(envelope) => {
            let message =
                envelope_message(&envelope).unwrap_or_else(|| format!("HTTP {}", resp.status));
            let code = envelope
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("server_error")
                .to_owned();
            let mut err = CliError::new(kind, &code, message).detail("http_status", resp.status);
            for (k, v) in envelope {
                if !matches!(k.as_str(), "code" | "message" | "exit_code") {
                    err.details.entry(k).or_insert(v);
                }
            }
            err.detail("endpoint", endpoint)
        }
        None => bare_status(resp, endpoint, "", kind),
    }
}

/// [`error_from_response`] for a body that is not an envelope, with `what` after the endpoint.
fn status_error(resp: &Response, what: &str, kind: ErrorKind) -> CliError {
    bare_status(resp, &resp.served.endpoint, what, kind)
}

/// `HTTP <status> from <endpoint><what>: <first 200 bytes of the body>`.
fn bare_status(resp: &Response, endpoint: &str, what: &str, kind: ErrorKind) -> CliError {
    let excerpt = body_excerpt(&resp.body, 200);
    let message = if excerpt.is_empty() {
        format!("HTTP {} from {endpoint}{what}", resp.status)
    } else {
        format!("HTTP {} from {endpoint}{what}: {excerpt}", resp.status)
    };
    CliError::new(kind, "server_error", message)
        .detail("http_status", resp.status)
        .detail("endpoint", endpoint)
}

/// "unexpected response from server" for a 2xx body that is not what the contract says.
pub fn unexpected_response(endpoint: &str, why: &str) -> CliError {
    CliError::failed(
        "unexpected_response",
        format!("unexpected response from server ({endpoint}): {why}"),
    )
    .detail("endpoint", endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            body: body.as_bytes().to_vec(),
            retry_after: None,
            served: Served::default(),
        }
    }

    #[test]
    fn envelope_messages_and_fallbacks() {
        let e = error_from_response(
            &resp(
                403,
                r#"{"code":"no_installation","category":"config","message":"No installation for provider linear","user_action_required":true,"retryable":false}"#,
            ),
            "GET /x/",
            ErrorKind::Failed,
        );
        assert_eq!(
            e.message,
            format!("No installation for provider linear{ACTION_REQUIRED}")
        );
        assert_eq!(e.code, "no_installation");
        assert_eq!(e.details["category"], "config");
        let e = error_from_response(
            &resp(502, "<html>Bad gateway</html>"),
            "POST /p/",
            ErrorKind::Failed,
        );
        assert_eq!(
            e.message,
            "HTTP 502 from POST /p/: <html>Bad gateway</html>"
        );
        let e = error_from_response(&resp(500, "{}"), "POST /p/", ErrorKind::Failed);
        assert_eq!(e.message, "HTTP 500");
        let long = "x".repeat(500);
        let e = error_from_response(&resp(500, &long), "GET /", ErrorKind::Failed);
        assert!(
            e.message.ends_with('…') && e.message.len() < 260,
            "{}",
            e.message
        );
    }

    // Oracle: RFC 9110 §8.3.1 — media type names are case-insensitive, parameters follow `;`.
    #[test]
    fn html_is_the_media_type_whatever_its_case_and_parameters() {
        let served = |ct: &str| Served {
            content_type: Some(ct.to_owned()),
            ..Served::default()
        };
        for ct in [
            "text/html",
            "Text/HTML; charset=UTF-8",
            "application/xhtml+xml",
        ] {
            assert_eq!(served(ct).html(), Some(ct));
        }
        for ct in ["application/json", "text/plain", "text/htmlx"] {
            assert_eq!(served(ct).html(), None);
        }
        assert_eq!(Served::default().html(), None);
    }

    // Oracle: SPEC §5 (rules 6, 8) names a request by the contract's `METHOD PATH`; a URL
    // outside the server (never sent today) is named whole rather than mangled.
    #[test]
    fn endpoints_are_method_and_path_without_server_or_query() {
        let server = "https://x.example/base";
        assert_eq!(
            endpoint_of(
                "GET",
                "https://x.example/base/api/v1/tracker/status/?provider=linear",
                server
            ),
            "GET /api/v1/tracker/status/"
        );
        assert_eq!(
            endpoint_of("POST", "https://other.example/t/", server),
            "POST https://other.example/t/"
        );
    }
}
