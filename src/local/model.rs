//! The canonical issue of the local path (spec-kitty-tracker's `CanonicalIssue`) and its
//! payload JSON, byte-compatible with what the Python tool stores: fixed key order, compact
//! separators, non-ASCII escaped as `\uXXXX`, Python `isoformat()` timestamps, `raw` as received.

pub use crate::timefmt::IsoTime;
pub use crate::vocabulary::{IssueType, LinkType, Status};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A reference to an issue in a tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalRef {
    /// Provider (`beads`, `fp`).
    pub system: String,
    /// Workspace label from the binding.
    pub workspace: String,
    /// Issue id.
    pub id: String,
    /// Human key.
    pub key: Option<String>,
    /// URL.
    pub url: Option<String>,
}

impl ExternalRef {
    /// A ref with only system, workspace and id.
    pub fn new(system: &str, workspace: &str, id: &str) -> ExternalRef {
        ExternalRef {
            system: system.into(),
            workspace: workspace.into(),
            id: id.into(),
            key: None,
            url: None,
        }
    }

    /// `system:workspace:id`, the cache key.
    pub fn identity(&self) -> String {
        format!("{}:{}:{}", self.system, self.workspace, self.id)
    }
}

/// A link to another issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Link type.
    pub link_type: LinkType,
    /// Target issue.
    pub target: ExternalRef,
}

impl Serialize for Link {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Link", 2)?;
        st.serialize_field("type", self.link_type.as_str())?;
        st.serialize_field("target", &self.target)?;
        st.end()
    }
}

/// The canonical issue.
#[derive(Debug, Clone)]
pub struct Issue {
    /// Reference.
    pub reference: ExternalRef,
    /// Title (never empty).
    pub title: String,
    /// Body.
    pub body: Option<String>,
    /// Status.
    pub status: Status,
    /// Type.
    pub issue_type: IssueType,
    /// Priority 0..=4.
    pub priority: Option<u8>,
    /// Assignees.
    pub assignees: Vec<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Parent.
    pub parent: Option<ExternalRef>,
    /// Links.
    pub links: Vec<Link>,
    /// Custom fields (a JSON object).
    pub custom_fields: Map<String, Value>,
    /// Created.
    pub created_at: Option<IsoTime>,
    /// Updated.
    pub updated_at: Option<IsoTime>,
    /// The connector's raw record, as received.
    pub raw: Option<Box<RawValue>>,
}

impl PartialEq for Issue {
    /// Field-by-field equality like the Python dataclass (raw compared as JSON values).
    fn eq(&self, other: &Self) -> bool {
        let raw = |r: &Option<Box<RawValue>>| {
            r.as_ref()
                .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        };
        self.reference == other.reference
            && self.core_eq(other)
            && self.created_at == other.created_at
            && self.updated_at == other.updated_at
            && raw(&self.raw) == raw(&other.raw)
    }
}

/// The fields a doctrine assigns owners to, in order.
pub const CORE_FIELDS: [&str; 10] = [
    "title",
    "body",
    "status",
    "issue_type",
    "priority",
    "assignees",
    "labels",
    "parent",
    "links",
    "custom_fields",
];

impl Issue {
    /// A minimal issue (status todo, type task).
    pub fn new(reference: ExternalRef, title: &str) -> Issue {
        Issue {
            reference,
            title: title.to_owned(),
            body: None,
            status: Status::Todo,
            issue_type: IssueType::Task,
            priority: None,
            assignees: Vec::new(),
            labels: Vec::new(),
            parent: None,
            links: Vec::new(),
            custom_fields: Map::new(),
            created_at: None,
            updated_at: None,
            raw: None,
        }
    }

    fn core_eq(&self, other: &Issue) -> bool {
        CORE_FIELDS.iter().all(|f| self.field_eq(other, f))
    }

    /// Whether one core field is equal.
    pub fn field_eq(&self, other: &Issue, field: &str) -> bool {
        match field {
            "title" => self.title == other.title,
            "body" => self.body == other.body,
            "status" => self.status == other.status,
            "issue_type" => self.issue_type == other.issue_type,
            "priority" => self.priority == other.priority,
            "assignees" => self.assignees == other.assignees,
            "labels" => self.labels == other.labels,
            "parent" => self.parent == other.parent,
            "links" => self.links == other.links,
            "custom_fields" => self.custom_fields == other.custom_fields,
            _ => true,
        }
    }

    /// Copy one core field from `other`.
    pub fn take_field(&mut self, other: &Issue, field: &str) {
        match field {
            "title" => self.title.clone_from(&other.title),
            "body" => self.body.clone_from(&other.body),
            "status" => self.status = other.status,
            "issue_type" => self.issue_type = other.issue_type,
            "priority" => self.priority = other.priority,
            "assignees" => self.assignees.clone_from(&other.assignees),
            "labels" => self.labels.clone_from(&other.labels),
            "parent" => self.parent.clone_from(&other.parent),
            "links" => self.links.clone_from(&other.links),
            "custom_fields" => self.custom_fields.clone_from(&other.custom_fields),
            _ => {}
        }
    }

    /// One core field as JSON (for conflict records).
    pub fn field_json(&self, field: &str) -> Value {
        let v = match field {
            "title" => serde_json::to_value(&self.title),
            "body" => serde_json::to_value(&self.body),
            "status" => Ok(Value::from(self.status.as_str())),
            "issue_type" => Ok(Value::from(self.issue_type.as_str())),
            "priority" => serde_json::to_value(self.priority),
            "assignees" => serde_json::to_value(&self.assignees),
            "labels" => serde_json::to_value(&self.labels),
            "parent" => serde_json::to_value(&self.parent),
            "links" => serde_json::to_value(&self.links),
            "custom_fields" => Ok(Value::Object(self.custom_fields.clone())),
            _ => Ok(Value::Null),
        };
        v.unwrap_or(Value::Null)
    }

    /// The payload stored in `tracker_issues.payload`, as the Python tool writes it.
    pub fn to_payload(&self) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, jsonfmt::PythonCompact);
        let _ = PayloadView(self).serialize(&mut ser);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Read a stored payload tolerantly (unknown enum values fall back, bad priorities dropped).
    pub fn from_payload(text: &str) -> Option<Issue> {
        let v: Value = serde_json::from_str(text).ok()?;
        let obj = v.as_object()?;
        let reference = ref_from(obj.get("ref")?)?;
        let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
        let list = |k: &str| -> Vec<String> {
            obj.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let priority = match obj.get("priority") {
            Some(Value::Number(n)) => n.as_u64().and_then(|p| u8::try_from(p).ok()),
            Some(Value::String(t)) if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) => {
                t.parse().ok()
            }
            _ => None,
        }
        .filter(|p| *p <= 4);
        let links = obj
            .get("links")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|l| {
                        Some(Link {
                            link_type: LinkType::parse_lenient(l.get("type")?.as_str()?),
                            target: ref_from(l.get("target")?)?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let raw = obj
            .get("raw")
            .filter(|r| !r.is_null())
            .and_then(|r| RawValue::from_string(r.to_string()).ok());
        Some(Issue {
            reference,
            title: s("title")
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "Untitled".into()),
            body: s("body"),
            status: Status::parse_lenient(&s("status").unwrap_or_default()),
            issue_type: IssueType::parse_lenient(&s("issue_type").unwrap_or_default()),
            priority,
            assignees: list("assignees"),
            labels: list("labels"),
            parent: obj.get("parent").and_then(ref_from),
            links,
            custom_fields: obj
                .get("custom_fields")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            created_at: s("created_at").and_then(|t| IsoTime::parse(&t)),
            updated_at: s("updated_at").and_then(|t| IsoTime::parse(&t)),
            raw,
        })
    }
}

fn ref_from(v: &Value) -> Option<ExternalRef> {
    let o = v.as_object()?;
    let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
    let r = ExternalRef {
        system: s("system")?,
        workspace: s("workspace")?,
        id: s("id")?,
        key: s("key"),
        url: s("url"),
    };
    (!r.system.is_empty() && !r.workspace.is_empty() && !r.id.is_empty()).then_some(r)
}

/// Serializes an issue in the stored key order.
struct PayloadView<'a>(&'a Issue);

impl Serialize for PayloadView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.0;
        let mut st = s.serialize_struct("Issue", 14)?;
        st.serialize_field("ref", &i.reference)?;
        st.serialize_field("title", &i.title)?;
        st.serialize_field("body", &i.body)?;
        st.serialize_field("status", i.status.as_str())?;
        st.serialize_field("issue_type", i.issue_type.as_str())?;
        st.serialize_field("priority", &i.priority)?;
        st.serialize_field("assignees", &i.assignees)?;
        st.serialize_field("labels", &i.labels)?;
        st.serialize_field("parent", &i.parent)?;
        st.serialize_field("links", &i.links)?;
        st.serialize_field("custom_fields", &i.custom_fields)?;
        st.serialize_field("created_at", &i.created_at.map(|t| t.format()))?;
        st.serialize_field("updated_at", &i.updated_at.map(|t| t.format()))?;
        st.serialize_field("raw", &i.raw)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_matches_the_documented_row() {
        let raw = r#"{"id":"demo-002", "title":"Seed issue B","note":"caf\u00e9 ü"}"#;
        let mut issue = Issue::new(
            ExternalRef {
                key: Some("demo-002".into()),
                ..ExternalRef::new("beads", "demo-ws", "demo-002")
            },
            "Seed issue B",
        );
        issue.status = Status::InProgress;
        issue.issue_type = IssueType::Bug;
        issue.priority = Some(3);
        issue.links.push(Link {
            link_type: LinkType::BlockedBy,
            target: ExternalRef::new("beads", "demo-ws", "demo-001"),
        });
        issue.created_at = IsoTime::parse("2026-11-24T01:44:13.756931+00:00");
        issue.updated_at = IsoTime::parse("2026-11-24T01:44:13.782540+00:00");
        issue.raw = RawValue::from_string(raw.to_owned()).ok();
        assert_eq!(
            issue.to_payload(),
            r#"{"ref":{"system":"beads","workspace":"demo-ws","id":"demo-002","key":"demo-002","url":null},"title":"Seed issue B","body":null,"status":"in_progress","issue_type":"bug","priority":3,"assignees":[],"labels":[],"parent":null,"links":[{"type":"blocked_by","target":{"system":"beads","workspace":"demo-ws","id":"demo-001","key":null,"url":null}}],"custom_fields":{},"created_at":"2026-11-24T01:44:13.756931+00:00","updated_at":"2026-11-24T01:44:13.782540+00:00","raw":{"id":"demo-002","title":"Seed issue B","note":"caf\u00e9 \u00fc"}}"#
        );
        let back = Issue::from_payload(&issue.to_payload()).expect("reads back");
        assert_eq!(back, issue);
    }

    #[test]
    fn reading_is_tolerant() {
        let text = r#"{"ref":{"system":"fp","workspace":"w","id":"FP-1"},"title":"","status":"weird","issue_type":"feature","priority":"7","links":[{"type":"nope","target":{"system":"fp","workspace":"w","id":"FP-2"}}]}"#;
        let i = Issue::from_payload(text).expect("tolerant");
        assert_eq!(
            (i.title.as_str(), i.status, i.issue_type, i.priority),
            ("Untitled", Status::Todo, IssueType::Task, None)
        );
        assert_eq!(i.links[0].link_type, LinkType::RelatesTo);
        assert!(Issue::from_payload("[]").is_none());
        assert!(Issue::from_payload(r#"{"ref":{"system":"","workspace":"w","id":"1"}}"#).is_none());
    }
}
