//! `auth whoami`: the logged-in user's e-mail on stdout (a 3.0 login: its user name), offline,
//! for scripts (`--json`: `{"email": ...}`). Not logged in, or the refresh token known to be expired: nothing on stdout,
//! one line on stderr, exit 4.

use crate::args::AuthWhoamiArgs;
use crate::auth::{login_in_use, read_session, Login};
use crate::context::Context;
use crate::error::{CliError, ErrorKind};
use crate::output::{Outcome, Template};
use jiff::Timestamp;
use serde::Serialize;

/// Who is logged in.
#[derive(Serialize)]
struct Whoami {
    email: String,
}

/// Print who is logged in.
pub fn run(ctx: &mut Context, _args: AuthWhoamiArgs) -> Result<Outcome, CliError> {
    let now = Timestamp::now();
    let who = match login_in_use(&ctx.state_root()?).0 {
        Login::Encrypted(_, s) => (!s.refresh_expired(now)).then(|| s.email.clone()),
        Login::Legacy(file) => read_session(&file)
            .ok()
            .flatten()
            .filter(|s| s.refresh_valid(now))
            .and_then(|s| s.username),
    };
    match who {
        Some(email) => Ok(Outcome::report(Template::AuthWhoami, &Whoami { email })),
        None => Err(
            CliError::new(ErrorKind::Auth, "not_authenticated", "Not logged in.")
                .hint("run `spec-kitty-tracker auth login` to authenticate"),
        ),
    }
}
