//! What the sync engine needs from a local provider.

use super::model::{IsoTime, Issue};
use crate::error::CliError;

/// A local provider's CLI, seen as an issue store.
pub trait Connector {
    /// Provider name (`beads`, `fp`).
    fn name(&self) -> &'static str;
    /// Issues changed since `updated_since` (all when `None`): every one of them when `limit`
    /// is `None` (the provider is asked for all rows, never left to its default page size),
    /// else at most `limit`.
    fn list_issues(
        &self,
        updated_since: Option<&IsoTime>,
        limit: Option<usize>,
    ) -> Result<Vec<Issue>, CliError>;
    /// One issue; `Ok(None)` when the provider says it does not exist.
    fn get_issue(&self, id: &str) -> Result<Option<Issue>, CliError>;
    /// Write `fields` of `desired` onto the remote issue `remote`; returns the issue as stored.
    fn update_issue(
        &self,
        remote: &Issue,
        desired: &Issue,
        fields: &[&str],
    ) -> Result<Issue, CliError>;
}
