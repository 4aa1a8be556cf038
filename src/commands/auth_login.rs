//! `auth login`: the OAuth login of spec-kitty 3.1+ (browser, or `--headless` device code; see
//! [`crate::auth::oauth`]) stored in the encrypted session store, or, with `--username` /
//! `--password-stdin`, the 3.0 password grant stored in the 3.0 credentials file.
//!
//! OAuth: a session that decrypts and whose refresh token is not known to be expired counts as
//! logged in (without `--force` nothing changes). The new session is written only once it is
//! complete, so a failed or cancelled ([`first_cancel`]: Ctrl-C, SIGTERM; exit 130) login leaves
//! the previous one as it was; 3.2.7 deletes it before starting, we do not.
//!
//! 3.0 password login: while a spec-kitty 3.1+ session decrypts it stays the login in use:
//! without `--force` that counts as logged in, with `--force` a warning says the new login is
//! not used until it is removed.

use crate::args::AuthLoginArgs;
use crate::auth::encrypted::model::StoredSession;
use crate::auth::encrypted::refresh::store_error;
use crate::auth::encrypted::EncryptedStore;
use crate::auth::oauth::{self, LoginMethod, Scale};
use crate::auth::{api, login_in_use, read_session, session, session_from_grant, Login};
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::http::block_on;
use crate::output::{Outcome, Template};
use crate::secret::Secret;
use crate::server_url::ServerUrl;
use crate::signals::first_cancel;
use jiff::Timestamp;
use serde::Serialize;
use std::io::Read;

/// Log in.
pub fn run(ctx: &mut Context, args: AuthLoginArgs) -> Result<Outcome, CliError> {
    if args.username.is_some() || args.password.is_some() || args.password_stdin {
        return password_login(ctx, args);
    }
    let server = ctx.server_url()?;
    let store = EncryptedStore::new(&ctx.state_root()?);
    let store_path = crate::fsutil::absolute_path(&store.session_path(), &ctx.cwd);
    if !args.force {
        // A session this user cannot decrypt is simply replaced by logging in.
        if let Ok(Some(current)) = store.read() {
            if !current.refresh_expired(Timestamp::now()) {
                return Ok(oauth_report(&current, true, &store_path, &server));
            }
        }
    }
    let method = if args.headless {
        LoginMethod::Device
    } else {
        LoginMethod::Browser
    };
    let scale = Scale {
        ms_per_second: ctx
            .env
            .number("SPEC_KITTY_TRACKER_POLL_SCALE")
            .map_or(1000.0, |n| n as f64),
    };
    let http = ctx.http(&server)?;
    let fresh = block_on(async {
        // Installed before the login starts; dropping the login future closes its callback
        // server.
        let cancel = first_cancel();
        tokio::select! {
            result = oauth::log_in(&http, &server, method, scale) => result,
            signal = cancel => Err(CliError::new(
                ErrorKind::Interrupted,
                "login_cancelled",
                format!("Login cancelled{}; the stored session was not changed.", signal.by()),
            )),
        }
    })??;
    store
        .write_new(&fresh)
        .map_err(|why| store_error(&store, &why))?;
    Ok(oauth_report(&fresh, false, &store_path, &server))
}

/// The report of an OAuth login (or of the one already there).
fn oauth_report(s: &StoredSession, already: bool, store_path: &str, server: &ServerUrl) -> Outcome {
    let report = SessionLogin {
        already,
        store: "session",
        username: &s.email,
        name: &s.name,
        user_id: &s.user_id,
        default_team: s
            .teams
            .iter()
            .find(|t| t.id == s.default_team_id)
            .map(|t| DefaultTeam {
                id: &t.id,
                name: &t.name,
                is_private_teamspace: t.is_private_teamspace,
            }),
        team_slug: s.tracker_team().ok(),
        auth_method: &s.auth_method,
        session_id: &s.session_id,
        store_path,
        server_url: server.as_str(),
    };
    Outcome::report(Template::AuthLogin, &report)
}

/// An OAuth login: the spec-kitty 3.1+ session stored.
#[derive(Serialize)]
struct SessionLogin<'a> {
    already: bool,
    store: &'static str,
    username: &'a str,
    name: &'a str,
    user_id: &'a str,
    default_team: Option<DefaultTeam<'a>>,
    team_slug: Option<String>,
    auth_method: &'a str,
    session_id: &'a str,
    store_path: &'a str,
    server_url: &'a str,
}

/// The session's default team.
#[derive(Serialize)]
struct DefaultTeam<'a> {
    id: &'a str,
    name: &'a str,
    is_private_teamspace: bool,
}

/// A 3.0 password login (no `store`: the template tells the two logins apart by it).
#[derive(Serialize)]
struct PasswordLogin<'a> {
    already: bool,
    username: Option<&'a str>,
    team_slug: Option<&'a str>,
    server_url: &'a str,
}

/// The 3.0 password login into the credentials file.
fn password_login(ctx: &mut Context, args: AuthLoginArgs) -> Result<Outcome, CliError> {
    let server = ctx.server_url()?;
    let root = ctx.state_root()?;
    let file = CredentialsFile::new(&root);
    let newer = match login_in_use(&root).0 {
        Login::Encrypted(store, stored) => Some((store, stored)),
        Login::Legacy(_) => None,
    };
    if let (Some((_, stored)), false) = (&newer, args.force) {
        let team = stored.tracker_team().ok();
        return Ok(password_report(
            true,
            Some(&stored.email),
            team.as_deref(),
            &server,
        ));
    }
    if !args.force {
        // A broken stored session is simply replaced by logging in again.
        if let Ok(Some(existing)) = read_session(&file) {
            if existing.is_for(server.as_str()) && existing.refresh_valid(Timestamp::now()) {
                return Ok(password_report(
                    true,
                    existing.username.as_deref(),
                    existing.team_slug.as_deref(),
                    &server,
                ));
            }
        }
    }
    let username = match args
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(u) => u.to_owned(),
        None => prompt_username(ctx)?,
    };
    let password = read_password(ctx, &args)?;
    let http = ctx.http(&server)?;
    let grant = block_on(api::login(&http, &server, &username, &password))??;
    let fresh = session_from_grant(
        grant,
        None,
        Some(username.clone()),
        &server,
        Timestamp::now(),
    );
    file.update(|doc| {
        session::write(doc, &fresh);
        Ok(())
    })?;
    if let Some((store, stored)) = newer {
        crate::output::warn(&format!(
            "the spec-kitty 3.1+ session {} ({}) still takes precedence over this login; `spec-kitty-tracker auth logout` removes it",
            crate::fsutil::display_path(&store.session_path(), &ctx.cwd),
            stored.email
        ));
    }
    Ok(password_report(
        false,
        Some(&username),
        fresh.team_slug.as_deref(),
        &server,
    ))
}

/// The report of a 3.0 password login (or of the login already there).
fn password_report(
    already: bool,
    username: Option<&str>,
    team_slug: Option<&str>,
    server: &ServerUrl,
) -> Outcome {
    let report = PasswordLogin {
        already,
        username,
        team_slug,
        server_url: server.as_str(),
    };
    Outcome::report(Template::AuthLogin, &report)
}

fn prompt_username(ctx: &Context) -> Result<String, CliError> {
    if !ctx.terminal.stdin {
        return Err(CliError::usage("no username given").hint("pass -u/--username USER"));
    }
    let name = crate::output::tty::prompt("Username: ")
        .map_err(|e| CliError::usage(format!("cannot read the username: {e}")))?;
    if name.is_empty() {
        return Err(CliError::usage("no username given"));
    }
    Ok(name)
}

fn read_password(ctx: &Context, args: &AuthLoginArgs) -> Result<Secret, CliError> {
    let password = if let Some(p) = &args.password {
        p.clone()
    } else if args.password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read the password from stdin: {e}")))?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        text.strip_suffix('\r').unwrap_or(text).to_owned()
    } else if ctx.terminal.stdin {
        crate::output::tty::password("Password: ")
            .map_err(|e| CliError::usage(format!("cannot read the password: {e}")))?
    } else {
        return Err(CliError::usage("no password given and no terminal to prompt on")
            .hint("pipe it in with --password-stdin, e.g. `printf '%s' \"$PASSWORD\" | spec-kitty-tracker auth login -u USER --password-stdin`"));
    };
    if password.is_empty() {
        return Err(CliError::usage("the password is empty"));
    }
    Ok(Secret::new(password))
}
