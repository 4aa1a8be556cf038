//! The contract mock: a loopback server that speaks the whole Spec Kitty SaaS tracker API
//! (SPEC §5) plus the token endpoints, for the demo, golden tests and benchmarks.
//!
//! It is strict: every request must carry a valid bearer token, the matching `X-Team-Slug`,
//! an `Idempotency-Key` (uuid) on push/run and only there, and the body fields of the contract;
//! anything else is answered with a `contract_violation` error envelope, so client bugs show.
//! Behaviour is chosen per request by the project slug (see [`Scenario`]), so one server can
//! play every response class at once.

mod data;
mod scenario;

use data::{issues_page, mappings, push_result, run_result, status_body};
pub use scenario::Scenario;

/// Slugs that select a scenario.
pub const SLUG_NAMES: [&str; 15] = scenario::slug_names();

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// Mock settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Issues served by pull.
    pub issues: usize,
    /// Password accepted for any username.
    pub password: String,
    /// Team slug put into every login.
    pub team_slug: String,
    /// Access-token lifetime in seconds.
    pub access_lifetime: i64,
    /// Scenario for slugs that name none.
    pub default_scenario: Scenario,
    /// Delay of the `slow` scenario.
    pub slow: Duration,
    /// A token pair accepted from the start (for test fixtures); its refresh token may be used
    /// any number of times.
    pub seed: Option<(String, String)>,
}

/// The seeded access token used by test fixtures.
pub const SEED_ACCESS: &str = "mock-seed-access";
/// The seeded refresh token used by test fixtures.
pub const SEED_REFRESH: &str = "mock-seed-refresh";

impl Default for Config {
    fn default() -> Config {
        Config {
            issues: 25,
            password: "demo-password".into(),
            team_slug: "demo-team".into(),
            access_lifetime: 900,
            default_scenario: Scenario::Ok,
            slow: Duration::from_secs(2),
            seed: None,
        }
    }
}

#[derive(Debug, Default)]
struct State {
    access: HashMap<String, String>,
    refresh: HashSet<String>,
    issued: u64,
    /// Operation id → (polls left before it finishes, final body; `None` = never).
    operations: HashMap<String, (u32, Option<Value>)>,
    /// Requests already answered with a one-off 401 / 429, by key.
    tripped: HashSet<String>,
    /// Count of refresh calls (for tests).
    refreshes: u64,
}

/// A running mock.
#[derive(Debug)]
pub struct Running {
    /// Base URL, e.g. `http://127.0.0.1:43123`.
    pub url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Start the mock on `127.0.0.1:port` (0 = any free port) on a background thread.
pub fn spawn(config: Config, port: u16) -> std::io::Result<Running> {
    let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let thread = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            tokio::select! {
                _ = serve(listener, config) => {}
                _ = rx => {}
            }
        });
    });
    Ok(Running {
        url: format!("http://{addr}"),
        shutdown: Some(tx),
        thread: Some(thread),
    })
}

/// Serve connections from `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, config: Config) {
    let mut state = State::default();
    if let Some((access, refresh)) = &config.seed {
        state
            .access
            .insert(access.clone(), config.team_slug.clone());
        state.refresh.insert(refresh.clone());
    }
    let shared = Arc::new((config, Mutex::new(state)));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(req, &shared.0, &shared.1).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

type Reply = Response<Full<Bytes>>;

fn reply(status: u16, body: &Value) -> Reply {
    let mut resp = Response::new(Full::new(Bytes::from(
        serde_json::to_vec(body).unwrap_or_default(),
    )));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

fn raw(status: u16, content_type: &'static str, body: &'static str) -> Reply {
    let mut resp = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static(content_type),
    );
    resp
}

/// An error envelope (SPEC §5.1).
pub fn envelope(status: u16, code: &str, message: &str, user_action: bool) -> Value {
    json!({
        "code": code,
        "category": if status >= 500 { "server" } else { "client" },
        "http_status": status,
        "message": message,
        "retryable": status >= 500 || status == 429,
        "user_action_required": user_action,
        "source": "saas",
    })
}

fn violation(message: &str) -> Reply {
    reply(400, &envelope(400, "contract_violation", message, false))
}

async fn handle(req: Request<Incoming>, config: &Config, state: &Mutex<State>) -> Reply {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (decode(k), decode(v)))
                .collect()
        })
        .unwrap_or_default();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let bearer = header("authorization").and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned));
    let team = header("x-team-slug");
    let idempotency = header("idempotency-key");
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return violation("could not read the request body"),
    };
    let json_body: Option<Value> = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };

    match (method.as_str(), path.as_str()) {
        ("POST", "/api/v1/token/") => login(json_body, config, state),
        ("POST", "/api/v1/token/refresh/") => refresh(json_body, config, state),
        ("GET", "/__mock/stats") => {
            let st = state.lock().unwrap_or_else(|p| p.into_inner());
            reply(
                200,
                &json!({"refreshes": st.refreshes, "tokens_issued": st.issued}),
            )
        }
        (m, p) if p.starts_with("/api/v1/tracker/") => {
            let call = Call {
                method: m,
                path: p,
                query: &query,
                body: json_body.as_ref(),
                idempotency: idempotency.as_deref(),
            };
            if let Err(resp) = authorize(bearer.as_deref(), team.as_deref(), state) {
                return *resp;
            }
            tracker(call, bearer.as_deref().unwrap_or(""), config, state).await
        }
        _ => reply(
            404,
            &envelope(
                404,
                "not_found",
                &format!("no route for {method} {path}"),
                false,
            ),
        ),
    }
}

fn issue_tokens(config: &Config, state: &Mutex<State>) -> Value {
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.issued += 1;
    let n = st.issued;
    let access = format!("mock-access-{n}-{}", uuid::Uuid::new_v4().simple());
    let refresh = format!("mock-refresh-{n}-{}", uuid::Uuid::new_v4().simple());
    st.access.insert(access.clone(), config.team_slug.clone());
    st.refresh.insert(refresh.clone());
    json!({
        "access": access,
        "refresh": refresh,
        "access_lifetime": config.access_lifetime,
        "refresh_lifetime": 604800,
        "team_slug": config.team_slug,
    })
}

fn login(body: Option<Value>, config: &Config, state: &Mutex<State>) -> Reply {
    let Some(body) = body else {
        return violation("login needs a JSON body {username, password}");
    };
    let (Some(user), Some(pass)) = (
        body.get("username").and_then(Value::as_str),
        body.get("password").and_then(Value::as_str),
    ) else {
        return violation("login needs string fields username and password");
    };
    if pass != config.password || user.is_empty() {
        return reply(
            401,
            &json!({"detail": "No active account found with the given credentials"}),
        );
    }
    reply(200, &issue_tokens(config, state))
}

fn refresh(body: Option<Value>, config: &Config, state: &Mutex<State>) -> Reply {
    let Some(token) = body
        .as_ref()
        .and_then(|b| b.get("refresh"))
        .and_then(Value::as_str)
    else {
        return violation("refresh needs a JSON body {refresh}");
    };
    {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        st.refreshes += 1;
        // Single use (but the seeded token): a spent refresh token is rejected.
        let seeded = config.seed.as_ref().is_some_and(|(_, r)| r == token);
        if !seeded && !st.refresh.remove(token) {
            return reply(
                401,
                &json!({"detail": "Token is invalid or expired", "code": "token_not_valid"}),
            );
        }
    }
    reply(200, &issue_tokens(config, state))
}

fn authorize(
    bearer: Option<&str>,
    team: Option<&str>,
    state: &Mutex<State>,
) -> Result<(), Box<Reply>> {
    let st = state.lock().unwrap_or_else(|p| p.into_inner());
    let unauthorized =
        |message: &str| Box::new(reply(401, &envelope(401, "unauthorized", message, false)));
    let Some(token) = bearer else {
        return Err(unauthorized(
            "Authentication credentials were not provided.",
        ));
    };
    let Some(expected_team) = st.access.get(token) else {
        return Err(unauthorized("Token is invalid or expired"));
    };
    match team {
        None => Err(Box::new(violation("X-Team-Slug header is missing"))),
        Some(t) if t != expected_team => Err(Box::new(reply(
            403,
            &envelope(
                403,
                "team_mismatch",
                &format!("You are not a member of team {t}"),
                false,
            ),
        ))),
        Some(_) => Ok(()),
    }
}

/// One tracker request.
struct Call<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a HashMap<String, String>,
    body: Option<&'a Value>,
    idempotency: Option<&'a str>,
}

async fn tracker(call: Call<'_>, token: &str, config: &Config, state: &Mutex<State>) -> Reply {
    let op = match (call.method, call.path) {
        ("GET", "/api/v1/tracker/status/") => "status",
        ("GET", "/api/v1/tracker/mappings/") => "mappings",
        ("POST", "/api/v1/tracker/pull/") => "pull",
        ("POST", "/api/v1/tracker/push/") => "push",
        ("POST", "/api/v1/tracker/run/") => "run",
        ("GET", p) if p.starts_with("/api/v1/tracker/operations/") && p.ends_with('/') => {
            let id = p
                .trim_start_matches("/api/v1/tracker/operations/")
                .trim_end_matches('/');
            if call.idempotency.is_some() {
                return violation("Idempotency-Key is only for push and run");
            }
            return poll(id, state);
        }
        _ => {
            return reply(
                404,
                &envelope(
                    404,
                    "not_found",
                    &format!("no route for {} {}", call.method, call.path),
                    false,
                ),
            )
        }
    };
    let wants_key = matches!(op, "push" | "run");
    match (wants_key, call.idempotency) {
        (true, None) => return violation("Idempotency-Key header is required on push and run"),
        (true, Some(k)) if uuid::Uuid::parse_str(k).is_err() => {
            return violation("Idempotency-Key must be a UUID")
        }
        (false, Some(_)) => return violation("Idempotency-Key is only for push and run"),
        _ => {}
    }
    let fields = match validate_fields(op, &call) {
        Ok(f) => f,
        Err(why) => return violation(&why),
    };
    let scenario = Scenario::from_slug(&fields.project_slug).unwrap_or(config.default_scenario);
    if let Some(resp) = scenario
        .interrupt(op, token, call.idempotency, state_tripped(state), config)
        .await
    {
        return resp;
    }
    let body = match op {
        "status" => status_body(&fields.provider, &fields.project_slug),
        "mappings" => mappings(&fields.provider),
        "pull" => issues_page(&fields, config.issues, scenario),
        "push" => push_result(&fields, scenario),
        _ => run_result(&fields, config.issues, scenario),
    };
    if matches!(op, "push" | "run") {
        if let Some(polls) = scenario.accepts() {
            let id = format!("op-{}", uuid::Uuid::new_v4().simple());
            let outcome = scenario.operation_outcome(body);
            state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .operations
                .insert(id.clone(), (polls, outcome));
            return reply(202, &json!({"operation_id": id, "status": "pending"}));
        }
    }
    if scenario == Scenario::MissingFields {
        return reply(200, &json!({"status": "ok"}));
    }
    reply(200, &body)
}

fn state_tripped(state: &Mutex<State>) -> impl FnMut(String) -> bool + '_ {
    move |key| {
        state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .tripped
            .insert(key)
    }
}

fn poll(id: &str, state: &Mutex<State>) -> Reply {
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    let Some((left, outcome)) = st.operations.get_mut(id) else {
        return reply(
            404,
            &envelope(
                404,
                "operation_not_found",
                &format!("No operation {id}"),
                false,
            ),
        );
    };
    match outcome {
        Some(done) if *left == 0 => reply(200, done),
        _ => {
            *left = left.saturating_sub(1);
            let status = if outcome.is_some() {
                "running"
            } else {
                "pending"
            };
            reply(200, &json!({"operation_id": id, "status": status}))
        }
    }
}

/// Body fields the contract requires (already validated).
#[derive(Debug, Clone)]
pub struct Fields {
    /// Provider.
    pub provider: String,
    /// Project slug.
    pub project_slug: String,
    /// Page size (pull, run).
    pub limit: usize,
    /// Cursor (pull).
    pub cursor: Option<String>,
    /// Push items.
    pub items: Vec<Value>,
}

fn validate_fields(op: &str, call: &Call<'_>) -> Result<Fields, String> {
    const SAAS: [&str; 4] = ["github", "gitlab", "jira", "linear"];
    let source: HashMap<String, Value> = if matches!(op, "status" | "mappings") {
        if call.body.is_some() {
            return Err(format!("GET {op} takes no body"));
        }
        call.query
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    } else {
        match call.body {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => return Err(format!("{op} needs a JSON object body")),
        }
    };
    let text = |key: &str| source.get(key).and_then(Value::as_str).map(str::to_owned);
    let provider = text("provider").ok_or("`provider` is required")?;
    if !SAAS.contains(&provider.as_str()) {
        return Err(format!(
            "`provider` must be a SaaS-backed provider, not {provider:?}"
        ));
    }
    let project_slug = text("project_slug")
        .filter(|s| !s.is_empty())
        .ok_or("`project_slug` is required")?;
    let allowed: &[&str] = match op {
        "pull" => &["provider", "project_slug", "limit", "cursor", "filters"],
        "push" => &["provider", "project_slug", "items"],
        "run" => &["provider", "project_slug", "pull_first", "limit"],
        _ => &["provider", "project_slug"],
    };
    if let Some(extra) = source.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unexpected field `{extra}` for {op}"));
    }
    let mut limit = 100;
    if matches!(op, "pull" | "run") {
        let n = source
            .get("limit")
            .and_then(Value::as_u64)
            .ok_or("`limit` (integer) is required")?;
        if !(1..=10_000).contains(&n) {
            return Err(format!("`limit` must be 1..=10000, not {n}"));
        }
        limit = usize::try_from(n).unwrap_or(100);
    }
    if op == "run" && source.get("pull_first") != Some(&Value::Bool(true)) {
        return Err("`pull_first` must be true".into());
    }
    let cursor = match source.get("cursor") {
        None => None,
        Some(Value::String(c)) => Some(c.clone()),
        Some(_) => return Err("`cursor` must be a string".into()),
    };
    let items = match (op, source.get("items")) {
        ("push", Some(Value::Array(items))) => {
            for (i, item) in items.iter().enumerate() {
                if item.get("ref").is_none() || item.get("action").and_then(Value::as_str).is_none()
                {
                    return Err(format!("items[{i}] needs `ref` and `action`"));
                }
            }
            items.clone()
        }
        ("push", _) => return Err("`items` (array) is required".into()),
        _ => Vec::new(),
    };
    Ok(Fields {
        provider,
        project_slug,
        limit,
        cursor,
        items,
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Non-JSON bodies used by scenarios.
pub(crate) fn html_bad_gateway() -> Reply {
    raw(
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
}

/// A 200 whose body is not JSON.
pub(crate) fn garbage() -> Reply {
    raw(200, "text/plain", "this is not json")
}
