//! The Spec Kitty SaaS tracker API client (SPEC §5): one method per contract operation, with
//! the whole response-handling order — 200, 202 + polling, 401 → one refresh → one retry,
//! 429 with back-off, legacy_flow_forbidden, error envelopes, non-JSON bodies, network errors.
//! Push and run carry one Idempotency-Key per logical request, reused on every retry.

use super::binding::Route;
use super::envelopes::{Envelope, Operation};
use super::poll::{base_delay, jitter, Clock, TOTAL_SECONDS};
use crate::auth::Tokens;
use crate::error::{CliError, ErrorKind};
use crate::http::errors::{
    envelope_message, envelope_of, error_from_response, unexpected_response,
};
use crate::http::{Body, Http, Method, Opened, Request, Response};
use crate::server_url::ServerUrl;
use crate::signals::{first_cancel, Cancel};
use crate::term::Progress;
use jsonfmt::{split, Invalid};
use serde_json::{json, Value};
use std::time::Instant;

mod hosted;
pub use hosted::looks_like_key;

/// Retries after a 429 before giving up (the original: 1).
pub const MAX_RATE_LIMIT_RETRIES: u32 = 3;
/// Wait after a 429 that names no delay, in seconds.
pub const DEFAULT_RETRY_AFTER: u64 = 5;
/// Longest wait after a 429, in seconds.
pub const MAX_RETRY_AFTER: u64 = 60;

const BASE: &str = "/api/v1/tracker";
const PULL_PATH: &str = "/api/v1/tracker/pull/";

/// A client bound to one provider and project.
#[derive(Debug)]
pub struct TrackerClient {
    http: Http,
    tokens: Tokens,
    server: ServerUrl,
    /// Provider name sent in every request.
    pub provider: String,
    /// The routing key (`binding_ref` or `project_slug`) sent in every routed request.
    pub route: Route,
    clock: Clock,
    /// How waits are shown (when stderr is a terminal): a spinner while polling, notes.
    progress: Option<Progress>,
}

/// A 2xx answer: a body (still arriving), or an operation to poll.
#[derive(Debug)]
enum Answer {
    Done(Box<Opened>),
    Accepted(String),
}

/// A GET: no Idempotency-Key, no 202.
const READ: CallKind = CallKind {
    method: Method::Get,
    idempotent: false,
    may_accept: false,
};
/// The pull POST: no Idempotency-Key, no 202.
const PULL: CallKind = CallKind {
    method: Method::Post,
    idempotent: false,
    may_accept: false,
};
/// Push and run: an Idempotency-Key, and a 202 may come back.
const MUTATION: CallKind = CallKind {
    method: Method::Post,
    idempotent: true,
    may_accept: true,
};

/// How one call may be answered.
#[derive(Debug, Clone, Copy)]
struct CallKind {
    method: Method,
    idempotent: bool,
    may_accept: bool,
}

impl TrackerClient {
    /// A client; `clock` scales waiting (tests), `progress` (when stderr is a terminal) shows
    /// polling with a spinner and rate-limit waits as notes.
    pub fn new(
        tokens: Tokens,
        provider: &str,
        route: Route,
        clock: Clock,
        progress: Option<Progress>,
    ) -> TrackerClient {
        TrackerClient {
            http: tokens.http.clone(),
            server: tokens.server.clone(),
            tokens,
            provider: provider.to_owned(),
            route,
            clock,
            progress,
        }
    }

    /// `GET /status/`.
    pub async fn status(&self) -> Result<Envelope, CliError> {
        self.call(&format!("{BASE}/status/"), self.query(), None, READ)
            .await
    }

    /// `GET /mappings/`.
    pub async fn mappings(&self) -> Result<Envelope, CliError> {
        self.call(&format!("{BASE}/mappings/"), self.query(), None, READ)
            .await
    }

    /// `POST /pull/` for one page.
    pub async fn pull(&self, limit: i64, cursor: Option<&str>) -> Result<Envelope, CliError> {
        self.call(
            PULL_PATH,
            String::new(),
            Some(self.pull_body(limit, cursor)),
            PULL,
        )
        .await
    }

    /// The pull endpoint, as errors name it.
    pub fn pull_endpoint(&self) -> String {
        endpoint(PULL.method, PULL_PATH)
    }

    /// `POST /pull/` for one page whose 2xx body is read as it arrives (`sync pull --all`):
    /// everything else is answered as [`TrackerClient::pull`] answers it.
    pub async fn pull_streamed(&self, limit: i64, cursor: Option<&str>) -> Result<Body, CliError> {
        let body = Some(self.pull_body(limit, cursor));
        match self.send(PULL_PATH, String::new(), body, PULL).await? {
            Answer::Done(opened) => Ok(opened.body),
            Answer::Accepted(id) => Err(accepted_unexpectedly(PULL_PATH, &id)),
        }
    }

    /// The request body of a pull.
    fn pull_body(&self, limit: i64, cursor: Option<&str>) -> Value {
        let mut body = self.routed_body();
        body["limit"] = json!(limit);
        if let Some(c) = cursor {
            body["cursor"] = json!(c);
        }
        body
    }

    /// `POST /push/` (a 202 is polled to its result).
    pub async fn push(&self, items: Vec<Value>) -> Result<Envelope, CliError> {
        let mut body = self.routed_body();
        body["items"] = Value::Array(items);
        self.mutate(&format!("{BASE}/push/"), body).await
    }

    /// `POST /run/` (a 202 is polled to its result).
    pub async fn run(&self, limit: i64) -> Result<Envelope, CliError> {
        let mut body = self.routed_body();
        body["pull_first"] = json!(true);
        body["limit"] = json!(limit);
        self.mutate(&format!("{BASE}/run/"), body).await
    }

    /// A push or run: idempotent POST whose 202 answer is polled to its result.
    async fn mutate(&self, path: &str, body: Value) -> Result<Envelope, CliError> {
        let endpoint = endpoint(MUTATION.method, path);
        match self.send(path, String::new(), Some(body), MUTATION).await? {
            Answer::Done(opened) => json_object(opened.read_all().await?, &endpoint),
            // A failed operation may name a stale binding as well.
            Answer::Accepted(id) => self
                .wait(&id)
                .await
                .map_err(|e| self.route.stale(&self.provider, e)),
        }
    }

    /// `GET /operations/{id}/` once.
    pub async fn operation(&self, id: &str) -> Result<Envelope, CliError> {
        self.call(&operation_path(id), String::new(), None, READ)
            .await
    }

    /// Poll an operation until it completes (its `result`), fails (an error), reaches a state
    /// the contract does not name (an error naming it), the 5 minutes run out (exit 5 naming the
    /// operation and how to check it later) or a cancel signal comes ([`first_cancel`]: Ctrl-C,
    /// SIGTERM; exit 130, the same hint).
    pub async fn wait(&self, id: &str) -> Result<Envelope, CliError> {
        let spinner = self
            .progress
            .map(|p| (p.spinner)(&format!("operation {id}: pending")));
        let result = tokio::select! {
            result = self.poll(id, spinner.as_ref()) => result,
            signal = first_cancel() => Err(interrupted(id, signal)),
        };
        if let Some(s) = &spinner {
            s.finish_and_clear();
        }
        result
    }

    async fn poll(
        &self,
        id: &str,
        spinner: Option<&indicatif::ProgressBar>,
    ) -> Result<Envelope, CliError> {
        let started = Instant::now();
        let deadline = self.clock.real(TOTAL_SECONDS);
        let mut attempt = 0;
        loop {
            let delay = self.clock.real(base_delay(attempt) * jitter());
            if attempt > 0 && started.elapsed() + delay > deadline {
                return Err(CliError::new(
                    ErrorKind::Network,
                    "operation_timeout",
                    format!("Operation {id} timed out after 5 minutes"),
                )
                .hint(check_later(id))
                .detail("operation_id", id));
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
            let body = self.operation(id).await.map_err(|e| poll_error(id, e))?;
            let op: Operation = body.typed().map_err(|e| poll_error(id, e))?;
            if let Some(s) = spinner {
                let line = format!("operation {id}: {}", op.status);
                s.set_message(crate::term::clean(&line, false).into_owned());
            }
            match op.status.as_str() {
                "completed" => {
                    return Ok(match op.result {
                        Some(result) if result.get().trim_start().starts_with('{') => {
                            let bytes = result.get().as_bytes().to_vec();
                            Envelope::new(bytes, body.endpoint.clone()).unwrap_or(body)
                        }
                        _ => body,
                    });
                }
                "failed" => return Err(operation_failed(id, op.error)),
                "pending" | "running" => {}
                other => return Err(unknown_status(id, other)),
            }
        }
    }

    /// `?provider=P&<route key>=<value>` (reference §4.2).
    fn query(&self) -> String {
        format!(
            "?provider={}&{}={}",
            encode(&self.provider),
            self.route.key,
            encode(&self.route.value)
        )
    }

    /// `{provider, <route key>}`, the start of every routed body (reference §4.2).
    fn routed_body(&self) -> Value {
        let mut body = json!({ "provider": self.provider });
        body[self.route.key] = json!(self.route.value);
        body
    }

    async fn call(
        &self,
        path: &str,
        query: String,
        body: Option<Value>,
        kind: CallKind,
    ) -> Result<Envelope, CliError> {
        let endpoint = endpoint(kind.method, path);
        match self.send(path, query, body, kind).await? {
            Answer::Done(opened) => json_object(opened.read_all().await?, &endpoint),
            Answer::Accepted(id) => Err(accepted_unexpectedly(path, &id)),
        }
    }

    async fn send(
        &self,
        path: &str,
        query: String,
        body: Option<Value>,
        kind: CallKind,
    ) -> Result<Answer, CliError> {
        let endpoint = endpoint(kind.method, path);
        let key = kind.idempotent.then(|| uuid::Uuid::new_v4().to_string());
        let mut bearer = self.tokens.valid_bearer().await?;
        let mut refreshed = false;
        let mut rate_limited = 0;
        loop {
            let mut req = Request::new(kind.method, format!("{}{query}", self.server.join(path)))
                .header("X-Team-Slug", bearer.team.clone());
            req.bearer = Some(bearer.access.clone());
            if let Some(key) = &key {
                req = req.header("Idempotency-Key", key.clone());
            }
            if let Some(body) = &body {
                req = req.json(body);
            }
            let opened = self.http.open(req, self.server.as_str()).await?;
            if matches!(opened.status, 200 | 201) {
                return Ok(Answer::Done(Box::new(opened)));
            }
            let resp = opened.read_all().await?;
            match resp.status {
                202 if kind.may_accept => {
                    let accepted: Value = json_object(resp, &endpoint)?.value()?;
                    let id = accepted
                        .get("operation_id")
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .ok_or_else(|| {
                            unexpected_response(&endpoint, "202 without an operation_id")
                        })?
                        .to_owned();
                    if let Some(why) = super::operation_id::problem(&id) {
                        return Err(unexpected_response(
                            &endpoint,
                            &format!("unusable operation_id in the 202 answer: {why}"),
                        ));
                    }
                    return Ok(Answer::Accepted(id));
                }
                401 if !refreshed => {
                    refreshed = true;
                    bearer = self.tokens.refresh(&bearer).await?;
                }
                401 => return Err(crate::auth::session_expired()),
                429 if rate_limited < MAX_RATE_LIMIT_RETRIES => {
                    rate_limited += 1;
                    let wait = retry_after(&resp);
                    if let Some(p) = self.progress {
                        (p.note)(&format!(
                            "rate limited, retrying in {wait} s ({rate_limited} of {MAX_RATE_LIMIT_RETRIES})"
                        ));
                    }
                    tokio::time::sleep(self.clock.real(wait as f64)).await;
                }
                429 => {
                    let message = envelope_of(&resp.body)
                        .and_then(|e| envelope_message(&e))
                        .unwrap_or_else(|| "Rate limited by SaaS API.".to_owned());
                    return Err(CliError::failed("rate_limited", message)
                        .hint(format!(
                            "the Spec Kitty SaaS still refused after {rate_limited} retries; wait a minute, then run the command again"
                        ))
                        .detail("http_status", 429)
                        .detail("retries", rate_limited));
                }
                400 if is_legacy_flow(&resp) => {
                    let mut err = error_from_response(&resp, &endpoint, ErrorKind::NotAllowed);
                    err.code = "legacy_flow_forbidden".into();
                    return Err(err);
                }
                _ => {
                    let err = error_from_response(&resp, &endpoint, ErrorKind::Failed);
                    return Err(self.route.stale(&self.provider, err));
                }
            }
        }
    }
}

/// `METHOD PATH`, as errors name an endpoint.
fn endpoint(method: Method, path: &str) -> String {
    let name = match method {
        Method::Get => "GET",
        Method::Post => "POST",
    };
    format!("{name} {path}")
}

fn accepted_unexpectedly(path: &str, id: &str) -> CliError {
    unexpected_response(path, &format!("unexpected 202 (operation {id})"))
}

/// `/operations/{id}/` with the id as one percent-encoded segment (`/` becomes `%2F`); ids that
/// are dot-segments or empty never get here (see [`super::operation_id`]).
fn operation_path(id: &str) -> String {
    format!("{BASE}/operations/{}/", encode(id))
}

/// A 2xx body must be one valid JSON document (grammar, UTF-8, depth; checked in one pass
/// before anything is printed) and an object.
fn json_object(resp: Response, endpoint: &str) -> Result<Envelope, CliError> {
    object_body(resp.body, endpoint, |offset| offset)
}

/// `json_object` for a body that may have been taken apart (`sync pull --all`): `at` maps an
/// offset of `body` to the offset in the body as received.
pub fn object_body(
    body: Vec<u8>,
    endpoint: &str,
    at: impl Fn(usize) -> usize,
) -> Result<Envelope, CliError> {
    match Envelope::new(body, endpoint) {
        Err(e) => Err(body_problem(
            endpoint,
            &Invalid {
                offset: at(e.offset),
                reason: e.reason,
            },
        )),
        Ok(envelope) if !envelope.outline.object => Err(unexpected_response(
            endpoint,
            "the body is not a JSON object",
        )),
        Ok(envelope) => Ok(envelope),
    }
}

/// The error for a 2xx body that is not one valid JSON document.
pub fn body_problem(endpoint: &str, problem: &Invalid) -> CliError {
    if problem.reason.starts_with("nested") {
        return unexpected_response(endpoint, "the body is nested deeper than 128 levels");
    }
    if problem.reason == split::REPEATED {
        return unexpected_response(
            endpoint,
            &format!(
                "`items` appears twice in the body (at byte {}); which one counts is ambiguous",
                problem.offset
            ),
        );
    }
    unexpected_response(endpoint, &format!("the body is not JSON ({problem})"))
}

fn is_legacy_flow(resp: &Response) -> bool {
    envelope_of(&resp.body)
        .and_then(|e| {
            e.get("code")
                .and_then(Value::as_str)
                .map(|c| c == "legacy_flow_forbidden")
        })
        .unwrap_or(false)
}

/// Seconds to wait after a 429: envelope `retry_after_seconds`, else `Retry-After`, else 5; at
/// most 60.
fn retry_after(resp: &Response) -> u64 {
    envelope_of(&resp.body)
        .and_then(|e| e.get("retry_after_seconds").and_then(Value::as_f64))
        .map(|s| s.max(0.0).ceil() as u64)
        .or(resp.retry_after)
        .unwrap_or(DEFAULT_RETRY_AFTER)
        .min(MAX_RETRY_AFTER)
}

fn operation_failed(id: &str, error: Option<Value>) -> CliError {
    let (message, details) = match error {
        Some(Value::Object(obj)) => (
            envelope_message(&obj).unwrap_or_else(|| "Operation failed".to_owned()),
            obj,
        ),
        Some(Value::String(s)) if !s.trim().is_empty() => (s, serde_json::Map::new()),
        _ => ("Operation failed".to_owned(), serde_json::Map::new()),
    };
    let code = details
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or("operation_failed")
        .to_owned();
    let mut err = CliError::failed(&code, message).detail("operation_id", id);
    for (k, v) in details {
        if !matches!(k.as_str(), "code" | "message" | "exit_code") {
            err.details.entry(k).or_insert(v);
        }
    }
    err
}

/// A state outside the contract's pending / running / completed / failed ends the wait.
fn unknown_status(id: &str, state: &str) -> CliError {
    CliError::failed(
        "unknown_operation_status",
        format!(
            "Operation {id} is in state '{state}', which this version does not know (expected pending, running, completed or failed)"
        ),
    )
    .hint(format!(
        "see it with `spec-kitty-tracker operations show {id}` or in the Spec Kitty dashboard"
    ))
    .detail("operation_id", id)
    .detail("status", state)
}

fn poll_error(id: &str, mut err: CliError) -> CliError {
    if err.kind != ErrorKind::Auth {
        err.message = format!("Polling operation {id} failed: {}", err.message);
    }
    err.hint(check_later(id)).detail("operation_id", id)
}

fn check_later(id: &str) -> String {
    format!("check it later with `spec-kitty-tracker operations show {id} --wait`")
}

/// A cancel signal ([`first_cancel`]) while polling: the operation goes on on the server, so say
/// how to find it again.
fn interrupted(id: &str, signal: Cancel) -> CliError {
    CliError::new(
        ErrorKind::Interrupted,
        "interrupted",
        format!(
            "Interrupted{} while waiting for operation {id}; it may still complete on the server",
            signal.by()
        ),
    )
    .hint(check_later(id))
    .detail("operation_id", id)
}

/// What a query or path component keeps as is: RFC 3986 unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encode a query or path component (UTF-8 bytes, every byte but the unreserved ones).
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_percent_encoded_but_for_unreserved_characters() {
        // Oracle: RFC 3986 §2.3 (unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~") and §2.5
        // (UTF-8 octets, uppercase hex per §2.1).
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode("a b/c?d#e&f=g+h%"),
            "a%20b%2Fc%3Fd%23e%26f%3Dg%2Bh%25"
        );
        assert_eq!(encode("ü"), "%C3%BC");
        assert_eq!(
            operation_path("op/../1"),
            format!("{BASE}/operations/op%2F..%2F1/")
        );
    }
}
