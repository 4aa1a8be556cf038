//! `--jq EXPR`: the `--json` document filtered by a jq expression, with the jaq crates (a jq
//! implementation in Rust) and the jq standard library they carry.
//!
//! Choices (gh's `--jq` is the model, `jq` itself the oracle):
//! - `--jq` needs `--json` (clap refuses it alone, exit 2), as in gh.
//! - The expression is compiled before the command runs: a bad one is a usage error (exit 2,
//!   a JSON error object on stdout as for every usage error under `--json`), and nothing is
//!   sent anywhere.
//! - Each result prints as JSON on its own lines, keys sorted and indented by two spaces like
//!   all `--json` output: `jq -S` output, so `--jq '.saas[0]'` prints `"github"`. gh prints a
//!   string result raw; here it stays JSON (quoted), so every line a script reads is JSON.
//! - A runtime error (`.x` on an array, `error("...")`) is a usage error too: no result is
//!   printed, the jq error is the message. Errors themselves are never filtered.
//! - The document is read whole into memory before it is filtered (as jq does).

use crate::error::CliError;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, Compiler, Ctx, Vars};
use jaq_json::Val;

type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// A compiled `--jq` expression.
pub struct Jq {
    filter: Filter,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jq")
    }
}

/// Compile `code`; a lexing, parsing or naming error is a usage error that says where.
pub fn compile(code: &str) -> Result<Jq, CliError> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|errs| {
            let mut parts = Vec::new();
            for (_, err) in errs {
                match err {
                    jaq_core::load::Error::Io(e) => {
                        parts.extend(e.into_iter().map(|(path, why)| format!("{path}: {why}")))
                    }
                    jaq_core::load::Error::Lex(e) => parts.extend(
                        e.into_iter()
                            .map(|(expect, at)| near(code, at, expect.as_str())),
                    ),
                    jaq_core::load::Error::Parse(e) => parts.extend(
                        e.into_iter()
                            .map(|(expect, at)| near(code, at, expect.as_str())),
                    ),
                }
            }
            bad_expression(&parts)
        })?;
    let filter = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| {
            let parts: Vec<String> = errs
                .into_iter()
                .flat_map(|(_, e)| e)
                .map(|(name, undefined)| format!("undefined {} `{name}`", undefined.as_str()))
                .collect();
            bad_expression(&parts)
        })?;
    Ok(Jq { filter })
}

/// "expected X at `rest`": the part of the expression where jaq stopped.
fn near(code: &str, at: &str, expected: &str) -> String {
    let offset = (at.as_ptr() as usize).wrapping_sub(code.as_ptr() as usize);
    let rest = code.get(offset..).unwrap_or(at);
    if rest.is_empty() {
        format!("expected {expected} at the end")
    } else {
        let shown: String = rest.chars().take(20).collect();
        format!("expected {expected} at `{shown}`")
    }
}

fn bad_expression(parts: &[String]) -> CliError {
    CliError::usage(format!("invalid --jq expression: {}", parts.join("; ")))
        .hint("the expression is jq's language: https://jqlang.org/manual/")
}

impl Jq {
    /// Filter the JSON document `json` (one value); the results as `jq -S` prints them.
    pub fn apply(&self, json: &[u8]) -> Result<String, CliError> {
        let input = jaq_json::read::parse_single(json)
            .map_err(|e| CliError::failed("internal", format!("--json output is not JSON: {e}")))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let pp = jaq_json::write::Pp {
            indent: Some("  ".to_owned()),
            sort_keys: true,
            sep_space: true,
            ..Default::default()
        };
        let mut out = Vec::new();
        for result in self.filter.id.run((ctx, input)) {
            let value = result.map_err(|exn| match exn.get_err() {
                Ok(e) => CliError::usage(format!("--jq: {e}")),
                Err(_) => CliError::usage("--jq: `halt` is not supported"),
            })?;
            jaq_json::write::write(&mut out, &pp, 0, &value)
                .map_err(|e| CliError::failed("internal", e.to_string()))?;
            out.push(b'\n');
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_expression_is_a_usage_error_that_says_where() {
        let err = compile(".saas[").expect_err("unclosed bracket");
        assert_eq!(err.kind.exit_code(), 2);
        assert!(
            err.message.starts_with("invalid --jq expression: "),
            "{}",
            err.message
        );
        let err = compile("nosuchfilter").expect_err("undefined");
        assert!(err.message.contains("nosuchfilter"), "{}", err.message);
    }
}
