//! The `commands.yaml` validator against every invariant docs/commands-yaml.md claims ("Invariants
//! checked at build time" and the Command / Argument tables). Independent oracle: that document —
//! each case is a minimal edit of a valid file that breaks exactly one documented rule, and the
//! validator must report exactly that rule, naming the entry.

use command_spec::validate::validate;
use command_spec::Spec;

const HEAD: &str = "name: t\nabout: a\nlong_about: b\nvalue_sets:\n  modes: [{value: a}, {value: b, aliases: [bee]}, {value: old, hidden: true}]\njson_error: {type: object, fields: [{name: code, type: string, help: the code}]}\n";

/// A valid `json_output` line for a leaf with `json`.
const OUT: &str =
    "    json_output: {type: object, fields: [{name: ok, type: boolean, help: whether}]}\n";

/// A valid `class_from: none` leaf `x`, with `extra` lines appended to it.
fn leaf(extra: &str) -> String {
    format!(
        "{HEAD}commands:\n  - name: x\n    about: a\n    long_about: b\n    class_from: none\n    examples: [{{command: t x, help: h}}]\n    dispatch: {{any: m::f}}\n{extra}"
    )
}

/// Leaf `x` with the given argument (a YAML flow map) list.
fn with_args(args: &[&str]) -> String {
    let mut text = leaf("    args:\n");
    for a in args {
        text.push_str(&format!("      - {a}\n"));
    }
    text
}

/// A leaf dispatched per binding class, with the given dispatch map and extra lines.
fn classed(dispatch: &str, extra: &str) -> String {
    format!(
        "{HEAD}commands:\n  - name: x\n    about: a\n    long_about: b\n    examples: [{{command: t x, help: h}}]\n    dispatch: {dispatch}\n{extra}"
    )
}

fn errors(text: &str) -> Vec<String> {
    let spec = Spec::from_yaml(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    validate(&spec)
}

fn one(text: &str, want: &str) {
    assert_eq!(errors(text), vec![want.to_owned()], "{text}");
}

#[test]
fn the_valid_bases_are_valid() {
    assert_eq!(errors(&leaf("")), Vec::<String>::new());
    assert_eq!(
        errors(&classed(
            "{saas: m::f, local: m::g, removed: {hard_break: gone}}",
            ""
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(&with_args(&[
            "{name: limit, long: limit, short: l, type: int, value_name: N, help: h, range: [1, 10], default: '5'}",
            "{name: mode, long: mode, type: choice, values: modes, default: b, value_name: M, help: h, conflicts_with: [limit]}",
            "{name: file, positional: true, type: path, value_name: F, help: h}",
            "{name: force, long: force, type: flag, help: h}"
        ])),
        Vec::<String>::new()
    );
}

#[test]
fn names_and_texts_must_be_present() {
    one(
        &leaf("").replacen("name: t", "name: ' '", 1),
        "name: must not be empty",
    );
    one(
        &leaf("").replace("- name: x", "- name: Bad_Name"),
        "t Bad_Name: command names are lower-case words with dashes",
    );
    one(
        &leaf("").replace("    about: a", "    about: ' '"),
        "t x: `about` must not be empty",
    );
    one(
        &leaf("").replace("    long_about: b", "    long_about: ''"),
        "t x: `long_about` must not be empty",
    );
    one(
        &leaf(&format!("    json: ' '\n{OUT}")),
        "t x: `json` help text must not be empty",
    );
}

#[test]
fn duplicate_sibling_commands_are_named_at_every_level() {
    let group = format!(
        "{HEAD}commands:\n  - name: g\n    about: a\n    long_about: b\n    class_from: none\n    subcommands:\n{leaf}{leaf}",
        leaf = "      - {name: y, about: a, long_about: b, examples: [{command: c, help: h}], dispatch: {any: m::f}}\n"
    );
    one(&group, "t g: duplicate command name 'y'");
    let top = format!(
        "{}  - name: x\n    about: a\n    long_about: b\n    class_from: none\n    examples: [{{command: c, help: h}}]\n    dispatch: {{any: m::g}}\n",
        leaf("")
    );
    one(&top, "commands: duplicate command name 'x'");
}

#[test]
fn groups_have_no_dispatch_args_or_json() {
    let group = |extra: &str| {
        format!(
            "{HEAD}commands:\n  - name: g\n    about: a\n    long_about: b\n    class_from: none\n{extra}    subcommands:\n      - {{name: y, about: a, long_about: b, examples: [{{command: c, help: h}}], dispatch: {{any: m::f}}}}\n"
        )
    };
    one(
        &group("    dispatch: {any: m::f}\n"),
        "t g: a group (with subcommands) cannot have `dispatch`",
    );
    one(
        &group("    json: Print JSON\n"),
        "t g: a group cannot have `args` or `json`",
    );
    one(
        &group("    args: [{name: a, long: a, type: flag, help: h}]\n"),
        "t g: a group cannot have `args` or `json`",
    );
}

#[test]
fn leaves_need_examples_and_dispatch() {
    one(
        &leaf("").replace("    examples: [{command: t x, help: h}]\n", ""),
        "t x: every command needs at least one example",
    );
    one(
        &leaf("").replace("help: h}]", "help: ' '}]"),
        "t x: examples need `command` and `help`",
    );
    one(
        &leaf("").replace("    dispatch: {any: m::f}\n", ""),
        "t x: a leaf command needs `dispatch`",
    );
}

#[test]
fn dispatch_keys_follow_the_class_source() {
    one(
        &classed("{saas: m::f, removed: {hard_break: gone}}", ""),
        "t x: dispatch.local is not declared",
    );
    one(
        &classed(
            "{saas: m::f, local: m::g, removed: {hard_break: gone}, any: m::h}",
            "",
        ),
        "t x: dispatch.any is not allowed for class_from Binding",
    );
    one(
        &leaf("").replace("{any: m::f}", "{any: m::f, saas: m::g}"),
        "t x: dispatch.saas is not allowed for class_from None",
    );
    one(
        &classed("{saas: m::f, local: m::g, removed: {usage_error: no}}", ""),
        "t x: dispatch.removed: a command route is a handler or a hard_break",
    );
    one(
        &classed("{saas: m::f, local: m::g, removed: {hard_break: ''}}", ""),
        "t x: dispatch.removed: hard_break message must not be empty",
    );
    one(
        &classed(
            "{saas: m::f, local: m::g, removed: {hard_break: gone}}",
            "    class_from: provider_arg\n",
        ),
        "t x: class_from provider_arg needs an argument named `provider`",
    );
}

#[test]
fn handlers_are_module_colon_colon_function() {
    for bad in [
        "'m::F'",
        "'1m::f'",
        "'m::'",
        "'::f'",
        "mf",
        "'a::b::c'",
        "'m f::g'",
    ] {
        let text = leaf("").replace("{any: m::f}", &format!("{{any: {bad}}}"));
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{bad}: {errs:?}");
        assert!(
            errs[0].starts_with("t x: dispatch.any: handler '")
                && errs[0].ends_with("' must look like module::function"),
            "{bad}: {errs:?}"
        );
    }
    assert_eq!(
        errors(&leaf("").replace("m::f", "sync_pull2::run_it")),
        Vec::<String>::new()
    );
}

#[test]
fn argument_class_refusals_need_a_class_and_a_message() {
    let arg = "{name: a, long: a, type: flag, help: h, classes: {saas: {hard_break: no}}}";
    one(
        &with_args(&[arg]),
        "t x: argument 'a' has `classes` but the command has no provider class",
    );
    let classed_arg = |classes: &str| {
        classed(
            "{saas: m::f, local: m::g, removed: {hard_break: gone}}",
            &format!("    args:\n      - {{name: a, long: a, type: flag, help: h, classes: {classes}}}\n"),
        )
    };
    one(
        &classed_arg("{any: {usage_error: no}}"),
        "t x: argument 'a': classes.any is not a class",
    );
    one(
        &classed_arg("{local: {usage_error: ' '}}"),
        "t x: argument 'a': classes.local message must not be empty",
    );
    assert_eq!(
        errors(&classed_arg("{saas: {usage_error: local only}}")),
        Vec::<String>::new()
    );
}

#[test]
fn argument_names_and_options_are_unique_including_globals_and_builtins() {
    let cases = [
        (
            vec!["{name: Bad, long: bad, type: flag, help: h}"],
            "t x: argument 'Bad': names are snake_case identifiers other than `json` and `jq`",
        ),
        (
            vec!["{name: json, long: js, type: flag, help: h}"],
            "t x: argument 'json': names are snake_case identifiers other than `json` and `jq`",
        ),
        (
            vec!["{name: jq, long: j, type: flag, help: h}"],
            "t x: argument 'jq': names are snake_case identifiers other than `json` and `jq`",
        ),
        (
            vec![
                "{name: a, long: a, type: flag, help: h}",
                "{name: a, long: b, type: flag, help: h}",
            ],
            "t x: argument 'a': duplicate argument name",
        ),
        (
            vec![
                "{name: a, long: a, type: flag, help: h}",
                "{name: b, long: a, type: flag, help: h}",
            ],
            "t x: argument 'b': duplicate long option --a",
        ),
        (
            vec!["{name: a, long: json, type: flag, help: h}"],
            "t x: argument 'a': duplicate long option --json",
        ),
        (
            vec!["{name: a, long: help, type: flag, help: h}"],
            "t x: argument 'a': duplicate long option --help",
        ),
        (
            vec!["{name: a, long: version, type: flag, help: h}"],
            "t x: argument 'a': duplicate long option --version",
        ),
        (
            vec!["{name: a, long: a, short: h, type: flag, help: h}"],
            "t x: argument 'a': duplicate short option -h",
        ),
        (
            vec!["{name: a, long: a, short: V, type: flag, help: h}"],
            "t x: argument 'a': duplicate short option -V",
        ),
        (
            vec![
                "{name: a, long: a, short: q, type: flag, help: h}",
                "{name: b, long: b, short: q, type: flag, help: h}",
            ],
            "t x: argument 'b': duplicate short option -q",
        ),
    ];
    for (args, want) in cases {
        one(&with_args(&args), want);
    }
    let globals =
        "global_args:\n  - {name: verbose, long: verbose, short: v, type: count, help: h}\n";
    let text = with_args(&["{name: verbose, long: loud, type: flag, help: h}"]).replacen(
        HEAD,
        &format!("{HEAD}{globals}"),
        1,
    );
    one(&text, "t x: argument 'verbose': duplicate argument name");
    let text = with_args(&["{name: loud, long: verbose, short: v, type: flag, help: h}"]).replacen(
        HEAD,
        &format!("{HEAD}{globals}"),
        1,
    );
    assert_eq!(
        errors(&text),
        vec![
            "t x: argument 'loud': duplicate long option --verbose".to_owned(),
            "t x: argument 'loud': duplicate short option -v".to_owned()
        ]
    );
    let dup_globals = format!(
        "{HEAD}global_args:\n  - {{name: g, long: g, type: flag, help: h}}\n  - {{name: g, long: g, type: flag, help: h}}\n{}",
        &leaf("")[HEAD.len()..]
    );
    assert_eq!(
        errors(&dup_globals),
        vec![
            "t: argument 'g': duplicate argument name".to_owned(),
            "t: argument 'g': duplicate long option --g".to_owned()
        ]
    );
}

#[test]
fn argument_shape_rules() {
    let cases = [
        (
            "{name: a, type: flag, help: h}",
            "t x: argument 'a': give either `long` or `positional: true`",
        ),
        (
            "{name: a, long: a, positional: true, type: string, value_name: A, help: h}",
            "t x: argument 'a': give either `long` or `positional: true`",
        ),
        (
            "{name: a, long: a, type: flag, help: ' '}",
            "t x: argument 'a': `help` must not be empty",
        ),
        (
            "{name: a, long: a, type: string, help: h}",
            "t x: argument 'a': value-taking arguments need `value_name`",
        ),
        (
            "{name: a, long: a, type: key_value, help: h}",
            "t x: argument 'a': value-taking arguments need `value_name`",
        ),
        (
            "{name: a, long: a, type: string, value_name: A, range: [1, 2], help: h}",
            "t x: argument 'a': `range` is only for type int",
        ),
        (
            "{name: a, long: a, type: int, value_name: A, range: [5, 1], help: h}",
            "t x: argument 'a': empty range [5, 1]",
        ),
        (
            "{name: a, long: a, type: choice, value_name: A, help: h}",
            "t x: argument 'a': type choice needs `values`",
        ),
        (
            "{name: a, long: a, type: string, value_name: A, values: modes, help: h}",
            "t x: argument 'a': `values` is only for type choice",
        ),
        (
            "{name: a, long: a, type: string, value_name: A, required: true, default: x, help: h}",
            "t x: argument 'a': a required argument cannot have a default",
        ),
        (
            "{name: a, long: a, type: int, value_name: A, default: ten, help: h}",
            "t x: argument 'a': default 'ten' is not an integer",
        ),
        (
            "{name: a, long: a, type: int, value_name: A, range: [1, 10], default: '0', help: h}",
            "t x: argument 'a': default 0 is outside [1, 10]",
        ),
        (
            "{name: a, long: a, type: int, value_name: A, range: [1, 10], default: '11', help: h}",
            "t x: argument 'a': default 11 is outside [1, 10]",
        ),
        (
            "{name: a, long: a, type: choice, value_name: A, values: modes, default: z, help: h}",
            "t x: argument 'a': default 'z' is not one of the values",
        ),
        (
            "{name: a, long: a, type: flag, default: 'true', help: h}",
            "t x: argument 'a': flags cannot have a default",
        ),
        (
            "{name: a, long: a, type: count, default: '1', help: h}",
            "t x: argument 'a': flags cannot have a default",
        ),
        (
            "{name: a, long: a, type: flag, help: h, conflicts_with: [nope]}",
            "t x: argument 'a': conflicts_with names unknown argument 'nope'",
        ),
    ];
    for (arg, want) in cases {
        one(&with_args(&[arg]), want);
    }
    // `jq` is generated with `--json`: nameable in conflicts_with only where `--json` exists.
    one(
        &with_args(&["{name: a, long: a, type: flag, help: h, conflicts_with: [jq]}"]),
        "t x: argument 'a': conflicts_with names unknown argument 'jq'",
    );
    assert_eq!(
        errors(&leaf(
            &format!("    json: h\n{OUT}    args:\n      - {{name: a, long: a, type: flag, help: h, conflicts_with: [jq]}}\n")
        )),
        Vec::<String>::new(),
        "a command with --json has --jq"
    );
    one(
        &leaf(&format!(
            "    json: h\n{OUT}    args:\n      - {{name: a, long: jq, type: flag, help: h}}\n"
        )),
        "t x: argument 'a': duplicate long option --jq",
    );
    assert_eq!(
        errors(&with_args(&[
            "{name: a, long: a, type: int, value_name: A, range: [1, 10], default: '10', help: h}",
            "{name: b, long: b, type: path, value_name: B, default: ./x, help: h}"
        ])),
        Vec::<String>::new(),
        "bounds are inclusive; string-like defaults are free"
    );
}

#[test]
fn value_sets_are_snake_case_visible_and_without_repeats() {
    let set = |sets: &str| {
        leaf("").replacen(
            HEAD,
            &format!("name: t\nabout: a\nlong_about: b\nvalue_sets:\n{sets}"),
            1,
        )
    };
    one(
        &set("  Modes: [{value: a}]\n"),
        "value_sets.Modes: names are snake_case identifiers",
    );
    one(
        &set("  modes: [{value: a, hidden: true}]\n"),
        "value_sets.modes: needs at least one visible value",
    );
    one(
        &set("  modes: [{value: a}, {value: A}]\n"),
        "value_sets.modes: 'A' is empty or given twice",
    );
    one(
        &set("  modes: [{value: a, aliases: [b]}, {value: B}]\n"),
        "value_sets.modes: 'B' is empty or given twice",
    );
    one(
        &set("  modes: [{value: a, aliases: [' ']}]\n"),
        "value_sets.modes: ' ' is empty or given twice",
    );
    assert_eq!(
        errors(&with_args(&[
            "{name: m, long: m, type: choice, value_name: M, values: modes, default: old, help: h}"
        ])),
        Vec::<String>::new(),
        "a hidden value is still a value"
    );
}

#[test]
fn every_violation_is_reported_not_just_the_first() {
    let text = with_args(&["{name: Bad, type: string, help: ' '}"])
        .replace("    about: a", "    about: ''")
        .replace("    examples: [{command: t x, help: h}]\n", "");
    let errs = errors(&text);
    assert_eq!(
        errs,
        vec![
            "t x: `about` must not be empty".to_owned(),
            "t x: every command needs at least one example".to_owned(),
            "t x: argument 'Bad': names are snake_case identifiers other than `json` and `jq`"
                .to_owned(),
            "t x: argument 'Bad': give either `long` or `positional: true`".to_owned(),
            "t x: argument 'Bad': `help` must not be empty".to_owned(),
            "t x: argument 'Bad': value-taking arguments need `value_name`".to_owned(),
        ]
    );
    let joined = command_spec::load(&text).expect_err("invalid");
    assert!(
        joined.starts_with("commands.yaml is invalid:\n  - t x: `about` must not be empty\n  - "),
        "{joined}"
    );
}

#[test]
fn unknown_keys_and_malformed_refusals_fail_parsing_with_a_location() {
    for (text, needle) in [
        (leaf("    colour: red\n"), "colour"),
        (
            with_args(&["{name: a, long: a, type: flag, help: h, colour: red}"]),
            "colour",
        ),
        (
            classed(
                "{saas: m::f, local: m::g, removed: {hard_break: a, usage_error: b}}",
                "",
            ),
            "commands.yaml",
        ),
        (
            leaf("").replace("class_from: none", "class_from: nowhere"),
            "nowhere",
        ),
    ] {
        let err = Spec::from_yaml(&text).expect_err("must not parse");
        assert!(err.starts_with("commands.yaml"), "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

/// docs/commands-yaml.md "JSON fields": every `--json` command declares its document, and a
/// declaration is well formed (names, help, known types, arrays with items).
#[test]
fn json_output_is_declared_and_well_formed() {
    one(
        &leaf("    json: h\n"),
        "t x: a command with `json` declares its document in `json_output`",
    );
    one(&leaf(OUT), "t x: `json_output` needs `json`");
    let with = |output: &str| leaf(&format!("    json: h\n    json_output: {output}\n"));
    for (output, want) in [
        (
            "{type: object, fields: [{name: a, type: string}]}",
            "t x: json_output.a: a field needs `name` and `help`",
        ),
        (
            "{type: thing}",
            "t x: json_output: unknown type 'thing' (not built in, not in json_shapes)",
        ),
        (
            "{type: array}",
            "t x: json_output: an `array` needs `items` (and only an array has them)",
        ),
        (
            "{type: string, fields: [{name: a, type: string, help: h}]}",
            "t x: json_output: `fields`, `open` and `values` belong to an `object`",
        ),
        (
            "{type: object, fields: [{name: a, type: string, help: h}, {name: a, type: string, help: h}]}",
            "t x: json_output: field 'a' is declared twice",
        ),
        (
            "{one_of: [{type: object}]}",
            "t x: json_output.one_of[0]: a `one_of` entry needs `when`",
        ),
        (
            "{type: integer, enum: [a]}",
            "t x: json_output: `enum` belongs to a `string`",
        ),
    ] {
        one(&with(output), want);
    }
}
