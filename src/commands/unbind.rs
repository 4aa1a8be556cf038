//! `unbind`: remove the `tracker:` section. A local provider's stored settings are shared by
//! every project bound to that provider, so they are removed only with `--forget-credentials`.

use crate::args::UnbindArgs;
use crate::config::ConfigFile;
use crate::context::Context;
use crate::credentials::{clear_provider, provider_table, CredentialsFile};
use crate::error::CliError;
use crate::output::{Outcome, Template};
use serde::Serialize;

/// Unbind a SaaS-backed provider: only the project configuration changes.
pub fn saas(ctx: &mut Context, _args: UnbindArgs) -> Result<Outcome, CliError> {
    remove_section(ctx, false)
}

/// Unbind a local provider: the project configuration, and with `--forget-credentials` the
/// provider's stored settings.
pub fn local(ctx: &mut Context, args: UnbindArgs) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let file = CredentialsFile::new(&ctx.state_root()?);
    if !file.path.exists() {
        return remove_section(ctx, false);
    }
    if args.forget_credentials {
        let cleared = file.update(|doc| Ok(clear_provider(doc, &provider)))?;
        return remove_section(ctx, cleared);
    }
    let kept = provider_table(&file.read()?, &provider).is_some();
    let outcome = remove_section(ctx, false)?;
    Ok(if kept {
        outcome.with_hint(format!(
            "the stored {provider} settings ([tracker.providers.{provider}]) are kept for other projects; `spec-kitty-tracker unbind --forget-credentials` removes them"
        ))
    } else {
        outcome
    })
}

/// Unbind a removed or unknown provider, so stale bindings can be cleaned up.
pub fn removed(ctx: &mut Context, _args: UnbindArgs) -> Result<Outcome, CliError> {
    remove_section(ctx, false)
}

fn remove_section(ctx: &mut Context, credentials_cleared: bool) -> Result<Outcome, CliError> {
    let provider = ctx.provider_name().to_owned();
    let root = ctx.project_root()?.to_path_buf();
    let (_lock, config) = ConfigFile::locked(&root, &ctx.cwd)?;
    config.remove_tracker()?;
    let report = Unbound {
        provider,
        credentials_cleared,
    };
    Ok(Outcome::report(Template::Unbind, &report))
}

/// The binding removed.
#[derive(Serialize)]
struct Unbound {
    provider: String,
    credentials_cleared: bool,
}
