//! The only path from the model to a `clap::Command`: the binary, the man pages and the
//! completions are all built here.

use crate::classes::{after_help, after_long_help};
use crate::model::{ArgSpec, ArgType, CommandSpec, Completion, Spec, ValueSpec};
use clap::builder::{PossibleValue, PossibleValuesParser, RangedI64ValueParser, TypedValueParser};
use clap::{Arg, ArgAction, Command, ValueHint};
use std::ffi::OsStr;

/// Help of the `--jq` option every command with `--json` gets. As in gh, `--jq` needs `--json`;
/// unlike gh (which prints strings raw), each result prints as JSON, like `jq` without `-r`.
pub const JQ_HELP: &str = "Filter the --json output with a jq expression (needs --json); each result prints as JSON, keys sorted";

/// Build the whole command tree. `version` is the crate version shown by `--version`.
pub fn build(spec: &Spec, version: &'static str) -> Command {
    let mut root = Command::new(spec.name.clone())
        .version(version)
        .about(spec.about.clone())
        .long_about(spec.long_about.trim_end().to_owned())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100);
    for arg in &spec.global_args {
        root = root.arg(to_arg(spec, arg).global(true));
    }
    for cmd in &spec.commands {
        root = root.subcommand(to_command(spec, cmd));
    }
    root
}

fn to_command(spec: &Spec, cmd: &CommandSpec) -> Command {
    let mut c = Command::new(cmd.name.clone())
        .about(cmd.about.clone())
        .long_about(cmd.long_about.trim_end().to_owned());
    if cmd.is_leaf() {
        for arg in &cmd.args {
            c = c.arg(to_arg(spec, arg));
        }
        if let Some(help) = &cmd.json {
            c = c.arg(
                Arg::new("json")
                    .long("json")
                    .action(ArgAction::SetTrue)
                    .help(help.clone()),
            );
            c = c.arg(
                Arg::new("jq")
                    .long("jq")
                    .value_name("EXPR")
                    .requires("json")
                    .help(JQ_HELP),
            );
        }
        if let Some(after) = after_long_help(spec, cmd) {
            c = c.after_long_help(after);
        }
        if let Some(after) = after_help(spec, cmd) {
            c = c.after_help(after);
        }
    } else {
        // `help` lives at the root (`help sync pull`), not in every group.
        c = c
            .subcommand_required(true)
            .arg_required_else_help(true)
            .disable_help_subcommand(true);
        for sub in &cmd.subcommands {
            c = c.subcommand(to_command(spec, sub));
        }
    }
    c
}

fn to_arg(model: &Spec, spec: &ArgSpec) -> Arg {
    let mut arg = Arg::new(spec.name.clone()).help(spec.help.clone());
    if let Some(long) = &spec.long {
        arg = arg.long(long.clone());
    }
    if let Some(short) = spec.short {
        arg = arg.short(short);
    }
    if let Some(value_name) = &spec.value_name {
        arg = arg.value_name(value_name.clone());
    }
    arg = match spec.ty {
        ArgType::Flag => arg.action(ArgAction::SetTrue),
        ArgType::Count => arg.action(ArgAction::Count),
        ArgType::Int => {
            let [lo, hi] = spec.range.unwrap_or([i64::MIN, i64::MAX]);
            // `--limit -1` is a value out of range, not an unknown option.
            arg.value_parser(RangedI64ValueParser::<i64>::new().range(lo..=hi))
                .allow_negative_numbers(true)
        }
        ArgType::Path => arg.value_parser(clap::value_parser!(std::path::PathBuf)),
        ArgType::Choice => arg
            .value_parser(ChoiceParser::new(
                model.value_set(spec.values.as_deref().unwrap_or_default()),
            ))
            .ignore_case(true),
        ArgType::String | ArgType::KeyValue => arg,
    };
    if spec.takes_value() {
        arg = arg.value_hint(match (spec.complete, spec.ty) {
            (Some(Completion::File), _) => ValueHint::FilePath,
            (Some(Completion::Dir), _) => ValueHint::DirPath,
            (Some(Completion::Url), _) => ValueHint::Url,
            (None, ArgType::Path) => ValueHint::AnyPath,
            (None, _) => ValueHint::Other,
        });
        arg = arg.action(if spec.repeatable {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    }
    if spec.required {
        arg = arg.required(true);
    }
    if let Some(default) = &spec.default {
        arg = arg.default_value(default.clone());
    }
    for other in &spec.conflicts_with {
        arg = arg.conflicts_with(other.clone());
    }
    arg.hide(spec.hidden)
}

/// A `choice` value: trimmed and matched without regard to case against a value set (aliases
/// and hidden values included) and returned in its canonical spelling. An unknown value gets
/// clap's "invalid value" error with the visible values and a "similar value" tip.
#[derive(Clone)]
struct ChoiceParser {
    values: Vec<PossibleValue>,
}

impl ChoiceParser {
    fn new(set: &[ValueSpec]) -> ChoiceParser {
        let values = set
            .iter()
            .map(|v| {
                let mut pv = PossibleValue::new(v.value.clone())
                    .aliases(v.aliases.clone())
                    .hide(v.hidden);
                if let Some(help) = &v.help {
                    pv = pv.help(help.clone());
                }
                pv
            })
            .collect();
        ChoiceParser { values }
    }
}

impl TypedValueParser for ChoiceParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let trimmed = value.to_str().map(str::trim);
        if let Some(found) = trimmed.and_then(|t| self.values.iter().find(|pv| pv.matches(t, true)))
        {
            return Ok(found.get_name().to_owned());
        }
        PossibleValuesParser::new(self.values.clone())
            .parse_ref(cmd, arg, value)
            .map(|_| String::new())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real() -> Command {
        let spec = crate::load(include_str!("../../../commands.yaml")).expect("valid");
        build(&spec, "0.0.0")
    }

    #[test]
    fn the_tree_passes_clap_debug_asserts() {
        real().debug_assert();
    }

    #[test]
    fn limit_is_range_checked() {
        let err = real()
            .try_get_matches_from(["spec-kitty-tracker", "sync", "pull", "--limit", "0"])
            .expect_err("0 is out of range");
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let ok = real()
            .try_get_matches_from(["spec-kitty-tracker", "sync", "pull"])
            .expect("defaults");
        let (_, sync) = ok.subcommand().expect("sync");
        let (_, pull) = sync.subcommand().expect("pull");
        assert_eq!(pull.get_one::<i64>("limit"), Some(&100));
    }

    #[test]
    fn long_help_lists_provider_classes() {
        let mut cmd = real();
        let help = cmd
            .find_subcommand_mut("map")
            .and_then(|m| m.find_subcommand_mut("add"))
            .map(|c| c.render_long_help().to_string())
            .expect("map add");
        assert!(help.contains("Provider classes:"), "{help}");
        assert!(
            help.contains("saas     refused (exit 3): Mappings for SaaS-backed providers"),
            "{help}"
        );
        let mut cmd = real();
        let bind = cmd
            .find_subcommand_mut("bind")
            .map(|c| c.render_long_help().to_string())
            .expect("bind");
        assert!(
            bind.contains(
                "\n           --credential refused (exit 3): Direct provider credentials"
            ),
            "{bind}"
        );
        assert!(help.contains("local    supported"), "{help}");
    }
}
