//! Who the user is: the stored session (shared with the Python `spec-kitty`) and the token
//! lifecycle the SaaS client relies on — proactive refresh of an expired access token, one
//! refresh after a 401, and a lock + re-read so two processes never spend one single-use
//! refresh token twice.
//!
//! A refresh rejected by the server keeps the stored credentials (the original deleted them):
//! the user sees who they were with `auth status`, and `auth login` replaces them.

pub mod api;
pub mod session;

use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::http::{header_problem, Http};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use api::{Grant, Refreshed};
use jiff::Timestamp;
use session::Session;

/// "No valid access token ..." (exit 4).
pub fn no_token() -> CliError {
    CliError::new(
        ErrorKind::Auth,
        "auth_required",
        "No valid access token. Run `spec-kitty auth login` to authenticate.",
    )
}

/// "Session expired ..." (exit 4).
pub fn session_expired() -> CliError {
    CliError::new(
        ErrorKind::Auth,
        "session_expired",
        "Session expired. Run `spec-kitty auth login` to re-authenticate.",
    )
}

/// Read the session from `file`; a broken `[tokens]` table is an error naming the field.
pub fn read_session(file: &CredentialsFile) -> Result<Option<Session>, CliError> {
    let doc = file.read()?;
    session::read(&doc).map_err(|why| {
        CliError::new(
            ErrorKind::Auth,
            "credentials_invalid",
            format!("{}: {why}", file.path.display()),
        )
        .hint("run `spec-kitty-tracker auth login --force` to replace the session")
    })
}

/// A session built from a fresh grant.
pub fn session_from_grant(
    grant: Grant,
    previous: Option<&Session>,
    username: Option<String>,
    server: &ServerUrl,
    now: Timestamp,
) -> Session {
    let at =
        |secs: i64| Timestamp::from_second(now.as_second().saturating_add(secs)).unwrap_or(now);
    Session {
        access: grant.access,
        refresh: grant
            .refresh
            .or_else(|| previous.map(|p| p.refresh.clone()))
            .unwrap_or_else(|| Secret::new("")),
        access_expires_at: at(grant.access_lifetime),
        refresh_expires_at: match (grant.refresh_lifetime, previous) {
            (Some(secs), _) => at(secs),
            (None, Some(p)) => p.refresh_expires_at,
            (None, None) => at(api::DEFAULT_REFRESH_LIFETIME),
        },
        username: username.or_else(|| previous.and_then(|p| p.username.clone())),
        team_slug: grant
            .team_slug
            .or_else(|| previous.and_then(|p| p.team_slug.clone())),
        server_url: Some(server.as_str().to_owned()),
    }
}

/// Token access for one server.
#[derive(Debug)]
pub struct Tokens {
    /// The credentials file.
    pub file: CredentialsFile,
    /// The server requests go to.
    pub server: ServerUrl,
    /// HTTP client for refresh calls.
    pub http: Http,
}

impl Tokens {
    /// A session with a usable access token, refreshing first when it has expired.
    pub async fn valid_session(&self) -> Result<Session, CliError> {
        let session = self.stored()?;
        let now = Timestamp::now();
        if session.access_valid(now) {
            return Ok(session);
        }
        if !session.refresh_valid(now) {
            return Err(no_token());
        }
        self.refresh(&session.access).await
    }

    /// After the server rejected `rejected` with 401: refresh once (or pick up the pair another
    /// process already refreshed).
    pub async fn refresh(&self, rejected: &Secret) -> Result<Session, CliError> {
        let _lock = self.file.lock()?;
        let mut retried = false;
        loop {
            let current = self.stored()?;
            let now = Timestamp::now();
            if &current.access != rejected && current.access_valid(now) {
                return Ok(current);
            }
            if !current.refresh_valid(now) {
                return Err(session_expired());
            }
            match api::refresh(&self.http, &self.server, &current.refresh).await? {
                Refreshed::Granted(grant) => {
                    let fresh = session_from_grant(
                        grant,
                        Some(&current),
                        None,
                        &self.server,
                        Timestamp::now(),
                    );
                    self.file.update_locked(|doc| {
                        session::write(doc, &fresh);
                        Ok(())
                    })?;
                    return Ok(fresh);
                }
                Refreshed::Rejected => {
                    // Another tool may have rotated the pair without our lock: re-read once.
                    let latest = self.stored()?;
                    if retried || latest.refresh == current.refresh {
                        return Err(session_expired());
                    }
                    retried = true;
                }
            }
        }
    }

    /// The stored session for this server.
    fn stored(&self) -> Result<Session, CliError> {
        let session = read_session(&self.file)?.ok_or_else(no_token)?;
        if !session.is_for(self.server.as_str()) {
            return Err(CliError::new(
                ErrorKind::Auth,
                "wrong_server",
                format!(
                    "The stored session belongs to {}, not to {}; no token is sent to another server.",
                    session.server_url.as_deref().map_or("another server".into(), crate::server_url::redact),
                    self.server.as_str()
                ),
            )
            .hint(format!("run `spec-kitty-tracker auth login --server-url {}` to log in to it", self.server.as_str())));
        }
        let sendable = [
            ("[tokens] access", Some(session.access.expose()), true),
            ("[user] team_slug", session.team_slug.as_deref(), false),
        ];
        for (field, value, is_token) in sendable {
            if let Some(why) = value.and_then(|v| header_problem(v, is_token)) {
                return Err(CliError::new(
                    ErrorKind::Auth,
                    "credentials_invalid",
                    format!("{}: {field}: {why}", self.file.path.display()),
                )
                .hint("run `spec-kitty-tracker auth login --force` to replace the session"));
            }
        }
        Ok(session)
    }
}
