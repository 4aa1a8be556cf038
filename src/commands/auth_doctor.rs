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
use crate::fsutil::display_path;
use crate::http::{block_on, Method, Request};
use crate::output::{Outcome, Template};
use jiff::Timestamp;
use serde_json::{json, Value};

/// The session-status endpoint.
const SESSION_STATUS_PATH: &str = "/api/v1/session-status";

/// Diagnose the login.
pub fn run(ctx: &mut Context, args: AuthDoctorArgs) -> Result<Outcome, CliError> {
    let root = ctx.state_root()?;
    let store = EncryptedStore::new(&root);
    let threshold = args.stuck_threshold as f64;
    let (session, unreadable) = match store.read() {
        Ok(s) => (s, None),
        Err(why) => (None, Some(why)),
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
    let findings = doctor::findings(
        session.as_ref(),
        legacy_user.as_deref(),
        record.as_ref(),
        threshold,
        server.as_ref(),
        now,
    );
    let critical = findings.iter().any(|f| f["severity"] == "critical");
    let verdict = session
        .as_ref()
        .map(|s| match (&server, Verdict::of(s, now)) {
            (Some(ServerCheck::Active(_)), _) => "ok",
            (Some(ServerCheck::Invalid), _) | (_, Verdict::Fail) => "fail",
            (_, Verdict::Unknown) => "unknown",
            (_, Verdict::Ok) => "ok",
        });
    let mut data = json!({
        "schema_version": 2,
        "generated_at": crate::timefmt::format_utc(now),
        "auth_root": display_path(&store.dir, &ctx.cwd),
        "session": session.as_ref().map(|s| session_json(s, now, &display_path(&store.session_path(), &ctx.cwd))),
        "session_unreadable": unreadable,
        "legacy_login": legacy_user,
        "verdict": verdict,
        "refresh_lock": {
            "held": record.is_some(),
            "holder_pid": record.as_ref().map(|r| r.pid),
            "holder_host": record.as_ref().map(|r| r.host.clone()),
            "started_at": record.as_ref().map(|r| crate::timefmt::format_utc(r.started_at)),
            "age_s": record.as_ref().map(|r| (r.age(now) * 10.0).round() / 10.0),
            "stuck": record.as_ref().is_some_and(|r| r.age(now) > threshold),
            "stuck_threshold_s": threshold,
        },
        "findings": findings,
    });
    if let Some(check) = &server {
        data["server_session"] = match check {
            ServerCheck::Active(id) => json!({"active": true, "session_id": id, "error": null}),
            ServerCheck::Invalid => {
                json!({"active": false, "session_id": null, "error": "re-authenticate"})
            }
            ServerCheck::Failed(why) => json!({"active": false, "session_id": null, "error": why}),
        };
    }
    if let Some(result) = unstick {
        data["unstick_lock"] = json!(result);
    }
    let mut human = data.clone();
    human["fancy"] = json!(ctx.fancy);
    human["asked_server"] = json!(args.server);
    for key in ["server_session", "unstick_lock"] {
        if human.get(key).is_none() {
            human[key] = Value::Null;
        }
    }
    let outcome = Outcome::report_with_json(Template::AuthDoctor, human, data);
    Ok(if critical {
        outcome.with_exit_code(1)
    } else {
        outcome
    })
}

fn session_json(s: &StoredSession, now: Timestamp, path: &str) -> Value {
    let remaining = |t: Timestamp| (t.as_millisecond() - now.as_millisecond()) as f64 / 1000.0;
    json!({
        "present": true,
        "session_id": s.session_id,
        "user_email": s.email,
        "user_name": s.name,
        "access_token_remaining_s": remaining(s.access_token_expires_at.ts),
        "refresh_token_remaining_s": s.refresh_token_expires_at.map(|t| remaining(t.ts)),
        "access_remaining": crate::timefmt::human_duration(remaining(s.access_token_expires_at.ts) as i64),
        "refresh_remaining": s.refresh_token_expires_at.map(|t| crate::timefmt::human_duration(remaining(t.ts) as i64)),
        "storage_backend": s.storage_backend,
        "path": path,
    })
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
