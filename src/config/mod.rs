//! `.kittify/config.yaml` (SPEC §4): reading the `tracker:` binding and writing it back
//! losslessly and atomically.

pub mod edit;
pub mod identity;

use crate::error::{io_reason, CliError};
use crate::fsutil::{atomic_write, display_path, FileMode};
use edit::{EditError, TrackerBlock};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yaml_serde::Value;

/// The default doctrine mode.
pub const DEFAULT_MODE: &str = "external_authoritative";

/// The `tracker:` section as read (tolerant: unknown keys ignored, blanks are absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackerConfig {
    /// Provider name as written (trimmed).
    pub provider: Option<String>,
    /// SaaS project slug (trimmed).
    pub project_slug: Option<String>,
    /// Local workspace (trimmed).
    pub workspace: Option<String>,
    /// Doctrine mode (trimmed, lower-cased), default `external_authoritative`.
    pub doctrine_mode: String,
    /// Field owners.
    pub field_owners: BTreeMap<String, String>,
}

/// The project configuration file and its parsed content.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Path of `.kittify/config.yaml`.
    pub path: PathBuf,
    /// The path as shown in messages (relative to the working directory when below it).
    pub shown: String,
    /// File text (empty when the file does not exist).
    pub text: String,
    /// Parsed document (`Null` when missing or empty).
    pub doc: Value,
}

/// Path of the config file inside a project root.
pub fn config_path(root: &Path) -> PathBuf {
    root.join(".kittify").join("config.yaml")
}

impl ConfigFile {
    /// Read and parse the file. A missing file is an empty document; a file that does not
    /// parse is an error with file:line:col.
    pub fn load(root: &Path, cwd: &Path) -> Result<ConfigFile, CliError> {
        let path = config_path(root);
        let shown = display_path(&path, cwd);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                CliError::failed(
                    "config_parse",
                    format!(
                        "cannot parse {shown}: invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    ),
                )
                .hint("fix the file; it was not modified")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(CliError::failed(
                    "config_read",
                    format!("cannot read {shown}: {}", io_reason(&e)),
                ))
            }
        };
        let doc = parse(&shown, &text)?;
        Ok(ConfigFile {
            path,
            shown,
            text,
            doc,
        })
    }

    /// The tracker binding, read tolerantly.
    pub fn tracker(&self) -> TrackerConfig {
        let Some(t) = self.doc.get("tracker").filter(|t| t.is_mapping()) else {
            return TrackerConfig {
                doctrine_mode: DEFAULT_MODE.to_owned(),
                ..Default::default()
            };
        };
        let doctrine = t.get("doctrine");
        let field_owners = doctrine
            .and_then(|d| d.get("field_owners"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((text_of(k)?, text_of(v)?)))
                    .collect()
            })
            .unwrap_or_default();
        TrackerConfig {
            provider: t.get("provider").and_then(text_of),
            project_slug: t.get("project_slug").and_then(text_of),
            workspace: t.get("workspace").and_then(text_of),
            doctrine_mode: doctrine
                .and_then(|d| d.get("mode"))
                .and_then(text_of)
                .map(|m| m.to_lowercase())
                .unwrap_or_else(|| DEFAULT_MODE.to_owned()),
            field_owners,
        }
    }

    /// Write `block` as the tracker section, keeping every other byte.
    pub fn save_tracker(&self, block: &TrackerBlock) -> Result<(), CliError> {
        let new_text =
            edit::set_tracker(&self.text, &self.doc, block).map_err(|e| self.edit_error(e))?;
        self.write(&new_text)
    }

    /// Remove the tracker section, keeping every other byte. Returns whether there was one.
    pub fn remove_tracker(&self) -> Result<bool, CliError> {
        match edit::remove_tracker(&self.text, &self.doc).map_err(|e| self.edit_error(e))? {
            Some(new_text) => {
                self.write(&new_text)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn write(&self, text: &str) -> Result<(), CliError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| write_error(&self.shown, &e))?;
        }
        atomic_write(&self.path, text.as_bytes(), FileMode::Keep(0o644))
            .map_err(|e| write_error(&self.shown, &e))
    }

    fn edit_error(&self, e: EditError) -> CliError {
        CliError::failed("config_edit", format!("cannot update {}: {e}", self.shown))
            .hint("the file was not modified; edit its tracker: section by hand")
    }
}

fn write_error(shown: &str, e: &std::io::Error) -> CliError {
    CliError::failed(
        "config_write",
        format!("cannot write {shown}: {}", io_reason(e)),
    )
    .hint("the file was not modified")
}

fn parse(shown: &str, text: &str) -> Result<Value, CliError> {
    // A byte order mark is not content (YAML 1.2 §5.2); the parser would take it for one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    yaml_serde::from_str(text).map_err(|e| {
        let (pos, line, column) = match e.location() {
            Some(l) => (
                format!(":{}:{}", l.line(), l.column()),
                l.line(),
                l.column(),
            ),
            None => (String::new(), 0, 0),
        };
        let mut reason = e.to_string();
        if let Some(i) = reason.find(" at line ") {
            reason.truncate(i);
        }
        CliError::failed(
            "config_parse",
            format!("cannot parse {shown}{pos}: {reason}"),
        )
        .hint("fix the file; it was not modified")
        .detail("path", shown)
        .detail("line", line)
        .detail("column", column)
    })
}

/// A scalar as trimmed text; blank, null, lists and mappings count as absent.
fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker_of(yaml: &str) -> TrackerConfig {
        let doc: Value = if yaml.trim().is_empty() {
            Value::Null
        } else {
            yaml_serde::from_str(yaml).expect("yaml")
        };
        ConfigFile {
            path: PathBuf::from("x"),
            shown: "x".into(),
            text: yaml.into(),
            doc,
        }
        .tracker()
    }

    #[test]
    fn tolerant_reading() {
        let t = tracker_of("tracker:\n  provider: ' Linear '\n  project_slug: '  s  '\n  workspace: ' '\n  extra: 1\n");
        assert_eq!(t.provider.as_deref(), Some("Linear"));
        assert_eq!(t.project_slug.as_deref(), Some("s"));
        assert_eq!(t.workspace, None);
        assert_eq!(t.doctrine_mode, DEFAULT_MODE);
        assert_eq!(tracker_of("tracker: [1, 2]\n").provider, None);
        assert_eq!(tracker_of("tracker: text\n").provider, None);
        assert_eq!(tracker_of("").provider, None);
        assert_eq!(
            tracker_of("tracker:\n  provider: 123\n")
                .provider
                .as_deref(),
            Some("123")
        );
        let t = tracker_of("tracker:\n  provider: beads\n  doctrine:\n    mode: Split_Ownership\n    field_owners: {title: local, body: ' '}\n");
        assert_eq!(t.doctrine_mode, "split_ownership");
        assert_eq!(t.field_owners.len(), 1);
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let err = parse("/p/.kittify/config.yaml", "a: 1\nb: [\n").expect_err("bad yaml");
        assert!(
            err.message
                .starts_with("cannot parse /p/.kittify/config.yaml:"),
            "{}",
            err.message
        );
        assert!(err.details.contains_key("line"));
        let tabs = parse("c.yaml", "a:\n\tb: 1\n").expect_err("tabs");
        assert!(tabs.message.contains("c.yaml:2:"), "{}", tabs.message);
    }
}
