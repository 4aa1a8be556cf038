//! Invariants of `commands.yaml`. Every violation names the entry it is about, so the build
//! error points straight at the line to fix.

use crate::model::{
    ArgSpec, ArgType, ClassFrom, CommandSpec, DispatchKey, Gate, Refusal, Route, Spec,
};
use std::collections::BTreeSet;

/// Check every invariant; returns all violations (empty = valid).
pub fn validate(spec: &Spec) -> Vec<String> {
    let mut errors = Vec::new();
    if spec.name.trim().is_empty() {
        errors.push("name: must not be empty".to_owned());
    }
    check_value_sets(spec, &mut errors);
    crate::json_fields::validate(spec, &mut errors);
    check_args(spec, &spec.name, &spec.global_args, &[], &[], &mut errors);
    check_siblings("commands", &spec.commands, &mut errors);
    for cmd in &spec.commands {
        check_command(
            cmd,
            &spec.name,
            spec,
            Gate::FeatureFlag,
            ClassFrom::Binding,
            &mut errors,
        );
    }
    errors
}

fn check_value_sets(spec: &Spec, errors: &mut Vec<String>) {
    for (name, values) in &spec.value_sets {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            errors.push(format!(
                "value_sets.{name}: names are snake_case identifiers"
            ));
        }
        if values.iter().all(|v| v.hidden) {
            errors.push(format!(
                "value_sets.{name}: needs at least one visible value"
            ));
        }
        let mut seen = BTreeSet::new();
        for v in values {
            for spelling in std::iter::once(&v.value).chain(&v.aliases) {
                if spelling.trim().is_empty() || !seen.insert(spelling.to_lowercase()) {
                    errors.push(format!(
                        "value_sets.{name}: '{spelling}' is empty or given twice"
                    ));
                }
            }
        }
    }
}

fn check_siblings(at: &str, cmds: &[CommandSpec], errors: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for c in cmds {
        if !seen.insert(c.name.as_str()) {
            errors.push(format!("{at}: duplicate command name '{}'", c.name));
        }
    }
}

fn check_command(
    cmd: &CommandSpec,
    parent: &str,
    spec: &Spec,
    gate: Gate,
    class_from: ClassFrom,
    errors: &mut Vec<String>,
) {
    let at = format!("{parent} {}", cmd.name);
    let gate = cmd.gate.unwrap_or(gate);
    let class_from = cmd.class_from.unwrap_or(class_from);
    if cmd.name.is_empty() || !cmd.name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        errors.push(format!(
            "{at}: command names are lower-case words with dashes"
        ));
    }
    if cmd.about.trim().is_empty() {
        errors.push(format!("{at}: `about` must not be empty"));
    }
    if cmd.long_about.trim().is_empty() {
        errors.push(format!("{at}: `long_about` must not be empty"));
    }
    if cmd.is_leaf() {
        check_leaf(cmd, &at, spec, class_from, errors);
    } else {
        if cmd.dispatch.is_some() {
            errors.push(format!(
                "{at}: a group (with subcommands) cannot have `dispatch`"
            ));
        }
        if !cmd.args.is_empty() || cmd.json.is_some() || cmd.json_output.is_some() {
            errors.push(format!("{at}: a group cannot have `args` or `json`"));
        }
        check_siblings(&at, &cmd.subcommands, errors);
        for sub in &cmd.subcommands {
            check_command(sub, &at, spec, gate, class_from, errors);
        }
    }
}

fn check_leaf(
    cmd: &CommandSpec,
    at: &str,
    spec: &Spec,
    class_from: ClassFrom,
    errors: &mut Vec<String>,
) {
    if cmd.examples.is_empty() {
        errors.push(format!("{at}: every command needs at least one example"));
    }
    for ex in &cmd.examples {
        if ex.command.trim().is_empty() || ex.help.trim().is_empty() {
            errors.push(format!("{at}: examples need `command` and `help`"));
        }
    }
    if let Some(help) = &cmd.json {
        if help.trim().is_empty() {
            errors.push(format!("{at}: `json` help text must not be empty"));
        }
    }
    crate::json_fields::validate_command(
        spec,
        at,
        cmd.json.is_some(),
        cmd.json_output.as_ref(),
        errors,
    );
    let generated: &[&str] = if cmd.json.is_some() {
        &["json", "jq"]
    } else {
        &[]
    };
    check_args(spec, at, &cmd.args, &spec.global_args, generated, errors);
    let Some(dispatch) = &cmd.dispatch else {
        errors.push(format!("{at}: a leaf command needs `dispatch`"));
        return;
    };
    let expected: &[DispatchKey] = match class_from {
        ClassFrom::None => &[DispatchKey::Any],
        ClassFrom::Binding | ClassFrom::ProviderArg => {
            &[DispatchKey::Saas, DispatchKey::Local, DispatchKey::Removed]
        }
    };
    for key in expected {
        if !dispatch.contains_key(key) {
            errors.push(format!("{at}: dispatch.{} is not declared", key.as_str()));
        }
    }
    for (key, route) in dispatch {
        let at = format!("{at}: dispatch.{}", key.as_str());
        if !expected.contains(key) {
            errors.push(format!("{at} is not allowed for class_from {class_from:?}"));
        }
        match route {
            Route::Handler(h) => check_handler(&at, h, errors),
            Route::Refuse(Refusal::HardBreak(m)) => {
                if m.trim().is_empty() {
                    errors.push(format!("{at}: hard_break message must not be empty"));
                }
            }
            Route::Refuse(Refusal::UsageError(_)) => {
                errors.push(format!(
                    "{at}: a command route is a handler or a hard_break"
                ));
            }
        }
    }
    if class_from == ClassFrom::ProviderArg && !cmd.args.iter().any(|a| a.name == "provider") {
        errors.push(format!(
            "{at}: class_from provider_arg needs an argument named `provider`"
        ));
    }
    for arg in &cmd.args {
        if !arg.classes.is_empty() && class_from == ClassFrom::None {
            errors.push(format!(
                "{at}: argument '{}' has `classes` but the command has no provider class",
                arg.name
            ));
        }
        for (key, refusal) in &arg.classes {
            if *key == DispatchKey::Any {
                errors.push(format!(
                    "{at}: argument '{}': classes.any is not a class",
                    arg.name
                ));
            }
            if refusal.message().trim().is_empty() {
                errors.push(format!(
                    "{at}: argument '{}': classes.{} message must not be empty",
                    arg.name,
                    key.as_str()
                ));
            }
        }
    }
}

fn check_handler(at: &str, handler: &str, errors: &mut Vec<String>) {
    let ok = handler.split_once("::").is_some_and(|(m, f)| {
        let ident = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !s.starts_with(|c: char| c.is_ascii_digit())
        };
        ident(m) && ident(f)
    });
    if !ok {
        errors.push(format!(
            "{at}: handler '{handler}' must look like module::function"
        ));
    }
}

fn check_args(
    spec: &Spec,
    at: &str,
    args: &[ArgSpec],
    globals: &[ArgSpec],
    generated: &[&str],
    errors: &mut Vec<String>,
) {
    let mut names = BTreeSet::new();
    let mut longs = BTreeSet::new();
    let mut shorts = BTreeSet::new();
    for g in globals {
        names.insert(g.name.as_str());
        longs.extend(g.long.as_deref());
        shorts.extend(g.short);
    }
    longs.insert("json");
    longs.insert("jq");
    longs.insert("help");
    longs.insert("version");
    shorts.insert('h');
    shorts.insert('V');
    for arg in args {
        let here = format!("{at}: argument '{}'", arg.name);
        if arg.name.is_empty()
            || !arg.name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            || arg.name == "json"
            || arg.name == "jq"
        {
            errors.push(format!(
                "{here}: names are snake_case identifiers other than `json` and `jq`"
            ));
        }
        if !names.insert(arg.name.as_str()) {
            errors.push(format!("{here}: duplicate argument name"));
        }
        if let Some(long) = &arg.long {
            if !longs.insert(long.as_str()) {
                errors.push(format!("{here}: duplicate long option --{long}"));
            }
        }
        if let Some(short) = arg.short {
            if !shorts.insert(short) {
                errors.push(format!("{here}: duplicate short option -{short}"));
            }
        }
        if arg.positional == arg.long.is_some() {
            errors.push(format!("{here}: give either `long` or `positional: true`"));
        }
        if arg.help.trim().is_empty() {
            errors.push(format!("{here}: `help` must not be empty"));
        }
        if arg.takes_value() && arg.value_name.is_none() {
            errors.push(format!("{here}: value-taking arguments need `value_name`"));
        }
        if arg.complete.is_some() && !arg.takes_value() {
            errors.push(format!(
                "{here}: `complete` is only for value-taking arguments"
            ));
        }
        if arg.range.is_some() && arg.ty != ArgType::Int {
            errors.push(format!("{here}: `range` is only for type int"));
        }
        if let Some([lo, hi]) = arg.range {
            if lo > hi {
                errors.push(format!("{here}: empty range [{lo}, {hi}]"));
            }
        }
        match (&arg.values, arg.ty == ArgType::Choice) {
            (None, true) => errors.push(format!("{here}: type choice needs `values`")),
            (Some(_), false) => errors.push(format!("{here}: `values` is only for type choice")),
            (Some(set), true) if !spec.value_sets.contains_key(set) => {
                errors.push(format!("{here}: `values` names unknown value set '{set}'"));
            }
            _ => {}
        }
        if arg.required && arg.default.is_some() {
            errors.push(format!("{here}: a required argument cannot have a default"));
        }
        if let Some(default) = &arg.default {
            check_default(spec, &here, arg, default, errors);
        }
        for other in &arg.conflicts_with {
            if !args.iter().any(|a| &a.name == other) && !generated.contains(&other.as_str()) {
                errors.push(format!(
                    "{here}: conflicts_with names unknown argument '{other}'"
                ));
            }
        }
    }
}

fn check_default(spec: &Spec, here: &str, arg: &ArgSpec, default: &str, errors: &mut Vec<String>) {
    match arg.ty {
        ArgType::Int => match default.parse::<i64>() {
            Ok(v) => {
                if let Some([lo, hi]) = arg.range {
                    if v < lo || v > hi {
                        errors.push(format!("{here}: default {v} is outside [{lo}, {hi}]"));
                    }
                }
            }
            Err(_) => errors.push(format!("{here}: default '{default}' is not an integer")),
        },
        ArgType::Choice => {
            let set = spec.value_set(arg.values.as_deref().unwrap_or_default());
            if !set.iter().any(|v| v.value == default) {
                errors.push(format!(
                    "{here}: default '{default}' is not one of the values"
                ));
            }
        }
        ArgType::Flag | ArgType::Count => {
            errors.push(format!("{here}: flags cannot have a default"));
        }
        ArgType::String | ArgType::Path | ArgType::KeyValue => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(yaml: &str) -> Vec<String> {
        match Spec::from_yaml(yaml) {
            Ok(spec) => validate(&spec),
            Err(e) => vec![e],
        }
    }

    const BASE: &str = "name: t\nabout: a\nlong_about: b\ncommands:\n";

    #[test]
    fn the_real_file_is_valid() {
        let text = include_str!("../../../commands.yaml");
        let spec = Spec::from_yaml(text).expect("parses");
        assert_eq!(validate(&spec), Vec::<String>::new());
    }

    #[test]
    fn unknown_keys_fail_with_a_location() {
        let errs = errors_of(&format!(
            "{BASE}  - name: x\n    about: a\n    long_about: b\n    colour: red\n"
        ));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("commands.yaml:"), "{errs:?}");
        assert!(errs[0].contains("colour"), "{errs:?}");
    }

    #[test]
    fn duplicate_command_names_are_named() {
        let leaf = "    about: a\n    long_about: b\n    class_from: none\n    examples: [{command: x, help: y}]\n    dispatch: {any: m::f}\n";
        let errs = errors_of(&format!("{BASE}  - name: x\n{leaf}  - name: x\n{leaf}"));
        assert!(
            errs.iter()
                .any(|e| e.contains("duplicate command name 'x'")),
            "{errs:?}"
        );
    }

    #[test]
    fn an_undeclared_class_is_named() {
        let errs = errors_of(&format!(
            "{BASE}  - name: x\n    about: a\n    long_about: b\n    examples: [{{command: x, help: y}}]\n    dispatch: {{saas: m::f, local: m::g}}\n"
        ));
        assert_eq!(
            errs,
            vec!["t x: dispatch.removed is not declared".to_owned()]
        );
    }

    #[test]
    fn an_empty_hard_break_is_named() {
        let errs = errors_of(&format!(
            "{BASE}  - name: x\n    about: a\n    long_about: b\n    examples: [{{command: x, help: y}}]\n    dispatch: {{saas: m::f, local: m::g, removed: {{hard_break: ' '}}}}\n"
        ));
        assert_eq!(
            errs,
            vec!["t x: dispatch.removed: hard_break message must not be empty".to_owned()]
        );
    }

    #[test]
    fn duplicate_options_and_bad_defaults_are_named() {
        let errs = errors_of(&format!(
            "{BASE}  - name: x\n    about: a\n    long_about: b\n    class_from: none\n    examples: [{{command: x, help: y}}]\n    dispatch: {{any: m::f}}\n    args:\n      - {{name: a, long: limit, type: int, value_name: N, help: h, range: [1, 5], default: '9'}}\n      - {{name: b, long: limit, type: flag, help: h}}\n"
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("default 9 is outside [1, 5]")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("duplicate long option --limit")),
            "{errs:?}"
        );
    }

    #[test]
    fn choices_name_a_declared_value_set() {
        let errs = errors_of(&format!(
            "value_sets:\n  mode: [{{value: a}}, {{value: A}}]\n{BASE}  - name: x\n    about: a\n    long_about: b\n    class_from: none\n    examples: [{{command: x, help: y}}]\n    dispatch: {{any: m::f}}\n    args:\n      - {{name: s, long: shell, type: choice, values: shells, value_name: S, help: h}}\n"
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("names unknown value set 'shells'")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("value_sets.mode: 'A' is empty or given twice")),
            "{errs:?}"
        );
    }

    #[test]
    fn handlers_must_be_module_paths() {
        let errs = errors_of(&format!(
            "{BASE}  - name: x\n    about: a\n    long_about: b\n    class_from: none\n    examples: [{{command: x, help: y}}]\n    dispatch: {{any: 'Bad Handler'}}\n"
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("must look like module::function")),
            "{errs:?}"
        );
    }
}
