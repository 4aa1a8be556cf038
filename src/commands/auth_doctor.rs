//! `auth doctor`: the local, read-only diagnosis of the spec-kitty 3.1+ login (see
//! [`crate::auth::doctor`]), plus, on request, the server's view of the session (`--server`)
//! and the release of a stuck `refresh.lock` (`--unstick-lock`). Exit 1 while a critical
//! finding remains.

use crate::args::AuthDoctorArgs;
use crate::auth::doctor::{self, LockRecord, ServerCheck, Verdict};
use crate::auth::encrypted::model::StoredSession;
use crate::auth::encrypted::{lock, EncryptedStore};
use crate::auth::{Login, Tokens};
use crate::context::Context;
use crate::error::{CliError, ErrorKind};
use crate::fsutil::absolute_path;
use crate::http::{block_on, Method, Request};
use crate::output::{Outcome, Template};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

/// The session-status endpoint.
const SESSION_STATUS_PATH: &str = "/api/v1/session-status";

/// Diagnose the login.
pub fn run(ctx: &mut Context, args: AuthDoctorArgs) -> Result<Outcome, CliError> {
    let root = ctx.state_root()?;
    let store = EncryptedStore::new(&root);
    let threshold = args.stuck_threshold as f64;
    let (session, unreadable) = match store.read_classified() {
        Ok(s) => (s, None),
        Err(u) => (None, Some(u)),
    };
    let server = match (&session, args.server) {
        (Some(s), true) => Some(server_check(ctx, &root, s)?),
        _ => None,
    };
    let read_lock = || {
        std::fs::read(store.refresh_lock_path())
            .ok()
            .and_then(|b| LockRecord::parse(&b))
    };
    let mut unstick = None;
    if args.unstick_lock {
        let stuck = |r: &LockRecord| r.age(Timestamp::now()) > threshold;
        unstick = Some(if read_lock().as_ref().is_some_and(stuck) {
            let released = lock::release_stuck(&store.refresh_lock_path(), |bytes| {
                LockRecord::parse(bytes).as_ref().is_some_and(stuck)
            })
            .unwrap_or(false);
            if released {
                "released"
            } else {
                "not_removed"
            }
        } else {
            "not_stuck"
        });
    }
    let now = Timestamp::now();
    let record = read_lock();
    let legacy_user = match &session {
        Some(_) => None,
        None => crate::auth::read_session(&crate::credentials::CredentialsFile::new(&root))
            .ok()
            .flatten()
            .map(|s| s.username.unwrap_or_else(|| "an unnamed user".into())),
    };
    let mut findings = doctor::findings(
        session.as_ref(),
        legacy_user.as_deref(),
        record.as_ref(),
        threshold,
        server.as_ref(),
        now,
    );
    if let Some(u) = unreadable.as_ref().filter(|u| u.removable()) {
        doctor::unreadable_session(&mut findings, u);
    }
    let critical = findings.iter().any(|f| f["severity"] == "critical");
    let verdict = session
        .as_ref()
        .map(|s| match (&server, Verdict::of(s, now)) {
            (Some(ServerCheck::Active(_)), _) => "ok",
            (Some(ServerCheck::Invalid), _) | (_, Verdict::Fail) => "fail",
            (_, Verdict::Unknown) => "unknown",
            (_, Verdict::Ok) => "ok",
        });
    let session_path = absolute_path(&store.session_path(), &ctx.cwd);
    let report = Doctor {
        schema_version: 2,
        generated_at: crate::timefmt::format_utc(now),
        auth_root: absolute_path(&store.dir, &ctx.cwd),
        session: session
            .as_ref()
            .map(|s| session_facts(s, now, session_path)),
        session_unreadable: unreadable.map(|u| u.why),
        legacy_login: legacy_user,
        verdict,
        refresh_lock: RefreshLock {
            held: record.is_some(),
            holder_pid: record.as_ref().map(|r| r.pid),
            holder_host: record.as_ref().map(|r| r.host.clone()),
            started_at: record
                .as_ref()
                .map(|r| crate::timefmt::format_utc(r.started_at)),
            age_s: record.as_ref().map(|r| (r.age(now) * 10.0).round() / 10.0),
            stuck: record.as_ref().is_some_and(|r| r.age(now) > threshold),
            stuck_threshold_s: threshold,
        },
        findings,
        server_session: server.map(|check| match check {
            ServerCheck::Active(id) => ServerSession {
                active: true,
                session_id: Some(id),
                error: None,
            },
            ServerCheck::Invalid => ServerSession {
                active: false,
                session_id: None,
                error: Some("re-authenticate".into()),
            },
            ServerCheck::Failed(why) => ServerSession {
                active: false,
                session_id: None,
                error: Some(why),
            },
        }),
        unstick_lock: unstick,
    };
    let outcome = Outcome::report(Template::AuthDoctor, &report);
    Ok(if critical {
        outcome.with_exit_code(1)
    } else {
        outcome
    })
}

/// The diagnosis (`schema_version` 2 of 3.2.7's `auth doctor --json`).
#[derive(Serialize)]
struct Doctor {
    schema_version: u8,
    generated_at: String,
    auth_root: String,
    session: Option<SessionFacts>,
    session_unreadable: Option<String>,
    legacy_login: Option<String>,
    verdict: Option<&'static str>,
    refresh_lock: RefreshLock,
    findings: Vec<Value>,
    /// With `--server`.
    #[serde(skip_serializing_if = "Option::is_none")]
    server_session: Option<ServerSession>,
    /// With `--unstick-lock`: `released`, `not_stuck` or `not_removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    unstick_lock: Option<&'static str>,
}

/// The stored session (never its tokens).
#[derive(Serialize)]
struct SessionFacts {
    present: bool,
    session_id: String,
    user_email: String,
    user_name: String,
    access_token_remaining_s: f64,
    refresh_token_remaining_s: Option<f64>,
    access_remaining: String,
    refresh_remaining: Option<String>,
    storage_backend: String,
    path: String,
}

/// Who holds `refresh.lock`, and since when.
#[derive(Serialize)]
struct RefreshLock {
    held: bool,
    holder_pid: Option<i64>,
    holder_host: Option<String>,
    started_at: Option<String>,
    age_s: Option<f64>,
    stuck: bool,
    stuck_threshold_s: f64,
}

/// The server's view of the session.
#[derive(Serialize)]
struct ServerSession {
    active: bool,
    session_id: Option<String>,
    error: Option<String>,
}

fn session_facts(s: &StoredSession, now: Timestamp, path: String) -> SessionFacts {
    let remaining = |t: Timestamp| (t.as_millisecond() - now.as_millisecond()) as f64 / 1000.0;
    let words = |seconds: f64| crate::timefmt::human_duration(seconds as i64);
    let access = remaining(s.access_token_expires_at.ts);
    let refresh = s.refresh_token_expires_at.map(|t| remaining(t.ts));
    SessionFacts {
        present: true,
        session_id: s.session_id.clone(),
        user_email: s.email.clone(),
        user_name: s.name.clone(),
        access_token_remaining_s: access,
        refresh_token_remaining_s: refresh,
        access_remaining: words(access),
        refresh_remaining: refresh.map(words),
        storage_backend: s.storage_backend.clone(),
        path,
    }
}

/// Ask the server about the session: a valid access token first (refreshing when needed),
/// then `GET /api/v1/session-status`.
fn server_check(
    ctx: &Context,
    root: &std::path::Path,
    session: &StoredSession,
) -> Result<ServerCheck, CliError> {
    let server = match ctx.server_url() {
        Ok(s) => s,
        Err(_) => return Ok(ServerCheck::Failed("SaaS URL not configured".into())),
    };
    let http = ctx.http(&server)?;
    let tokens = Tokens {
        login: Login::Encrypted(EncryptedStore::new(root), Box::new(session.clone())),
        server: server.clone(),
        http: http.clone(),
    };
    block_on(async {
        let bearer = match tokens.valid_bearer().await {
            Ok(b) => b,
            Err(e) if e.kind == ErrorKind::Auth => return ServerCheck::Invalid,
            Err(e) => return ServerCheck::Failed(e.message),
        };
        let mut req = Request::new(Method::Get, server.join(SESSION_STATUS_PATH));
        req.bearer = Some(bearer.access);
        match http.send(req, server.as_str()).await {
            Ok(r) if r.status == 200 => ServerCheck::Active(
                serde_json::from_slice::<Value>(&r.body)
                    .ok()
                    .and_then(|v| {
                        v.get("session_id")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default(),
            ),
            Ok(r) if r.status == 401 => ServerCheck::Invalid,
            Ok(r) => ServerCheck::Failed(format!("Server returned HTTP {}", r.status)),
            Err(e) => ServerCheck::Failed(e.message),
        }
    })
}
