//! The program: parse the command line with the clap tree built from commands.yaml, resolve
//! the provider class, enforce the feature flag and class refusals, dispatch, print.

use crate::args::{ClassSource, CommandId, Invocation, RefusalKind};
use crate::context::Context;
use crate::dispatch::route;
use crate::env::Env;
use crate::error::{CliError, ErrorKind};
use crate::output::tty::terminal;
use crate::output::{emit, emit_clap, emit_details, emit_error, render_message};
use crate::provider::{classify, unknown_provider_error, Provider, ProviderClass};
use clap::parser::ValueSource;
use clap::ArgMatches;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The crate version shown by `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The command specification embedded at build time (validated by build.rs).
pub fn spec() -> Result<&'static command_spec::Spec, CliError> {
    static SPEC: OnceLock<Result<command_spec::Spec, String>> = OnceLock::new();
    SPEC.get_or_init(|| command_spec::load(include_str!("../commands.yaml")))
        .as_ref()
        .map_err(|e| CliError::failed("internal", e.clone()))
}

/// Run the program with `args` (including the program name); returns the exit code.
pub fn run(args: Vec<OsString>) -> u8 {
    crate::output::long_values::remember(&args);
    let json = json_requested(&args);
    let spec = match spec() {
        Ok(s) => s,
        Err(e) => return emit_error(&e, json),
    };
    // The name in "Usage:" lines is the command's, not argv[0]'s (`spec-kitty-tracker.exe` on
    // Windows, a symbolic link's name elsewhere), as in the man pages and completions.
    let command = command_spec::to_clap::build(spec, VERSION).bin_name("spec-kitty-tracker");
    let matches = match command.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return emit_clap(&e, json),
    };
    let (path, leaf) = leaf_of(&matches);
    let Some(id) = CommandId::from_path(&path) else {
        return emit_error(
            &CliError::usage(format!("unknown command `{}`", path.join(" "))),
            json,
        );
    };
    let jq_arg = id
        .has_json()
        .then(|| leaf.get_one::<String>("jq"))
        .flatten();
    let jq = match jq_arg {
        Some(code) => match crate::output::jq::compile(code) {
            Ok(jq) => Some(jq),
            Err(e) => return emit_error(&e, json),
        },
        None => None,
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut ctx = Context::new(Env::from_process(), cwd);
    ctx.project_arg = leaf.get_one::<PathBuf>("project").cloned();
    ctx.server_url_arg = leaf.get_one::<String>("server_url").cloned();
    ctx.verbose = leaf.get_count("verbose");
    crate::output::log::init(ctx.verbose, ctx.env.get("RUST_LOG"));
    ctx.json = json;
    ctx.terminal = terminal();
    ctx.progress = ctx.terminal.stderr.then_some(crate::output::tty::PROGRESS);
    let result = execute(id, leaf, &mut ctx);
    let fancy = ctx.terminal.stdout && ctx.env.get("NO_COLOR").is_none();
    match result {
        Ok(outcome) => emit(outcome, json, jq.as_ref(), fancy),
        Err(err) => {
            let code = emit_error(&err, json);
            if ctx.verbose > 0 {
                emit_details(&err);
            }
            code
        }
    }
}

/// Whether this run prints JSON: `--json` among the options (before any `--`). The one place
/// that decides, from the command line as given, so that a usage error clap reports is JSON
/// too. When clap accepts the command line this is the leaf's `--json` flag: only leaves that
/// declare `--json` accept it, and no option takes a value starting with `--`.
fn json_requested(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// The leaf's path of names and its matches.
fn leaf_of(matches: &ArgMatches) -> (Vec<&str>, &ArgMatches) {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name);
        m = sub;
    }
    (path, m)
}

fn execute(
    id: CommandId,
    m: &ArgMatches,
    ctx: &mut Context,
) -> Result<crate::output::Outcome, CliError> {
    if id.gated() && !ctx.env.saas_sync_enabled() {
        return Err(CliError::new(
            ErrorKind::NotAllowed,
            "feature_disabled",
            "SaaS sync is disabled by feature flag. Set SPEC_KITTY_ENABLE_SAAS_SYNC=1 to enable.",
        ));
    }
    let class = resolve_class(id, m, ctx)?;
    if let Some(class) = class {
        check_refusals(id, class, m, ctx)?;
    }
    let named = id.class_source() == ClassSource::ProviderArg || given_provider(m).is_some();
    let invocation = Invocation::parse(id, m)?;
    let result = route(invocation, class, ctx);
    match class {
        Some(ProviderClass::Removed) => result.map_err(|e| removed_hint(named, e)),
        _ => result,
    }
}

/// A removed provider's hard-break says what to do next: name a supported provider (when the
/// command line named the removed one), or remove the stale binding.
fn removed_hint(named: bool, err: CliError) -> CliError {
    if err.code != "hard_break" {
        return err;
    }
    if named {
        err.hint("`spec-kitty-tracker providers` lists the supported providers")
    } else {
        err.hint("remove the stale binding with `spec-kitty-tracker unbind`, then bind a supported provider")
    }
}

fn resolve_class(
    id: CommandId,
    m: &ArgMatches,
    ctx: &mut Context,
) -> Result<Option<ProviderClass>, CliError> {
    let provider = match id.class_source() {
        ClassSource::None => return Ok(None),
        ClassSource::ProviderArg => {
            let raw = m
                .get_one::<String>("provider")
                .map(String::as_str)
                .unwrap_or("");
            classify(raw).ok_or_else(|| unknown_provider_error(raw))?
        }
        // A command that acts on the binding but also takes `--provider` (`map list
        // --provider`) is about that provider when it is given, bound or not.
        ClassSource::Binding if given_provider(m).is_some() => {
            let raw = given_provider(m).unwrap_or_default();
            classify(raw).ok_or_else(|| unknown_provider_error(raw))?
        }
        ClassSource::Binding => {
            let binding = ctx.binding()?;
            let raw = binding.provider.unwrap_or_default();
            match classify(&raw) {
                Some(p) => p,
                None if id.allows_unknown_binding() => Provider {
                    name: raw,
                    class: ProviderClass::Removed,
                },
                None => return Err(unknown_binding(&raw, ctx)),
            }
        }
    };
    let class = provider.class;
    ctx.provider = Some(provider);
    Ok(Some(class))
}

/// The `--provider` value of a leaf that declares one, when given.
fn given_provider(m: &ArgMatches) -> Option<&str> {
    m.try_get_one::<String>("provider")
        .ok()
        .flatten()
        .map(String::as_str)
}

fn unknown_binding(raw: &str, ctx: &mut Context) -> CliError {
    let path = ctx.config().map(|c| c.shown.clone()).unwrap_or_default();
    CliError::failed(
        "unknown_provider",
        format!("Unknown provider '{raw}' in {path}. Supported: {}", crate::provider::supported_list()),
    )
    .hint("bind again with `spec-kitty-tracker bind --provider <name> ...`, or remove the binding with `spec-kitty-tracker unbind`")
    .detail("provider", raw)
}

fn check_refusals(
    id: CommandId,
    class: ProviderClass,
    m: &ArgMatches,
    ctx: &Context,
) -> Result<(), CliError> {
    for refusal in id.arg_refusals(class) {
        if m.value_source(refusal.arg) != Some(ValueSource::CommandLine) {
            continue;
        }
        let message = render_message(refusal.message, ctx.provider_name());
        return Err(match refusal.kind {
            RefusalKind::HardBreak => CliError::hard_break(message),
            RefusalKind::UsageError => CliError::usage(message),
        }
        .detail("provider", ctx.provider_name())
        .detail("option", format!("--{}", refusal.flag)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_asked_for_by_an_option_before_any_double_dash() {
        let argv = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(json_requested(&argv(&["skt", "providers", "--json"])));
        assert!(!json_requested(&argv(&["skt", "providers"])));
        assert!(!json_requested(&argv(&[
            "skt",
            "operations",
            "show",
            "--",
            "--json"
        ])));
        assert!(!json_requested(&argv(&["--json", "providers"])));
    }
}
