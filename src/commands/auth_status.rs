//! `auth status`: which login is in use (the spec-kitty 3.1+ session or the 3.0 credentials
//! file), who, which team, and for how long the tokens are valid (never the tokens). Offline.
//! For a 3.1+ session it shows what 3.2.7's `auth status` shows (reference/upstream-3.2-tracker.md
//! §7.5): the verdict with its evidence, user and id, teams (slug, role, private / default),
//! token lifetimes, storage, session id, last use and auth method; `--json` has the same facts.

use crate::args::AuthStatusArgs;
use crate::auth::doctor::Verdict;
use crate::auth::encrypted::model::StoredSession;
use crate::auth::{login_in_use, read_session, Login};
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::fsutil::display_path;
use crate::output::{Outcome, Template};
use crate::timefmt::{format_utc, human_duration};
use jiff::Timestamp;
use serde_json::{json, Value};

/// Show the login in use.
pub fn run(ctx: &mut Context, _args: AuthStatusArgs) -> Result<Outcome, CliError> {
    let (login, ignored) = login_in_use(&ctx.state_root()?);
    let now = Timestamp::now();
    let mut data = match &login {
        Login::Encrypted(store, session) => {
            let mut data = encrypted_status(session, now);
            data["store_path"] = json!(display_path(&store.session_path(), &ctx.cwd));
            data
        }
        Login::Legacy(file) => legacy_status(file, now, ignored.is_some())?,
    };
    if let (Login::Legacy(file), Value::Object(obj)) = (&login, &mut data) {
        obj.insert(
            "store_path".into(),
            json!(display_path(&file.path, &ctx.cwd)),
        );
        if let Some(why) = ignored {
            obj.insert("session_unusable".into(), json!(why));
        }
    }
    let mut human = data.clone();
    human["fancy"] = json!(ctx.fancy);
    for optional in ["name", "team_error", "session_unusable"] {
        if human.get(optional).is_none() {
            human[optional] = Value::Null;
        }
    }
    Ok(Outcome::report_with_json(Template::AuthStatus, human, data))
}

fn token(expires: Option<Timestamp>, valid: bool, now: Timestamp) -> Value {
    match expires {
        Some(expires) => {
            let remaining = expires.as_second() - now.as_second();
            json!({
                "valid": valid,
                "expires_at": format_utc(expires),
                "remaining_seconds": remaining.max(0),
                "remaining": human_duration(remaining),
            })
        }
        None => json!({
            "valid": valid,
            "expires_at": null,
            "remaining_seconds": null,
            "remaining": "expiry not stated by the server",
        }),
    }
}

/// `59m`, `3h`, `1125d`: the banner's compact duration.
fn compact(seconds: i64) -> String {
    let s = seconds.abs();
    if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// A lifetime as 3.2.7 words it: `expired`, `< 1 minute`, `N minute(s)`, `N hour(s)`,
/// `N day(s)`.
fn lifetime(seconds: i64) -> String {
    let unit = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s <= 0 => "expired".to_owned(),
        s if s < 60 => "< 1 minute".to_owned(),
        s if s < 3600 => unit(s / 60, "minute"),
        s if s < 86_400 => unit(s / 3600, "hour"),
        s => unit(s / 86_400, "day"),
    }
}

/// 3.2.7's verdict and its evidence.
fn verdict(session: &StoredSession, now: Timestamp) -> (&'static str, String) {
    let left = |t: Timestamp| t.as_second() - now.as_second();
    let refresh = match session.refresh_token_expires_at {
        Some(t) => format!("refresh valid {}", compact(left(t.ts))),
        None => "refresh server-managed".to_owned(),
    };
    match Verdict::of(session, now) {
        Verdict::Ok => (
            "authenticated",
            format!(
                "access valid {}; {refresh}",
                compact(left(session.access_token_expires_at.ts))
            ),
        ),
        Verdict::Unknown => (
            "cannot_verify",
            "access token expired; refresh chain not verified offline".to_owned(),
        ),
        Verdict::Fail => (
            "not_authenticated",
            format!(
                "refresh token expired {} ago",
                compact(session.refresh_token_expires_at.map_or(0, |t| left(t.ts)))
            ),
        ),
    }
}

fn encrypted_status(session: &StoredSession, now: Timestamp) -> Value {
    let team = session.tracker_team();
    let (verdict, evidence) = verdict(session, now);
    json!({
        "verdict": verdict,
        "evidence": evidence,
        "user_id": session.user_id,
        "session_id": session.session_id,
        "last_used_at": session.last_used_at.ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "storage": "Encrypted session file",
        "access_lifetime": lifetime(session.access_token_expires_at.ts.as_second() - now.as_second()),
        "refresh_lifetime": session.refresh_token_expires_at.map(|t| lifetime(t.ts.as_second() - now.as_second())),
        "auth_method_label": match session.auth_method.as_str() {
            "authorization_code" => "Browser (Authorization Code + PKCE)",
            "device_code" => "Headless (Device Authorization Grant)",
            other => other,
        },
        "authenticated": verdict != "not_authenticated",
        "store": "session",
        "username": session.email,
        "name": session.name,
        "team_slug": team.as_ref().ok(),
        "team_error": team.as_ref().err().map(|e| e.message.clone()),
        "teams": session.teams.iter().map(|t| json!({
            "id": t.id,
            "name": t.name,
            "slug": t.slug.as_deref().unwrap_or(&t.id),
            "role": t.role,
            "is_private_teamspace": t.is_private_teamspace,
            "default": t.id == session.default_team_id,
        })).collect::<Vec<_>>(),
        "server_url": null,
        "auth_method": session.auth_method,
        "access_token": token(Some(session.access_token_expires_at.ts), session.access_valid(now), now),
        "refresh_token": token(
            session.refresh_token_expires_at.map(|t| t.ts),
            !session.refresh_expired(now),
            now,
        ),
    })
}

fn legacy_status(
    file: &CredentialsFile,
    now: Timestamp,
    fell_back: bool,
) -> Result<Value, CliError> {
    let session = read_session(file)?.ok_or_else(|| {
        let err = CliError::new(ErrorKind::Auth, "not_authenticated", "Not authenticated.");
        if fell_back {
            err.hint("the spec-kitty 3.1+ session cannot be used by this user on this host: log in here with `spec-kitty-tracker auth login` (or spec-kitty 3.1+'s own login)")
        } else {
            err.hint("run `spec-kitty-tracker auth login` to authenticate")
        }
    })?;
    Ok(json!({
        "authenticated": true,
        "store": "credentials",
        "username": session.username,
        "team_slug": session.team_slug,
        "server_url": session.server_url.as_deref().map(crate::server_url::redact),
        "access_token": token(Some(session.access_expires_at), session.access_valid(now), now),
        "refresh_token": token(Some(session.refresh_expires_at), session.refresh_valid(now), now),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_and_banner_durations_read_like_3_2_7s() {
        assert_eq!(
            [0, 30, 60, 3599, 3600, 7200, 86_400, 97_200_000].map(lifetime),
            [
                "expired",
                "< 1 minute",
                "1 minute",
                "59 minutes",
                "1 hour",
                "2 hours",
                "1 day",
                "1125 days"
            ]
        );
        assert_eq!(
            [3540, 7200, 97_200_000].map(compact),
            ["59m", "2h", "1125d"]
        );
    }
}
