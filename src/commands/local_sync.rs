//! Shared runner of the local `sync pull | push | run` handlers.

use crate::context::Context;
use crate::error::CliError;
use crate::local::engine::{Engine, Policy, SyncResult};
use crate::local::LocalBinding;
use crate::output::{Outcome, Template};
use serde::Serialize;

/// Which step to run.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Pull into the cache.
    Pull,
    /// Push the cache.
    Push,
    /// Pull then push.
    Run,
}

/// Run `step` with `limit` and report it with the `sync_local` template.
/// A recorded `tracker.egress` other than `permitted` refuses before the provider's tool
/// starts or the cache is opened.
pub fn run(ctx: &mut Context, step: Step, limit: i64) -> Result<Outcome, CliError> {
    let tracker = ctx.binding()?;
    crate::egress::check(ctx, &tracker)?;
    let binding = LocalBinding::load(ctx)?;
    let mut store = binding.open_store(ctx)?;
    let runner = binding.runner(ctx);
    let connector = binding.connector(&runner)?;
    let mut engine = Engine {
        connector: connector.as_ref(),
        store: &mut store,
        policy: Policy::from_doctrine(&binding.ownership_mode, &binding.field_owners),
        checkpoint_key: binding.checkpoint_key(),
    };
    let limit = usize::try_from(limit).unwrap_or(100);
    let result: SyncResult = match step {
        Step::Pull => engine.pull(limit)?,
        Step::Push => engine.push(limit)?,
        Step::Run => engine.run(limit)?,
    };
    if !result.duplicates.is_empty() {
        let shown: Vec<String> = result
            .duplicates
            .iter()
            .take(5)
            .map(|(id, n)| format!("{id} ({n} times)"))
            .collect();
        let more = match result.duplicates.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        crate::output::warn(&format!(
            "the provider listed the same issue more than once: {}{more}; each was stored and counted once (its most recently updated copy)",
            shown.join(", ")
        ));
    }
    if result.remaining > 0 {
        crate::output::warn(&format!(
            "--limit {limit} reached: {} more listed issues are left for the next pull (the checkpoint only covers what was stored); run `sync pull` again",
            result.remaining
        ));
    }
    let kind = match step {
        Step::Pull => "pull",
        Step::Push => "push",
        Step::Run => "run",
    };
    let shown = Shown {
        kind,
        result: &result,
    };
    Ok(Outcome::report(Template::SyncLocal, &shown).json(&result))
}

/// The template's view of a local sync: the result and which step ran (`--json` prints the
/// result).
#[derive(Serialize)]
struct Shown<'a> {
    kind: &'static str,
    #[serde(flatten)]
    result: &'a SyncResult,
}
