//! Who the user is and the token lifecycle the SaaS client relies on — proactive refresh of an
//! expired access token, one refresh after a 401, and a lock + re-read so two processes never
//! spend one single-use refresh token twice. Two logins are shared with the Python
//! `spec-kitty`:
//!
//! - the 3.1+ encrypted session (`<root>/auth/session.json`, see [`encrypted`]), which wins
//!   whenever it exists and decrypts; it records no server, so its tokens go only to the
//!   server resolved by the usual rules (never along a redirect: the HTTP client follows none);
//! - the 3.0 credentials file (`<root>/credentials`, see [`session`]), used otherwise and
//!   written by `auth login`. A refresh it gets rejected keeps the stored credentials (the
//!   original deleted them): the user sees who they were with `auth status`.

pub mod api;
pub mod doctor;
pub mod encrypted;
pub mod oauth;
pub mod session;

use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::http::{header_problem, Http};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use api::{Grant, Refreshed};
use encrypted::model::StoredSession;
use encrypted::refresh::{store_error, Refresher};
use encrypted::{Cause, EncryptedStore, Unreadable};
use jiff::Timestamp;
use session::Session;
use std::path::Path;

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

/// The login in use.
#[derive(Debug)]
pub enum Login {
    /// The spec-kitty 3.1+ encrypted session, with what it held when it was chosen.
    Encrypted(EncryptedStore, Box<StoredSession>),
    /// The 3.0 credentials file (possibly without a session in it).
    Legacy(CredentialsFile),
}

/// Which login to use under `state_root`: the 3.1+ session when it exists and decrypts, else
/// the 3.0 credentials file — with a warning when a 3.1+ session exists but cannot be used, and
/// `ignored` set to why. The choice is a `debug` event (shown with `-v`).
pub fn login_in_use(state_root: &Path) -> (Login, Option<Unreadable>) {
    let store = EncryptedStore::new(state_root);
    let file = CredentialsFile::new(state_root);
    let mut ignored = None;
    if store.exists() {
        match store.read_classified() {
            Ok(Some(session)) => {
                tracing::debug!(
                    "auth: using the spec-kitty 3.1+ session {} ({}); it takes precedence over {}",
                    store.session_path().display(),
                    session.email,
                    file.path.display()
                );
                return (Login::Encrypted(store, Box::new(session)), None);
            }
            Ok(None) => {}
            Err(unreadable) => {
                let fallback = if file.path.exists() {
                    format!(
                        "falling back to the 3.0 credentials file {}",
                        file.path.display()
                    )
                } else {
                    format!(
                        "and there is no 3.0 credentials file ({}) either",
                        file.path.display()
                    )
                };
                crate::output::warn(&format!(
                    "cannot use the spec-kitty 3.1+ session {}: {}; {fallback}",
                    store.session_path().display(),
                    unreadable.why,
                ));
                ignored = Some(unreadable);
            }
        }
    }
    tracing::debug!(
        "auth: using the 3.0 credentials file {}",
        file.path.display()
    );
    (Login::Legacy(file), ignored)
}

/// The hint for a 3.1+ session that exists but cannot be used, naming the command that fixes it.
pub fn unusable_session_hint(unreadable: &Unreadable) -> String {
    match unreadable.cause {
        Cause::Damaged => "the spec-kitty 3.1+ session file is damaged: `spec-kitty-tracker auth login` replaces it, `spec-kitty-tracker auth logout` removes it".into(),
        Cause::Foreign => "the spec-kitty 3.1+ session was made on another host or by another user (or is damaged): log in here with `spec-kitty-tracker auth login` (it replaces it), or remove it with `spec-kitty-tracker auth logout`".into(),
        Cause::Other => "the spec-kitty 3.1+ session cannot be used as it is (see the warning): fix that, or log in again with `spec-kitty-tracker auth login`".into(),
    }
}

/// What one request carries: the access token and the team, plus the material it came from
/// (for the refresh transaction).
#[derive(Debug, Clone)]
pub struct Bearer {
    /// Access token.
    pub access: Secret,
    /// Team sent as `X-Team-Slug`.
    pub team: String,
    /// The 3.1+ session the token came from, if it did.
    material: Option<Box<StoredSession>>,
}

/// Token access for one server.
#[derive(Debug)]
pub struct Tokens {
    /// The login in use.
    pub login: Login,
    /// The server requests go to.
    pub server: ServerUrl,
    /// HTTP client for refresh calls.
    pub http: Http,
}

impl Tokens {
    /// A token (and team) to send, refreshing first when the access token has expired.
    pub async fn valid_bearer(&self) -> Result<Bearer, CliError> {
        match &self.login {
            Login::Legacy(file) => bearer_of(self.legacy(file).valid_session().await?),
            Login::Encrypted(store, _) => {
                let session = store
                    .read()
                    .map_err(|why| store_error(store, &why))?
                    .ok_or_else(no_token)?;
                let now = Timestamp::now();
                let session = if session.access_valid(now) {
                    session
                } else if session.refresh_expired(now) {
                    return Err(session_expired());
                } else {
                    self.refresher(store).run(&session).await?
                };
                encrypted_bearer(store, session)
            }
        }
    }

    /// After the server rejected `rejected` with 401: refresh once (or pick up what another
    /// process already refreshed).
    pub async fn refresh(&self, rejected: &Bearer) -> Result<Bearer, CliError> {
        match (&self.login, &rejected.material) {
            (Login::Encrypted(store, _), Some(in_hand)) => {
                encrypted_bearer(store, self.refresher(store).run(in_hand).await?)
            }
            (Login::Legacy(file), _) => {
                bearer_of(self.legacy(file).refresh(&rejected.access).await?)
            }
            (Login::Encrypted(..), None) => Err(session_expired()),
        }
    }

    fn refresher<'a>(&'a self, store: &'a EncryptedStore) -> Refresher<'a> {
        Refresher::new(store, &self.server, &self.http)
    }

    fn legacy<'a>(&'a self, file: &'a CredentialsFile) -> LegacyTokens<'a> {
        LegacyTokens {
            file,
            server: &self.server,
            http: &self.http,
        }
    }
}

/// The bearer of a 3.1+ session; a token or team that cannot go into an HTTP header is an
/// error naming the field (never a network failure).
fn encrypted_bearer(store: &EncryptedStore, session: StoredSession) -> Result<Bearer, CliError> {
    let team = session.tracker_team()?;
    let sendable = [
        ("access_token", session.access_token.expose(), true),
        ("team id", team.as_str(), false),
    ];
    for (field, value, is_token) in sendable {
        if let Some(why) = header_problem(value, is_token) {
            return Err(store_error(store, &format!("{field}: {why}")));
        }
    }
    Ok(Bearer {
        access: session.access_token.clone(),
        team,
        material: Some(Box::new(session)),
    })
}

fn bearer_of(session: Session) -> Result<Bearer, CliError> {
    let team = session.team_slug.clone().ok_or_else(|| {
        CliError::new(
            ErrorKind::Auth,
            "no_team",
            "No team context available. Run `spec-kitty auth login` to authenticate.",
        )
    })?;
    Ok(Bearer {
        access: session.access,
        team,
        material: None,
    })
}

/// Token access through the 3.0 credentials file.
#[derive(Debug)]
struct LegacyTokens<'a> {
    file: &'a CredentialsFile,
    server: &'a ServerUrl,
    http: &'a Http,
}

impl LegacyTokens<'_> {
    /// A session with a usable access token, refreshing first when it has expired.
    async fn valid_session(&self) -> Result<Session, CliError> {
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
    async fn refresh(&self, rejected: &Secret) -> Result<Session, CliError> {
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
            match api::refresh(self.http, self.server, &current.refresh).await? {
                Refreshed::Granted(grant, problems) => {
                    let mut fresh = session_from_grant(
                        grant,
                        Some(&current),
                        None,
                        self.server,
                        Timestamp::now(),
                    );
                    if fresh.access.expose().is_empty() {
                        fresh.access = current.access.clone();
                    }
                    // Stored first: the server may have rotated the refresh token already.
                    self.file.update_locked(|doc| {
                        session::write(doc, &fresh);
                        Ok(())
                    })?;
                    if !problems.is_empty() {
                        return Err(crate::http::errors::unexpected_response(
                            &format!("POST {}", api::REFRESH_PATH),
                            &problems.join("; "),
                        )
                        .hint("the refresh token it issued was saved and the access token marked expired; run the command again to refresh once more"));
                    }
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
        let session = read_session(self.file)?.ok_or_else(no_token)?;
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
        // An access token that cannot be sent counts as expired (see `Session::access_valid`).
        let sendable = [("[user] team_slug", session.team_slug.as_deref(), false)];
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
