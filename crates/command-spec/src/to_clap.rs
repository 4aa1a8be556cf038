//! The only path from the model to a `clap::Command`: the binary, the man pages and the
//! completions are all built here.

use crate::classes::after_long_help;
use crate::model::{ArgSpec, ArgType, CommandSpec, Spec};
use clap::builder::{PossibleValuesParser, RangedI64ValueParser};
use clap::{Arg, ArgAction, Command};

/// Build the whole command tree. `version` is the crate version shown by `--version`.
pub fn build(spec: &Spec, version: &'static str) -> Command {
    let mut root = Command::new(spec.name.clone())
        .version(version)
        .about(spec.about.clone())
        .long_about(spec.long_about.trim_end().to_owned())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .max_term_width(100);
    for arg in &spec.global_args {
        root = root.arg(to_arg(arg).global(true));
    }
    for cmd in &spec.commands {
        root = root.subcommand(to_command(cmd));
    }
    root
}

fn to_command(cmd: &CommandSpec) -> Command {
    let mut c = Command::new(cmd.name.clone())
        .about(cmd.about.clone())
        .long_about(cmd.long_about.trim_end().to_owned());
    if cmd.is_leaf() {
        for arg in &cmd.args {
            c = c.arg(to_arg(arg));
        }
        if let Some(help) = &cmd.json {
            c = c.arg(
                Arg::new("json")
                    .long("json")
                    .action(ArgAction::SetTrue)
                    .help(help.clone()),
            );
        }
        if let Some(after) = after_long_help(cmd) {
            c = c.after_long_help(after);
        }
    } else {
        c = c.subcommand_required(true).arg_required_else_help(true);
        for sub in &cmd.subcommands {
            c = c.subcommand(to_command(sub));
        }
    }
    c
}

fn to_arg(spec: &ArgSpec) -> Arg {
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
            arg.value_parser(RangedI64ValueParser::<i64>::new().range(lo..=hi))
        }
        ArgType::Path => arg.value_parser(clap::value_parser!(std::path::PathBuf)),
        ArgType::Choice => arg.value_parser(PossibleValuesParser::new(spec.values.clone())),
        ArgType::String | ArgType::KeyValue => arg,
    };
    if spec.takes_value() {
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
    arg
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
