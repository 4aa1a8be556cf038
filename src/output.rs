//! What a handler returns and how it reaches the user: human text through the minijinja
//! templates in templates/, or one JSON document with `--json` (keys sorted, 2-space indent).
//! Errors go to stderr (`error:` / `hint:`), and with `--json` also as `{"error": {...}}` on
//! stdout. A closed stdout (`| head`) is not an error.
//!
//! Terminal safety: every value a template prints (`{{ ... }}`), every error message, hint and
//! warning goes through [`clean`] (from [`crate::term`], so lower layers use it too), which shows terminal control
//! characters (Unicode `Cc`: the C0 set, DEL and the C1 set of ECMA-48) as visible escapes such
//! as `\u{1b}`, so a server value or a user argument cannot move the cursor, clear the screen or
//! retitle the terminal. `--json` output is JSON, where those characters are escaped already.

pub mod item_thread;
pub mod jq;
pub mod log;
pub mod merge;
pub mod table;

pub use crate::term::{clean, long_values, note};

use crate::error::CliError;
use crate::term::{ERROR, HINT};
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

/// A successful (or partially successful) result.
#[derive(Debug, Clone)]
pub struct Outcome {
    body: Body,
    /// Exit code: 0, or 1 for a partial failure that still has a result to show.
    pub exit_code: u8,
    /// What to run next: `hint:` lines on stderr after the human output (not with `--json`).
    pub hints: Vec<String>,
}

#[derive(Debug, Clone)]
enum Body {
    /// Human text from `template` with `data`; `--json` prints `json`.
    Report {
        template: Template,
        data: Value,
        json: Value,
    },
    /// Human text from `template` with `data`; `--json` prints `json_bytes` (a JSON document as
    /// received) with sorted keys, streamed without building a tree.
    ReportRaw {
        template: Template,
        data: Value,
        json_bytes: Vec<u8>,
        /// Its outline when it was validated already (no second pass).
        outline: Option<jsonfmt::Outline>,
    },
    /// Printed as is, whatever `--json` says (completion scripts).
    Raw(String),
    /// Already written by the handler (streamed output).
    None,
}

impl Outcome {
    /// Render `template` with `data`; `--json` prints `data`.
    pub fn report(template: Template, data: Value) -> Outcome {
        Outcome {
            body: Body::Report {
                template,
                json: data.clone(),
                data,
            },
            exit_code: 0,
            hints: Vec::new(),
        }
    }

    /// Render `template` with `data`; `--json` prints `json` instead.
    pub fn report_with_json(template: Template, data: Value, json: Value) -> Outcome {
        Outcome {
            body: Body::Report {
                template,
                data,
                json,
            },
            exit_code: 0,
            hints: Vec::new(),
        }
    }

    /// Render `template` with `data`; `--json` prints the received JSON document `json_bytes`.
    pub fn report_raw_json(template: Template, data: Value, json_bytes: Vec<u8>) -> Outcome {
        Outcome {
            body: Body::ReportRaw {
                template,
                data,
                json_bytes,
                outline: None,
            },
            exit_code: 0,
            hints: Vec::new(),
        }
    }

    /// Render `template` with `data`; `--json` prints the JSON document `json_bytes` already
    /// validated into `outline` (a received envelope), so it is formatted in one pass.
    pub fn report_validated(
        template: Template,
        data: Value,
        json_bytes: Vec<u8>,
        outline: jsonfmt::Outline,
    ) -> Outcome {
        Outcome {
            body: Body::ReportRaw {
                template,
                data,
                json_bytes,
                outline: Some(outline),
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

    /// Output the handler has already written (streamed).
    pub fn none() -> Outcome {
        Outcome {
            body: Body::None,
            exit_code: 0,
            hints: Vec::new(),
        }
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

/// Render a template.
pub fn render(template: Template, data: &Value) -> Result<String, CliError> {
    let template = template.name();
    let env = environment();
    let tmpl = env
        .get_template(template)
        .map_err(|e| CliError::failed("internal", format!("template {template}: {e}")))?;
    let mut text = tmpl
        .render(minijinja::value::Serde(data))
        .map_err(|e| CliError::failed("internal", format!("template {template}: {e}")))?;
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

impl Outcome {
    /// The text [`emit`] prints for this outcome (empty when the handler streamed its output
    /// itself); for tests that run commands in-process.
    pub fn text(&self, json: bool) -> Result<String, CliError> {
        match &self.body {
            Body::ReportRaw { json_bytes, .. } if json => {
                let mut out = Vec::new();
                jsonfmt::write_sorted(json_bytes, &mut out).map_err(|e| {
                    CliError::failed(
                        "unexpected_response",
                        format!("unexpected response from server: {e}"),
                    )
                })?;
                Ok(String::from_utf8_lossy(&out).into_owned())
            }
            body => body.text(json),
        }
    }
}

impl Body {
    /// The text of every body but streamed JSON.
    fn text(&self, json: bool) -> Result<String, CliError> {
        match self {
            Body::Raw(text) => Ok(text.clone()),
            Body::None => Ok(String::new()),
            Body::Report { json: value, .. } if json => Ok(to_json_text(value)),
            Body::Report { template, data, .. } | Body::ReportRaw { template, data, .. } => {
                render(*template, data)
            }
        }
    }
}

/// Print an outcome (with `--json`, filtered by `jq` when given); returns the exit code.
pub fn emit(outcome: Outcome, json: bool, jq: Option<&jq::Jq>) -> u8 {
    if let (true, Some(jq)) = (json, jq) {
        return match outcome
            .text(true)
            .and_then(|text| jq.apply(text.as_bytes()))
        {
            Ok(text) => {
                write_stdout(&text);
                outcome.exit_code
            }
            Err(err) => emit_error(&err, true),
        };
    }
    let text = match &outcome.body {
        Body::ReportRaw {
            json_bytes,
            outline,
            ..
        } if json => {
            let mut out = std::io::stdout().lock();
            let written = match outline {
                Some(outline) => {
                    let mut f = jsonfmt::Formatter::new(&mut out);
                    f.document(json_bytes, outline).and_then(|()| f.finish())
                }
                None => jsonfmt::write_sorted(json_bytes, &mut out),
            };
            return match written {
                // Invalid JSON is found before a byte is written: the error is the document.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => emit_error(
                    &CliError::failed(
                        "unexpected_response",
                        format!("unexpected response from server: {e}"),
                    ),
                    true,
                ),
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => emit_error(
                    &CliError::failed("stdout", format!("cannot write to stdout: {e}")),
                    false,
                ),
                _ => outcome.exit_code,
            };
        }
        body => body.text(json),
    };
    match text {
        Ok(text) => {
            write_stdout(&text);
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
        write_stdout(&to_json_text(&err.to_json()));
    }
    let mut text = format!("{ERROR}error:{ERROR:#} {}", clean(&err.message, true));
    for hint in &err.hints {
        text.push_str(&format!("\n{HINT}hint:{HINT:#} {}", clean(hint, true)));
    }
    let _ = writeln!(anstream::stderr().lock(), "{text}");
    err.kind.exit_code()
}

/// Write to stdout, ignoring a closed pipe.
pub fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Print a warning line on stderr.
pub fn warn(message: &str) {
    let _ = writeln!(
        anstream::stderr().lock(),
        "{HINT}warning:{HINT:#} {}",
        clean(&long_values::cut(message), true)
    );
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
        let err = render(Template::MapAdd, &serde_json::json!({ "wp_id": "WP01" }))
            .expect_err("external_id and replaced are missing");
        assert!(err.message.contains("undefined"), "{}", err.message);
        let ok = render(
            Template::MapAdd,
            &serde_json::json!({ "wp_id": "WP01", "external_id": "X-1", "replaced": null }),
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
            render(Template::StatusSaas, &data).expect("renders"),
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
