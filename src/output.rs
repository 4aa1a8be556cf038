//! What a handler returns and how it reaches the user; the one module that writes stdout and
//! stderr. A handler returns a typed report ([`Outcome::report`]); its template in templates/
//! renders it, or with `--json` one JSON document is printed (keys sorted, 2-space indent).
//! Errors go to stderr (`error:` / `hint:`), and with `--json` also as `{"error": {...}}` on
//! stdout; warnings, hints and progress lines go to stderr ([`tty`]). A closed stdout
//! (`| head`) is not an error.
//!
//! Terminal safety: every value a template prints (`{{ ... }}`), every error message, hint and
//! warning goes through [`clean`] (from [`crate::term`], so lower layers use it too), which
//! shows terminal control characters (Unicode `Cc`: the C0 set, DEL and the C1 set of ECMA-48) as visible escapes such
//! as `\u{1b}`, so a server value or a user argument cannot move the cursor, clear the screen or
//! retitle the terminal. `--json` output is JSON, where those characters are escaped already.

pub mod item_thread;
pub mod jq;
pub mod log;
pub mod merge;
pub mod table;
pub mod tty;

pub use crate::term::{clean, long_values};
pub use tty::warn;

use crate::error::CliError;
use crate::term::{ERROR, HINT};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::io::Write;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

impl Template {
    /// The template's name: its file name without `.j2` (how templates include each other).
    pub fn name(self) -> &'static str {
        TEMPLATE_FILES[self as usize].0
    }

    fn source(self) -> &'static str {
        TEMPLATE_FILES[self as usize].1
    }
}

/// What a handler returns: a report (human text from its template, or with `--json` a JSON
/// document), or text printed as is. Build it with [`Outcome::report`], then say what `--json`
/// prints when it is not the report itself ([`Outcome::json`], [`Outcome::document`],
/// [`Outcome::merged`]).
#[derive(Debug)]
pub struct Outcome {
    body: Body,
    /// Exit code: 0, or 1 for a partial failure that still has a result to show.
    pub exit_code: u8,
    /// What to run next: `hint:` lines on stderr after the human output (not with `--json`).
    pub hints: Vec<String>,
}

#[derive(Debug)]
enum Body {
    /// `template` renders the serialized report `data`; `--json` prints `json`.
    Report {
        template: Template,
        data: Result<Value, String>,
        json: Json,
    },
    /// Printed as is, whatever `--json` says (completion scripts).
    Raw(String),
}

/// What `--json` prints.
#[derive(Debug)]
enum Json {
    /// The report itself.
    Report,
    /// Another shape of the same facts.
    Value(Result<Value, String>),
    /// A document written as it is read, without building a tree.
    Stream(Stream),
}

/// A JSON document too large to build as a tree.
#[derive(Debug)]
enum Stream {
    /// A document as received, keys sorted.
    Document(Document),
    /// The document merged from the pages of `sync pull --all`, from its spools.
    Merged(merge::FinishedPull),
}

/// A received JSON document and its outline from the one validating pass it went through.
#[derive(Debug)]
pub struct Document {
    /// The document's bytes.
    pub bytes: Vec<u8>,
    /// Its top level.
    pub outline: jsonfmt::Outline,
}

/// The serialized form of a report (every report is ours: a failure is a bug, shown as an
/// internal error when printed).
fn serialized(report: &impl Serialize) -> Result<Value, String> {
    serde_json::to_value(report).map_err(|e| e.to_string())
}

impl Outcome {
    /// `report` rendered with `template`; `--json` prints `report`.
    pub fn report(template: Template, report: &impl Serialize) -> Outcome {
        Outcome {
            body: Body::Report {
                template,
                data: serialized(report),
                json: Json::Report,
            },
            exit_code: 0,
            hints: Vec::new(),
        }
    }

    /// Text printed verbatim.
    pub fn raw(text: String) -> Outcome {
        Outcome {
            body: Body::Raw(text),
            exit_code: 0,
            hints: Vec::new(),
        }
    }

    /// `--json` prints `json` (the report's facts in the shape scripts rely on).
    pub fn json(self, json: &impl Serialize) -> Outcome {
        self.with_json(Json::Value(serialized(json)))
    }

    /// `--json` prints the received document `document`.
    pub fn document(self, document: Document) -> Outcome {
        self.with_json(Json::Stream(Stream::Document(document)))
    }

    /// `--json` prints the merged pull `pull`.
    pub fn merged(self, pull: merge::FinishedPull) -> Outcome {
        self.with_json(Json::Stream(Stream::Merged(pull)))
    }

    fn with_json(mut self, new: Json) -> Outcome {
        if let Body::Report { json, .. } = &mut self.body {
            *json = new;
        }
        self
    }

    /// Set the exit code.
    pub fn with_exit_code(mut self, code: u8) -> Outcome {
        self.exit_code = code;
        self
    }

    /// Add a `hint:` line printed after the human output.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Outcome {
        self.hints.push(hint.into());
        self
    }
}

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            // Included partials end with a newline like any other line.
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        // A value a template names but the data lacks is an error, never a blank: tests fail
        // on a misspelt name. Server fields that may be absent are read with `dig`.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_function("dig", dig);
        // Paths are absolute in the data (and so in JSON); text names them relative to the
        // working directory when below it.
        env.add_filter("shown", |path: String| {
            let cwd = std::env::current_dir().unwrap_or_default();
            crate::fsutil::display_path(std::path::Path::new(&path), &cwd)
        });
        // Every printed value is one line of text without terminal controls.
        env.set_formatter(|out, _state, value| {
            let text = match value.as_str() {
                Some(s) => clean(s, false),
                None => Cow::Owned(clean(&value.to_string(), false).into_owned()),
            };
            out.write_str(&text)?;
            Ok(())
        });
        for template in Template::ALL {
            // Templates are checked by tests; a broken one surfaces when rendered.
            let _ = env.add_template(template.name(), template.source());
        }
        env
    })
}

/// Template function `dig(value, key, ...)`: the value at that path of object keys, or none
/// where a key is absent or a step is not an object. Templates read server envelopes (whose
/// fields the contract leaves optional) with it, so absence is explicit and everything else
/// stays strict.
fn dig(value: minijinja::Value, path: minijinja::value::Rest<String>) -> minijinja::Value {
    let mut current = value;
    for key in path.iter() {
        if current.kind() != minijinja::value::ValueKind::Map {
            return minijinja::Value::from(());
        }
        current = current
            .get_item(&minijinja::Value::from(key.as_str()))
            .unwrap_or_default();
    }
    if current.is_undefined() {
        minijinja::Value::from(())
    } else {
        current
    }
}

/// Render `template` with `data`. `fancy` (emoji welcome: stdout is a terminal and NO_COLOR is
/// unset) is a template global, not data.
fn render(template: Template, data: &Value, fancy: bool) -> Result<String, CliError> {
    let name = template.name();
    let failed =
        |e: minijinja::Error| CliError::failed("internal", format!("template {name}: {e}"));
    let mut env = environment().clone();
    env.add_global("fancy", fancy);
    let mut text = env
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(data)))
        .map_err(failed)?;
    while text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    Ok(text)
}

/// Render a one-off message template (hard-break texts use `{{ provider }}`).
pub fn render_message(message: &str, provider: &str) -> String {
    let env = environment();
    env.render_str(message, minijinja::context! { provider => provider })
        .unwrap_or_else(|_| message.to_owned())
}

/// JSON as the original prints it: keys sorted, 2-space indent, trailing newline.
pub fn to_json_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}

fn internal(why: &str) -> CliError {
    CliError::failed("internal", format!("report: {why}"))
}

impl Outcome {
    /// The text [`emit`] prints for this outcome (plain, not `fancy`); for tests that run
    /// commands in-process.
    pub fn text(&self, json: bool) -> Result<String, CliError> {
        self.text_with(json, false)
    }

    fn text_with(&self, json: bool, fancy: bool) -> Result<String, CliError> {
        let (template, data, shape) = match &self.body {
            Body::Raw(text) => return Ok(text.clone()),
            Body::Report {
                template,
                data,
                json: shape,
            } => (*template, data, shape),
        };
        let data = data.as_ref().map_err(|why| internal(why))?;
        match shape {
            _ if !json => render(template, data, fancy),
            Json::Report => Ok(to_json_text(data)),
            Json::Value(value) => value
                .as_ref()
                .map(to_json_text)
                .map_err(|why| internal(why)),
            Json::Stream(stream) => {
                let mut out = Vec::new();
                stream.write(&mut out, false).map_err(|e| {
                    CliError::failed("internal", format!("cannot write the document: {e}"))
                })?;
                Ok(String::from_utf8_lossy(&out).into_owned())
            }
        }
    }
}

impl Stream {
    /// Write the document to `out` (`to_stdout`: `out` writes to stdout).
    fn write(&self, out: &mut dyn Write, to_stdout: bool) -> std::io::Result<()> {
        match self {
            Stream::Document(doc) => {
                let mut f = jsonfmt::Formatter::new(out);
                f.document(&doc.bytes, &doc.outline)?;
                f.finish()
            }
            Stream::Merged(pull) => pull.write(out, to_stdout),
        }
    }
}

/// Print an outcome (with `--json`, filtered by `jq` when given; human text `fancy` or not);
/// returns the exit code.
pub fn emit(outcome: Outcome, json: bool, jq: Option<&jq::Jq>, fancy: bool) -> u8 {
    if let (true, Some(jq)) = (json, jq) {
        return match outcome
            .text(true)
            .and_then(|text| jq.apply(text.as_bytes()))
        {
            Ok(text) => match write_stdout(&text) {
                Ok(()) => outcome.exit_code,
                Err(err) => emit_error(&err, false),
            },
            Err(err) => emit_error(&err, true),
        };
    }
    if let (
        true,
        Body::Report {
            json: Json::Stream(stream),
            ..
        },
    ) = (json, &outcome.body)
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        return match stream.write(&mut out, true).and_then(|()| out.flush()) {
            // Part of the document may be out: the error goes to stderr only.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                emit_error(&stdout_error(&e), false)
            }
            _ => outcome.exit_code,
        };
    }
    match outcome.text_with(json, fancy) {
        Ok(text) => {
            if let Err(err) = write_stdout(&text) {
                return emit_error(&err, false);
            }
            if !json {
                for hint in &outcome.hints {
                    let _ = writeln!(
                        anstream::stderr().lock(),
                        "{HINT}hint:{HINT:#} {}",
                        clean(&long_values::cut(hint), true)
                    );
                }
            }
            outcome.exit_code
        }
        Err(err) => emit_error(&err, json),
    }
}

/// Print an error (with this binary's equivalent of any quoted `spec-kitty` command as a
/// hint); returns its exit code.
pub fn emit_error(err: &CliError, json: bool) -> u8 {
    let mut err = err.clone().with_equivalent_hints();
    err.message = long_values::cut(&err.message).into_owned();
    for hint in &mut err.hints {
        *hint = long_values::cut(hint).into_owned();
    }
    let err = &err;
    if json {
        // Already failing: a stdout that cannot take the JSON object changes nothing.
        let _ = write_stdout(&to_json_text(&err.to_json()));
    }
    let mut text = format!("{ERROR}error:{ERROR:#} {}", clean(&err.message, true));
    for hint in &err.hints {
        text.push_str(&format!("\n{HINT}hint:{HINT:#} {}", clean(hint, true)));
    }
    let _ = writeln!(anstream::stderr().lock(), "{text}");
    err.kind.exit_code()
}

/// With `-v`: the machine code and every detail of an error (server envelope fields such as
/// `category` and `details`) on one stderr line.
pub fn emit_details(err: &CliError) {
    let mut parts = vec![format!("code={}", err.code)];
    for (key, value) in &err.details {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        parts.push(format!("{key}={text}"));
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "note: {}",
        clean(&parts.join(" "), false)
    );
}

/// Print a clap error, help or version and return its exit code; usage errors also as a JSON
/// error object with `--json`.
pub fn emit_clap(err: &clap::Error, json: bool) -> u8 {
    use clap::error::ErrorKind as K;
    let is_output = matches!(err.kind(), K::DisplayHelp | K::DisplayVersion);
    if is_output {
        let _ = err.print();
        return 0;
    }
    if json {
        let rendered = err.render().to_string();
        let mut lines = rendered.lines();
        let first = lines.next().unwrap_or("invalid usage");
        let first = first.strip_prefix("error: ").unwrap_or(first);
        // The indented lines right under the first belong to it: the missing arguments of
        // "the following required arguments were not provided:", the possible values.
        let more: Vec<&str> = lines
            .take_while(|l| l.starts_with("  ") && !l.trim().is_empty())
            .map(str::trim)
            .collect();
        let message = if more.is_empty() {
            first.to_owned()
        } else {
            format!("{first} {}", more.join(", "))
        };
        let message = long_values::cut(&message);
        let _ = write_stdout(&to_json_text(&CliError::usage(message).to_json()));
    }
    // clap's own message, styled as clap styles it, with long values cut.
    let rendered = err.render().ansi().to_string();
    let _ = write!(anstream::stderr().lock(), "{}", long_values::cut(&rendered));
    u8::try_from(err.exit_code()).unwrap_or(2)
}

/// Write to stdout. A closed pipe (`| head`) is not an error: the reader has what it wanted.
/// Any other failure (a full disk, an I/O error) is, so that `cmd > file` never exits 0 with the
/// file truncated (GNU coreutils and spec-kitty 3.2.7 exit 1 there too).
fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(stdout_error(&e)),
        _ => Ok(()),
    }
}

fn stdout_error(e: &std::io::Error) -> CliError {
    CliError::failed("stdout", format!("cannot write to stdout: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        let env = environment();
        for template in Template::ALL {
            let name = template.name();
            assert!(
                env.get_template(name).is_ok(),
                "template {name} does not compile"
            );
        }
        assert_eq!(Template::ALL.len(), TEMPLATE_FILES.len());
    }

    #[test]
    fn a_value_the_data_lacks_is_an_error_not_a_blank() {
        // Oracle: minijinja's documented `UndefinedBehavior::Strict` (printing or testing an
        // undefined value fails); before, `Chainable` rendered "Mapping saved: WP01 -> ".
        let err = render(
            Template::MapAdd,
            &serde_json::json!({ "wp_id": "WP01" }),
            false,
        )
        .expect_err("external_id and replaced are missing");
        assert!(err.message.contains("undefined"), "{}", err.message);
        let ok = render(
            Template::MapAdd,
            &serde_json::json!({ "wp_id": "WP01", "external_id": "X-1", "replaced": null }),
            false,
        )
        .expect("complete data renders");
        assert_eq!(ok, "Mapping saved: WP01 -> X-1\n");
    }

    #[test]
    fn server_fields_the_contract_leaves_optional_may_be_absent() {
        // Oracle: SPEC §5.1 makes every status field optional; an empty envelope shows the
        // template's stated fallbacks, a non-object `identity_path` is ignored.
        let data = serde_json::json!({
            "provider": "linear",
            "route_key": "project_slug",
            "route_value": "p",
            "env": { "identity_path": "odd", "connected": null },
        });
        assert_eq!(
            render(Template::StatusSaas, &data, false).expect("renders"),
            "Tracker status\n- provider: linear\n- project_slug: p\n- type: unknown\n- sync_state: unknown\n"
        );
        let data = serde_json::json!({ "v": { "a": { "b": 1 }, "s": "x" } });
        let dig_of = |path: &str| {
            environment()
                .render_str(
                    &format!("{{{{ dig(v, {path}) is none }}}}"),
                    minijinja::value::Serde(&data),
                )
                .expect("renders")
        };
        assert_eq!(dig_of("\"a\", \"b\""), "False");
        assert_eq!(dig_of("\"a\", \"c\""), "True");
        assert_eq!(dig_of("\"s\", \"b\""), "True");
        assert_eq!(dig_of("\"z\", \"b\""), "True");
    }

    #[test]
    fn a_report_renders_its_template_and_json_prints_it_or_its_json_view() {
        #[derive(Serialize)]
        struct Saved {
            wp_id: &'static str,
            external_id: &'static str,
            replaced: Option<&'static str>,
        }
        let saved = Saved {
            wp_id: "WP01",
            external_id: "X-1",
            replaced: None,
        };
        let outcome = Outcome::report(Template::MapAdd, &saved);
        assert_eq!(
            outcome.text(false).expect("human"),
            "Mapping saved: WP01 -> X-1\n"
        );
        assert_eq!(
            outcome.text(true).expect("json"),
            "{\n  \"external_id\": \"X-1\",\n  \"replaced\": null,\n  \"wp_id\": \"WP01\"\n}\n"
        );
        let outcome = Outcome::report(Template::MapAdd, &saved).json(&["X-1"]);
        assert_eq!(
            outcome.text(false).expect("human"),
            "Mapping saved: WP01 -> X-1\n"
        );
        assert_eq!(outcome.text(true).expect("json"), "[\n  \"X-1\"\n]\n");
    }

    #[test]
    fn fancy_is_a_template_global_not_report_data() {
        let data = serde_json::json!({ "had_session": false });
        assert_eq!(
            render(Template::AuthLogout, &data, true).expect("fancy"),
            "ℹ️  No active session. Already logged out.\n"
        );
        assert_eq!(
            render(Template::AuthLogout, &data, false).expect("plain"),
            "No active session. Already logged out.\n"
        );
    }

    #[test]
    fn json_keys_are_sorted_with_two_space_indent() {
        let v = serde_json::json!({"saas": ["a"], "local": [], "b": {"z": 1, "a": 2}});
        assert_eq!(
            to_json_text(&v),
            "{\n  \"b\": {\n    \"a\": 2,\n    \"z\": 1\n  },\n  \"local\": [],\n  \"saas\": [\n    \"a\"\n  ]\n}\n"
        );
    }

    #[test]
    fn messages_render_the_provider() {
        assert_eq!(
            render_message("for {{ provider }}.", "linear"),
            "for linear."
        );
    }

    #[test]
    fn terminal_controls_are_shown_escaped_everywhere_a_template_prints() {
        assert_eq!(clean("ok", false), Cow::Borrowed("ok"));
        assert_eq!(
            clean("a\u{1b}]0;x\u{7}b\nc\u{9b}2J\u{7f}", false),
            "a\\u{1b}]0;x\\u{7}b\\nc\\u{9b}2J\\u{7f}"
        );
        assert_eq!(clean("line\nnext\r", true), "line\nnext\\r");
        let env = environment();
        let out = env
            .render_str(
                "{{ s }}|{{ l }}|{{ n }}",
                minijinja::context! { s => "x\u{1b}[2J", l => vec!["\u{7}"], n => 3 },
            )
            .expect("render");
        assert!(out.starts_with("x\\u{1b}[2J|"), "{out}");
        assert!(
            out.ends_with("|3") && !out.chars().any(char::is_control),
            "{out}"
        );
    }
}
