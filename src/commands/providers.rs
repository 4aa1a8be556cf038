//! `providers`: the supported providers by class (azure_devops is never listed).

use crate::args::ProvidersArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::provider::{LOCAL_PROVIDERS, SAAS_PROVIDERS};
use serde::Serialize;

/// List providers.
pub fn run(_ctx: &mut Context, _args: ProvidersArgs) -> Result<Outcome, CliError> {
    let report = Providers {
        saas: &SAAS_PROVIDERS,
        local: &LOCAL_PROVIDERS,
    };
    Ok(Outcome::report(Template::Providers, &report))
}

/// The providers by class.
#[derive(Serialize)]
struct Providers {
    saas: &'static [&'static str],
    local: &'static [&'static str],
}
