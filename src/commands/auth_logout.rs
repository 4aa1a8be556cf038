//! `auth logout`: remove the login in use. The spec-kitty 3.1+ session goes as that tool's own
//! logout removes it: `session.json`, `session.salt` and the hot-path cache are deleted, then
//! its refresh token is revoked at the server resolved by the usual rules (`POST /oauth/revoke`,
//! best effort: no server, an error or no answer never keeps the session; files that cannot be
//! deleted are an error and nothing is revoked). From the
//! 3.0 credentials file only the session tables go, local provider credentials stay.
//! `--force` skips the revocation. The result names what happened to each
//! (`revocation`: `revoked`, `server_failure`, `network_error`, `skipped` (no server),
//! `skipped_force`, `skipped_unreadable` (a damaged session, or one made on another host or by
//! another user: it is removed without revocation, `unreadable_reason` says why); the local
//! session: removed).

use crate::args::AuthLogoutArgs;
use crate::auth::encrypted::EncryptedStore;
use crate::auth::{api, login_in_use, session, Login};
use crate::context::Context;
use crate::error::CliError;
use crate::fsutil::absolute_path;
use crate::http::block_on;
use crate::output::{Outcome, Template};
use serde::Serialize;

/// Log out.
pub fn run(ctx: &mut Context, args: AuthLogoutArgs) -> Result<Outcome, CliError> {
    let file = match login_in_use(&ctx.state_root()?) {
        (Login::Legacy(_), Some(unreadable)) if unreadable.removable() => {
            // A session nobody here can read: nothing to revoke (its refresh token is sealed),
            // but left in place it would keep every command warning. Removed under the same
            // session.lock; a 3.0 credentials file beside it stays, as for a readable session.
            let store = EncryptedStore::new(&ctx.state_root()?);
            store
                .delete()
                .map_err(|why| not_removed(&store.dir, &why))?;
            let report = SessionLogout {
                had_session: true,
                username: None,
                store: "session",
                revocation: "skipped_unreadable",
                unreadable_reason: Some(unreadable.why),
                store_path: absolute_path(&store.session_path(), &ctx.cwd),
            };
            return Ok(Outcome::report(Template::AuthLogout, &report));
        }
        (login, _) => login,
    };
    let file = match file {
        Login::Encrypted(store, stored) => {
            let server = match ctx.server_url() {
                Ok(server) if !args.force => Some(server),
                _ => None,
            };
            let http = server.as_ref().map(|s| ctx.http(s)).transpose()?;
            // The files go before the token is revoked: a directory they cannot be removed from
            // must not leave a session whose refresh token the server no longer honours (its
            // next refresh would fail and send the user to a login that fails the same way).
            store
                .delete()
                .map_err(|why| not_removed(&store.dir, &why))?;
            let revocation = match (server, http) {
                _ if args.force => "skipped_force",
                (Some(server), Some(http)) => {
                    block_on(api::oauth_revoke(&http, &server, &stored.refresh_token))?.as_str()
                }
                _ => "skipped",
            };
            let store_path = absolute_path(&store.session_path(), &ctx.cwd);
            let report = SessionLogout {
                had_session: true,
                username: Some(stored.email),
                store: "session",
                revocation,
                unreadable_reason: None,
                store_path,
            };
            return Ok(Outcome::report(Template::AuthLogout, &report));
        }
        Login::Legacy(file) => file,
    };
    if !file.path.exists() {
        let report = NoLogin {
            had_session: false,
            username: None,
        };
        return Ok(Outcome::report(Template::AuthLogout, &report));
    }
    let username = file.update(|doc| {
        let username = doc
            .get("user")
            .and_then(|u| u.get("username"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        Ok(session::clear(doc).then_some(username))
    })?;
    let had_session = username.is_some();
    let report = CredentialsLogout {
        had_session,
        username: username.flatten(),
        store: had_session.then_some("credentials"),
        store_path: had_session.then(|| absolute_path(&file.path, &ctx.cwd)),
    };
    Ok(Outcome::report(Template::AuthLogout, &report))
}

/// The session files could not be removed: nothing was revoked, the login still works.
fn not_removed(dir: &std::path::Path, why: &str) -> CliError {
    CliError::failed(
        "logout_failed",
        format!("Cannot log out: {why}; the session was kept and is still in use."),
    )
    .hint(format!(
        "make {} writable by you, then run `spec-kitty-tracker auth logout` again",
        dir.display()
    ))
}

/// The spec-kitty 3.1+ session removed, and what became of its refresh token.
#[derive(Serialize)]
struct SessionLogout {
    had_session: bool,
    username: Option<String>,
    store: &'static str,
    revocation: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable_reason: Option<String>,
    store_path: String,
}

/// The session tables cleared from the 3.0 credentials file (when it had one).
#[derive(Serialize)]
struct CredentialsLogout {
    had_session: bool,
    username: Option<String>,
    store: Option<&'static str>,
    store_path: Option<String>,
}

/// No login to remove.
#[derive(Serialize)]
struct NoLogin {
    had_session: bool,
    username: Option<String>,
}
