//! The session object inside `session.json`, field for field as spec-kitty-cli 3.1+
//! (`auth/session.py`, `StoredSession.to_dict`) writes it. Fields this tool does not know are
//! kept on rewrite. Timestamps are written like Python's `datetime.isoformat()` for UTC
//! (`2026-11-25T09:52:48+00:00`, microseconds only when non-zero); `Z` and naive values read as UTC.

use crate::error::{CliError, ErrorKind};
use crate::secret::Secret;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::timefmt::IsoTime;

/// Refresh when the access token expires within this many seconds (3.2.7's buffer).
pub const REFRESH_BUFFER_SECONDS: i64 = 5;

/// One team of the session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Team {
    /// Team id (3.2.7 sends the collaborative team's id as `X-Team-Slug`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role in the team.
    pub role: String,
    /// Whether this is the user's private teamspace.
    #[serde(default)]
    pub is_private_teamspace: bool,
    /// Slug (absent in older sessions: the id stands in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Fields this tool does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The stored 3.1+ session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSession {
    /// Account id.
    pub user_id: String,
    /// Account email (the user's identity).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Teams the user belongs to.
    pub teams: Vec<Team>,
    /// Team picked by the Python client for display.
    pub default_team_id: String,
    /// Access token.
    #[serde(with = "secret")]
    pub access_token: Secret,
    /// Refresh token (single use; rotated by every refresh).
    #[serde(with = "secret")]
    pub refresh_token: Secret,
    /// Session id (with the refresh token, the identity of the stored material).
    pub session_id: String,
    /// When the tokens were issued.
    pub issued_at: IsoTime,
    /// When the access token expires.
    pub access_token_expires_at: IsoTime,
    /// When the refresh token expires; `None` when the server did not say.
    #[serde(default)]
    pub refresh_token_expires_at: Option<IsoTime>,
    /// OAuth scope.
    pub scope: String,
    /// Storage backend (`file`).
    pub storage_backend: String,
    /// Last use.
    pub last_used_at: IsoTime,
    /// How the login was made.
    pub auth_method: String,
    /// Token-family generation counter.
    #[serde(default)]
    pub generation: Option<i64>,
    /// Fields this tool does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StoredSession {
    /// Parse the decrypted plaintext.
    pub fn from_json(bytes: &[u8]) -> Result<StoredSession, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("not a valid session: {e}"))
    }

    /// The plaintext to encrypt.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Whether the access token is still usable at `now` (not within the refresh buffer). One
    /// that cannot go into an HTTP header (CR/LF, non-ASCII: 3.2.7 stores what the server sent)
    /// counts as expired, so it is refreshed instead of refused.
    pub fn access_valid(&self, now: Timestamp) -> bool {
        self.access_token_expires_at.ts.as_second() - REFRESH_BUFFER_SECONDS > now.as_second()
            && crate::http::header_problem(self.access_token.expose(), true).is_none()
    }

    /// Whether the refresh token is known to have expired (unknown expiry: not expired).
    pub fn refresh_expired(&self, now: Timestamp) -> bool {
        self.refresh_token_expires_at
            .is_some_and(|t| t.ts.as_second() <= now.as_second())
    }

    /// Whether `other` is the same stored material: `(session_id, refresh_token)` equal.
    pub fn same_material(&self, other: &StoredSession) -> bool {
        self.session_id == other.session_id && self.refresh_token == other.refresh_token
    }

    /// The team sent as `X-Team-Slug`: like 3.2.7, the `id` of the one team that is not the
    /// private teamspace; an error naming the teams when there is none or several.
    pub fn tracker_team(&self) -> Result<String, CliError> {
        let shared: Vec<&Team> = self
            .teams
            .iter()
            .filter(|t| !t.is_private_teamspace && !t.id.trim().is_empty())
            .collect();
        if let [one] = shared.as_slice() {
            return Ok(one.id.trim().to_owned());
        }
        let names = |teams: &[&Team]| {
            teams
                .iter()
                .map(|t| format!("{} ({})", t.name, t.id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let message = if shared.is_empty() {
            let all: Vec<&Team> = self.teams.iter().collect();
            format!(
                "The spec-kitty session of {} has no shared team for tracker requests (teams: {}).",
                self.email,
                if all.is_empty() {
                    "none".to_owned()
                } else {
                    names(&all)
                }
            )
        } else {
            format!(
                "The spec-kitty session of {} has several shared teams ({}); tracker requests need exactly one.",
                self.email,
                names(&shared)
            )
        };
        Err(CliError::new(ErrorKind::Auth, "no_team", message).hint(
            "spec-kitty 3.2 sends the one non-private team as X-Team-Slug; ask the team admin to fix the membership, or log in with `spec-kitty-tracker auth login` and `auth logout` the 3.1+ session",
        ))
    }
}

/// Serde for tokens kept as [`Secret`].
mod secret {
    use crate::secret::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plaintext of the Python-made vector (tests/fixtures/session32/vector.json).
    fn python_session() -> (String, StoredSession) {
        let v: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/session32/vector.json"
        ))
        .expect("vector");
        let text = v["plaintext"].as_str().expect("plaintext").to_owned();
        let s = StoredSession::from_json(text.as_bytes()).expect("session");
        (text, s)
    }

    #[test]
    fn reads_what_python_wrote_and_writes_the_same_fields() {
        let (text, s) = python_session();
        assert_eq!(s.email, "ada@example.com");
        assert_eq!(s.access_token.expose(), "vector-access");
        assert_eq!(s.refresh_token_expires_at, None);
        assert_eq!(
            s.access_token_expires_at.format(),
            "2026-11-25T10:52:48.250000+00:00"
        );
        assert_eq!(s.issued_at.format(), "2026-11-25T09:52:48+00:00");
        let ours: Value = serde_json::from_slice(&s.to_json()).expect("json");
        let theirs: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(ours, theirs, "same object after a round trip");
    }

    #[test]
    fn the_one_shared_team_is_the_tracker_team() {
        let (_, mut s) = python_session();
        assert_eq!(s.tracker_team().expect("one"), "demo-team");
        let mut second = s.teams[1].clone();
        second.id = "other".into();
        second.name = "Other".into();
        s.teams.push(second);
        let err = s.tracker_team().expect_err("several");
        assert_eq!(err.kind.exit_code(), 4);
        assert!(
            err.message.contains("Demo Team (demo-team), Other (other)"),
            "{}",
            err.message
        );
        s.teams.retain(|t| t.is_private_teamspace);
        let err = s.tracker_team().expect_err("none");
        assert!(
            err.message.contains("no shared team") && err.message.contains("Ada (private)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn z_and_naive_timestamps_read_as_utc_and_unknown_fields_survive() {
        let (text, _) = python_session();
        let mut v: Value = serde_json::from_str(&text).expect("json");
        v["issued_at"] = "2026-11-25T09:52:48Z".into();
        v["last_used_at"] = "2026-11-25T09:52:48".into();
        v["future_field"] = serde_json::json!({"x": 1});
        let s: StoredSession = serde_json::from_value(v).expect("session");
        assert_eq!(s.issued_at.format(), "2026-11-25T09:52:48+00:00");
        assert_eq!(s.last_used_at.format(), "2026-11-25T09:52:48+00:00");
        let back: Value = serde_json::from_slice(&s.to_json()).expect("json");
        assert_eq!(back["future_field"]["x"], 1);
    }
}
