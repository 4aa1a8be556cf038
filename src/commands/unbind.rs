//! `unbind`: remove the `tracker:` section (and a local provider's stored credentials).

use crate::args::UnbindArgs;
use crate::context::Context;
use crate::credentials::{clear_provider, CredentialsFile};
use crate::error::CliError;
use crate::output::{Outcome, Template};
use serde_json::json;

/// Unbind a SaaS-backed provider: only the project configuration changes.
pub fn saas(ctx: &mut Context, _args: UnbindArgs) -> Result<Outcome, CliError> {
    remove_section(ctx, false)
}

/// Unbind a local provider: the project configuration and the provider's credentials.
pub fn local(ctx: &mut Context, _args: UnbindArgs) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let root = ctx.state_root()?;
    let file = CredentialsFile::new(&root);
    let cleared = if file.path.exists() {
        file.update(|doc| Ok(clear_provider(doc, &provider)))?
    } else {
        false
    };
    remove_section(ctx, cleared)
}

/// Unbind a removed or unknown provider, so stale bindings can be cleaned up.
pub fn removed(ctx: &mut Context, _args: UnbindArgs) -> Result<Outcome, CliError> {
    remove_section(ctx, false)
}

fn remove_section(ctx: &mut Context, credentials_cleared: bool) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    ctx.config()?.remove_tracker()?;
    Ok(Outcome::report(
        Template::Unbind,
        json!({ "provider": provider, "credentials_cleared": credentials_cleared }),
    ))
}
