//! `status`: the binding and its sync state.

use crate::context::Context;
use crate::dispatch::StatusArgs;
use crate::error::CliError;
use crate::output::Outcome;
use serde_json::json;

/// SaaS-backed binding.
pub fn saas(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let binding = ctx.binding()?;
    let provider = ctx.provider_name().to_owned();
    let slug = binding
        .project_slug
        .ok_or_else(|| missing_slug(&provider))?;
    Ok(Outcome::report(
        "status_binding",
        json!({ "configured": true, "class": "saas", "provider": provider, "project_slug": slug }),
    ))
}

/// Local binding.
pub fn local(ctx: &mut Context, _args: StatusArgs) -> Result<Outcome, CliError> {
    let binding = ctx.binding()?;
    let provider = ctx.provider_name().to_owned();
    Ok(Outcome::report(
        "status_binding",
        json!({
            "configured": binding.workspace.is_some(),
            "class": "local",
            "provider": provider,
            "workspace": binding.workspace,
            "doctrine_mode": binding.doctrine_mode,
            "field_owners": binding.field_owners,
        }),
    ))
}

/// The error for a legacy SaaS binding without `project_slug`.
pub fn missing_slug(provider: &str) -> CliError {
    CliError::failed(
        "binding_incomplete",
        format!("The {provider} binding in .kittify/config.yaml has no project_slug (it was written by an older spec-kitty)."),
    )
    .hint(format!("run `spec-kitty-tracker bind --provider {provider} --project-slug <slug>` to rebind"))
}
