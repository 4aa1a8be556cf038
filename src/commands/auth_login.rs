//! `auth login`: exchange a username and password for tokens and store them in the 3.0
//! credentials file (the password grant; 3.2's device flow is not implemented). While a
//! spec-kitty 3.1+ session decrypts it stays the login in use: without `--force` that counts
//! as logged in, with `--force` a warning says the new login is not used until it is removed.

use crate::args::AuthLoginArgs;
use crate::auth::{api, login_in_use, read_session, session, session_from_grant, Login};
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::CliError;
use crate::http::block_on;
use crate::output::{Outcome, Template};
use crate::secret::Secret;
use jiff::Timestamp;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Read, Write};

/// Log in.
pub fn run(ctx: &mut Context, args: AuthLoginArgs) -> Result<Outcome, CliError> {
    let server = ctx.server_url()?;
    let root = ctx.state_root()?;
    let file = CredentialsFile::new(&root);
    let newer = match login_in_use(&root, ctx.logging()).0 {
        Login::Encrypted(store, stored) => Some((store, stored)),
        Login::Legacy(_) => None,
    };
    if let (Some((_, stored)), false) = (&newer, args.force) {
        return Ok(report(
            ctx,
            json!({ "already": true, "username": stored.email, "team_slug": stored.tracker_team().ok(), "server_url": server.as_str() }),
        ));
    }
    if !args.force {
        // A broken stored session is simply replaced by logging in again.
        if let Ok(Some(existing)) = read_session(&file) {
            if existing.is_for(server.as_str()) && existing.refresh_valid(Timestamp::now()) {
                return Ok(report(
                    ctx,
                    json!({ "already": true, "username": existing.username, "team_slug": existing.team_slug, "server_url": server.as_str() }),
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
        None => prompt_username()?,
    };
    let password = read_password(&args)?;
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
    Ok(report(
        ctx,
        json!({ "already": false, "username": username, "team_slug": fresh.team_slug, "server_url": server.as_str() }),
    ))
}

/// The login report; `--json` prints `data` (the template also sees `fancy`).
fn report(ctx: &Context, data: serde_json::Value) -> Outcome {
    let mut human = data.clone();
    human["fancy"] = json!(ctx.fancy);
    Outcome::report_with_json(Template::AuthLogin, human, data)
}

fn prompt_username() -> Result<String, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage("no username given").hint("pass -u/--username USER"));
    }
    eprint!("Username: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read the username: {e}")))?;
    let name = line.trim().to_owned();
    if name.is_empty() {
        return Err(CliError::usage("no username given"));
    }
    Ok(name)
}

fn read_password(args: &AuthLoginArgs) -> Result<Secret, CliError> {
    let password = if let Some(p) = &args.password {
        p.clone()
    } else if args.password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read the password from stdin: {e}")))?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        text.strip_suffix('\r').unwrap_or(text).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")
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
