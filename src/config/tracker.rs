//! The `tracker:` block as spec-kitty 3.2 reads it (reference `upstream-3.2-tracker.md` §3.2):
//! `provider`, `binding_ref`, `project_slug`, `display_label`, `provider_context`,
//! `workspace`, `ownership: {mode, field_owners}` (the 3.0 `doctrine:` key where `ownership:`
//! is absent), `egress` (kept raw) and every other key (kept, in order, never dropped).
//!
//! The block a bind writes is built here from the block that was read
//! ([`TrackerConfig::local_block`], [`TrackerConfig::saas_block`],
//! [`TrackerConfig::slug_block`]) so that `egress` and unknown keys are carried by
//! construction, following 3.2's carry rules (§3.1).

use super::edit::TrackerBlock;
use super::DEFAULT_MODE;
use std::collections::BTreeMap;
use yaml_serde::Value;

/// Where the ownership mode was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OwnershipSource {
    /// `ownership:` (3.2 layout).
    Ownership,
    /// The 3.0 `doctrine:` key (no `ownership:` mapping beside it).
    Doctrine,
    /// Neither: the defaults.
    #[default]
    Default,
}

/// The recorded `tracker.egress` decision (reference §6, Channel 2).
#[derive(Debug, Clone, PartialEq)]
pub enum Egress {
    /// No `egress` key: no opinion (behaves as today).
    Absent,
    /// Exactly `permitted`.
    Permitted,
    /// Exactly `refused`.
    Refused,
    /// Anything else (a present null, `Permitted`, a number, a mapping): a fault, which refuses.
    Fault(Value),
}

/// The `tracker:` section as read (tolerant: blanks are absent, unknown keys are kept).
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerConfig {
    /// Provider name as written (trimmed).
    pub provider: Option<String>,
    /// Opaque SaaS routing key written by spec-kitty 3.2 (trimmed).
    pub binding_ref: Option<String>,
    /// SaaS project slug (trimmed).
    pub project_slug: Option<String>,
    /// Human label of the bound resource (trimmed).
    pub display_label: Option<String>,
    /// Provider details of the bound resource, keys and values as text, in file order.
    pub provider_context: Option<Vec<(String, String)>>,
    /// Local workspace (trimmed).
    pub workspace: Option<String>,
    /// Ownership mode (trimmed, lower-cased), default `external_authoritative`.
    pub ownership_mode: String,
    /// Field owners (entries with a blank field or owner dropped).
    pub field_owners: BTreeMap<String, String>,
    /// Which key the ownership came from.
    pub ownership_source: OwnershipSource,
    /// The raw `egress` value (`None`: no such key; `Some(Null)`: a present null).
    pub egress: Option<Value>,
    /// Keys this version does not know, with their values, in file order.
    pub extra: Vec<(Value, Value)>,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            provider: None,
            binding_ref: None,
            project_slug: None,
            display_label: None,
            provider_context: None,
            workspace: None,
            ownership_mode: DEFAULT_MODE.to_owned(),
            field_owners: BTreeMap::new(),
            ownership_source: OwnershipSource::Default,
            egress: None,
            extra: Vec::new(),
        }
    }
}

/// The keys 3.2 knows (everything else is carried as is).
const KNOWN_KEYS: [&str; 9] = [
    "provider",
    "binding_ref",
    "project_slug",
    "display_label",
    "provider_context",
    "workspace",
    "ownership",
    "doctrine",
    "egress",
];

/// What a SaaS bind learnt about the binding (from the server, or from `--project-slug`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaasBinding {
    /// Routing key.
    pub binding_ref: Option<String>,
    /// Project slug, when the server (or the user) named one.
    pub project_slug: Option<String>,
    /// Human label.
    pub display_label: Option<String>,
    /// Provider details exactly as the server gave them (`None`: absent).
    pub provider_context: Option<Vec<(String, String)>>,
}

impl TrackerConfig {
    /// Read a `tracker:` value; anything but a mapping reads as an empty block.
    pub fn from_value(value: Option<&Value>) -> TrackerConfig {
        let Some(t) = value.filter(|t| t.is_mapping()) else {
            return TrackerConfig::default();
        };
        let (ownership_source, block) = match (
            t.get("ownership").filter(|v| v.is_mapping()),
            t.get("doctrine").filter(|v| v.is_mapping()),
        ) {
            (Some(o), _) => (OwnershipSource::Ownership, Some(o)),
            (None, Some(d)) => (OwnershipSource::Doctrine, Some(d)),
            (None, None) => (OwnershipSource::Default, None),
        };
        let field_owners = block
            .and_then(|d| d.get("field_owners"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((text_of(k)?, text_of(v)?)))
                    .collect()
            })
            .unwrap_or_default();
        let provider_context = t
            .get("provider_context")
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (stringify(k), stringify(v)))
                    .collect()
            });
        let extra = t
            .as_mapping()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !k.as_str().is_some_and(|k| KNOWN_KEYS.contains(&k)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        TrackerConfig {
            provider: t.get("provider").and_then(text_of),
            binding_ref: t.get("binding_ref").and_then(text_of),
            project_slug: t.get("project_slug").and_then(text_of),
            display_label: t.get("display_label").and_then(text_of),
            provider_context,
            workspace: t.get("workspace").and_then(text_of),
            ownership_mode: block
                .and_then(|d| d.get("mode"))
                .and_then(text_of)
                .map_or_else(|| DEFAULT_MODE.to_owned(), |m| m.to_lowercase()),
            field_owners,
            ownership_source,
            egress: t.get("egress").cloned(),
            extra,
        }
    }

    /// The SaaS routing key: `("binding_ref", ref)` when the binding has one, else
    /// `("project_slug", slug)` (reference §4.2); `None` when it has neither.
    pub fn route(&self) -> Option<(&'static str, &str)> {
        match (&self.binding_ref, &self.project_slug) {
            (Some(r), _) => Some(("binding_ref", r)),
            (None, Some(s)) => Some(("project_slug", s)),
            (None, None) => None,
        }
    }

    /// The recorded egress decision.
    pub fn egress(&self) -> Egress {
        match &self.egress {
            None => Egress::Absent,
            Some(Value::String(s)) if s == "permitted" => Egress::Permitted,
            Some(Value::String(s)) if s == "refused" => Egress::Refused,
            Some(other) => Egress::Fault(other.clone()),
        }
    }

    /// The block a local bind writes: provider, workspace and ownership (the SaaS keys null),
    /// carrying `egress` and unknown keys (3.2 `LocalTrackerService.bind`).
    pub fn local_block(
        &self,
        provider: &str,
        workspace: &str,
        mode: &str,
        field_owners: Vec<(String, String)>,
    ) -> TrackerBlock {
        TrackerBlock {
            provider: provider.to_owned(),
            workspace: Some(workspace.to_owned()),
            mode: mode.to_owned(),
            field_owners,
            ..self.carried()
        }
    }

    /// The block a SaaS bind writes for `binding` (3.2 `SaaSTrackerService._persist_binding`):
    /// ownership, `egress` and unknown keys carried; `workspace`, and `project_slug` and
    /// `display_label` when `binding` has none, kept only when the provider is unchanged;
    /// `provider_context` exactly as given.
    pub fn saas_block(&self, provider: &str, binding: SaasBinding) -> TrackerBlock {
        let same = self.provider.as_deref() == Some(provider);
        let kept = |own: Option<String>, old: &Option<String>| {
            own.or_else(|| if same { old.clone() } else { None })
        };
        TrackerBlock {
            provider: provider.to_owned(),
            binding_ref: binding.binding_ref,
            project_slug: kept(binding.project_slug, &self.project_slug),
            display_label: kept(binding.display_label, &self.display_label),
            provider_context: binding.provider_context.filter(|c| !c.is_empty()),
            workspace: if same { self.workspace.clone() } else { None },
            mode: self.ownership_mode.clone(),
            field_owners: self
                .field_owners
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ..self.carried()
        }
    }

    /// The block of a bind by project slug (3.2 `SaaSTrackerService.bind(provider,
    /// project_slug)`): provider and slug, default ownership, `egress` and unknown keys carried.
    pub fn slug_block(&self, provider: &str, project_slug: &str) -> TrackerBlock {
        TrackerBlock {
            provider: provider.to_owned(),
            project_slug: Some(project_slug.to_owned()),
            ..self.carried()
        }
    }

    /// An empty 3.2 block carrying this block's `egress` and unknown keys.
    fn carried(&self) -> TrackerBlock {
        TrackerBlock {
            extra: self.extra.clone(),
            provider: String::new(),
            binding_ref: None,
            project_slug: None,
            display_label: None,
            provider_context: None,
            workspace: None,
            mode: DEFAULT_MODE.to_owned(),
            field_owners: Vec::new(),
            egress: self.egress.clone(),
        }
    }
}

/// A scalar as trimmed text; blank, null, lists and mappings count as absent.
pub(super) fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// Any value as text, as 3.2 stringifies `provider_context` (strings untouched; null is
/// empty; lists and mappings in YAML flow-ish form).
fn stringify(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => yaml_serde::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> TrackerConfig {
        let doc: Value = yaml_serde::from_str(yaml).expect("yaml");
        TrackerConfig::from_value(doc.get("tracker"))
    }

    /// Oracle: reference §3.1, the SaaS block 3.2.7 writes after `bind --provider linear`.
    #[test]
    fn reads_the_3_2_saas_block() {
        let t = read("tracker:\n  provider: linear\n  binding_ref: br-core\n  project_slug:\n  display_label: Core (COR)\n  provider_context:\n    workspace_name: Acme\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {}\n");
        assert_eq!(t.provider.as_deref(), Some("linear"));
        assert_eq!(t.binding_ref.as_deref(), Some("br-core"));
        assert_eq!(t.project_slug, None);
        assert_eq!(t.display_label.as_deref(), Some("Core (COR)"));
        assert_eq!(
            t.provider_context,
            Some(vec![("workspace_name".into(), "Acme".into())])
        );
        assert_eq!(t.route(), Some(("binding_ref", "br-core")));
        assert_eq!(t.ownership_source, OwnershipSource::Ownership);
        assert_eq!(t.egress(), Egress::Absent);
        assert!(t.extra.is_empty());
    }

    /// Oracle: reference §3.2 (ownership wins over doctrine; doctrine read where ownership is
    /// absent; blanks dropped) and §6 (the egress values).
    #[test]
    fn ownership_doctrine_egress_and_unknown_keys() {
        let t = read("tracker:\n  zeta: {a: 1}\n  provider: beads\n  workspace: ws\n  doctrine:\n    mode: split_ownership\n  ownership:\n    mode: spec_kitty_authoritative\n    field_owners: {title: local, ' ': x, body: ''}\n  egress: refused\n  alpha: [1, 2]\n");
        assert_eq!(t.ownership_mode, "spec_kitty_authoritative");
        assert_eq!(t.ownership_source, OwnershipSource::Ownership);
        assert_eq!(t.field_owners.len(), 1);
        assert_eq!(t.egress(), Egress::Refused);
        let keys: Vec<_> = t.extra.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, vec![Some("zeta"), Some("alpha")]);
        let t = read("tracker:\n  provider: beads\n  doctrine:\n    mode: split_ownership\n");
        assert_eq!(
            (t.ownership_mode.as_str(), t.ownership_source),
            ("split_ownership", OwnershipSource::Doctrine)
        );
        assert_eq!(
            read("tracker:\n  egress: permitted\n").egress(),
            Egress::Permitted
        );
        for fault in [
            "egress:",
            "egress: Permitted",
            "egress: 1",
            "egress: {a: 1}",
        ] {
            let t = read(&format!("tracker:\n  {fault}\n"));
            assert!(matches!(t.egress(), Egress::Fault(_)), "{fault}");
        }
        assert_eq!(
            read("tracker:\n  provider: jira\n  project_slug: p\n").route(),
            Some(("project_slug", "p"))
        );
    }

    /// Oracle: 3.2.7 `_persist_binding` (reference §3.1): what a SaaS bind carries.
    #[test]
    fn saas_block_carries_as_3_2_does() {
        let old = read("tracker:\n  x: 1\n  provider: linear\n  project_slug: old\n  display_label: Old\n  workspace: w\n  ownership:\n    mode: split_ownership\n    field_owners: {title: local}\n  egress: permitted\n");
        let same = old.saas_block(
            "linear",
            SaasBinding {
                binding_ref: Some("br".into()),
                ..SaasBinding::default()
            },
        );
        assert_eq!(same.project_slug.as_deref(), Some("old"));
        assert_eq!(same.display_label.as_deref(), Some("Old"));
        assert_eq!(same.workspace.as_deref(), Some("w"));
        assert_eq!(same.mode, "split_ownership");
        assert_eq!(same.field_owners, vec![("title".into(), "local".into())]);
        assert_eq!(same.egress, Some(Value::String("permitted".into())));
        assert_eq!(same.extra.len(), 1);
        let other = old.saas_block("jira", SaasBinding::default());
        assert_eq!(
            (other.project_slug, other.display_label, other.workspace),
            (None, None, None)
        );
        assert_eq!(other.egress, Some(Value::String("permitted".into())));
        let local = old.local_block("beads", "ws", "external_authoritative", vec![]);
        assert_eq!(
            (local.binding_ref, local.project_slug, local.display_label),
            (None, None, None)
        );
        assert_eq!(local.extra.len(), 1);
    }
}
