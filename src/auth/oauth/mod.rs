//! The OAuth login of spec-kitty 3.1+ (reference/upstream-3.2-tracker.md §7.2-7.3): the
//! browser flow ([`browser`]: authorization code + PKCE through a loopback [`callback`]) or
//! the headless device flow ([`device`]), both ending at the token endpoint ([`token`]), then
//! `/api/v1/me` builds the session ([`me`]) that the caller stores in the encrypted store.
//! Progress and instructions go to stderr; no token, code or verifier is ever printed.

pub mod browser;
pub mod callback;
pub mod device;
pub mod me;
pub mod pkce;
pub mod token;

use crate::auth::encrypted::model::StoredSession;
use crate::error::CliError;
use crate::http::Http;
use crate::server_url::ServerUrl;
use std::time::Duration;

/// The OAuth client id of spec-kitty's CLI.
pub const CLIENT_ID: &str = crate::auth::api::OAUTH_CLIENT_ID;
/// The scope every login asks for.
pub const SCOPE: &str = "offline_access";

/// How a login was made (the session's `auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    /// Authorization code + PKCE in the browser.
    Browser,
    /// Device authorization grant.
    Device,
}

impl LoginMethod {
    /// The stored `auth_method`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginMethod::Browser => "authorization_code",
            LoginMethod::Device => "device_code",
        }
    }
}

/// Converts nominal seconds (the 5-minute browser limit, device polling and expiry) to real
/// time: `SPEC_KITTY_TRACKER_POLL_SCALE` milliseconds per second (default 1000), so tests run
/// the real schedule quickly.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Real milliseconds per nominal second.
    pub ms_per_second: f64,
}

impl Scale {
    /// The real duration of `seconds` nominal seconds.
    pub fn real(self, seconds: f64) -> Duration {
        Duration::from_secs_f64((seconds.max(0.0) * self.ms_per_second / 1000.0).max(0.0))
    }
}

/// Log in with `method` and return the new session (not stored yet).
pub async fn log_in(
    http: &Http,
    server: &ServerUrl,
    method: LoginMethod,
    scale: Scale,
) -> Result<StoredSession, CliError> {
    let tokens = match method {
        LoginMethod::Browser => browser::run(http, server, scale).await?,
        LoginMethod::Device => device::run(http, server, scale).await?,
    };
    me::session(http, server, tokens, method).await
}
