//! `auth logout`: remove the session tables; local provider credentials stay.

use crate::args::AuthLogoutArgs;
use crate::auth::session;
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use serde_json::json;

/// Log out.
pub fn run(ctx: &mut Context, _args: AuthLogoutArgs) -> Result<Outcome, CliError> {
    let file = CredentialsFile::new(&ctx.state_root()?);
    if !file.path.exists() {
        return Ok(Outcome::report(
            Template::AuthLogout,
            json!({ "had_session": false, "fancy": ctx.fancy }),
        ));
    }
    let username = file.update(|doc| {
        let username = doc
            .get("user")
            .and_then(|u| u.get("username"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        Ok(session::clear(doc).then_some(username))
    })?;
    Ok(Outcome::report(
        Template::AuthLogout,
        json!({ "had_session": username.is_some(), "username": username.flatten(), "fancy": ctx.fancy }),
    ))
}
