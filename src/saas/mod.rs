//! The Spec Kitty SaaS side: the tracker API client, its envelopes, error mapping and polling.

pub mod client;
pub mod envelopes;
pub mod errors;
pub mod operation_id;
pub mod poll;

use crate::auth::Tokens;
use crate::context::Context;
use crate::credentials::CredentialsFile;
use crate::error::CliError;
use crate::output::Outcome;
use client::TrackerClient;
use poll::Clock;
use serde_json::Value;
use std::io::IsTerminal;

/// The error for a legacy SaaS binding without `project_slug`.
pub fn missing_slug(provider: &str) -> CliError {
    CliError::failed(
        "binding_incomplete",
        format!("The {provider} binding in .kittify/config.yaml has no project_slug (it was written by an older spec-kitty)."),
    )
    .hint(format!("run `spec-kitty-tracker bind --provider {provider} --project-slug <slug>` to rebind"))
}

/// A client for the project's SaaS binding: server URL, credentials and poll clock resolved.
pub fn connect(ctx: &mut Context) -> Result<TrackerClient, CliError> {
    let binding = ctx.binding()?;
    let provider = ctx.provider_name().to_owned();
    let slug = binding
        .project_slug
        .ok_or_else(|| missing_slug(&provider))?;
    let server = crate::server_url::resolve(ctx)?;
    let tokens = Tokens {
        file: CredentialsFile::new(&ctx.state_root()?),
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
        &provider,
        &slug,
        clock,
        std::io::stderr().is_terminal(),
    ))
}

/// Run a client call to completion.
pub fn call<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    crate::http::block_on(future)?
}

/// Exit code for an envelope status: `partial` and `error` are failures (1).
pub fn status_exit_code(status: &str) -> u8 {
    match status {
        "partial" | "error" => 1,
        _ => 0,
    }
}

/// A report of a sync envelope: the template sees `env` (the envelope as a value) and `extra`;
/// `--json` prints the envelope as received; partial/error exit 1.
pub fn envelope_report(
    template: &'static str,
    envelope: &envelopes::Envelope,
    value: Value,
    status: &str,
    extra: Value,
) -> Outcome {
    let data = serde_json::json!({ "env": value, "extra": extra });
    Outcome::report_raw_json(template, data, envelope.body.clone())
        .with_exit_code(status_exit_code(status))
}
