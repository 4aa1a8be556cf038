//! The sync engine of the local path (spec-kitty-tracker 0.2.0 semantics): doctrine-based field
//! ownership, NEWER_TIMESTAMP for shared fields, pull / push / run with the original's stats.
//!
//! Deliberate fixes (README "differences"): push never re-creates a cached issue the remote list
//! did not return — it fetches it with `show` instead, and an issue that no longer exists is
//! reported in `deleted_remotely` and marked in the cache. Every step's cache writes happen in
//! one transaction, committed only when the step succeeds.

use super::connector::Connector;
use super::model::{IsoTime, Issue, CORE_FIELDS};
use super::store::Store;
use crate::error::CliError;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Who owns a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Spec Kitty's cached value wins.
    Local,
    /// The provider's value wins.
    External,
    /// The newer timestamp wins.
    Shared,
}

/// Field ownership from the binding's doctrine.
#[derive(Debug, Clone)]
pub struct Policy {
    default: Owner,
    owners: BTreeMap<String, Owner>,
}

impl Policy {
    /// `external_authoritative` → all external; `spec_kitty_authoritative` → all local;
    /// anything else → split with the given owners, default shared (invalid owners ignored).
    pub fn from_doctrine(mode: &str, field_owners: &BTreeMap<String, String>) -> Policy {
        match mode {
            "external_authoritative" => Policy {
                default: Owner::External,
                owners: BTreeMap::new(),
            },
            "spec_kitty_authoritative" => Policy {
                default: Owner::Local,
                owners: BTreeMap::new(),
            },
            _ => Policy {
                default: Owner::Shared,
                owners: field_owners
                    .iter()
                    .filter_map(|(f, o)| {
                        let owner = match o.as_str() {
                            "local" => Owner::Local,
                            "external" => Owner::External,
                            "shared" => Owner::Shared,
                            _ => return None,
                        };
                        Some((f.clone(), owner))
                    })
                    .collect(),
            },
        }
    }

    /// Owner of `field`.
    pub fn owner(&self, field: &str) -> Owner {
        self.owners.get(field).copied().unwrap_or(self.default)
    }
}

/// The original's five counters.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// New issues cached by pull.
    pub pulled_created: u64,
    /// Cached issues changed by pull.
    pub pulled_updated: u64,
    /// Issues created remotely by push.
    pub pushed_created: u64,
    /// Issues updated remotely by push.
    pub pushed_updated: u64,
    /// Issues left alone.
    pub skipped: u64,
}

/// A shared field both sides changed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conflict {
    /// Field.
    pub field_name: String,
    /// Always `newer_timestamp`.
    pub strategy: &'static str,
    /// Always false (the CLI does not enable strict review).
    pub manual_review_required: bool,
}

/// Result of pull, push or run (`--json` shape: the original's plus `deleted_remotely`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncResult {
    /// Connector name.
    pub provider: String,
    /// Counters.
    pub stats: Stats,
    /// Conflicts resolved.
    pub conflicts: Vec<Conflict>,
    /// Errors (failures abort the step instead, so this stays empty, as in the original).
    pub errors: Vec<String>,
    /// Identities of cached issues that no longer exist remotely.
    pub deleted_remotely: Vec<String>,
    /// Listed issues a pull left for the next one because `--limit` was reached (not part of
    /// the JSON document; reported as a warning).
    #[serde(skip)]
    pub remaining: usize,
    /// Identities the provider listed more than once, with how many times (not part of the
    /// JSON document; reported as a warning). Each is stored and counted once.
    #[serde(skip)]
    pub duplicates: Vec<(String, usize)>,
}

/// Merge `external` into `local` by `policy` (the original's `_merge_issues`).
pub fn merge(
    local: &Issue,
    external: &Issue,
    policy: &Policy,
    conflicts: &mut Vec<Conflict>,
) -> Issue {
    let mut merged = local.clone();
    for field in CORE_FIELDS {
        if local.field_eq(external, field) {
            continue;
        }
        match policy.owner(field) {
            Owner::Local => {}
            Owner::External => merged.take_field(external, field),
            Owner::Shared => {
                conflicts.push(Conflict {
                    field_name: field.to_owned(),
                    strategy: "newer_timestamp",
                    manual_review_required: false,
                });
                let external_wins = match (local.updated_at, external.updated_at) {
                    (Some(l), Some(e)) => e >= l,
                    (_, None) if local.updated_at.is_some() => false,
                    _ => true,
                };
                if external_wins {
                    merged.take_field(external, field);
                }
            }
        }
    }
    merged.created_at = local.created_at.or(external.created_at);
    merged.updated_at = match (local.updated_at, external.updated_at) {
        (Some(l), Some(e)) => Some(if e > l { e } else { l }),
        (l, e) => l.or(e),
    };
    if external.raw.is_some() {
        merged.raw.clone_from(&external.raw);
    }
    merged
}

/// One sync session over a connector and the cache.
pub struct Engine<'a> {
    /// The provider.
    pub connector: &'a dyn Connector,
    /// The cache.
    pub store: &'a mut Store,
    /// Field ownership.
    pub policy: Policy,
    /// `<provider>:<workspace>`.
    pub checkpoint_key: String,
}

impl Engine<'_> {
    /// Pull changed issues into the cache and advance the checkpoint, in one transaction.
    ///
    /// The provider is asked for every issue changed since the checkpoint; they are taken
    /// oldest change first, and at most `limit` new or changed ones are written (unchanged ones
    /// cost nothing). The checkpoint then advances only over what was taken, so issues past the
    /// limit come with the next pull ([`SyncResult::remaining`] says how many are waiting).
    pub fn pull(&mut self, limit: usize) -> Result<SyncResult, CliError> {
        let since = self
            .store
            .checkpoint(&self.checkpoint_key)?
            .and_then(|(_, s)| s)
            .and_then(|s| IsoTime::parse(&s));
        let mut remote = self.connector.list_issues(since.as_ref(), None)?;
        // Stable: the provider's order is kept among equal (or missing) timestamps.
        remote.sort_by(|a, b| a.updated_at.map(|t| t.ts).cmp(&b.updated_at.map(|t| t.ts)));
        let (remote, duplicates) = one_per_identity(remote);
        let mut cached: HashMap<String, Issue> = self
            .store
            .list_issues(self.connector.name())?
            .into_iter()
            .map(|i| (i.reference.identity(), i))
            .collect();
        let mut result = self.result();
        result.duplicates = duplicates;
        let mut newest = since;
        let mut merged_rows = Vec::with_capacity(remote.len().min(limit));
        let total = remote.len();
        for (taken, issue) in remote.into_iter().enumerate() {
            let mut conflicts = Vec::new();
            let row = match cached.remove(&issue.reference.identity()) {
                None => Some((issue.clone(), true)),
                Some(cached) => {
                    let merged = merge(&cached, &issue, &self.policy, &mut conflicts);
                    // Unchanged: nothing to write.
                    (merged != cached).then_some((merged, false))
                }
            };
            match row {
                Some(_) if merged_rows.len() == limit => {
                    result.remaining = total - taken;
                    break;
                }
                Some((row, created)) => {
                    if created {
                        result.stats.pulled_created += 1;
                    } else {
                        result.stats.pulled_updated += 1;
                    }
                    merged_rows.push(row);
                }
                None => result.stats.skipped += 1,
            }
            result.conflicts.extend(conflicts);
            if let Some(t) = issue.updated_at {
                if newest.is_none_or(|old| t > old) {
                    newest = Some(t);
                }
            }
        }
        let key = self.checkpoint_key.clone();
        let newest = newest.map(|t| t.format());
        self.store.transaction(|tx| {
            for row in &merged_rows {
                tx.upsert_issue(row)?;
            }
            tx.save_checkpoint(&key, None, newest.as_deref())
        })?;
        Ok(result)
    }

    /// Push cached values the doctrine gives to Spec Kitty back to the provider.
    pub fn push(&mut self, limit: usize) -> Result<SyncResult, CliError> {
        let remote: HashMap<String, Issue> = self
            .connector
            .list_issues(None, Some(limit))?
            .into_iter()
            .map(|i| (i.reference.identity(), i))
            .collect();
        let deleted: Vec<String> = self.store.deleted()?;
        let cached = self.store.list_issues(self.connector.name())?;
        let mut result = self.result();
        let mut rows: Vec<Issue> = Vec::new();
        let mut newly_deleted: Vec<String> = Vec::new();
        for local in cached {
            let identity = local.reference.identity();
            if deleted.contains(&identity) {
                result.stats.skipped += 1;
                continue;
            }
            let current = match remote.get(&identity) {
                Some(r) => r.clone(),
                // Not listed (closed, paged out, or gone): look it up instead of re-creating it.
                None => match self.connector.get_issue(&local.reference.id)? {
                    Some(r) => r,
                    None => {
                        newly_deleted.push(identity);
                        continue;
                    }
                },
            };
            let desired = merge(&local, &current, &self.policy, &mut result.conflicts);
            let fields: Vec<&str> = CORE_FIELDS
                .iter()
                .copied()
                .filter(|f| !current.field_eq(&desired, f))
                .collect();
            if fields.is_empty() {
                result.stats.skipped += 1;
                if !remote.contains_key(&identity) && current != local {
                    rows.push(merge(&local, &current, &self.policy, &mut Vec::new()));
                }
                continue;
            }
            let updated = self.connector.update_issue(&current, &desired, &fields)?;
            rows.push(merge(&local, &updated, &self.policy, &mut Vec::new()));
            result.stats.pushed_updated += 1;
        }
        self.store.transaction(|tx| {
            for row in &rows {
                tx.upsert_issue(row)?;
            }
            for identity in &newly_deleted {
                tx.mark_deleted(identity)?;
            }
            Ok(())
        })?;
        result.deleted_remotely = newly_deleted;
        Ok(result)
    }

    /// Pull, then push at least 100 items (the original's `sync`).
    pub fn run(&mut self, limit: usize) -> Result<SyncResult, CliError> {
        let mut pulled = self.pull(limit)?;
        let pushed = self.push(limit.max(100))?;
        pulled.stats.pushed_created += pushed.stats.pushed_created;
        pulled.stats.pushed_updated += pushed.stats.pushed_updated;
        pulled.stats.skipped += pushed.stats.skipped;
        pulled.conflicts.extend(pushed.conflicts);
        pulled.errors.extend(pushed.errors);
        pulled.deleted_remotely.extend(pushed.deleted_remotely);
        Ok(pulled)
    }

    fn result(&self) -> SyncResult {
        SyncResult {
            provider: self.connector.name().to_owned(),
            ..SyncResult::default()
        }
    }
}

/// `remote` with one issue per identity — the last one (after the sort by change time: the
/// newest change, the provider's later one among equals), which is the row an upsert of each in
/// turn would leave — and the identities listed more than once with their counts.
fn one_per_identity(remote: Vec<Issue>) -> (Vec<Issue>, Vec<(String, usize)>) {
    let mut last: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, issue) in remote.iter().enumerate() {
        let seen = last.entry(issue.reference.identity()).or_insert((i, 0));
        *seen = (i, seen.1 + 1);
    }
    let mut duplicates: Vec<(String, usize)> = last
        .iter()
        .filter(|(_, &(_, n))| n > 1)
        .map(|(id, &(_, n))| (id.clone(), n))
        .collect();
    duplicates.sort();
    let kept = remote
        .into_iter()
        .enumerate()
        .filter(|(i, issue)| {
            last.get(&issue.reference.identity())
                .is_some_and(|&(at, _)| at == *i)
        })
        .map(|(_, issue)| issue)
        .collect();
    (kept, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::model::{ExternalRef, Status};

    /// The modes `bind --ownership-mode` accepts (commands.yaml `value_sets.ownership_mode`) are
    /// exactly the three policies the engine knows, in the original's order.
    #[test]
    fn every_declared_ownership_mode_has_its_own_policy() {
        let defaults: Vec<Owner> = crate::args::value_sets::OWNERSHIP_MODE
            .iter()
            .map(|m| Policy::from_doctrine(m, &BTreeMap::new()).owner("title"))
            .collect();
        assert_eq!(defaults, vec![Owner::External, Owner::Local, Owner::Shared]);
        assert_eq!(
            crate::args::value_sets::OWNERSHIP_MODE.first(),
            Some(&crate::config::DEFAULT_MODE)
        );
    }

    fn issue(title: &str, updated: &str) -> Issue {
        let mut i = Issue::new(ExternalRef::new("beads", "ws", "1"), title);
        i.updated_at = IsoTime::parse(updated);
        i
    }

    #[test]
    fn doctrines_decide_who_wins() {
        let local = issue("local title", "2026-01-01T00:00:00Z");
        let mut external = issue("remote title", "2026-01-02T00:00:00Z");
        external.status = Status::Done;
        let mut conflicts = Vec::new();
        let ext = merge(
            &local,
            &external,
            &Policy::from_doctrine("external_authoritative", &BTreeMap::new()),
            &mut conflicts,
        );
        assert_eq!(
            (ext.title.as_str(), ext.status),
            ("remote title", Status::Done)
        );
        let loc = merge(
            &local,
            &external,
            &Policy::from_doctrine("spec_kitty_authoritative", &BTreeMap::new()),
            &mut conflicts,
        );
        assert_eq!(
            (loc.title.as_str(), loc.status),
            ("local title", Status::Todo)
        );
        assert!(conflicts.is_empty());
        let owners = BTreeMap::from([
            ("title".to_owned(), "local".to_owned()),
            ("status".to_owned(), "bogus".to_owned()),
        ]);
        let split = merge(
            &local,
            &external,
            &Policy::from_doctrine("split_ownership", &owners),
            &mut conflicts,
        );
        assert_eq!(split.title, "local title");
        assert_eq!(
            split.status,
            Status::Done,
            "shared: the newer external value wins"
        );
        assert_eq!(
            conflicts,
            vec![Conflict {
                field_name: "status".into(),
                strategy: "newer_timestamp",
                manual_review_required: false
            }]
        );
        assert_eq!(split.updated_at, external.updated_at);
    }

    #[test]
    fn shared_field_keeps_a_newer_local_value() {
        let local = issue("local", "2026-02-01T00:00:00Z");
        let external = issue("remote", "2026-01-01T00:00:00Z");
        let merged = merge(
            &local,
            &external,
            &Policy::from_doctrine("split_ownership", &BTreeMap::new()),
            &mut Vec::new(),
        );
        assert_eq!(merged.title, "local");
        let no_time = Issue {
            updated_at: None,
            ..external
        };
        let merged = merge(
            &local,
            &no_time,
            &Policy::from_doctrine("split_ownership", &BTreeMap::new()),
            &mut Vec::new(),
        );
        assert_eq!(
            merged.title, "local",
            "only the external side lacks a timestamp: local wins"
        );
    }
}
