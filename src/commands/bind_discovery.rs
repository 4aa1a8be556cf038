//! `bind --provider P` for a SaaS-backed provider without `--project-slug`: bind by discovery
//! (see [`crate::saas::discovery`]), writing the binding in the 3.2 layout.

use crate::args::BindArgs;
use crate::config::identity::{self, Origin};
use crate::config::{ConfigFile, TrackerConfig};
use crate::context::Context;
use crate::error::{CliError, ErrorKind};
use crate::output::tty::{confirm, select};
use crate::output::{warn, Outcome, Template};
use crate::saas::{self, discovery, scoped};
use serde::Serialize;
use std::collections::BTreeMap;

/// Resolve (or validate `--bind-ref`), confirm, and save `binding_ref`, `display_label` and
/// `provider_context`. Replacing an existing binding asks on a terminal and needs `--force`
/// without one; nothing is sent before that. A project whose `tracker.egress` refuses is
/// refused first: no question, no identity written, no request.
///
/// Concurrent binds in one project (two terminals, two agents): the config lock
/// ([`ConfigFile::locked`]) is taken twice, each time briefly, and never held across the
/// replacement question, the server round-trip or the binding choice (a terminal prompt must not
/// keep every other writer waiting). First, under the lock, the file is read again and a missing
/// identity is generated *and written*; a bind that comes second finds it complete and sends the
/// same one, so the server never receives an identity that is not on disk (3.2.7 generates it
/// unlocked: six binds at once sent up to four uuids). Then, after the server answered, the
/// `tracker:` block is written under the lock into the file as it is then.
pub fn run(ctx: &mut Context, args: BindArgs) -> Result<Outcome, CliError> {
    crate::egress::check_project(ctx)?;
    let provider = ctx.provider_name().to_owned();
    let interactive = ctx.terminal.interactive();
    let existing = ctx.config()?.tracker();
    if let Some(current) = binding_name(&existing) {
        if !args.force && !replace_confirmed(&current, interactive)? {
            let report = Cancelled {
                class: "cancelled",
                provider,
            };
            return Ok(Outcome::report(Template::Bind, &report));
        }
    }
    let root = ctx.project_root()?.to_path_buf();
    let origin = Origin::of(&root, &ctx.env);
    let identity = {
        let (_lock, config) = ConfigFile::locked(&root, &ctx.cwd)?;
        identity::ensure(&config, &origin).to_json()
    };
    let client = scoped::connect(ctx)?;
    let binding = match args.bind_ref.as_deref().map(str::trim) {
        Some("") => return Err(CliError::usage("--bind-ref must not be empty.")),
        Some(r) => saas::call(discovery::validate(&client, r, &identity))?,
        None => {
            let chooser = discovery::Chooser {
                select: args.select.and_then(|n| u64::try_from(n).ok()),
                ask: interactive.then_some(select as discovery::Ask),
            };
            saas::call(discovery::resolve_and_bind(&client, &identity, chooser))?
        }
    };
    // The file as it is now (the identity may just have been written, another bind may have
    // finished meanwhile): the last bind to finish wins the `tracker:` block.
    let (_lock, config) = ConfigFile::locked(&root, &ctx.cwd)?;
    let block = config.tracker().saas_block(&provider, binding.clone());
    config.save_tracker(&block)?;
    let report = Discovered {
        class: "saas",
        provider,
        binding_ref: binding.binding_ref,
        display_label: binding.display_label,
        project_slug: binding.project_slug,
        provider_context: binding
            .provider_context
            .unwrap_or_default()
            .into_iter()
            .collect(),
    };
    Ok(Outcome::report(Template::Bind, &report))
}

/// A replacement the user declined.
#[derive(Serialize)]
struct Cancelled {
    class: &'static str,
    provider: String,
}

/// A SaaS binding saved by discovery (the template tells it from a bind by slug by its
/// `binding_ref`).
#[derive(Serialize)]
struct Discovered {
    class: &'static str,
    provider: String,
    binding_ref: Option<String>,
    display_label: Option<String>,
    project_slug: Option<String>,
    provider_context: BTreeMap<String, String>,
}

/// What an existing binding is called (3.2.7: display label, else binding ref, else slug, or
/// the local workspace); `None` when nothing is bound.
fn binding_name(t: &TrackerConfig) -> Option<String> {
    let provider = t.provider.as_deref()?;
    let name = t
        .display_label
        .clone()
        .or_else(|| t.binding_ref.clone())
        .or_else(|| t.project_slug.clone())
        .or_else(|| t.workspace.clone())?;
    Some(format!("{provider}: {name}"))
}

/// On a terminal: warn and ask (default no). Without one: refuse, naming `--force`.
fn replace_confirmed(current: &str, interactive: bool) -> Result<bool, CliError> {
    if !interactive {
        return Err(CliError::new(
            ErrorKind::Usage,
            "binding_exists",
            format!("Existing binding: {current}. Replacing it needs --force when there is no terminal to ask on."),
        )
        .hint("add --force to replace the binding"));
    }
    warn(&format!("Existing binding: {current}"));
    confirm("Replace existing binding?")
}
