//! `list-tickets --provider P`: the provider's tickets through the Spec Kitty SaaS.

use crate::args::ListTicketsArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::table::{self, Table};
use crate::output::{Outcome, Template};
use crate::saas::tickets::cell;
use crate::saas::{self, scoped, tickets};
use serde_json::Value;

/// SaaS-backed provider: `POST /list-tickets/` (routed only when bound to P); `tickets`
/// normalised; `--json` prints the normalised array.
pub fn saas(ctx: &mut Context, args: ListTicketsArgs) -> Result<Outcome, CliError> {
    let client = scoped::connect(ctx)?;
    let route = scoped::route_for(ctx, &client.provider);
    let envelope = saas::call(client.list_tickets(args.limit, route.as_ref()))?;
    let value = envelope.value()?;
    Ok(report(ctx, tickets::normalise(value.get("tickets"))))
}

/// The human table (Identifier, Title, State; URL too when stdout is a terminal wide enough)
/// and the `--json` array of normalised tickets.
pub fn report(ctx: &Context, list: Vec<Value>) -> Outcome {
    let row = |t: &Value, url: bool| {
        let mut r = vec![
            cell(&t["identifier"]),
            cell(&t["title"]),
            cell(&t["state"]["name"]),
        ];
        if url {
            r.push(cell(&t["url"]));
        }
        r
    };
    let narrow: Vec<Vec<String>> = list.iter().map(|t| row(t, false)).collect();
    let wide: Vec<Vec<String>> = list.iter().map(|t| row(t, true)).collect();
    let mut table = Table::new(&["Identifier", "Title", "State"], &narrow);
    if let Some(width) = table::stdout_width(ctx.env.get("COLUMNS")) {
        let with_url = Table::new(&["Identifier", "Title", "State", "URL"], &wide);
        if with_url.lines.iter().all(|l| l.chars().count() <= width) {
            table = with_url;
        }
    }
    Outcome::report(Template::Tickets, &table).json(&list)
}
