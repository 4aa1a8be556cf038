//! Outcomes of SaaS results shared by the SaaS handlers: an envelope report and the binding
//! upgrade hint. (Here, not in `saas`, so `saas` knows nothing of `output`.)

use crate::output::{Document, Outcome, Template};
use crate::saas::binding::upgrade_hint;
use crate::saas::envelopes::Envelope;
use crate::saas::status_exit_code;
use serde::Serialize;
use serde_json::Value;

/// What an envelope template sees: the envelope as a value (`env`) and what the command adds
/// (`extra`).
#[derive(Serialize)]
pub struct EnvelopeView<E: Serialize> {
    /// The envelope (or the part of it a human sees).
    pub env: Value,
    /// The command's own facts.
    pub extra: E,
}

/// The received envelope as the document `--json` prints.
pub fn document(envelope: Envelope) -> Document {
    Document {
        bytes: envelope.body,
        outline: envelope.outline,
    }
}

/// A report of a sync envelope: the template sees `env` (the envelope as a value) and `extra`;
/// `--json` prints the envelope as received; partial/error exit 1.
pub fn envelope_report(
    template: Template,
    envelope: Envelope,
    value: Value,
    status: &str,
    extra: impl Serialize,
) -> Outcome {
    Outcome::report(template, &EnvelopeView { env: value, extra })
        .document(document(envelope))
        .with_exit_code(judge_status(status))
}

/// `outcome` with the upgrade hint (printed on stderr in human output only) when one is
/// pending.
pub fn hinted(outcome: Outcome, provider: &str, pending: Option<&str>) -> Outcome {
    match pending {
        Some(pending) => outcome.with_hint(upgrade_hint(provider, pending)),
        None => outcome,
    }
}

/// [`status_exit_code`], warning on stderr first when the contract does not list `status`.
pub fn judge_status(status: &str) -> u8 {
    if !crate::saas::STATUSES.contains(&status) {
        crate::output::warn(&format!(
            "the server answered status {status:?}, which the contract does not list (ok, partial, error): treated as a failure"
        ));
    }
    status_exit_code(status)
}
