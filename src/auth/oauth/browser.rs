//! The browser login: authorization code with PKCE S256 (RFC 6749 §4.1, RFC 7636). Start the
//! loopback callback server, open `/oauth/authorize` in the browser (the `webbrowser` crate,
//! which honours `$BROWSER`; the URL is printed as well, since a browser command that starts
//! may still open nothing, and the login keeps waiting, as gh and gcloud do), wait up to 5 minutes for the redirect, check it, and
//! exchange the code with the verifier.
//!
//! The redirect's `state` is checked first, also on an error redirect (RFC 6749 §10.12: a
//! response that does not carry this login's state is not this login's), then `error`
//! (§4.1.2.1), then `code`.

use super::callback::{Callback, Params};
use super::pkce::{self, Pkce};
use super::token::{self, NewTokens};
use super::{Scale, CLIENT_ID, SCOPE};
use crate::error::{CliError, ErrorKind};
use crate::output::tty::progress;
use crate::secret::Secret;
use crate::server_url::ServerUrl;

/// The authorization endpoint.
pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
/// How long the browser has (nominal seconds; scaled in tests).
pub const LIMIT_SECONDS: f64 = 300.0;

/// The browser flow to the end.
pub async fn run(
    http: &crate::http::Http,
    server: &ServerUrl,
    scale: Scale,
) -> Result<NewTokens, CliError> {
    let callback = Callback::start().await?;
    let redirect_uri = callback.redirect_uri.clone();
    let pkce = Pkce::new().map_err(random_failed)?;
    let state = pkce::new_state().map_err(random_failed)?;
    let url = authorize_url(server, &redirect_uri, &pkce.challenge, &state);
    progress(&format!(
        "Opening the browser to log in to {}...",
        server.as_str()
    ));
    // Off the runtime: a browser run in the foreground (a text browser, a test's script) may
    // follow the redirect to our callback server, which runs on this runtime.
    let opening = url.clone();
    let opened = tokio::task::spawn_blocking(move || webbrowser::open(&opening))
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
    // The URL is printed either way, as gh and gcloud do: a browser command that starts
    // counts as opened (the crate does not wait for it), yet it may fail or open nothing
    // (a `$BROWSER` wrapper on an SSH box, a browser on another display).
    match opened {
        Ok(()) => progress("If no browser opens, open this URL in one to log in:"),
        Err(why) => progress(&format!(
            "Could not open a browser ({why}). Open this URL in a browser to log in:"
        )),
    }
    progress(&format!("  {url}"));
    progress(
        "(Without a browser on this machine, use `spec-kitty-tracker auth login --headless`.)",
    );
    progress("Waiting for the browser (up to 5 minutes; Ctrl-C cancels)...");
    let params = tokio::time::timeout(scale.real(LIMIT_SECONDS), callback.wait())
        .await
        .ok()
        .flatten()
        .ok_or_else(|| {
            failed(
                "login_timeout",
                "Authentication timed out (5 minutes elapsed); nothing was stored.",
            )
        })?;
    let code = check(&params, &state)?;
    token::exchange_code(http, server, &code, &redirect_uri, &pkce.verifier).await
}

/// `<server>/oauth/authorize?...` with 3.2.7's parameters in its order.
pub fn authorize_url(
    server: &ServerUrl,
    redirect_uri: &str,
    challenge: &str,
    state: &str,
) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", SCOPE),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("state", state),
        ])
        .finish();
    format!("{}?{query}", server.join(AUTHORIZE_PATH))
}

/// The authorization code of a callback that belongs to this login.
pub fn check(params: &Params, state: &str) -> Result<Secret, CliError> {
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    match get("state") {
        Some(s) if s == state => {}
        got => {
            return Err(failed(
                "state_mismatch",
                format!(
                    "The login callback {} (possible CSRF attack or a stale browser tab); nothing was stored.",
                    if got.is_some() { "carries another login's state" } else { "carries no state" }
                ),
            ))
        }
    }
    if let Some(error) = get("error") {
        let description = get("error_description")
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        return Err(failed(
            "authorization_denied",
            format!("The server refused the login: {error}{description}."),
        ));
    }
    match get("code") {
        Some(code) if !code.is_empty() => Ok(Secret::new(code)),
        _ => Err(failed(
            "no_code",
            "The login callback carries no authorization code.",
        )),
    }
}

fn random_failed(why: String) -> CliError {
    CliError::failed("random", why)
}

fn failed(code: &str, message: impl Into<String>) -> CliError {
    CliError::new(ErrorKind::Auth, code, message).hint("run `spec-kitty-tracker auth login` again")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_url_carries_3_2_7s_parameters_in_order() {
        let server = ServerUrl::parse("http://127.0.0.1:9", "t").expect("url");
        assert_eq!(
            authorize_url(&server, "http://127.0.0.1:28888/callback", "CH", "ST"),
            "http://127.0.0.1:9/oauth/authorize?client_id=cli_native&redirect_uri=http%3A%2F%2F127.0.0.1%3A28888%2Fcallback&response_type=code&scope=offline_access&code_challenge=CH&code_challenge_method=S256&state=ST"
        );
    }

    /// RFC 6749 §4.1.2 / §10.12: only a redirect with this login's state counts.
    #[test]
    fn state_is_checked_before_anything_else() {
        let code = check(&params(&[("code", "c"), ("state", "s")]), "s").expect("ok");
        assert_eq!(code.expose(), "c");
        for (p, code) in [
            (params(&[("code", "c"), ("state", "x")]), "state_mismatch"),
            (params(&[("code", "c")]), "state_mismatch"),
            (
                params(&[("error", "access_denied"), ("state", "x")]),
                "state_mismatch",
            ),
            (
                params(&[("error", "access_denied"), ("state", "s")]),
                "authorization_denied",
            ),
            (params(&[("state", "s")]), "no_code"),
        ] {
            let err = check(&p, "s").expect_err("refused");
            assert_eq!(err.code, code, "{p:?}");
            assert_eq!(err.kind.exit_code(), 4);
        }
    }
}

/// macOS: the browser is opened with `open(1)`, not by the `webbrowser` crate, whose macOS code
/// calls AppKit. Linking AppKit needs the macOS SDK, which the cross builds of the macOS wheels
/// (zig, `scripts/wheel.sh`) do not have; without it the binary links no framework. `open`
/// with an http(s) URL starts the user's default browser, as AppKit's NSWorkspace does.
#[cfg(target_os = "macos")]
mod webbrowser {
    use std::process::{Command, Stdio};

    /// Open `url` (http or https only, as the crate's `hardened` feature allows).
    pub fn open(url: &str) -> std::io::Result<()> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(std::io::Error::other("not an http(s) URL"));
        }
        let status = Command::new("/usr/bin/open")
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        match status.success() {
            true => Ok(()),
            false => Err(std::io::Error::other(format!(
                "open(1) ended with {status}"
            ))),
        }
    }
}
