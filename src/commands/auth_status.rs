//! `auth status`: which login is in use (the spec-kitty 3.1+ session or the 3.0 credentials
//! file), who, which team, and for how long the tokens are valid (never the tokens). Offline.
//! For a 3.1+ session it shows what 3.2.7's `auth status` shows (reference/upstream-3.2-tracker.md
//! §7.5): the verdict with its evidence, user and id, teams (slug, role, private / default),
//! token lifetimes, storage, session id, last use and auth method; `--json` has the same facts.

use crate::args::AuthStatusArgs;
use crate::auth::doctor::Verdict;
use crate::auth::encrypted::model::StoredSession;
use crate::auth::encrypted::Unreadable;
use crate::auth::{login_in_use, read_session, unusable_session_hint, Login};
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::fsutil::absolute_path;
use crate::output::{Outcome, Template};
use crate::timefmt::{format_utc, human_duration};
use jiff::Timestamp;
use serde::Serialize;

/// Show the login in use.
pub fn run(ctx: &mut Context, _args: AuthStatusArgs) -> Result<Outcome, CliError> {
    let (login, ignored) = login_in_use(&ctx.state_root()?);
    let now = Timestamp::now();
    match &login {
        Login::Encrypted(store, session) => {
            let path = absolute_path(&store.session_path(), &ctx.cwd);
            let report = encrypted_status(session, now, path);
            Ok(Outcome::report(Template::AuthStatus, &report))
        }
        Login::Legacy(file) => {
            let path = absolute_path(&file.path, &ctx.cwd);
            let report = legacy_status(file, now, ignored, path)?;
            Ok(Outcome::report(Template::AuthStatus, &report))
        }
    }
}

/// A token's lifetime.
#[derive(Serialize)]
struct Token {
    valid: bool,
    expires_at: Option<String>,
    remaining_seconds: Option<i64>,
    /// In words.
    remaining: String,
}

fn token(expires: Option<Timestamp>, valid: bool, now: Timestamp) -> Token {
    match expires {
        Some(expires) => {
            let remaining = expires.as_second() - now.as_second();
            Token {
                valid,
                expires_at: Some(format_utc(expires)),
                remaining_seconds: Some(remaining.max(0)),
                remaining: human_duration(remaining),
            }
        }
        None => Token {
            valid,
            expires_at: None,
            remaining_seconds: None,
            remaining: "expiry not stated by the server".to_owned(),
        },
    }
}

/// A spec-kitty 3.1+ session, as 3.2.7's `auth status` shows it.
#[derive(Serialize)]
struct SessionStatus<'a> {
    verdict: &'static str,
    evidence: String,
    user_id: &'a str,
    session_id: &'a str,
    last_used_at: String,
    storage: &'static str,
    access_lifetime: String,
    refresh_lifetime: Option<String>,
    auth_method_label: &'a str,
    authenticated: bool,
    store: &'static str,
    username: &'a str,
    name: &'a str,
    team_slug: Option<String>,
    team_error: Option<String>,
    teams: Vec<TeamRow<'a>>,
    /// Not in the session (always null).
    server_url: Option<String>,
    auth_method: &'a str,
    access_token: Token,
    refresh_token: Token,
    store_path: String,
}

/// One of the session's teams.
#[derive(Serialize)]
struct TeamRow<'a> {
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    role: &'a str,
    is_private_teamspace: bool,
    default: bool,
}

/// A 3.0 login from the credentials file.
#[derive(Serialize)]
struct CredentialsStatus {
    authenticated: bool,
    store: &'static str,
    username: Option<String>,
    team_slug: Option<String>,
    server_url: Option<String>,
    access_token: Token,
    refresh_token: Token,
    store_path: String,
    /// Why the spec-kitty 3.1+ session was not used (only when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    session_unusable: Option<String>,
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

fn encrypted_status(
    session: &StoredSession,
    now: Timestamp,
    store_path: String,
) -> SessionStatus<'_> {
    let team = session.tracker_team();
    let (verdict, evidence) = verdict(session, now);
    let left = |t: Timestamp| t.as_second() - now.as_second();
    SessionStatus {
        verdict,
        evidence,
        user_id: &session.user_id,
        session_id: &session.session_id,
        last_used_at: session
            .last_used_at
            .ts
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        storage: "Encrypted session file",
        access_lifetime: lifetime(left(session.access_token_expires_at.ts)),
        refresh_lifetime: session
            .refresh_token_expires_at
            .map(|t| lifetime(left(t.ts))),
        auth_method_label: match session.auth_method.as_str() {
            "authorization_code" => "Browser (Authorization Code + PKCE)",
            "device_code" => "Headless (Device Authorization Grant)",
            other => other,
        },
        authenticated: verdict != "not_authenticated",
        store: "session",
        username: &session.email,
        name: &session.name,
        team_error: team.as_ref().err().map(|e| e.message.clone()),
        team_slug: team.ok(),
        teams: session
            .teams
            .iter()
            .map(|t| TeamRow {
                id: &t.id,
                name: &t.name,
                slug: t.slug.as_deref().unwrap_or(&t.id),
                role: &t.role,
                is_private_teamspace: t.is_private_teamspace,
                default: t.id == session.default_team_id,
            })
            .collect(),
        server_url: None,
        auth_method: &session.auth_method,
        access_token: token(
            Some(session.access_token_expires_at.ts),
            session.access_valid(now),
            now,
        ),
        refresh_token: token(
            session.refresh_token_expires_at.map(|t| t.ts),
            !session.refresh_expired(now),
            now,
        ),
        store_path,
    }
}

/// The 3.0 login; `ignored`: why a 3.1+ session that is there was not used.
fn legacy_status(
    file: &CredentialsFile,
    now: Timestamp,
    ignored: Option<Unreadable>,
    store_path: String,
) -> Result<CredentialsStatus, CliError> {
    let session = read_session(file)?.ok_or_else(|| {
        let err = CliError::new(ErrorKind::Auth, "not_authenticated", "Not authenticated.");
        if let Some(unreadable) = &ignored {
            err.hint(unusable_session_hint(unreadable))
        } else {
            err.hint("run `spec-kitty-tracker auth login` to authenticate")
        }
    })?;
    Ok(CredentialsStatus {
        authenticated: true,
        store: "credentials",
        access_token: token(
            Some(session.access_expires_at),
            session.access_valid(now),
            now,
        ),
        refresh_token: token(
            Some(session.refresh_expires_at),
            session.refresh_valid(now),
            now,
        ),
        server_url: session.server_url.as_deref().map(crate::server_url::redact),
        username: session.username,
        team_slug: session.team_slug,
        store_path,
        session_unusable: ignored.map(|u| u.why),
    })
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
