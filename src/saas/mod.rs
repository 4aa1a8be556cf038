//! The Spec Kitty SaaS side: the tracker API client, its envelopes and polling.

pub mod bindable;
pub mod binding;
pub mod client;
pub mod discovery;
pub mod envelopes;
/// The envelope → error mapping lives beside the HTTP layer (auth uses it too).
pub use crate::http::errors;
pub mod operation_id;
pub mod pages;
pub mod poll;
pub mod scoped;
pub mod tickets;

use crate::auth::Tokens;
use crate::context::Context;
use crate::error::CliError;
use binding::Route;
use client::TrackerClient;
use poll::Clock;

/// The error for a SaaS binding with neither `binding_ref` nor `project_slug`.
pub fn missing_route(provider: &str) -> CliError {
    CliError::failed(
        "binding_incomplete",
        format!("The {provider} binding in .kittify/config.yaml has neither a binding_ref nor a project_slug."),
    )
    .hint(format!("run `{}` to rebind", binding::rebind_command(provider)))
}

/// A client for the project's SaaS binding: egress allowed, server URL, credentials and poll
/// clock resolved, requests routed by the binding's `binding_ref` (else its `project_slug`).
pub fn connect(ctx: &mut Context) -> Result<TrackerClient, CliError> {
    let binding = ctx.binding()?;
    crate::egress::check(ctx, &binding)?;
    let provider = ctx.provider_name().to_owned();
    let route = Route::of(&binding).ok_or_else(|| missing_route(&provider))?;
    client_for(ctx, &provider, route)
}

/// A client for `provider` routed by `route`: server URL, credentials and poll clock resolved
/// from the context (shared by the bound client above and the provider-scoped one).
pub fn client_for(
    ctx: &mut Context,
    provider: &str,
    route: Route,
) -> Result<TrackerClient, CliError> {
    let server = ctx.server_url()?;
    let (login, _) = crate::auth::login_in_use(&ctx.state_root()?);
    let tokens = Tokens {
        login,
        http: ctx.http(&server)?,
        server,
    };
    let clock = Clock {
        ms_per_second: ctx
            .env
            .number("SPEC_KITTY_TRACKER_POLL_SCALE")
            .map_or(1000.0, |n| n as f64),
    };
    Ok(TrackerClient::new(
        tokens,
        provider,
        route,
        clock,
        ctx.progress,
    ))
}

/// Run a client call to completion.
pub fn call<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    crate::http::block_on(future)?
}

/// The result statuses the contract lists (`SyncStatus` in contract/tracker-api.yaml, SPEC
/// §5.1).
pub const STATUSES: [&str; 3] = ["ok", "partial", "error"];

/// Severity of an envelope status: a status the contract does not list (`failed`,
/// `cancelled`, `ERROR`, …) > `error` > `partial` > `ok`. The vocabulary fails closed: only
/// `ok` is a success, and nothing unknown ranks below a status the contract names.
fn status_rank(status: &str) -> u8 {
    match status {
        "ok" => 0,
        "partial" => 1,
        "error" => 2,
        _ => 3,
    }
}

/// Exit code for an envelope status: anything but `ok` is a failure (1).
pub fn status_exit_code(status: &str) -> u8 {
    u8::from(status_rank(status) > 0)
}

/// The worse of two envelope statuses (`a` when they rank the same), e.g. across pages: the
/// result never improves on a page's.
pub fn worst_status<'a>(a: &'a str, b: &'a str) -> &'a str {
    if status_rank(b) > status_rank(a) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_rank_error_over_partial_over_ok() {
        // Oracle: SPEC §5.1 (`ok | partial | error`) and §8 (a partial failure exits 1).
        assert_eq!(status_exit_code("ok"), 0);
        assert_eq!(status_exit_code("partial"), 1);
        assert_eq!(status_exit_code("error"), 1);
        assert_eq!(worst_status("ok", "partial"), "partial");
        assert_eq!(worst_status("error", "partial"), "error");
        assert_eq!(worst_status("partial", "ok"), "partial");
        // Fails closed (red team 2, item 2): a status the contract does not list is a failure
        // and ranks worst, so a merge never improves on it.
        for unknown in ["failed", "cancelled", "ERROR", "OK", "", "completed"] {
            assert_eq!(status_exit_code(unknown), 1, "{unknown:?}");
            for known in STATUSES {
                assert_eq!(worst_status(known, unknown), unknown);
                assert_eq!(worst_status(unknown, known), unknown);
            }
        }
    }
}
