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
        return Ok(report(
            ctx,
            json!({ "had_session": false, "username": null }),
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
    Ok(report(
        ctx,
        json!({ "had_session": username.is_some(), "username": username.flatten() }),
    ))
}

/// The logout report; `--json` prints `data` (the template also sees `fancy`).
fn report(ctx: &Context, data: serde_json::Value) -> Outcome {
    let mut human = data.clone();
    human["fancy"] = json!(ctx.fancy);
    Outcome::report_with_json(Template::AuthLogout, human, data)
}
