//! `auth status`: who is logged in, where, and for how long (never the tokens).

use crate::args::AuthStatusArgs;
use crate::auth::read_session;
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::{CliError, ErrorKind};
use crate::output::{Outcome, Template};
use crate::timefmt::{format_utc, human_duration};
use jiff::Timestamp;
use serde_json::{json, Value};

/// Show the session.
pub fn run(ctx: &mut Context, _args: AuthStatusArgs) -> Result<Outcome, CliError> {
    let file = CredentialsFile::new(&ctx.state_root()?);
    let session = read_session(&file)?.ok_or_else(|| {
        CliError::new(ErrorKind::Auth, "not_authenticated", "Not authenticated.")
            .hint("run `spec-kitty-tracker auth login` to authenticate")
    })?;
    let now = Timestamp::now();
    let token = |expires: Timestamp, valid: bool| -> Value {
        let remaining = expires.as_second() - now.as_second();
        json!({
            "valid": valid,
            "expires_at": format_utc(expires),
            "remaining_seconds": remaining.max(0),
            "remaining": human_duration(remaining),
        })
    };
    let data = json!({
        "authenticated": true,
        "username": session.username,
        "team_slug": session.team_slug,
        "server_url": session.server_url.as_deref().map(crate::server_url::redact),
        "access_token": token(session.access_expires_at, session.access_valid(now)),
        "refresh_token": token(session.refresh_expires_at, session.refresh_valid(now)),
    });
    let mut human = data.clone();
    human["fancy"] = json!(ctx.fancy);
    Ok(Outcome::report_with_json(Template::AuthStatus, human, data))
}
