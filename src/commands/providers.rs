//! `providers`: the supported providers by class (azure_devops is never listed).

use crate::args::ProvidersArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::provider::{LOCAL_PROVIDERS, SAAS_PROVIDERS};
use serde_json::json;

/// List providers.
pub fn run(_ctx: &mut Context, _args: ProvidersArgs) -> Result<Outcome, CliError> {
    Ok(Outcome::report(
        Template::Providers,
        json!({ "saas": SAAS_PROVIDERS, "local": LOCAL_PROVIDERS }),
    ))
}
