//! `GET /api/v1/me` with the new access token, and the session 3.2.7 builds from it
//! (reference/upstream-3.2-tracker.md §7.3): `user_id` and `email` from `/me`, `name` (absent:
//! the e-mail), teams (`slug` falling back to `id`), `default_team_id` = the first private
//! teamspace else the first team; tokens and session id from the token response; refresh
//! expiry from the token response, else `/me`'s, else none; `issued_at` = `last_used_at` = now.

use super::token::NewTokens;
use super::LoginMethod;
use crate::auth::encrypted::model::{IsoTime, StoredSession, Team};
use crate::error::{CliError, ErrorKind};
use crate::http::errors::unexpected_response;
use crate::http::{Http, Method, Request};
use crate::server_url::ServerUrl;
use jiff::Timestamp;
use serde_json::{Map, Value};

/// The user-info endpoint.
pub const ME_PATH: &str = "/api/v1/me";

/// Fetch `/api/v1/me` and build the session.
pub async fn session(
    http: &Http,
    server: &ServerUrl,
    tokens: NewTokens,
    method: LoginMethod,
) -> Result<StoredSession, CliError> {
    let mut req = Request::new(Method::Get, server.join(ME_PATH));
    req.bearer = Some(tokens.access.clone());
    let resp = http.send(req, server.as_str()).await?;
    if resp.status != 200 {
        return Err(CliError::new(
            ErrorKind::Failed,
            "user_info_failed",
            format!("User info fetch failed: HTTP {}", resp.status),
        ));
    }
    let me: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| unexpected_response(&format!("GET {ME_PATH}"), "the body is not JSON"))?;
    build(&me, tokens, method, Timestamp::now())
}

/// The session from `/me`'s answer and the tokens.
pub fn build(
    me: &Value,
    tokens: NewTokens,
    method: LoginMethod,
    now: Timestamp,
) -> Result<StoredSession, CliError> {
    let bad = |why: String| unexpected_response(&format!("GET {ME_PATH}"), &why);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let required = |k: &str| {
        text(me, k).ok_or_else(|| bad(format!("User info response missing required field '{k}'.")))
    };
    let (user_id, email) = (required("user_id")?, required("email")?);
    let raw_teams = me
        .get("teams")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("User info response missing required field 'teams'.".into()))?;
    let mut teams = Vec::new();
    for t in raw_teams {
        let field = |k: &str| {
            text(t, k).ok_or_else(|| {
                bad(format!(
                    "User info response missing required team field '{k}'."
                ))
            })
        };
        let id = field("id")?;
        teams.push(Team {
            slug: Some(text(t, "slug").unwrap_or_else(|| id.clone())),
            name: field("name")?,
            role: field("role")?,
            is_private_teamspace: t
                .get("is_private_teamspace")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            id,
            extra: Map::new(),
        });
    }
    let default_team_id = teams
        .iter()
        .find(|t| t.is_private_teamspace)
        .or(teams.first())
        .map(|t| t.id.clone())
        .ok_or_else(|| {
            CliError::new(
                ErrorKind::Auth,
                "no_teams",
                "User has no team memberships. Contact your administrator.",
            )
        })?;
    let now = Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now);
    let at = |secs: i64| {
        IsoTime::utc(Timestamp::from_second(now.as_second().saturating_add(secs)).unwrap_or(now))
    };
    let refresh_expires = tokens.refresh_expires_at.map(IsoTime::utc).or_else(|| {
        text(me, "refresh_token_expires_at")
            .and_then(|t| crate::timefmt::parse(&t))
            .map(IsoTime::utc)
    });
    Ok(StoredSession {
        name: text(me, "name").unwrap_or_else(|| email.clone()),
        user_id,
        email,
        teams,
        default_team_id,
        access_token: tokens.access,
        refresh_token: tokens.refresh,
        session_id: tokens.session_id,
        issued_at: IsoTime::utc(now),
        access_token_expires_at: at(tokens.expires_in),
        refresh_token_expires_at: refresh_expires,
        scope: tokens.scope.unwrap_or_else(|| super::SCOPE.to_owned()),
        storage_backend: "file".to_owned(),
        last_used_at: IsoTime::utc(now),
        auth_method: method.as_str().to_owned(),
        generation: tokens.generation,
        extra: Map::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    fn tokens() -> NewTokens {
        NewTokens {
            access: Secret::new("a"),
            refresh: Secret::new("r"),
            expires_in: 3600,
            session_id: "sess-1".into(),
            refresh_expires_at: None,
            scope: None,
            generation: None,
        }
    }

    #[test]
    fn the_session_follows_3_2_7s_rules() {
        let now: Timestamp = "2026-12-01T10:00:00.25Z".parse().expect("ts");
        let me = json!({"user_id": "u1", "email": "a@x", "teams": [
            {"id": "t1", "name": "Acme", "role": "member"},
            {"id": "p1", "name": "Mine", "role": "owner", "is_private_teamspace": true, "slug": "mine"}
        ], "refresh_token_expires_at": "2027-01-01T00:00:00Z"});
        let s = build(&me, tokens(), LoginMethod::Device, now).expect("session");
        assert_eq!((s.name.as_str(), s.default_team_id.as_str()), ("a@x", "p1"));
        assert_eq!(s.teams[0].slug.as_deref(), Some("t1"));
        assert_eq!(s.auth_method, "device_code");
        assert_eq!(s.issued_at.format(), "2026-12-01T10:00:00.250000+00:00");
        assert_eq!(
            s.access_token_expires_at.format(),
            "2026-12-01T11:00:00+00:00"
        );
        assert_eq!(
            s.refresh_token_expires_at.map(|t| t.format()).as_deref(),
            Some("2027-01-01T00:00:00+00:00")
        );
        assert_eq!(s.tracker_team().expect("team"), "t1");
        let err = build(
            &json!({"user_id": "u", "email": "e", "teams": []}),
            tokens(),
            LoginMethod::Browser,
            now,
        )
        .expect_err("no teams");
        assert_eq!(err.code, "no_teams");
        let err = build(
            &json!({"user_id": "u", "teams": []}),
            tokens(),
            LoginMethod::Browser,
            now,
        )
        .expect_err("no email");
        assert!(
            err.message.contains("missing required field 'email'"),
            "{}",
            err.message
        );
    }
}
