//! The contract mock: a loopback server that speaks the whole Spec Kitty SaaS tracker API
//! (SPEC §5) plus the token endpoints, for the demo, golden tests and benchmarks.
//!
//! It answers to the contract document `contract/tracker-api.yaml` ([`contract`]): every
//! request to a documented path is checked against it (headers such as `X-Team-Slug` and
//! `Idempotency-Key`, query and path parameters, the body), and a broken rule is answered with a
//! 400 `contract_violation` error envelope naming it, so client bugs show. Bearer tokens are
//! checked on top (valid, of the named team). Its responses follow the document too (the tests
//! in `tests/responses.rs` check every scenario), except the scenarios whose whole point is to
//! break it (`garbage`, `bad-gateway`: non-JSON bodies; `missing-fields`).
//! Behaviour is chosen per request by the project slug (see [`Scenario`]), so one server can
//! play every response class at once.

mod cache;
pub mod contract;
mod data;
mod hosted;
pub mod oauth;
mod scenario;

pub use cache::pull_page_body;

use data::{issues_page, mappings, push_result, run_result, status_body};
pub use scenario::Scenario;

/// Slugs that select a scenario.
pub const SLUG_NAMES: [&str; 21] = scenario::slug_names();

use contract::{Contract, RequestView, Violation};
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
    /// Serve each pull page from bytes built once (benchmarks: the mock's cost drops out).
    pub cache_bodies: bool,
    /// Device codes approve themselves after this many polls answered `authorization_pending`
    /// (`None`: only `POST /__mock/oauth/device/approve` approves one).
    pub device_auto_approve: Option<u32>,
    /// `expires_in` of new device codes (seconds).
    pub device_expires_in: i64,
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
            cache_bodies: false,
            device_auto_approve: None,
            device_expires_in: 900,
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
    /// Pre-built pull pages (`Config::cache_bodies`).
    bodies: cache::BodyCache,
    /// Uses of the OAuth refresh grant, and how many of them were refused (for tests: a
    /// refresh token spent twice shows as a refusal).
    oauth_refreshes: u64,
    oauth_rejected: u64,
    /// Calls of `/oauth/revoke`.
    revocations: u64,
    /// Candidate tokens issued (resources, bind-resolve) → resource index (`hosted`).
    candidates: HashMap<String, usize>,
    /// Candidate tokens issued so far (numbers them).
    candidates_issued: u64,
    /// Bindings made by bind-confirm (shown by the unrouted status).
    bindings: Vec<Value>,
    /// The request log: every request but the mock's own (`/__mock/...`) received since
    /// `GET /__mock/received` last took them, in order ([`record`]).
    received: std::collections::VecDeque<Value>,
    /// The OAuth login (codes, device codes, sessions).
    oauth: oauth::OAuthState,
}

/// Requests kept for `GET /__mock/received` (the oldest are dropped beyond this).
const MAX_RECORDED: usize = 5_000;
/// Request bodies larger than this are recorded as their size only.
const MAX_RECORDED_BODY: usize = 16 * 1024;

/// What `GET /__mock/received` shows of a request: the contract operation it was (`op`: the
/// document's `operationId`, `null` when the request broke the contract or the document does
/// not describe its path), method, path, query (decoded pairs, in order), the headers that say
/// something about the client's behaviour (`Authorization` only as whether it carried a bearer
/// token) and the body (JSON parsed; form bodies as pairs).
fn record(req: &MockRequest, op: Option<&str>) -> Value {
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let content_type = header("content-type");
    let body = if req.body.is_empty() {
        Value::Null
    } else if req.body.len() > MAX_RECORDED_BODY {
        json!({"bytes": req.body.len()})
    } else if content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        let pairs = contract::parse_query(&String::from_utf8_lossy(&req.body));
        Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect())
    } else {
        serde_json::from_slice(&req.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()))
    };
    let query: Vec<Value> = contract::parse_query(req.query.as_deref().unwrap_or(""))
        .into_iter()
        .map(|(k, v)| json!([k, v]))
        .collect();
    json!({
        "op": op,
        "method": req.method,
        "path": req.path,
        "query": query,
        "bearer": header("authorization").is_some_and(|a| a.starts_with("Bearer ")),
        "content_type": content_type,
        "x_team_slug": header("x-team-slug"),
        "idempotency_key": header("idempotency-key"),
        "body": body,
    })
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
    let mock = Arc::new(Mock::new(config));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let mock = mock.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let mock = mock.clone();
                async move { Ok::<_, std::convert::Infallible>(mock.hyper(req).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A request as the mock sees it (what hyper delivered, or what a test builds).
#[derive(Debug, Clone, Default)]
pub struct MockRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Headers (any case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// An answer of the mock.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// `Location` (redirects).
    pub location: Option<String>,
}

/// The mock's logic without the network: its configuration and state.
#[derive(Debug)]
pub struct Mock {
    config: Config,
    state: Mutex<State>,
}

impl Mock {
    /// A mock with fresh state (the seeded token pair, if any, already valid).
    pub fn new(config: Config) -> Mock {
        let mut state = State::default();
        if let Some((access, refresh)) = &config.seed {
            state
                .access
                .insert(access.clone(), config.team_slug.clone());
            state.refresh.insert(refresh.clone());
        }
        Mock {
            config,
            state: Mutex::new(state),
        }
    }

    async fn hyper(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let reply = match body.collect().await {
            Ok(body) => {
                let request = MockRequest {
                    method: parts.method.to_string(),
                    path: parts.uri.path().to_owned(),
                    query: parts.uri.query().map(str::to_owned),
                    headers: parts
                        .headers
                        .iter()
                        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
                        .collect(),
                    body: body.to_bytes().to_vec(),
                };
                self.answer(&request).await
            }
            Err(_) => violation_reply(&Violation {
                location: "body",
                field: String::new(),
                rule: "read".into(),
                message: "could not read the request body".into(),
            }),
        };
        let mut resp = Response::new(Full::new(Bytes::from(reply.body)));
        *resp.status_mut() =
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        resp.headers_mut().insert(
            "content-type",
            hyper::header::HeaderValue::from_static(reply.content_type),
        );
        if let Some(location) = reply
            .location
            .and_then(|l| hyper::header::HeaderValue::from_str(&l).ok())
        {
            resp.headers_mut().insert("location", location);
        }
        resp
    }

    /// Answer one request: first checked against the contract document (a broken rule is a
    /// 400 `contract_violation` envelope naming it), then played by the slug's scenario.
    pub async fn answer(&self, req: &MockRequest) -> Reply {
        let (config, state) = (&self.config, &self.state);
        if req.method == "GET" && req.path == "/__mock/received" {
            let taken =
                std::mem::take(&mut state.lock().unwrap_or_else(|p| p.into_inner()).received);
            return reply(200, &json!({ "requests": taken }));
        }
        let view = RequestView {
            method: &req.method,
            path: &req.path,
            query: req.query.as_deref(),
            headers: &req.headers,
            body: &req.body,
        };
        let checked = Contract::embedded().check_request(&view);
        if !req.path.starts_with("/__mock/") {
            let op = match &checked {
                Ok(Some(m)) => Some(m.operation_id.as_str()),
                _ => None,
            };
            let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
            if st.received.len() >= MAX_RECORDED {
                st.received.pop_front();
            }
            st.received.push_back(record(req, op));
        }
        let matched = match checked {
            Ok(Some(m)) => m,
            Ok(None) if req.method == "GET" && req.path == "/__mock/stats" => {
                let st = state.lock().unwrap_or_else(|p| p.into_inner());
                return reply(
                    200,
                    &json!({
                        "refreshes": st.refreshes,
                        "tokens_issued": st.issued,
                        "oauth_refreshes": st.oauth_refreshes,
                        "oauth_rejected": st.oauth_rejected,
                        "revocations": st.revocations,
                        "oauth": oauth::stats(&st),
                    }),
                );
            }
            Ok(None) if req.path.starts_with("/__mock/oauth/") => {
                if let Some(r) = oauth::control(req, state) {
                    return r;
                }
                return reply(
                    404,
                    &envelope(404, "not_found", "unknown mock control", false),
                );
            }
            Ok(None) => {
                return reply(
                    404,
                    &envelope(
                        404,
                        "not_found",
                        &format!("no route for {} {}", req.method, req.path),
                        false,
                    ),
                )
            }
            Err(v) => return violation_reply(&v),
        };
        let body = matched.body.unwrap_or(Value::Null);
        let header = |name: &str| {
            req.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        match matched.operation_id.as_str() {
            "login" => return login(&body, config, state),
            "refresh" => return refresh(&body, config, state),
            "oauth_token" => return oauth::token(&body, config, state),
            "oauth_revoke" => return oauth::revoke(&body, state),
            "oauth_device" => {
                let host = header("host").unwrap_or("127.0.0.1");
                return oauth::device(config, state, &format!("http://{host}"));
            }
            "oauth_authorize" => {
                return oauth::authorize(req.query.as_deref().unwrap_or(""), state)
            }
            "me" => return oauth::me(req, config, state),
            "session_status" => return oauth::session_status(req, state),
            _ => {}
        }
        let query: HashMap<String, String> =
            contract::parse_query(req.query.as_deref().unwrap_or(""))
                .into_iter()
                .collect();
        let bearer = header("authorization").and_then(|h| h.strip_prefix("Bearer "));
        if let Err(resp) = authorize(bearer, header("x-team-slug"), state) {
            return *resp;
        }
        let op = matched.operation_id.as_str();
        if op == "operation" {
            let id = matched.path_params.get("id").map_or("", String::as_str);
            return poll(id, state);
        }
        let hosted = hosted::Hosted {
            op,
            query: &query,
            body: &body,
            idempotency: header("idempotency-key"),
            token: bearer.unwrap_or(""),
        };
        if let Some(reply) = hosted::answer(&hosted, config, state).await {
            return reply;
        }
        let call = Call {
            query: &query,
            body: &body,
            idempotency: header("idempotency-key"),
        };
        tracker(op, call, bearer.unwrap_or(""), config, state).await
    }
}

fn reply(status: u16, body: &Value) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body: serde_json::to_vec(body).unwrap_or_default(),
        location: None,
    }
}

fn raw(status: u16, content_type: &'static str, body: &'static str) -> Reply {
    Reply {
        status,
        content_type,
        body: body.as_bytes().to_vec(),
        location: None,
    }
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

/// The 400 `contract_violation` envelope for a broken rule; `details` says where.
fn violation_reply(v: &Violation) -> Reply {
    let mut env = envelope(400, "contract_violation", &v.message, false);
    env["details"] = json!({"location": v.location, "field": v.field, "rule": v.rule});
    reply(400, &env)
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

fn login(body: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    let user = body["username"].as_str().unwrap_or_default();
    let pass = body["password"].as_str().unwrap_or_default();
    if pass != config.password || user.is_empty() {
        return reply(
            401,
            &json!({"detail": "No active account found with the given credentials"}),
        );
    }
    reply(200, &issue_tokens(config, state))
}

fn refresh(body: &Value, config: &Config, state: &Mutex<State>) -> Reply {
    let token = body["refresh"].as_str().unwrap_or_default();
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

/// Token checks the document cannot express: a known bearer token, of the team it names.
/// (A missing `X-Team-Slug` never gets here: the contract check refuses it first.)
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
        Some(t) if t != expected_team => Err(Box::new(reply(
            403,
            &envelope(
                403,
                "team_mismatch",
                &format!("You are not a member of team {t}"),
                false,
            ),
        ))),
        _ => Ok(()),
    }
}

/// One tracker request, already checked against the contract.
struct Call<'a> {
    query: &'a HashMap<String, String>,
    body: &'a Value,
    idempotency: Option<&'a str>,
}

async fn tracker(
    op: &str,
    call: Call<'_>,
    token: &str,
    config: &Config,
    state: &Mutex<State>,
) -> Reply {
    let fields = Fields::of(op, &call);
    if let Some(resp) = routing(op, &fields) {
        return resp;
    }
    let scenario = Scenario::from_slug(&fields.project_slug).unwrap_or(config.default_scenario);
    if let Some(resp) = scenario
        .interrupt(op, token, call.idempotency, state_tripped(state), config)
        .await
    {
        return resp;
    }
    if op == "pull" && config.cache_bodies && scenario != Scenario::MissingFields {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        return st.bodies.page(&fields, config, scenario);
    }
    let body = match op {
        "status" => status_body(&fields.provider, &fields.project_slug),
        "mappings" => mappings(&fields.provider),
        "pull" => issues_page(&fields, config.issues, scenario),
        "push" => push_result(&fields, scenario),
        _ => run_result(&fields, config.issues, scenario),
    };
    let body = with_binding_ref(body, &fields);
    if matches!(op, "push" | "run") {
        if let Some(polls) = scenario.accepts() {
            let id = format!("op-{}", uuid::Uuid::new_v4().simple());
            let outcome = scenario.operation_outcome(&id, body);
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

/// The `binding_ref` values that play a stale binding (reference upstream-3.2-tracker.md
/// §4.3): `binding-not-found`, `mapping-disabled`, `project-mismatch` answer 404 / 409 / 409
/// with that code (in `_` spelling).
pub const STALE_REFS: [(&str, u16); 3] = [
    ("binding-not-found", 404),
    ("mapping-disabled", 409),
    ("project-mismatch", 409),
];

/// The `binding_ref` whose answers report a newer one, `upgrade-v2` (a binding upgrade,
/// reference §4.4). Every other ref is echoed back unchanged.
pub const UPGRADE_REF: &str = "upgrade";

/// Routing rules the parameter list of the document cannot state: exactly one of
/// `project_slug` and `binding_ref` in the query of status and mappings (the bodies say it in
/// their schemas); then the stale-binding refs.
fn routing(op: &str, fields: &Fields) -> Option<Reply> {
    if matches!(op, "status" | "mappings") && fields.by_ref == fields.has_slug {
        return Some(violation_reply(&Violation {
            location: "query",
            field: "binding_ref".into(),
            rule: "oneOf".into(),
            message: format!(
                "{op} needs exactly one of `project_slug` and `binding_ref` in its query"
            ),
        }));
    }
    let (stale, status) = STALE_REFS
        .iter()
        .find(|(r, _)| fields.by_ref && *r == fields.project_slug)?;
    let code = stale.replace('-', "_");
    Some(reply(
        *status,
        &envelope(
            *status,
            &code,
            &format!("No active binding {stale} for this project"),
            false,
        ),
    ))
}

/// A 200 body of a request routed by `binding_ref` carries the binding's current ref at the
/// top level: the same one, or `upgrade-v2` for [`UPGRADE_REF`].
fn with_binding_ref(mut body: Value, fields: &Fields) -> Value {
    if fields.by_ref {
        if let Value::Object(obj) = &mut body {
            let current = if fields.project_slug == UPGRADE_REF {
                format!("{UPGRADE_REF}-v2")
            } else {
                fields.project_slug.clone()
            };
            obj.insert("binding_ref".into(), json!(current));
        }
    }
    body
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

/// The request fields the scenarios use (the contract check has vouched for their types).
#[derive(Debug, Clone)]
pub struct Fields {
    /// Provider.
    pub provider: String,
    /// The routing value: the project slug, or the binding ref when the request is routed by
    /// one (scenarios are chosen by either).
    pub project_slug: String,
    /// Whether the request was routed by `binding_ref`.
    pub by_ref: bool,
    /// Whether a `project_slug` was sent.
    pub has_slug: bool,
    /// Page size (pull, run).
    pub limit: usize,
    /// Cursor (pull).
    pub cursor: Option<String>,
    /// Push items.
    pub items: Vec<Value>,
}

impl Fields {
    fn of(op: &str, call: &Call<'_>) -> Fields {
        let text = |key: &str| match op {
            "status" | "mappings" => call.query.get(key).cloned(),
            _ => call.body[key].as_str().map(str::to_owned),
        };
        let slug = text("project_slug");
        let by_ref = text("binding_ref");
        Fields {
            provider: text("provider").unwrap_or_default(),
            has_slug: slug.is_some(),
            by_ref: by_ref.is_some(),
            project_slug: by_ref.or(slug).unwrap_or_default(),
            limit: call.body["limit"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(100),
            cursor: call.body["cursor"].as_str().map(str::to_owned),
            items: call.body["items"].as_array().cloned().unwrap_or_default(),
        }
    }
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
