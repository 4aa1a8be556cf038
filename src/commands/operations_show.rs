//! `operations show <ID> [--wait]`: an asynchronous SaaS operation's state or result.

use crate::context::Context;
use crate::dispatch::OperationsShowArgs;
use crate::error::CliError;
use crate::output::Outcome;
use crate::saas::{
    self,
    envelopes::{typed, Operation},
    errors::unexpected_response,
};
use serde_json::json;

/// Show (or wait for) an operation.
pub fn saas(ctx: &mut Context, args: OperationsShowArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    if args.wait {
        let result = saas::call(client.wait(&args.id))?;
        let status = result
            .get("status")
            .and_then(|s| s.as_str())
            .unwrap_or("completed")
            .to_owned();
        return Ok(saas::envelope_report(
            "operation_result",
            result,
            &status,
            json!({ "id": args.id }),
        ));
    }
    let body = saas::call(client.operation(&args.id))?;
    let op: Operation =
        typed(&body).map_err(|why| unexpected_response("GET /api/v1/tracker/operations/", &why))?;
    let code = u8::from(op.status == "failed");
    Ok(
        Outcome::report_with_json("operation", json!({ "id": args.id, "env": body }), body)
            .with_exit_code(code),
    )
}
