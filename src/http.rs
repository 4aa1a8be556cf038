//! The HTTP layer shared by auth and the tracker client: one reqwest client (rustls, no
//! redirects so credentials never follow one, connect/request timeouts), bounded body reading,
//! request logging (`debug` events, shown with `-v` / `RUST_LOG`), the mapping of transport failures to exit 5, and
//! ([`errors`]) of error envelopes to one clear error.
//!
//! Proxies: a loopback server (127.0.0.0/8, ::1, localhost) is always reached directly, so
//! plain-http requests that carry a password or a bearer token never reach a proxy. Any other
//! server (https only, see [`crate::server_url`]) honours `HTTPS_PROXY` / `ALL_PROXY` and
//! `NO_PROXY` like curl and gh: the proxy sees a CONNECT to the host, TLS keeps the rest private.

pub mod errors;

use crate::error::{CliError, ErrorKind};
use crate::secret::Secret;
use crate::server_url::{is_loopback, ServerUrl};
use std::time::{Duration, Instant};

/// Largest response body accepted (SPEC §5: a cap with a clear error past it).
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// Per-request time limit (SPEC §5: 30 s).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Plain headers.
    pub headers: Vec<(&'static str, String)>,
    /// Bearer token for `Authorization` (never logged).
    pub bearer: Option<Secret>,
    /// JSON body.
    pub body: Option<Vec<u8>>,
    /// Form-encoded body (`application/x-www-form-urlencoded`); values may be secrets.
    pub form: Option<Vec<(&'static str, Secret)>>,
}

impl Request {
    /// A request without headers or body.
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            bearer: None,
            body: None,
            form: None,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    /// Set the JSON body.
    pub fn json(mut self, body: &serde_json::Value) -> Request {
        self.body = Some(serde_json::to_vec(body).unwrap_or_default());
        self
    }

    /// Set a form-encoded body.
    pub fn form(mut self, fields: Vec<(&'static str, Secret)>) -> Request {
        self.form = Some(fields);
        self
    }
}

/// A received response.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body bytes (at most [`MAX_BODY_BYTES`]).
    pub body: Vec<u8>,
    /// `Retry-After` header in seconds (a number, or an HTTP-date counted from now).
    pub retry_after: Option<u64>,
    /// What the server says about its answer ([`errors::Served`]).
    pub served: errors::Served,
}

/// A response whose status and headers are in and whose body is still arriving.
#[derive(Debug)]
pub struct Opened {
    /// HTTP status.
    pub status: u16,
    /// `Retry-After` header in seconds (a number, or an HTTP-date counted from now).
    pub retry_after: Option<u64>,
    /// What the server says about its answer ([`errors::Served`]).
    pub served: errors::Served,
    /// The body, read chunk by chunk.
    pub body: Body,
}

impl Opened {
    /// Read the rest of the body.
    pub async fn read_all(self) -> Result<Response, CliError> {
        let Opened {
            status,
            retry_after,
            served,
            mut body,
        } = self;
        let mut bytes = Vec::with_capacity(
            body.resp
                .content_length()
                .map_or(0, |l| l.min(16 << 20) as usize),
        );
        while let Some(chunk) = body.chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            body: bytes,
            retry_after,
            served,
        })
    }
}

/// A response body being received: chunks as they arrive, at most the client's body cap in
/// all; the request is logged (`-v`) with its size once the last chunk is in.
#[derive(Debug)]
pub struct Body {
    resp: reqwest::Response,
    http: Http,
    server: String,
    url: String,
    /// `STATUS METHOD URL`, for the log.
    what: String,
    started: Instant,
    read: usize,
    /// Bytes already read (to look at the body before handing it on), given out first.
    pending: Option<bytes::Bytes>,
}

impl Body {
    /// The next chunk, or `None` after the last one.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, CliError> {
        if let Some(pending) = self.pending.take() {
            return Ok(Some(pending));
        }
        let chunk = self
            .resp
            .chunk()
            .await
            .map_err(|e| self.http.transport_error(&self.server, &self.url, &e))?;
        match chunk {
            Some(chunk) if self.read + chunk.len() > self.http.max_body => {
                Err(self.too_large((self.read + chunk.len()) as u64))
            }
            Some(chunk) => {
                self.read += chunk.len();
                Ok(Some(chunk))
            }
            None => {
                tracing::debug!(
                    "http: {} ({} ms, {} bytes)",
                    self.what,
                    self.started.elapsed().as_millis(),
                    self.read
                );
                Ok(None)
            }
        }
    }

    fn too_large(&self, len: u64) -> CliError {
        CliError::failed(
            "response_too_large",
            format!(
                "the response from {} is larger than {} MiB ({len} bytes); refusing to read it",
                self.url,
                self.http.max_body / (1024 * 1024)
            ),
        )
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    max_body: usize,
}

impl Http {
    /// Build the client for requests to `server` (each request is a `debug` event of this
    /// module, see [`crate::output::log`]). `timeout` overrides the 30 s request limit
    /// (tests). A loopback `server` is never proxied.
    pub fn new(
        server: &ServerUrl,
        timeout: Option<Duration>,
        max_body: Option<usize>,
    ) -> Result<Http, CliError> {
        let timeout = timeout.unwrap_or(REQUEST_TIMEOUT);
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("spec-kitty-tracker/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout);
        if is_loopback(server.host()) {
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| {
            CliError::failed("http_client", format!("cannot start the HTTP client: {e}"))
        })?;
        Ok(Http {
            client,
            max_body: max_body.unwrap_or(MAX_BODY_BYTES),
        })
    }

    /// Send `req` and read the whole body. Transport failures (DNS, refused, TLS, timeout,
    /// reset) are exit-5 errors naming `server` (the base URL users know).
    pub async fn send(&self, req: Request, server: &str) -> Result<Response, CliError> {
        self.open(req, server).await?.read_all().await
    }

    /// Send `req` and return once the status and headers are in; the body is read from the
    /// returned [`Opened`] as it arrives (same cap, errors and logging as [`Http::send`]).
    pub async fn open(&self, req: Request, server: &str) -> Result<Opened, CliError> {
        let started = Instant::now();
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self
            .client
            .request(method.clone(), &req.url)
            .header("Accept", "application/json");
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        if let Some(token) = &req.bearer {
            builder = builder.bearer_auth(token.expose());
        }
        if let Some(body) = req.body {
            builder = builder
                .header("Content-Type", "application/json")
                .body(body);
        }
        if let Some(fields) = &req.form {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.expose())).collect();
            builder = builder.form(&pairs);
        }
        tracing::debug!("http: {method} {}", req.url);
        let resp = builder
            .send()
            .await
            .map_err(|e| self.transport_error(server, &req.url, &e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after_seconds(v, jiff::Timestamp::now()));
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let served = errors::Served {
            content_type: header("content-type"),
            location: header("location"),
            endpoint: errors::endpoint_of(method.as_str(), &req.url, server),
            server: server.to_owned(),
        };
        let body = Body {
            resp,
            http: self.clone(),
            server: server.to_owned(),
            what: format!("{status} {method} {}", req.url),
            url: req.url,
            started,
            read: 0,
            pending: None,
        };
        if let Some(len) = body.resp.content_length() {
            if len > self.max_body as u64 {
                tracing::debug!("http: {}: body of {len} bytes refused", body.what);
                return Err(body.too_large(len));
            }
        }
        errors::screen(Opened {
            status,
            retry_after,
            served,
            body,
        })
        .await
    }

    fn transport_error(&self, server: &str, url: &str, e: &reqwest::Error) -> CliError {
        let reason = if e.is_timeout() {
            "timed out".to_owned()
        } else {
            root_cause(e)
        };
        tracing::debug!("http: {url}: {reason}");
        if e.is_builder() {
            // Nothing was sent: a local problem with the request, not the network.
            return CliError::failed(
                "invalid_request",
                format!("cannot build the request to {url}: {reason}"),
            );
        }
        // Connected (or never tried to connect, e.g. reused) and then let down: a stall or a
        // cut is no reason to check the network; say what happened.
        let message = if e.is_connect() {
            format!("Cannot connect to Spec Kitty SaaS at {server}. Check your network connection.")
        } else if e.is_timeout() {
            format!("Timed out waiting for Spec Kitty SaaS at {server}: it accepted the connection, then sent nothing more within the time limit.")
        } else {
            format!("Spec Kitty SaaS at {server} closed the connection before its response was complete.")
        };
        let err = CliError::new(ErrorKind::Network, "network", message).detail("reason", reason);
        match e.is_connect() {
            true => err,
            false => {
                err.hint("run the command again; if it keeps happening, the server is in trouble")
            }
        }
    }
}

/// Why `value` cannot be sent in an HTTP header, if it cannot (RFC 9110 §5.5: no control
/// character but tab). A `token` (a bearer or refresh token, RFC 6750 `b64token`) must also be
/// printable ASCII without spaces. The message names the character and its byte offset, never
/// the value, so it is safe for secrets.
pub fn header_problem(value: &str, token: bool) -> Option<String> {
    if value.is_empty() {
        return Some("it is empty".to_owned());
    }
    value
        .char_indices()
        .find(|&(_, c)| {
            if token {
                !c.is_ascii_graphic()
            } else {
                c.is_control() && c != '\t'
            }
        })
        .map(|(i, c)| {
            format!(
                "it holds U+{:04X} at byte {i}, which cannot be sent in an HTTP header",
                u32::from(c)
            )
        })
}

/// A `Retry-After` value in seconds from `now` (RFC 9110 §10.2.3): delay-seconds, or an
/// HTTP-date in any of its three forms (IMF-fixdate, RFC 850, asctime); a past date is 0.
pub fn retry_after_seconds(value: &str, now: jiff::Timestamp) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let at = jiff::fmt::rfc2822::parse(value)
        .map(|z| z.timestamp())
        .ok()
        .or_else(|| {
            ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
                .iter()
                .find_map(|format| {
                    let dt = jiff::civil::DateTime::strptime(format, value).ok()?;
                    jiff::tz::Offset::UTC.to_timestamp(dt).ok()
                })
        })?;
    Some(u64::try_from((at.as_second() - now.as_second()).max(0)).unwrap_or(0))
}

/// The innermost error message of a chain (e.g. "Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    match current.downcast_ref::<std::io::Error>() {
        Some(io) => crate::error::io_reason(io),
        None => {
            let text = current.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

/// Run a future to completion on a single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed("runtime", format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_without_controls_tokens_without_spaces() {
        assert_eq!(header_problem("acme team", false), None);
        assert_eq!(header_problem("eyJ.a-b_c~+/=", true), None);
        for (value, token) in [
            ("a\rb", false),
            ("a\u{7f}", false),
            ("a b", true),
            ("é", true),
        ] {
            assert!(header_problem(value, token).is_some(), "{value:?}");
        }
        assert_eq!(
            header_problem("ac\nme", false).as_deref(),
            Some("it holds U+000A at byte 2, which cannot be sent in an HTTP header")
        );
    }

    #[test]
    fn a_request_that_cannot_be_built_is_not_a_network_error() {
        let server = ServerUrl::parse("http://127.0.0.1:9", "t").expect("url");
        let http = Http::new(&server, None, None).expect("client");
        let req = Request::new(Method::Get, server.join("/x/")).header("X-Team-Slug", "a\nb");
        let err = block_on(http.send(req, server.as_str()))
            .expect("runtime")
            .expect_err("refused before sending");
        assert_eq!(
            (err.kind, err.code.as_str()),
            (ErrorKind::Failed, "invalid_request")
        );
    }

    #[test]
    fn retry_after_takes_seconds_and_every_http_date_form() {
        // 1994-11-06T08:49:37Z, the example of RFC 9110 §5.6.7.
        let now = jiff::Timestamp::from_second(784_111_777 - 30).expect("ts");
        assert_eq!(retry_after_seconds(" 7 ", now), Some(7));
        assert_eq!(
            retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(30)
        );
        assert_eq!(
            retry_after_seconds("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(30)
        );
        assert_eq!(
            retry_after_seconds("Sun Nov  6 08:49:37 1994", now),
            Some(30)
        );
        assert_eq!(
            retry_after_seconds("Sun, 06 Nov 1994 08:48:00 GMT", now),
            Some(0),
            "past"
        );
        for bad in ["", "-3", "soon", "1.5", "Sun, 06 Nov 1994"] {
            assert_eq!(retry_after_seconds(bad, now), None, "{bad:?}");
        }
    }
}
