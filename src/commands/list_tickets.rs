//! `list-tickets --provider P`: the provider's tickets through the Spec Kitty SaaS.

use crate::args::ListTicketsArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::Outcome;
use crate::saas::{self, scoped, tickets};

/// SaaS-backed provider: `POST /list-tickets/` (routed only when bound to P); `tickets`
/// normalised; `--json` prints the normalised array.
pub fn saas(ctx: &mut Context, args: ListTicketsArgs) -> Result<Outcome, CliError> {
    let client = scoped::connect(ctx)?;
    let route = scoped::route_for(ctx, &client.provider);
    let envelope = saas::call(client.list_tickets(args.limit, route.as_ref()))?;
    let value = envelope.value()?;
    Ok(tickets::report(
        ctx,
        tickets::normalise(value.get("tickets")),
    ))
}
