//! `issue-search --provider P --query Q`: the provider's tickets matching a key or text.

use crate::args::IssueSearchArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::Outcome;
use crate::saas::{self, scoped, tickets};

/// SaaS-backed provider: `POST /issue-search/` (routed only when bound to P; `query_key` when
/// the query looks like an issue key); `candidates` normalised; `--json` prints the array.
pub fn saas(ctx: &mut Context, args: IssueSearchArgs) -> Result<Outcome, CliError> {
    if args.query.trim().is_empty() {
        return Err(CliError::usage("--query must not be empty."));
    }
    let client = scoped::connect(ctx)?;
    let route = scoped::route_for(ctx, &client.provider);
    let search = client.issue_search(&args.query, args.limit, route.as_ref());
    let value = saas::call(search)?.value()?;
    Ok(super::list_tickets::report(
        ctx,
        tickets::normalise(value.get("candidates")),
    ))
}
