//! The beads connector: `bd --json list | show | update` (JSON in and out), with the mapping
//! tables of reference/local-providers.md §4 and these deliberate fixes: `relates-to` becomes a
//! related link, removed labels are removed remotely (`bd label remove`), and the
//! `{schema_version, data}` envelope is unwrapped. No command creates issues (README,
//! "Differences" (a) and (b)), so there is no `bd create` path.

use super::connector::Connector;
use super::model::{ExternalRef, IsoTime, Issue, IssueType, Link, LinkType, Status};
use super::runner::{shown, CommandRunner};
use crate::error::CliError;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A beads connector for one workspace.
pub struct Beads<'a> {
    /// Executable (`--credential command`, default `bd`).
    pub command: String,
    /// Workspace label.
    pub workspace: String,
    /// Runs the commands.
    pub runner: &'a dyn CommandRunner,
}

impl Beads<'_> {
    fn argv(&self, args: &[&str]) -> Vec<String> {
        let mut v = vec![self.command.clone(), "--json".to_owned()];
        v.extend(args.iter().map(|a| (*a).to_owned()));
        v
    }

    /// `bd --json <subcommand words> <flags> -- <positional...>`: data never reaches bd's flag
    /// parser (an id `--db=/tmp/x.db` stays an id), flag values are `--name=value`.
    fn command_line(&self, subcommand: &str, flags: &[String], positional: &[&str]) -> Vec<String> {
        let mut v = self.argv(&subcommand.split(' ').collect::<Vec<_>>());
        v.extend(flags.iter().cloned());
        v.push("--".to_owned());
        v.extend(positional.iter().map(|p| (*p).to_owned()));
        v
    }

    fn run_json(&self, argv: &[String]) -> Result<Value, CliError> {
        let out = self.runner.run(argv)?;
        parse_output(&out, argv)
    }

    fn to_canonical(
        &self,
        item: &Value,
        raw: Option<Box<RawValue>>,
        details: Option<&Value>,
    ) -> Result<Issue, CliError> {
        let obj = item
            .as_object()
            .ok_or_else(|| bad_output("an issue is not a JSON object"))?;
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad_output("an issue has no id"))?;
        let s = |k: &str| obj.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
        let mut reference = ExternalRef::new("beads", &self.workspace, id);
        reference.key = Some(id.to_owned());
        reference.url = s("external_ref").map(str::to_owned);
        let mut issue = Issue::new(reference, s("title").unwrap_or("Untitled"));
        issue.body = s("description").map(str::to_owned);
        issue.status = status_in(s("status").unwrap_or(""));
        issue.issue_type = type_in(s("issue_type").unwrap_or(""));
        issue.priority = obj.get("priority").and_then(priority_in);
        issue.assignees = s("assignee")
            .map(|a| vec![a.to_owned()])
            .unwrap_or_default();
        issue.labels = obj
            .get("labels")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        issue.parent = s("parent").map(|p| ExternalRef::new("beads", &self.workspace, p));
        let deps = details
            .and_then(|d| d.get("dependencies"))
            .or_else(|| obj.get("dependencies"))
            .and_then(Value::as_array);
        issue.links = deps
            .map(|d| d.iter().filter_map(|dep| self.link(dep)).collect())
            .unwrap_or_default();
        if let Some(meta) = obj.get("metadata") {
            issue.custom_fields.insert("metadata".into(), meta.clone());
        }
        if let Some(comments) = details.and_then(|d| d.get("comments")) {
            issue
                .custom_fields
                .insert("comments".into(), comments.clone());
        }
        issue.created_at = s("created_at").and_then(IsoTime::parse);
        issue.updated_at = s("updated_at").and_then(IsoTime::parse);
        issue.raw = match (raw, details) {
            (Some(raw), None) => Some(raw),
            (_, Some(details)) => {
                let mut with = obj.clone();
                with.insert("details".into(), details.clone());
                RawValue::from_string(Value::Object(with).to_string()).ok()
            }
            (None, None) => RawValue::from_string(item.to_string()).ok(),
        };
        Ok(issue)
    }

    fn link(&self, dep: &Value) -> Option<Link> {
        let o = dep.as_object()?;
        let target = ["id", "depends_on_id", "dependsOnId"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))?;
        let kind = ["dependency_type", "type"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .unwrap_or("blocks");
        Some(Link {
            link_type: link_in(kind),
            target: ExternalRef::new("beads", &self.workspace, target),
        })
    }

    fn show(&self, id: &str) -> Result<Option<Issue>, CliError> {
        let argv = self.command_line("show", &[], &[id]);
        let payload = match self.run_json(&argv) {
            Ok(p) => p,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let first = match &payload {
            Value::Array(a) => a.first().cloned(),
            other => Some(other.clone()),
        };
        let Some(first @ Value::Object(_)) = first else {
            return Ok(None);
        };
        if let Some(inner @ Value::Object(_)) = first.get("issue") {
            return self.to_canonical(inner, None, Some(&first)).map(Some);
        }
        let raw = RawValue::from_string(first.to_string()).ok();
        self.to_canonical(&first, raw, None).map(Some)
    }
}

impl Connector for Beads<'_> {
    fn name(&self) -> &'static str {
        "beads"
    }

    fn list_issues(
        &self,
        updated_since: Option<&IsoTime>,
        limit: Option<usize>,
    ) -> Result<Vec<Issue>, CliError> {
        // bd lists 50 rows (20 in agent mode) unless told otherwise; `--limit=0` is "all".
        let mut args = vec![format!("--limit={}", limit.unwrap_or(0))];
        if let Some(since) = updated_since {
            args.push(format!("--updated-after={}", since.day_before()));
        }
        let mut argv = self.argv(&["list"]);
        argv.extend(args);
        let out = self.runner.run(&argv)?;
        let items = list_items(&out, &argv)?;
        items
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|raw| {
                let value: Value =
                    serde_json::from_str(raw.get()).map_err(|e| bad_output(&e.to_string()))?;
                self.to_canonical(&value, Some(raw), None)
            })
            .collect()
    }

    fn get_issue(&self, id: &str) -> Result<Option<Issue>, CliError> {
        self.show(id)
    }

    fn update_issue(
        &self,
        remote: &Issue,
        desired: &Issue,
        fields: &[&str],
    ) -> Result<Issue, CliError> {
        let id = remote.reference.id.as_str();
        let mut flags: Vec<String> = Vec::new();
        let mut label_removals: Vec<String> = Vec::new();
        for field in fields {
            match *field {
                "status" => flags.push(flag("status", status_out(desired.status))),
                "priority" => {
                    flags.push(flag("priority", &desired.priority.unwrap_or(2).to_string()))
                }
                "title" => flags.push(flag("title", &desired.title)),
                "body" => flags.push(flag(
                    "description",
                    desired.body.as_deref().unwrap_or_default(),
                )),
                "issue_type" => flags.push(flag("type", type_out(desired.issue_type))),
                "assignees" => flags.push(flag(
                    "assignee",
                    desired.assignees.first().map_or("", String::as_str),
                )),
                "labels" if desired.labels.is_empty() => {
                    label_removals.extend(remote.labels.iter().cloned())
                }
                "labels" => flags.extend(desired.labels.iter().map(|l| flag("set-labels", l))),
                "parent" => flags.push(flag(
                    "parent",
                    desired.parent.as_ref().map_or("", |p| p.id.as_str()),
                )),
                _ => {}
            }
        }
        if !flags.is_empty() {
            self.runner
                .run(&self.command_line("update", &flags, &[id]))?;
        }
        for label in &label_removals {
            self.runner
                .run(&self.command_line("label remove", &[], &[id, label]))?;
        }
        self.show(id)?.ok_or_else(|| {
            CliError::failed(
                "local_not_found",
                format!("Beads issue not found after update: {id}"),
            )
        })
    }
}

/// `--name=value`, one argument, so a value that starts with `-` is never taken for a flag.
fn flag(name: &str, value: &str) -> String {
    format!("--{name}={value}")
}

fn bad_output(why: &str) -> CliError {
    CliError::failed("local_output", format!("unexpected output from bd: {why}"))
}

/// Whether a failed command said the issue does not exist.
pub fn is_not_found(e: &CliError) -> bool {
    let m = e.message.to_lowercase();
    e.code == "local_command" && (m.contains("no issues found") || m.contains("not found"))
}

/// Parse bd JSON output; empty output is `{}`, the `{schema_version, data}` envelope is unwrapped.
fn parse_output(out: &str, argv: &[String]) -> Result<Value, CliError> {
    if out.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let v: Value = serde_json::from_str(out).map_err(|e| unparsable(out, argv, &e))?;
    Ok(unwrap_envelope(v))
}

fn unwrap_envelope(v: Value) -> Value {
    match v {
        Value::Object(mut o) if o.contains_key("schema_version") && o.contains_key("data") => {
            o.remove("data").unwrap_or(Value::Null)
        }
        other => other,
    }
}

fn unparsable(out: &str, argv: &[String], e: &serde_json::Error) -> CliError {
    let line = out
        .lines()
        .nth(e.line().saturating_sub(1))
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>();
    CliError::failed(
        "local_output",
        format!(
            "{} printed output that is not JSON ({e}): {line}",
            shown(argv)
        ),
    )
}

/// The items of `bd --json list` output: an array, or an object with `items`/`issues`, possibly
/// inside the `{schema_version, data}` envelope. Items keep their received text.
fn list_items(out: &str, argv: &[String]) -> Result<Vec<Box<RawValue>>, CliError> {
    if out.trim().is_empty() {
        return Ok(Vec::new());
    }
    let top: Box<RawValue> = serde_json::from_str(out).map_err(|e| unparsable(out, argv, &e))?;
    let mut current = top;
    for _ in 0..3 {
        let text = current.get().trim_start();
        if text.starts_with('[') {
            return serde_json::from_str(current.get()).map_err(|e| unparsable(out, argv, &e));
        }
        if !text.starts_with('{') {
            return Err(bad_output("`list` did not print a JSON array"));
        }
        let obj: std::collections::BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(current.get()).map_err(|e| unparsable(out, argv, &e))?;
        let mut obj = obj;
        current = match ["data", "items", "issues"]
            .iter()
            .find_map(|k| obj.remove(*k))
        {
            Some(next) => next,
            None => return Ok(Vec::new()),
        };
    }
    Err(bad_output("`list` output is nested too deeply"))
}

fn status_in(s: &str) -> Status {
    match s.to_lowercase().as_str() {
        "in_progress" | "pinned" => Status::InProgress,
        "blocked" => Status::Blocked,
        "closed" => Status::Done,
        "tombstone" => Status::Canceled,
        _ => Status::Todo,
    }
}

fn status_out(s: Status) -> &'static str {
    match s {
        Status::Todo => "open",
        Status::InProgress | Status::InReview => "in_progress",
        Status::Blocked => "blocked",
        Status::Done | Status::Canceled => "closed",
    }
}

fn type_in(s: &str) -> IssueType {
    match s.to_lowercase().as_str() {
        "epic" => IssueType::Epic,
        "feature" => IssueType::Story,
        "bug" => IssueType::Bug,
        "chore" | "decision" => IssueType::Chore,
        _ => IssueType::Task,
    }
}

fn type_out(t: IssueType) -> &'static str {
    match t {
        IssueType::Epic => "epic",
        IssueType::Story => "feature",
        IssueType::Bug => "bug",
        IssueType::Chore => "chore",
        IssueType::Task | IssueType::Subtask => "task",
    }
}

fn link_in(kind: &str) -> LinkType {
    match kind {
        "related" | "relates_to" | "relates" | "relates-to" | "discovered-from" => {
            LinkType::RelatesTo
        }
        "duplicates" => LinkType::Duplicates,
        "parent-child" => LinkType::ChildOf,
        _ => LinkType::BlockedBy,
    }
}

fn priority_in(v: &Value) -> Option<u8> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }?;
    u8::try_from(n.clamp(0, 4)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::runner::ScriptedRunner;

    const LIST: &str = r#"[{"id":"demo-002","title":"Seed issue B","status":"in_progress","priority":3,"issue_type":"bug","created_at":"2026-03-05T10:00:00.123456789Z","updated_at":"2026-03-05T11:00:00Z","labels":["backend"],"dependencies":[{"issue_id":"demo-002","depends_on_id":"demo-001","type":"blocks","created_at":"2026-03-05T10:05:00Z"},{"issue_id":"demo-002","depends_on_id":"demo-003","type":"relates-to"}],"dependency_count":2}]"#;

    fn runner(script: &[(&[&str], &str)]) -> ScriptedRunner {
        ScriptedRunner {
            script: script
                .iter()
                .map(|(p, out)| {
                    (
                        p.iter().map(|s| (*s).to_owned()).collect(),
                        Ok((*out).to_owned()),
                    )
                })
                .collect(),
            ..Default::default()
        }
    }

    fn beads(r: &ScriptedRunner) -> Beads<'_> {
        Beads {
            command: "bd".into(),
            workspace: "demo-ws".into(),
            runner: r,
        }
    }

    #[test]
    fn list_maps_fields_and_keeps_raw() {
        let r = runner(&[(&["bd", "--json", "list"], LIST)]);
        let issues = beads(&r).list_issues(None, Some(100)).expect("list");
        let i = &issues[0];
        assert_eq!(i.reference.identity(), "beads:demo-ws:demo-002");
        assert_eq!(
            (i.status, i.issue_type, i.priority),
            (Status::InProgress, IssueType::Bug, Some(3))
        );
        assert_eq!(
            i.links[0],
            Link {
                link_type: LinkType::BlockedBy,
                target: ExternalRef::new("beads", "demo-ws", "demo-001")
            }
        );
        assert_eq!(
            i.links[1].link_type,
            LinkType::RelatesTo,
            "relates-to is a related link (fix c)"
        );
        assert_eq!(
            i.created_at.map(|t| t.format()).as_deref(),
            Some("2026-03-05T10:00:00.123456+00:00")
        );
        assert!(i
            .raw
            .as_ref()
            .expect("raw")
            .get()
            .starts_with(r#"{"id":"demo-002""#));
    }

    #[test]
    fn envelope_and_wrapper_shapes() {
        for out in [
            format!(r#"{{"schema_version":1,"data":{LIST}}}"#),
            format!(r#"{{"items":{LIST}}}"#),
            format!(r#"{{"issues":{LIST},"total":1}}"#),
        ] {
            let r = runner(&[(&["bd", "--json", "list"], out.as_str())]);
            assert_eq!(
                beads(&r).list_issues(None, Some(10)).expect("list").len(),
                1,
                "{out}"
            );
        }
        let r = runner(&[(&["bd", "--json", "list"], "")]);
        assert!(beads(&r)
            .list_issues(None, Some(10))
            .expect("empty")
            .is_empty());
        let r = runner(&[(&["bd", "--json", "list"], "{oops")]);
        let err = beads(&r).list_issues(None, Some(10)).expect_err("bad json");
        assert!(
            err.message.contains("not JSON") && err.message.contains("{oops"),
            "{}",
            err.message
        );
    }

    #[test]
    fn removed_labels_are_removed_remotely() {
        let r = runner(&[
            (&["bd", "--json", "label", "remove"], "{}"),
            (
                &["bd", "--json", "show", "--", "demo-002"],
                r#"[{"id":"demo-002","title":"T","labels":[]}]"#,
            ),
        ]);
        let mut remote = Issue::new(ExternalRef::new("beads", "demo-ws", "demo-002"), "T");
        remote.labels = vec!["backend".into(), "ui".into()];
        let desired = Issue {
            labels: vec![],
            ..remote.clone()
        };
        beads(&r)
            .update_issue(&remote, &desired, &["labels"])
            .expect("update");
        let log = r.log.borrow();
        assert_eq!(
            log[0],
            ["bd", "--json", "label", "remove", "--", "demo-002", "backend"]
        );
        assert_eq!(
            log[1],
            ["bd", "--json", "label", "remove", "--", "demo-002", "ui"]
        );
    }

    /// Oracle: POSIX utility syntax guideline 10 / pflag (bd's parser): after `--` nothing is
    /// a flag, and `--name=value` is one flag with that exact value.
    #[test]
    fn data_that_looks_like_flags_is_never_a_flag() {
        let r = runner(&[
            (&["bd", "--json", "update"], "[]"),
            (
                &["bd", "--json", "show", "--", "--db=/tmp/evil.db"],
                r#"[{"id":"--db=/tmp/evil.db","title":"-n 0"}]"#,
            ),
        ]);
        let remote = Issue::new(
            ExternalRef::new("beads", "demo-ws", "--db=/tmp/evil.db"),
            "x",
        );
        let mut desired = remote.clone();
        desired.title = "-n 0".into();
        desired.body = Some("--all".into());
        desired.labels = vec!["-l".into()];
        beads(&r)
            .update_issue(&remote, &desired, &["title", "body", "labels"])
            .expect("update");
        assert_eq!(
            r.log.borrow()[0],
            [
                "bd",
                "--json",
                "update",
                "--title=-n 0",
                "--description=--all",
                "--set-labels=-l",
                "--",
                "--db=/tmp/evil.db"
            ]
        );
    }
}
