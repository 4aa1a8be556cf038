//! The login session inside the shared credentials file, in the original's layout:
//! `[tokens] access, refresh, access_expires_at, refresh_expires_at`, `[user] username,
//! team_slug`, `[server] url`. Only these keys are written; everything else is kept.

use crate::secret::Secret;
use crate::timefmt;
use jiff::Timestamp;
use toml_edit::{DocumentMut, Item, Table};

/// Clock skew tolerated when deciding whether a token is still valid.
const SKEW_SECONDS: i64 = 10;

/// A stored session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Access token.
    pub access: Secret,
    /// Refresh token.
    pub refresh: Secret,
    /// When the access token expires.
    pub access_expires_at: Timestamp,
    /// When the refresh token expires.
    pub refresh_expires_at: Timestamp,
    /// Login name.
    pub username: Option<String>,
    /// Team sent as `X-Team-Slug`.
    pub team_slug: Option<String>,
    /// Server that issued the tokens.
    pub server_url: Option<String>,
}

impl Session {
    /// Whether the access token is usable at `now`; one that cannot go into an HTTP header
    /// counts as expired (it is refreshed, not refused).
    pub fn access_valid(&self, now: Timestamp) -> bool {
        self.access_expires_at.as_second() - SKEW_SECONDS > now.as_second()
            && crate::http::header_problem(self.access.expose(), true).is_none()
    }

    /// Whether the refresh token is usable at `now`.
    pub fn refresh_valid(&self, now: Timestamp) -> bool {
        self.refresh_expires_at.as_second() - SKEW_SECONDS > now.as_second()
    }

    /// Whether the session was issued by `server` (a session without a server URL, as very old
    /// files have, is accepted for any server).
    pub fn is_for(&self, server: &str) -> bool {
        self.server_url
            .as_deref()
            .is_none_or(|s| s.trim_end_matches('/') == server)
    }
}

/// Read the session; `Ok(None)` when there is no `[tokens]` table. A table with missing or
/// malformed fields is an error naming the field.
pub fn read(doc: &DocumentMut) -> Result<Option<Session>, String> {
    let Some(tokens) = doc.get("tokens") else {
        return Ok(None);
    };
    let text = |table: &Item, key: &str| -> Option<String> {
        table
            .get(key)
            .and_then(Item::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let required =
        |key: &str| text(tokens, key).ok_or_else(|| format!("[tokens] {key} is missing"));
    let time = |key: &str| -> Result<Timestamp, String> {
        let raw = required(key)?;
        timefmt::parse(&raw).ok_or_else(|| format!("[tokens] {key} is not a timestamp: '{raw}'"))
    };
    let user = doc.get("user");
    let server = doc.get("server");
    Ok(Some(Session {
        access: Secret::new(required("access")?),
        refresh: Secret::new(required("refresh")?),
        access_expires_at: time("access_expires_at")?,
        refresh_expires_at: time("refresh_expires_at")?,
        username: user.and_then(|u| text(u, "username")),
        team_slug: user.and_then(|u| text(u, "team_slug")),
        server_url: server.and_then(|s| text(s, "url")),
    }))
}

/// Write `session` into its three tables, keeping other keys and tables.
pub fn write(doc: &mut DocumentMut, session: &Session) {
    let tokens = table(doc, "tokens");
    tokens.insert("access", toml_edit::value(session.access.expose()));
    tokens.insert("refresh", toml_edit::value(session.refresh.expose()));
    tokens.insert(
        "access_expires_at",
        toml_edit::value(timefmt::format_utc(session.access_expires_at)),
    );
    tokens.insert(
        "refresh_expires_at",
        toml_edit::value(timefmt::format_utc(session.refresh_expires_at)),
    );
    let user = table(doc, "user");
    set_or_remove(user, "username", session.username.as_deref());
    set_or_remove(user, "team_slug", session.team_slug.as_deref());
    if user.is_empty() {
        doc.remove("user");
    }
    let server = table(doc, "server");
    set_or_remove(server, "url", session.server_url.as_deref());
    if server.is_empty() {
        doc.remove("server");
    }
}

/// Remove the session tables; returns whether there was a session.
pub fn clear(doc: &mut DocumentMut) -> bool {
    let had = doc.contains_key("tokens");
    for key in ["tokens", "user", "server"] {
        doc.remove(key);
    }
    had
}

fn table<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut Table {
    if !doc.get(key).is_some_and(Item::is_table) {
        doc.insert(key, Item::Table(Table::new()));
    }
    match doc.get_mut(key).and_then(Item::as_table_mut) {
        Some(t) => t,
        None => unreachable!("inserted above"),
    }
}

fn set_or_remove(table: &mut Table, key: &str, value: Option<&str>) {
    match value {
        Some(v) => {
            table.insert(key, toml_edit::value(v));
        }
        None => {
            table.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file as the Python spec-kitty writes it.
    pub const ORIGINAL: &str = r#"[tokens]
access = "acc-1"
refresh = "ref-1"
access_expires_at = "2026-11-24T10:15:00.123456+00:00"
refresh_expires_at = "2026-12-01T10:00:00+00:00"

[user]
username = "alice"
team_slug = "acme"

[server]
url = "https://app.spec-kitty.ai"

[tracker.providers.beads]
command = "bd"
"#;

    #[test]
    fn reads_the_original_layout() {
        let doc: DocumentMut = ORIGINAL.parse().expect("toml");
        let s = read(&doc).expect("valid").expect("present");
        assert_eq!(s.access.expose(), "acc-1");
        assert_eq!(s.username.as_deref(), Some("alice"));
        assert_eq!(s.team_slug.as_deref(), Some("acme"));
        assert!(s.is_for("https://app.spec-kitty.ai"));
        assert!(!s.is_for("https://other.example"));
        assert_eq!(
            timefmt::format_utc(s.refresh_expires_at),
            "2026-12-01T10:00:00+00:00"
        );
    }

    #[test]
    fn missing_fields_and_bad_timestamps_are_named() {
        let doc: DocumentMut = "[tokens]\naccess = \"a\"\n".parse().expect("toml");
        assert_eq!(
            read(&doc).expect_err("missing"),
            "[tokens] refresh is missing"
        );
        let doc: DocumentMut = "[tokens]\naccess = \"a\"\nrefresh = \"r\"\naccess_expires_at = \"soon\"\nrefresh_expires_at = \"2026-01-01T00:00:00\"\n"
            .parse()
            .expect("toml");
        assert_eq!(
            read(&doc).expect_err("bad time"),
            "[tokens] access_expires_at is not a timestamp: 'soon'"
        );
        assert!(read(&DocumentMut::new()).expect("empty").is_none());
    }

    #[test]
    fn write_and_clear_keep_foreign_tables() {
        let mut doc: DocumentMut = ORIGINAL.parse().expect("toml");
        let mut s = read(&doc).expect("valid").expect("present");
        s.access = Secret::new("acc-2");
        write(&mut doc, &s);
        let text = doc.to_string();
        assert!(text.contains("access = \"acc-2\""), "{text}");
        assert!(
            text.contains("[tracker.providers.beads]\ncommand = \"bd\"\n"),
            "{text}"
        );
        assert!(clear(&mut doc));
        assert_eq!(
            doc.to_string().trim(),
            "[tracker.providers.beads]\ncommand = \"bd\""
        );
    }
}
