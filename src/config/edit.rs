//! Lossless edit of the top-level `tracker:` block of `.kittify/config.yaml`.
//!
//! Only the lines of that block are replaced (or removed, or appended); every other byte stays
//! as it was. The result is re-parsed and compared with the original (all other keys equal,
//! `tracker` exactly as intended) before anyone writes it, so an unusual layout is refused
//! instead of being damaged.

use std::ops::Range;
use yaml_serde::{Mapping, Value};

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The top level of the file is not a mapping, so a `tracker:` key cannot be added.
    #[error("the top level of the file is a {0}, not a mapping")]
    NotAMapping(&'static str),
    /// The splice could not be verified (anchors, odd layouts ...).
    #[error("the tracker: section cannot be edited without touching other content ({0})")]
    Unverifiable(String),
    /// The top-level mapping is a flow mapping (`{a: 1, ...}`).
    #[error("its top-level mapping is written in flow style ({{...}}), so a tracker: block cannot be added without rewriting it")]
    FlowStyle,
    /// The top-level keys do not start in the first column.
    #[error("its top-level keys are indented by {0} spaces, so a tracker: block at the start of a line would not belong to them")]
    Indented(usize),
}

/// The `tracker:` block as `bind` writes it: spec-kitty 3.2's layout (reference
/// `upstream-3.2-tracker.md` §3.1): unknown keys first, then `provider, binding_ref,
/// project_slug, display_label, provider_context, workspace, ownership{mode, field_owners}`
/// (always written, null as an empty value), then `egress` only when one is recorded.
/// Build one with [`super::TrackerConfig::local_block`] or
/// [`super::TrackerConfig::saas_block`], which carry `egress` and unknown keys.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerBlock {
    /// Keys 3.2 does not know, carried from the previous block in their order.
    pub extra: Vec<(Value, Value)>,
    /// Canonical provider name.
    pub provider: String,
    /// SaaS routing key.
    pub binding_ref: Option<String>,
    /// SaaS project slug.
    pub project_slug: Option<String>,
    /// Human label of the bound resource.
    pub display_label: Option<String>,
    /// Provider details (null when absent or empty, as 3.2 writes them).
    pub provider_context: Option<Vec<(String, String)>>,
    /// Local workspace.
    pub workspace: Option<String>,
    /// Ownership mode.
    pub mode: String,
    /// Field owners in the order given.
    pub field_owners: Vec<(String, String)>,
    /// The recorded `egress` value, written as is (`None`: no key).
    pub egress: Option<Value>,
}

impl TrackerBlock {
    /// The YAML lines of the block, each ending in `eol`.
    pub fn render(&self, eol: &str) -> String {
        self.render_keeping(eol, &[])
    }

    /// [`TrackerBlock::render`], writing each carried entry (unknown keys, `egress`) with its
    /// lines from the previous block (`raw`, see [`raw_entries`]) when they still hold its
    /// value: its style, quotes and comments stay, as spec-kitty 3.2's round trip keeps them.
    fn render_keeping(&self, eol: &str, raw: &[(Value, Vec<String>)]) -> String {
        let carried = |key: Value, value: &Value| -> Vec<String> {
            match raw.iter().find(|(k, _)| *k == key) {
                Some((_, lines)) if entry_value(lines).as_ref() == Some(value) => lines.clone(),
                _ => entry_lines(key, value.clone()),
            }
        };
        let mut lines = vec!["tracker:".to_owned()];
        for (k, v) in &self.extra {
            lines.extend(carried(k.clone(), v));
        }
        lines.push(format!("  provider: {}", scalar(Some(&self.provider))));
        lines.push(format!(
            "  binding_ref:{}",
            spaced(self.binding_ref.as_deref())
        ));
        lines.push(format!(
            "  project_slug:{}",
            spaced(self.project_slug.as_deref())
        ));
        lines.push(format!(
            "  display_label:{}",
            spaced(self.display_label.as_deref())
        ));
        match self.provider_context.as_deref() {
            Some(context) if !context.is_empty() => {
                lines.push("  provider_context:".to_owned());
                for (k, v) in context {
                    lines.push(format!("    {}: {}", scalar(Some(k)), scalar(Some(v))));
                }
            }
            _ => lines.push("  provider_context:".to_owned()),
        }
        lines.push(format!("  workspace:{}", spaced(self.workspace.as_deref())));
        lines.push("  ownership:".to_owned());
        lines.push(format!("    mode: {}", scalar(Some(&self.mode))));
        if self.field_owners.is_empty() {
            lines.push("    field_owners: {}".to_owned());
        } else {
            lines.push("    field_owners:".to_owned());
            for (k, v) in &self.field_owners {
                lines.push(format!("      {}: {}", scalar(Some(k)), scalar(Some(v))));
            }
        }
        if let Some(egress) = &self.egress {
            lines.extend(carried("egress".into(), egress));
        }
        let mut out = lines.join(eol);
        out.push_str(eol);
        out
    }

    /// The value the block must parse back to.
    fn to_value(&self) -> Value {
        let text_or_null = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        let mut ownership = Mapping::new();
        ownership.insert("mode".into(), Value::String(self.mode.clone()));
        let mut owners = Mapping::new();
        for (k, v) in &self.field_owners {
            owners.insert(Value::String(k.clone()), Value::String(v.clone()));
        }
        ownership.insert("field_owners".into(), Value::Mapping(owners));
        let mut m = Mapping::new();
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        m.insert("provider".into(), Value::String(self.provider.clone()));
        m.insert("binding_ref".into(), text_or_null(&self.binding_ref));
        m.insert("project_slug".into(), text_or_null(&self.project_slug));
        m.insert("display_label".into(), text_or_null(&self.display_label));
        let context = match self.provider_context.as_deref() {
            Some(c) if !c.is_empty() => Value::Mapping(
                c.iter()
                    .map(|(k, v)| (Value::String(k.clone()), Value::String(v.clone())))
                    .collect(),
            ),
            _ => Value::Null,
        };
        m.insert("provider_context".into(), context);
        m.insert("workspace".into(), text_or_null(&self.workspace));
        m.insert("ownership".into(), Value::Mapping(ownership));
        if let Some(egress) = &self.egress {
            m.insert("egress".into(), egress.clone());
        }
        Value::Mapping(m)
    }
}

/// The top-level entries of a block-style `tracker:` block (the text of [`find_block`]) whose
/// keys sit at two spaces, each with its lines (comment and blank lines at its end left out);
/// empty for any other layout (flow style, a value on the `tracker:` line, other indents).
fn raw_entries(block: &str) -> Vec<(Value, Vec<String>)> {
    let mut rows = lines(block).map(|(_, content, _)| content);
    match rows.next() {
        Some(first) if first.trim_end().ends_with(':') => {}
        _ => return Vec::new(),
    }
    let mut chunks: Vec<Vec<String>> = Vec::new();
    for line in rows {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let structural = !(body.is_empty() || body.starts_with('#'));
        if structural && indent == 2 && !body.starts_with("- ") && body != "-" {
            chunks.push(vec![line.to_owned()]);
        } else if structural && indent < 2 {
            return Vec::new();
        } else if let Some(chunk) = chunks.last_mut() {
            chunk.push(line.to_owned());
        }
    }
    chunks
        .into_iter()
        .filter_map(|mut chunk| {
            while chunk
                .last()
                .is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
            {
                chunk.pop();
            }
            let key = entry_key(&chunk)?;
            Some((key, chunk))
        })
        .collect()
}

/// The one entry `lines` hold, parsed.
fn entry(lines: &[String]) -> Option<(Value, Value)> {
    let parsed: Value = yaml_serde::from_str(&lines.join("\n")).ok()?;
    let mapping = parsed.as_mapping()?;
    if mapping.len() != 1 {
        return None;
    }
    mapping.iter().next().map(|(k, v)| (k.clone(), v.clone()))
}

fn entry_key(lines: &[String]) -> Option<Value> {
    entry(lines).map(|(k, _)| k)
}

fn entry_value(lines: &[String]) -> Option<Value> {
    entry(lines).map(|(_, v)| v)
}

/// The lines of one `key: value` entry of the block (indented by two spaces), as the YAML
/// serializer writes a one-entry mapping; the splice's read-back check catches anything odd.
fn entry_lines(key: Value, value: Value) -> Vec<String> {
    let mut one = Mapping::new();
    one.insert(key, value);
    let text = yaml_serde::to_string(&Value::Mapping(one)).unwrap_or_default();
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect()
}

fn spaced(v: Option<&str>) -> String {
    match v {
        Some(s) => format!(" {}", scalar(Some(s))),
        None => String::new(),
    }
}

/// A YAML scalar for `s`, quoted only when needed; strings with line breaks or control
/// characters are written double-quoted with escapes.
pub(super) fn scalar(s: Option<&str>) -> String {
    let Some(s) = s else { return String::new() };
    let plain = yaml_serde::to_string(s).unwrap_or_default();
    let plain = plain.strip_suffix('\n').unwrap_or(&plain);
    // U+2028 and U+2029 are line breaks to the YAML reader (and JSON leaves them raw): they
    // are escaped too.
    let breaks = |c: char| matches!(c, '\u{2028}' | '\u{2029}');
    if plain.is_empty() || plain.contains('\n') || s.chars().any(|c| c.is_control() || breaks(c)) {
        serde_json::to_string(s)
            .unwrap_or_else(|_| "\"\"".to_owned())
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        plain.to_owned()
    }
}

/// Line ending used by the file: that of its first line (`\r\n`, `\r` or `\n`; `\n` when it
/// has a single line).
pub fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(i) if text[i..].starts_with("\r\n") => "\r\n",
        Some(i) if text.as_bytes()[i] == b'\r' => "\r",
        _ => "\n",
    }
}

/// Whether `text` ends with a line break.
fn ends_with_break(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// The lines of `text` as YAML sees them (a break is `\r\n`, `\n` or a lone `\r`), each as
/// (start offset, content without its break, end offset after its break).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    let mut offset = 0;
    std::iter::from_fn(move || {
        if offset >= text.len() {
            return None;
        }
        let rest = &text[offset..];
        let (content_len, break_len) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let start = offset;
        offset += content_len + break_len;
        Some((start, &rest[..content_len], offset))
    })
}

/// `text` split into a leading byte order mark (kept as is) and the rest.
fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (&text[..text.len() - rest.len()], rest),
        None => ("", text),
    }
}

/// Byte range of the lines that make up the top-level `tracker:` entry, if any.
pub fn find_block(text: &str) -> Option<Range<usize>> {
    let mut start = None;
    let mut end = 0;
    for (here, content, offset) in lines(text) {
        match start {
            None => {
                if is_tracker_key(content) {
                    start = Some(here);
                    end = offset;
                }
            }
            Some(_) => {
                let first = content.chars().next();
                let top_level_comment = first == Some('#');
                let blank = content.trim().is_empty();
                let indented = matches!(first, Some(' ' | '\t'));
                let seq_item = content == "-" || content.starts_with("- ");
                if indented && !content.trim_start().starts_with('#') || seq_item {
                    end = offset;
                } else if indented || blank || top_level_comment {
                    // Comments and blank lines: inside only if more block content follows.
                } else {
                    break;
                }
            }
        }
    }
    start.map(|s| s..end)
}

fn is_tracker_key(line: &str) -> bool {
    ["tracker", "\"tracker\"", "'tracker'"].iter().any(|key| {
        line.strip_prefix(key).is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.strip_prefix(':')
                .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t']))
        })
    })
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "list",
        Value::Mapping(_) => "mapping",
        Value::Tagged(_) => "tagged value",
    }
}

/// `root` as a mapping; an empty document counts as an empty mapping.
fn root_mapping(root: &Value) -> Result<Mapping, EditError> {
    match root {
        Value::Mapping(m) => Ok(m.clone()),
        Value::Null => Ok(Mapping::new()),
        other => Err(EditError::NotAMapping(kind_name(other))),
    }
}

/// Text with the tracker block set to `block`. `original` is `text` already parsed.
///
/// A byte order mark, the file's line breaks (`\n`, `\r\n` or `\r`) and a missing final line
/// break are kept, so that bind then unbind gives back the original bytes.
pub fn set_tracker(
    text: &str,
    original: &Value,
    block: &TrackerBlock,
) -> Result<String, EditError> {
    let raw = raw_of(text);
    splice(
        text,
        original,
        |eol| block.render_keeping(eol, &raw),
        block.to_value(),
    )
}

/// The entries of the file's current tracker block (see [`raw_entries`]).
fn raw_of(text: &str) -> Vec<(Value, Vec<String>)> {
    let (_, text) = split_bom(text);
    find_block(text).map_or_else(Vec::new, |r| raw_entries(&text[r]))
}

/// Text with the tracker block reduced to `tracker:` + `egress: <value>`, what 3.2's
/// `unbind` leaves when an `egress` decision is recorded (reference §3.1).
pub fn keep_only_egress(text: &str, original: &Value, egress: &Value) -> Result<String, EditError> {
    let raw = raw_of(text);
    let render = |eol: &str| {
        let mut lines = vec!["tracker:".to_owned()];
        match raw.iter().find(|(k, _)| k.as_str() == Some("egress")) {
            Some((_, kept)) if entry_value(kept).as_ref() == Some(egress) => {
                lines.extend(kept.iter().cloned());
            }
            _ => lines.extend(entry_lines("egress".into(), egress.clone())),
        }
        let mut out = lines.join(eol);
        out.push_str(eol);
        out
    };
    let mut m = Mapping::new();
    m.insert("egress".into(), egress.clone());
    splice(text, original, render, Value::Mapping(m))
}

/// Text with the tracker block replaced by (or appended as) `render(eol)`, checked to read
/// back as `value` with every other key unchanged.
fn splice(
    text: &str,
    original: &Value,
    render: impl Fn(&str) -> String,
    value: Value,
) -> Result<String, EditError> {
    let before = root_mapping(original)?;
    let (bom, text) = split_bom(text);
    let eol = line_ending(text);
    let mut rendered = render(eol);
    let unterminated = !text.is_empty() && !ends_with_break(text);
    let new_text = match find_block(text) {
        Some(range) => {
            if unterminated && range.end == text.len() {
                rendered.truncate(rendered.len() - eol.len());
            }
            format!("{}{}{}", &text[..range.start], rendered, &text[range.end..])
        }
        None if before.contains_key("tracker") => {
            return Err(layout_problem(text).unwrap_or_else(|| {
                EditError::Unverifiable("the tracker key is not at the start of a line".into())
            }))
        }
        // Inside the document: before its end marker `...`, not after it (a second document).
        None if document_end(text).is_some() => {
            let at = document_end(text).unwrap_or(text.len());
            format!("{}{}{}", &text[..at], rendered, &text[at..])
        }
        None => {
            let mut t = text.to_owned();
            if unterminated {
                // The file ends without a line break: so does the appended block.
                t.push_str(eol);
                rendered.truncate(rendered.len() - eol.len());
            }
            t.push_str(&rendered);
            t
        }
    };
    verify(&before, &new_text, Some(value)).map_err(|e| layout_problem(text).unwrap_or(e))?;
    Ok(format!("{bom}{new_text}"))
}

/// Text with the tracker block removed; `None` when there is none.
pub fn remove_tracker(text: &str, original: &Value) -> Result<Option<String>, EditError> {
    let before = root_mapping(original)?;
    if !before.contains_key("tracker") {
        return Ok(None);
    }
    let (bom, text) = split_bom(text);
    let range = find_block(text).ok_or_else(|| {
        layout_problem(text).unwrap_or_else(|| {
            EditError::Unverifiable("the tracker key is not at the start of a line".into())
        })
    })?;
    let mut start = range.start;
    if range.end == text.len() && !ends_with_break(text) {
        // The block was the unterminated last line: the file keeps ending without a break.
        let head = &text[..start];
        start -= if head.ends_with("\r\n") {
            2
        } else {
            usize::from(ends_with_break(head))
        };
    }
    let new_text = format!("{}{}", &text[..start], &text[range.end..]);
    verify(&before, &new_text, None).map_err(|e| layout_problem(text).unwrap_or(e))?;
    Ok(Some(format!("{bom}{new_text}")))
}

/// Offset of the first document-end marker line (`...`), if any.
fn document_end(text: &str) -> Option<usize> {
    lines(text)
        .find(|(_, l, _)| super::is_marker(l.trim_end(), "..."))
        .map(|(start, _, _)| start)
}

/// Why a block edit cannot work on this layout, when the reason is one we can name: the first
/// line with content opens a flow mapping, or is indented.
fn layout_problem(text: &str) -> Option<EditError> {
    let (_, first, _) = lines(text).find(|(_, l, _)| {
        let t = l.trim();
        !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---")
    })?;
    let content = first.trim_start_matches("--- ");
    let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
    if content.trim_start().starts_with('{') {
        Some(EditError::FlowStyle)
    } else if indent > 0 {
        Some(EditError::Indented(indent))
    } else {
        None
    }
}

fn verify(before: &Mapping, new_text: &str, tracker: Option<Value>) -> Result<(), EditError> {
    let parsed: Value = match super::is_empty_document(new_text) {
        true => Value::Null,
        false => yaml_serde::from_str(new_text)
            .map_err(|e| EditError::Unverifiable(format!("the edited file does not parse: {e}")))?,
    };
    let mut after = root_mapping(&parsed).map_err(|e| EditError::Unverifiable(e.to_string()))?;
    let got = after.remove("tracker");
    let mut rest = before.clone();
    rest.remove("tracker");
    if after != rest {
        return Err(EditError::Unverifiable("other keys would change".into()));
    }
    if got != tracker {
        return Err(EditError::Unverifiable(
            "the tracker section would not read back as written".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> TrackerBlock {
        crate::config::TrackerConfig::default().slug_block("linear", "proj")
    }

    fn parse(text: &str) -> Value {
        yaml_serde::from_str(text).expect("test input parses")
    }

    fn set(text: &str) -> Result<String, EditError> {
        set_tracker(text, &parse(text), &block())
    }

    /// The 3.2 layout (reference §3.1): every known key, nulls as empty values.
    const BOUND: &str = "tracker:\n  provider: linear\n  binding_ref:\n  project_slug: proj\n  display_label:\n  provider_context:\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {}\n";

    #[test]
    fn replaces_only_the_tracker_lines_keeping_comments_around_it() {
        let text = "# header comment\nagents:\n  available:\n    - claude   # inline\n\n# about tracker\ntracker:\n  provider: jira  # old\n  # inside comment\n  project_slug: old\n\n# below the block\nvcs: {type: git}\n";
        let got = set(text).expect("edit");
        let want = format!("# header comment\nagents:\n  available:\n    - claude   # inline\n\n# about tracker\n{BOUND}\n# below the block\nvcs: {{type: git}}\n");
        assert_eq!(got, want);
    }

    #[test]
    fn appends_when_absent_and_removes_again_byte_identically() {
        let text = "# cfg\nagents: [claude]\n";
        let bound = set(text).expect("edit");
        assert_eq!(bound, format!("{text}{BOUND}"));
        let removed = remove_tracker(&bound, &parse(&bound))
            .expect("remove")
            .expect("present");
        assert_eq!(removed, text);
    }

    #[test]
    fn missing_final_newline_and_empty_files() {
        let unterminated = BOUND.strip_suffix('\n').expect("newline");
        assert_eq!(set("a: 1").expect("edit"), format!("a: 1\n{unterminated}"));
        let bound = set("a: 1").expect("edit");
        let removed = remove_tracker(&bound, &parse(&bound)).expect("remove");
        assert_eq!(removed.as_deref(), Some("a: 1"), "no final newline added");
        let text = "a: 1\ntracker:\n  provider: x";
        assert_eq!(set(text).expect("edit"), format!("a: 1\n{unterminated}"));
        assert_eq!(set("").expect("edit"), BOUND);
        assert_eq!(
            set("# only a comment\n").expect("edit"),
            format!("# only a comment\n{BOUND}")
        );
    }

    /// Red-team 2 item 7: a file ending with the document-end marker `...` (YAML 1.2 §9.1.2)
    /// gets the block inside its document, before the marker, and unbind gives the bytes back.
    #[test]
    fn a_block_is_added_before_the_document_end_marker() {
        for (text, want) in [
            ("vcs: git\n...\n", "vcs: git\ntracker:\n"),
            ("vcs: git\n... # end\n# trailing\n", "vcs: git\ntracker:\n"),
            ("vcs: git\r\n...\r\n", "vcs: git\r\ntracker:\r\n"),
        ] {
            let out = set(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert!(out.starts_with(want), "{text:?}: {out:?}");
            let marker = out.find("...").expect("marker kept");
            assert!(out[..marker].contains("provider: linear"), "{out:?}");
            assert_eq!(
                remove_tracker(&out, &parse(&out))
                    .expect("remove")
                    .as_deref(),
                Some(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "a: 1\r\ntracker:\r\n  provider: x\r\nb: 2\r\n";
        let got = set(text).expect("edit");
        assert_eq!(
            got,
            format!("a: 1\r\n{}b: 2\r\n", BOUND.replace('\n', "\r\n"))
        );
    }

    #[test]
    fn scalar_and_list_tracker_values_are_replaced() {
        assert_eq!(
            set("tracker: nope\nb: 2\n").expect("edit"),
            format!("{BOUND}b: 2\n")
        );
        assert_eq!(
            set("tracker:\n- a\n- b\nc: 3\n").expect("edit"),
            format!("{BOUND}c: 3\n")
        );
    }

    #[test]
    fn non_mapping_roots_and_flow_roots_are_refused() {
        assert_eq!(set("- a\n- b\n"), Err(EditError::NotAMapping("list")));
        assert_eq!(set("just text\n"), Err(EditError::NotAMapping("string")));
        assert_eq!(
            set("{tracker: {provider: x}, a: 1}\n"),
            Err(EditError::FlowStyle)
        );
        assert_eq!(set("# c\n{a: 1}\n"), Err(EditError::FlowStyle));
        assert_eq!(set("  a: 1\n  b: 2\n"), Err(EditError::Indented(2)));
    }

    #[test]
    fn cr_only_files_and_byte_order_marks_are_kept() {
        let text = "a: 1\rb: 2\r";
        let bound = set(text).expect("edit");
        assert_eq!(bound, format!("{text}{}", BOUND.replace('\n', "\r")));
        let removed = remove_tracker(&bound, &parse(&bound)).expect("remove");
        assert_eq!(removed.as_deref(), Some(text));
        let text = "\u{feff}a: 1\ntracker:\n  provider: x\n";
        let doc = parse(&text[3..]);
        let bound = set_tracker(text, &doc, &block()).expect("edit");
        assert_eq!(bound, format!("\u{feff}a: 1\n{BOUND}"));
        let removed = remove_tracker(text, &doc).expect("remove");
        assert_eq!(removed.as_deref(), Some("\u{feff}a: 1\n"));
    }

    #[test]
    fn unicode_and_odd_values_are_quoted_and_read_back() {
        let text = "naïve: ünï\n";
        let b = crate::config::TrackerConfig::default().local_block(
            "beads",
            " ws: #1 ",
            "split_ownership",
            vec![
                ("title".into(), "local".into()),
                ("yes".into(), "shared".into()),
            ],
        );
        let got = set_tracker(text, &parse(text), &b).expect("edit");
        assert!(got.starts_with("naïve: ünï\ntracker:\n"), "{got}");
        let v = parse(&got);
        assert_eq!(v["tracker"]["workspace"], Value::String(" ws: #1 ".into()));
        assert_eq!(
            v["tracker"]["ownership"]["field_owners"]["yes"],
            Value::String("shared".into())
        );
        let nl = TrackerBlock {
            workspace: Some("a\nb\u{7}".into()),
            ..b
        };
        let got = set_tracker(text, &parse(text), &nl).expect("edit");
        assert_eq!(
            parse(&got)["tracker"]["workspace"],
            Value::String("a\nb\u{7}".into())
        );
    }

    #[test]
    fn anchors_used_elsewhere_are_not_broken() {
        let text = "tracker: &t\n  provider: x\nother: *t\n";
        assert!(matches!(set(text), Err(EditError::Unverifiable(_))));
    }

    #[test]
    fn tracker_like_keys_are_not_confused() {
        let text = "trackers:\n  a: 1\ntracker_old: 2\n";
        assert_eq!(find_block(text), None);
        assert_eq!(set(text).expect("edit"), format!("{text}{BOUND}"));
    }

    /// Oracle: reference §3.1, the two blocks 3.2.7 writes, byte for byte (ruamel's layout).
    #[test]
    fn writes_the_3_2_layout_in_3_2_key_order() {
        use crate::config::{SaasBinding, TrackerConfig};
        let saas = TrackerConfig::default().saas_block(
            "linear",
            SaasBinding {
                binding_ref: Some("br-core".into()),
                display_label: Some("Core (COR)".into()),
                provider_context: Some(vec![("workspace_name".into(), "Acme".into())]),
                project_slug: None,
            },
        );
        assert_eq!(
            set_tracker("", &Value::Null, &saas).expect("edit"),
            "tracker:\n  provider: linear\n  binding_ref: br-core\n  project_slug:\n  display_label: Core (COR)\n  provider_context:\n    workspace_name: Acme\n  workspace:\n  ownership:\n    mode: external_authoritative\n    field_owners: {}\n"
        );
        let old = "tracker:\n  egress: permitted\n";
        let recorded = TrackerConfig::from_value(parse(old).get("tracker"));
        let local = recorded.local_block(
            "beads",
            "ws1",
            "split_ownership",
            vec![("title".into(), "local".into())],
        );
        assert_eq!(
            set_tracker(old, &parse(old), &local).expect("edit"),
            "tracker:\n  provider: beads\n  binding_ref:\n  project_slug:\n  display_label:\n  provider_context:\n  workspace: ws1\n  ownership:\n    mode: split_ownership\n    field_owners:\n      title: local\n  egress: permitted\n"
        );
    }

    /// Unknown keys go first with their values intact, `egress` last; unbinding keeps only
    /// `egress` (reference §3.1), and a file without egress gets its bytes back.
    #[test]
    fn unknown_keys_and_egress_survive_bind_and_unbind() {
        use crate::config::TrackerConfig;
        let text = "a: 1\ntracker:\n  custom:\n    nested: [1, two]\n    text: \"x\\ny\"\n  provider: jira\n  egress: refused\n  later: 3\nb: 2\n";
        let doc = parse(text);
        let old = TrackerConfig::from_value(doc.get("tracker"));
        let block = old.local_block("fp", "w", "external_authoritative", vec![]);
        let bound = set_tracker(text, &doc, &block).expect("edit");
        let v = parse(&bound);
        let keys: Vec<&str> = v["tracker"]
            .as_mapping()
            .expect("mapping")
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "custom",
                "later",
                "provider",
                "binding_ref",
                "project_slug",
                "display_label",
                "provider_context",
                "workspace",
                "ownership",
                "egress"
            ]
        );
        assert_eq!(v["tracker"]["custom"], doc["tracker"]["custom"]);
        assert_eq!(v["a"], doc["a"]);
        assert!(bound.ends_with("  egress: refused\nb: 2\n"), "{bound}");
        assert!(
            bound.starts_with("a: 1\ntracker:\n  custom:\n    nested: [1, two]\n    text: \"x\\ny\"\n  later: 3\n  provider: fp\n"),
            "carried entries keep their lines: {bound}"
        );
        let unbound =
            keep_only_egress(&bound, &v, &Value::String("refused".into())).expect("unbind");
        assert_eq!(unbound, "a: 1\ntracker:\n  egress: refused\nb: 2\n");
    }
}
