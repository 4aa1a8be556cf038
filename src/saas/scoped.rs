//! A client for a provider named on the command line (`discover`, `list-tickets`,
//! `issue-search`, `map list --provider`, `status --all`, bind's discovery): no binding needed,
//! and no project either (outside one, nothing is routed). Inside a project the `tracker.egress`
//! gate applies as to bound commands ([`crate::egress::check_project`]).

use super::binding::Route;
use super::client::TrackerClient;
use crate::context::Context;
use crate::error::CliError;

/// A client for `ctx`'s provider with egress allowed and the server and login resolved. Its
/// provider-scoped methods route nothing by themselves; its `route` is the project's when the
/// project is bound to this provider ([`route_for`]), else an empty `project_slug` that none of
/// them sends.
pub fn connect(ctx: &mut Context) -> Result<TrackerClient, CliError> {
    crate::egress::check_project(ctx)?;
    let provider = ctx.provider_name().to_owned();
    let route = route_for(ctx, &provider).unwrap_or(Route {
        key: "project_slug",
        value: String::new(),
    });
    super::client_for(ctx, &provider, route)
}

/// The routing key of a provider-scoped read: the project's (`binding_ref`, else
/// `project_slug`), only when it is bound to `provider` (reference/upstream-3.2-tracker.md
/// §4.2); none outside a project. (Inside one, a config that cannot be read has already
/// stopped [`connect`].)
pub fn route_for(ctx: &mut Context, provider: &str) -> Option<Route> {
    ctx.project_root().ok()?;
    let tracker = ctx.config().ok()?.tracker();
    let bound = tracker
        .provider
        .as_deref()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case(provider));
    if !bound {
        return None;
    }
    Route::of(&tracker)
}
