//! `operations show <ID> [--wait]`: an asynchronous SaaS operation's state or result.

use super::saas_report::{document, envelope_report, EnvelopeView};
use crate::args::OperationsShowArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::{Outcome, Template};
use crate::saas::{self, envelopes::Operation};
use serde::Serialize;
use serde_json::Value;

/// Show (or wait for) an operation.
pub fn saas(ctx: &mut Context, args: OperationsShowArgs) -> Result<Outcome, CliError> {
    if let Some(why) = saas::operation_id::problem(&args.id) {
        return Err(CliError::usage(format!("invalid operation id: {why}"))
            .hint("pass the id that `sync push` or `sync run` printed"));
    }
    let client = saas::connect(ctx)?;
    if args.wait {
        let result = saas::call(client.wait(&args.id))?;
        let value = result.value()?;
        // A completed operation without a result object comes back as the operation itself:
        // its state `completed` is not a result status, so there is nothing to judge. A result
        // (it has a `summary`) is judged by the result vocabulary, failing closed.
        let status = match (
            value.get("status").and_then(Value::as_str),
            value.get("summary"),
        ) {
            (Some(status), Some(_)) => status,
            (Some("completed") | None, None) => "ok",
            (Some(status), None) => status,
            // A result without a status: not one the contract lists.
            (None, Some(_)) => "",
        }
        .to_owned();
        return Ok(envelope_report(
            Template::OperationResult,
            result,
            value,
            &status,
            Id { id: &args.id },
        ));
    }
    let body = saas::call(client.operation(&args.id))?;
    let op: Operation = body.typed()?;
    let code = u8::from(op.status == "failed");
    let view = EnvelopeView {
        env: body.value()?,
        extra: Id { id: &args.id },
    };
    Ok(Outcome::report(Template::Operation, &view)
        .document(document(body))
        .with_exit_code(code))
}

/// The operation the templates name.
#[derive(Serialize)]
struct Id<'a> {
    id: &'a str,
}
