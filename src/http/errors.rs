//! Turning a non-2xx response into one clear error (SPEC §5 step 6): the error envelope's
//! message (with the action-required suffix), or the HTTP status and the start of a body that
//! is not an envelope. Envelope fields go into the `--json` error object.

use crate::error::{CliError, ErrorKind};
use crate::http::Response;
use serde_json::Value;

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
        None => {
            let excerpt = body_excerpt(&resp.body, 200);
            let message = if excerpt.is_empty() {
                format!("HTTP {} from {endpoint}", resp.status)
            } else {
                format!("HTTP {} from {endpoint}: {excerpt}", resp.status)
            };
            CliError::new(kind, "server_error", message)
                .detail("http_status", resp.status)
                .detail("endpoint", endpoint)
        }
    }
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
}
