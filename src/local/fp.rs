//! The fp connector: `fp issue list | show | update` and `fp context`, whose text
//! output is parsed as documented (tree prefixes stripped, `ID [status] [priority] title`).

use super::connector::Connector;
use super::model::{ExternalRef, IsoTime, Issue, Status};
use super::runner::CommandRunner;
use crate::error::CliError;
use serde_json::json;
use serde_json::value::RawValue;

/// An fp connector for one workspace.
pub struct Fp<'a> {
    /// Executable (`--credential command`, default `fp`).
    pub command: String,
    /// Workspace label.
    pub workspace: String,
    /// Runs the commands.
    pub runner: &'a dyn CommandRunner,
}

/// One parsed `fp issue list` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Issue id.
    pub id: String,
    /// Status text inside the first brackets.
    pub status: String,
    /// Priority text inside the optional second brackets.
    pub priority: Option<String>,
    /// Title (trimmed).
    pub title: String,
    /// The line without its tree prefix.
    pub text: String,
}

/// Parse one line: strip, drop leading tree-drawing characters, then
/// `ID [status] [priority]? title`. `None` for lines that do not match.
pub fn parse_line(line: &str) -> Option<Line> {
    let text = line
        .trim()
        .trim_start_matches(|c: char| matches!(c, '│' | '├' | '└' | '─') || c.is_whitespace());
    let id_end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    if id_end == 0 {
        return None;
    }
    let id = &text[..id_end];
    let rest = text[id_end..].trim_start();
    if rest.len() == text.len() - id_end {
        return None; // no whitespace after the id
    }
    let (status, rest) = bracketed(rest)?;
    let (priority, rest) = match bracketed(rest.trim_start()) {
        Some((p, r))
            if rest.starts_with(char::is_whitespace) && r.starts_with(char::is_whitespace) =>
        {
            (Some(p), r)
        }
        _ => (None, rest),
    };
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let title = rest.trim();
    if title.is_empty() {
        return None;
    }
    Some(Line {
        id: id.into(),
        status: status.into(),
        priority: priority.map(str::to_owned),
        title: title.into(),
        text: text.into(),
    })
}

/// `[inner]rest` → (inner, rest); inner is non-empty and has no `]`.
fn bracketed(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[')?;
    let end = inner.find(']')?;
    (end > 0).then(|| (&inner[..end], &inner[end + 1..]))
}

/// The first `PREFIX-xxx` issue id in `text` (`[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9-]*` on word
/// boundaries).
pub fn find_issue_id(text: &str) -> Option<String> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        if !c.is_ascii_uppercase() || (n > 0 && word(chars[n - 1].1)) {
            continue;
        }
        let rest = &text[i..];
        let prefix_len = rest
            .find(|ch: char| !(ch.is_ascii_uppercase() || ch.is_ascii_digit()))
            .unwrap_or(rest.len());
        let after = &rest[prefix_len..];
        let Some(tail) = after.strip_prefix('-') else {
            continue;
        };
        if !tail.starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
            continue;
        }
        let mut tail_len = tail
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
            .unwrap_or(tail.len());
        // A word boundary must follow: trailing dashes are not part of the match.
        while tail_len > 0 && tail.as_bytes()[tail_len - 1] == b'-' {
            tail_len -= 1;
        }
        let next = tail[tail_len..].chars().next();
        if next.is_some_and(word) {
            continue;
        }
        return Some(rest[..prefix_len + 1 + tail_len].to_owned());
    }
    None
}

fn status_in(s: &str) -> Status {
    match s.to_lowercase().as_str() {
        "in-progress" | "in_progress" => Status::InProgress,
        "done" => Status::Done,
        "blocked" => Status::Blocked,
        "in-review" | "in_review" => Status::InReview,
        "canceled" | "cancelled" => Status::Canceled,
        _ => Status::Todo,
    }
}

fn status_out(s: Status) -> &'static str {
    match s {
        Status::Todo => "todo",
        Status::InProgress | Status::InReview | Status::Blocked => "in-progress",
        Status::Done | Status::Canceled => "done",
    }
}

fn priority_in(p: &str) -> Option<u8> {
    match p.to_lowercase().as_str() {
        "high" => Some(1),
        "medium" => Some(2),
        "low" => Some(3),
        other => other
            .parse::<i64>()
            .ok()
            .and_then(|n| u8::try_from(n.clamp(0, 4)).ok()),
    }
}

fn priority_out(p: u8) -> &'static str {
    match p {
        0 | 1 => "high",
        2 => "medium",
        _ => "low",
    }
}

impl Fp<'_> {
    fn argv(&self, args: &[&str]) -> Vec<String> {
        std::iter::once(self.command.clone())
            .chain(args.iter().map(|a| (*a).to_owned()))
            .collect()
    }

    /// `fp <words> <flags> -- <id>`: an id that starts with `-` is never read as a flag; flag
    /// values are `--name=value`.
    fn with_id(&self, words: &[&str], flags: &[String], id: &str) -> Vec<String> {
        let mut v = self.argv(words);
        v.extend(flags.iter().cloned());
        v.extend(["--".to_owned(), id.to_owned()]);
        v
    }

    fn issue_of(&self, line: &Line) -> Issue {
        let mut reference = ExternalRef::new("fp", &self.workspace, &line.id);
        reference.key = Some(line.id.clone());
        let mut issue = Issue::new(reference, &line.title);
        issue.status = status_in(&line.status);
        issue.priority = line.priority.as_deref().and_then(priority_in);
        issue.raw = RawValue::from_string(json!({ "line": line.text }).to_string()).ok();
        issue
    }

    fn list_all(&self) -> Result<Vec<Issue>, CliError> {
        let argv = self.argv(&["issue", "list"]);
        let out = self.runner.run(&argv)?;
        let issues: Vec<Issue> = out
            .lines()
            .filter_map(parse_line)
            .map(|l| self.issue_of(&l))
            .collect();
        if issues.is_empty() {
            if let Some(line) = out.lines().map(str::trim).find(|l| !l.is_empty()) {
                return Err(CliError::failed(
                    "local_output",
                    format!(
                        "{} printed no issue lines (expected `ID [status] [priority] title`); first line: {}",
                        super::runner::shown(&argv),
                        line.chars().take(200).collect::<String>()
                    ),
                ));
            }
        }
        Ok(issues)
    }
}

impl Connector for Fp<'_> {
    fn name(&self) -> &'static str {
        "fp"
    }

    fn list_issues(
        &self,
        _updated_since: Option<&IsoTime>,
        limit: Option<usize>,
    ) -> Result<Vec<Issue>, CliError> {
        let mut all = self.list_all()?;
        all.truncate(limit.unwrap_or(usize::MAX));
        Ok(all)
    }

    fn get_issue(&self, id: &str) -> Result<Option<Issue>, CliError> {
        let show = match self.runner.run(&self.with_id(&["issue", "show"], &[], id)) {
            Ok(s) => s,
            Err(e) if super::beads::is_not_found(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let context = self.runner.run(&self.with_id(&["context"], &[], id))?;
        let mut issue = match show.lines().filter_map(parse_line).find(|l| l.id == id) {
            Some(line) => self.issue_of(&line),
            None => match find_issue_id(&show) {
                Some(found) if found == id => {
                    let mut stub = Issue::new(
                        ExternalRef {
                            key: Some(id.into()),
                            ..ExternalRef::new("fp", &self.workspace, id)
                        },
                        id,
                    );
                    stub.raw = RawValue::from_string(json!({ "show": show }).to_string()).ok();
                    stub
                }
                _ => match self
                    .list_all()?
                    .into_iter()
                    .take(500)
                    .find(|i| i.reference.id == id)
                {
                    Some(i) => i,
                    None => return Ok(None),
                },
            },
        };
        if issue
            .raw
            .as_ref()
            .is_some_and(|r| r.get().contains("\"line\""))
        {
            issue.raw =
                RawValue::from_string(json!({ "show": show, "context": context }).to_string()).ok();
        }
        let body = context.trim();
        if !body.is_empty() {
            issue.body = Some(body.to_owned());
        }
        Ok(Some(issue))
    }

    fn update_issue(
        &self,
        remote: &Issue,
        desired: &Issue,
        fields: &[&str],
    ) -> Result<Issue, CliError> {
        let mut unsupported: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|f| {
                matches!(
                    *f,
                    "assignees" | "custom_fields" | "labels" | "issue_type" | "parent"
                )
            })
            .collect();
        if !unsupported.is_empty() {
            unsupported.sort_unstable();
            return Err(capability(&format!(
                "FPConnector does not currently support patch keys: {}",
                unsupported.join(", ")
            )));
        }
        if fields.iter().any(|f| matches!(*f, "title" | "body")) {
            return Err(capability(
                "FPConnector update currently supports status/priority/dependencies only",
            ));
        }
        let mut flags: Vec<String> = Vec::new();
        if fields.contains(&"status") {
            flags.push(format!("--status={}", status_out(desired.status)));
        }
        if fields.contains(&"priority") {
            if let Some(p) = desired.priority {
                flags.push(format!("--priority={}", priority_out(p)));
            }
        }
        let id = remote.reference.id.clone();
        if !flags.is_empty() {
            self.runner
                .run(&self.with_id(&["issue", "update"], &flags, &id))?;
        }
        self.get_issue(&id)?
            .ok_or_else(|| CliError::failed("local_not_found", format!("fp issue not found: {id}")))
    }
}

fn capability(message: &str) -> CliError {
    CliError::failed("capability_not_supported", message)
        .hint("fp cannot change these fields; use --ownership-mode external_authoritative, or give these fields to the external owner with --field-owner")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tree_lines() {
        let cases = [
            (
                "FP-1 [todo] [high] Plan auth",
                Some(("FP-1", "todo", Some("high"), "Plan auth")),
            ),
            (
                "├── FP-2 [in-progress] Build it",
                Some(("FP-2", "in-progress", None, "Build it")),
            ),
            (
                "│   └── FP-abcd [done] [critical]  Ship  ",
                Some(("FP-abcd", "done", Some("critical"), "Ship")),
            ),
            ("FP-3 [todo] [low]", Some(("FP-3", "todo", None, "[low]"))),
            ("FP-4 [todo]", None),
            ("FP-5 todo title", None),
            ("", None),
            ("[todo] title", None),
            ("FP-6[todo] t", None),
            ("FP-7 [] t", None),
        ];
        for (line, want) in cases {
            let got = parse_line(line);
            let got = got.as_ref().map(|l| {
                (
                    l.id.as_str(),
                    l.status.as_str(),
                    l.priority.as_deref(),
                    l.title.as_str(),
                )
            });
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn finds_issue_ids() {
        assert_eq!(
            find_issue_id("Created issue FP-ijkl").as_deref(),
            Some("FP-ijkl")
        );
        assert_eq!(find_issue_id("see ABC1-x-y, then"), Some("ABC1-x-y".into()));
        assert_eq!(find_issue_id("xFP-1 and aFP-2"), None);
        assert_eq!(find_issue_id("FP- no, FP-- no"), None);
        assert_eq!(find_issue_id("trail FP-9-"), Some("FP-9".into()));
        assert_eq!(find_issue_id("none here"), None);
    }

    #[test]
    fn priorities_and_statuses() {
        assert_eq!(priority_in("critical"), None);
        assert_eq!(priority_in("7"), Some(4));
        assert_eq!(status_in("Cancelled"), Status::Canceled);
        assert_eq!(status_out(Status::Blocked), "in-progress");
    }
}
