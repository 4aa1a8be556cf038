//! The generated Rust for a small spec that uses every argument type, arity and refusal kind,
//! tested as code rather than as text. The generated modules are committed under
//! tests/generated/ (a snapshot: any change to them fails `the_generated_code_is_the_snapshot`;
//! `COMMAND_SPEC_BLESS=1 cargo test -p command-spec --test codegen` rewrites them for review),
//! and this file compiles them as src/args.rs and src/dispatch.rs do, against stand-ins for
//! what the binary provides, then runs them.
//!
//! Independent oracle: docs/commands-yaml.md — "one typed `<Command>Args` struct per leaf" whose
//! fields are the argument names, `json: bool` only when `json` is declared, "one table of leaf
//! metadata (path, gate, class source, `--json`, per-class argument refusals)", and "the
//! exhaustive `route()` match that calls the handlers" named `module::function` per class, a
//! `hard_break` entry refusing with its message. Optional values are `Option`, required or
//! defaulted ones are plain, repeatable ones are `Vec` (the Argument table's `required`,
//! `default`, `repeatable`); `aliases` are other accepted spellings, `hidden` values are
//! accepted but not listed. The argv is parsed by the clap tree `to_clap` builds from the same
//! spec, as the binary parses it.

use command_spec::{codegen, load, to_clap, Spec};
use generated::*;
use std::path::{Path, PathBuf};

const SPEC: &str = r#"
name: tool
about: a
long_about: b
value_sets:
  modes: [{value: a}, {value: b, aliases: [bee]}, {value: old, hidden: true}]
json_error: {type: object, fields: [{name: code, type: string, help: h}]}
commands:
  - name: probe
    about: a
    long_about: b
    gate: none
    class_from: none
    json: Print JSON
    json_output: {type: object, fields: [{name: ok, type: boolean, help: h}]}
    examples: [{command: tool probe, help: h}]
    dispatch: {any: probe::run}
    args:
      - {name: on, long: on, type: flag, help: h}
      - {name: verbose, long: loud, short: l, type: count, help: h}
      - {name: limit, long: limit, type: int, value_name: N, default: '5', range: [1, 9], help: h}
      - {name: maybe_int, long: maybe-int, type: int, value_name: N, help: h}
      - {name: ints, long: int, type: int, value_name: N, repeatable: true, help: h}
      - {name: file, positional: true, type: path, value_name: F, required: true, help: h}
      - {name: maybe_path, long: path, type: path, value_name: P, help: h}
      - {name: paths, long: also, type: path, value_name: P, repeatable: true, help: h}
      - {name: name, long: name, type: string, value_name: S, required: true, help: "two\nlines"}
      - {name: maybe_name, long: maybe-name, type: string, value_name: S, help: h}
      - {name: mode, long: mode, type: choice, values: modes, value_name: M, repeatable: true, help: h}
      - {name: pair, long: pair, type: key_value, value_name: K=V, required: true, help: h}
      - {name: maybe_pair, long: maybe-pair, type: key_value, value_name: K=V, help: h}
      - {name: pairs, long: credential, type: key_value, value_name: K=V, repeatable: true, help: h}
  - name: sync
    about: a
    long_about: b
    subcommands:
      - name: pull-all
        about: a
        long_about: b
        examples: [{command: tool sync pull-all, help: h}]
        args:
          - {name: workspace, long: workspace, type: string, value_name: W, help: h, classes: {saas: {usage_error: "local only for {{ provider }}"}, removed: {hard_break: "gone"}}}
        dispatch:
          saas: sync_pull::saas
          local: sync_pull::local
          removed: {hard_break: "Provider 'x' is no longer supported."}
"#;

fn spec() -> Spec {
    load(SPEC).expect("valid")
}

/// The templates of tests/generated/templates/, as build.rs lists templates/*.j2.
const TEMPLATES: [&str; 3] = ["map_add", "status", "x2_y"];

/// What the binary's `args` and `dispatch` modules provide around the generated code, and the
/// generated code itself (whose `Invocation` holds the argument structs by value, as the
/// binary's does).
#[allow(dead_code, clippy::large_enum_variant)]
mod generated {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ProviderClass {
        Saas,
        Local,
        Removed,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ClassSource {
        Binding,
        ProviderArg,
        None,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum RefusalKind {
        HardBreak,
        UsageError,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ArgRefusal {
        pub arg: &'static str,
        pub flag: &'static str,
        pub kind: RefusalKind,
        pub message: &'static str,
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct LeafMeta {
        pub path: &'static [&'static str],
        pub gated: bool,
        pub class_source: ClassSource,
        pub has_json: bool,
        pub allows_unknown_binding: bool,
        pub refusals: &'static [(ProviderClass, &'static [ArgRefusal])],
    }

    #[derive(Debug, PartialEq, Eq)]
    pub struct CliError(pub String);

    /// `key=value` pairs; a bad one names the flag it came with.
    pub fn parse_key_values<'a>(
        flag: &str,
        raw: impl IntoIterator<Item = &'a String>,
    ) -> Result<Vec<(String, String)>, CliError> {
        raw.into_iter()
            .map(|e| {
                e.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .ok_or_else(|| CliError(format!("--{flag} {e}")))
            })
            .collect()
    }

    include!("generated/args.rs");

    pub fn leaf(id: CommandId) -> &'static LeafMeta {
        &LEAVES[id as usize]
    }

    /// The handlers record their calls here.
    #[derive(Default)]
    pub struct Context {
        pub calls: Vec<String>,
    }

    pub type Outcome = String;

    fn hard_break(message: &str, _ctx: &Context) -> CliError {
        CliError(format!("hard break: {message}"))
    }

    fn missing_class(id: CommandId) -> CliError {
        CliError(format!("no class for {id:?}"))
    }

    include!("generated/route.rs");

    pub mod templates {
        include!("generated/templates.rs");

        pub fn source(t: Template) -> (&'static str, &'static str) {
            TEMPLATE_FILES[t as usize]
        }
    }
}

/// The handlers commands.yaml names (`probe::run`, `sync_pull::saas`, `sync_pull::local`).
mod commands {
    pub mod probe {
        use crate::generated::{CliError, Context, Outcome, ProbeArgs};

        pub fn run(ctx: &mut Context, _: ProbeArgs) -> Result<Outcome, CliError> {
            ctx.calls.push("probe::run".into());
            Ok("probe".into())
        }
    }

    pub mod sync_pull {
        use crate::generated::{CliError, Context, Outcome, SyncPullAllArgs};

        pub fn saas(ctx: &mut Context, a: SyncPullAllArgs) -> Result<Outcome, CliError> {
            ctx.calls.push(format!("sync_pull::saas {:?}", a.workspace));
            Ok("saas".into())
        }

        pub fn local(ctx: &mut Context, a: SyncPullAllArgs) -> Result<Outcome, CliError> {
            ctx.calls
                .push(format!("sync_pull::local {:?}", a.workspace));
            Ok("local".into())
        }
    }
}

/// The generated modules of [`SPEC`], by file name under tests/generated/.
fn generated_files() -> Vec<(&'static str, String)> {
    let spec = spec();
    let names: Vec<String> = TEMPLATES.iter().map(|t| (*t).to_owned()).collect();
    vec![
        ("args.rs", codegen::args_module(&spec)),
        ("route.rs", codegen::route_module(&spec)),
        (
            "templates.rs",
            codegen::templates_module(&names, "templates").expect("names"),
        ),
    ]
}

#[test]
fn the_generated_code_is_the_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated");
    for (file, code) in generated_files() {
        let path = dir.join(file);
        if std::env::var_os("COMMAND_SPEC_BLESS").is_some() {
            std::fs::write(&path, &code).expect("bless");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == code,
            "tests/generated/{file} is not what codegen generates now; review the change and \
             bless it with COMMAND_SPEC_BLESS=1 cargo test -p command-spec --test codegen"
        );
    }
}

/// `argv` parsed by the clap tree of the spec, then by the generated `Invocation::parse`.
fn invocation(argv: &[&str]) -> Result<Invocation, CliError> {
    let mut m = to_clap::build(&spec(), "0.0.0")
        .try_get_matches_from(argv)
        .unwrap_or_else(|e| panic!("clap refused {argv:?}: {e}"));
    let mut path = Vec::new();
    while let Some((name, sub)) = m.remove_subcommand() {
        path.push(name);
        m = sub;
    }
    let id = *CommandId::ALL
        .iter()
        .find(|id| leaf(**id).path == path.as_slice())
        .unwrap_or_else(|| panic!("no CommandId for {path:?}"));
    Invocation::parse(id, &m)
}

fn probe(argv: &[&str]) -> ProbeArgs {
    match invocation(argv).expect("parsed") {
        Invocation::Probe(a) => a,
        other => panic!("not probe: {other:?}"),
    }
}

#[test]
#[allow(clippy::type_complexity)] // the point: every field's type written out
fn every_argument_reaches_its_typed_field() {
    let a = probe(&[
        "tool",
        "probe",
        "--on",
        "-ll",
        "--limit",
        "7",
        "--maybe-int",
        "3",
        "--int",
        "1",
        "--int",
        "2",
        "F",
        "--path",
        "p",
        "--also",
        "a",
        "--also",
        "b",
        "--name",
        "n",
        "--maybe-name",
        "mn",
        "--mode",
        "a",
        "--mode",
        "bee",
        "--mode",
        " OLD ",
        "--pair",
        "k=v",
        "--maybe-pair",
        "x=y",
        "--credential",
        "c=d",
        "--credential",
        "e=f",
        "--json",
    ]);
    // Destructured in full, with every field's type written out: a field more, a field less
    // or another type is a compile error.
    let ProbeArgs {
        on,
        verbose,
        limit,
        maybe_int,
        ints,
        file,
        maybe_path,
        paths,
        name,
        maybe_name,
        mode,
        pair,
        maybe_pair,
        pairs,
        json,
    } = a;
    // (Two tuples: the standard library compares tuples of up to 12.)
    let scalars: (
        bool,
        u8,
        i64,
        Option<i64>,
        Vec<i64>,
        PathBuf,
        Option<PathBuf>,
    ) = (on, verbose, limit, maybe_int, ints, file, maybe_path);
    let rest: (
        Vec<PathBuf>,
        String,
        Option<String>,
        Vec<String>,
        (String, String),
        Option<(String, String)>,
        Vec<(String, String)>,
        bool,
    ) = (paths, name, maybe_name, mode, pair, maybe_pair, pairs, json);
    let s = |v: &str| v.to_owned();
    assert_eq!(
        scalars,
        (
            true,
            2,
            7,
            Some(3),
            vec![1, 2],
            PathBuf::from("F"),
            Some(PathBuf::from("p"))
        )
    );
    assert_eq!(
        rest,
        (
            vec![PathBuf::from("a"), PathBuf::from("b")],
            s("n"),
            Some(s("mn")),
            vec![s("a"), s("b"), s("old")],
            (s("k"), s("v")),
            Some((s("x"), s("y"))),
            vec![(s("c"), s("d")), (s("e"), s("f"))],
            true,
        ),
        "`bee` is an alias of `b`, ` OLD ` the hidden `old`"
    );
}

#[test]
fn absent_arguments_are_empty_or_their_default() {
    let a = probe(&["tool", "probe", "F", "--name", "n", "--pair", "k=v"]);
    assert!(!a.on && a.verbose == 0 && !a.json);
    assert_eq!(a.limit, 5, "the declared default");
    assert_eq!(
        (a.maybe_int, a.maybe_path, a.maybe_name),
        (None, None, None)
    );
    assert_eq!(a.maybe_pair, None);
    assert!(a.ints.is_empty() && a.paths.is_empty() && a.mode.is_empty() && a.pairs.is_empty());
}

#[test]
fn a_bad_key_value_is_an_error_naming_the_flag_not_the_field() {
    let err = invocation(&[
        "tool",
        "probe",
        "F",
        "--name",
        "n",
        "--pair",
        "k=v",
        "--credential",
        "nokey",
    ])
    .expect_err("no =");
    assert_eq!(err, CliError("--credential nokey".into()));
}

#[test]
fn a_leaf_without_json_has_no_json_field() {
    let Invocation::SyncPullAll(a) =
        invocation(&["tool", "sync", "pull-all", "--workspace", "w"]).expect("parsed")
    else {
        panic!("not sync pull-all");
    };
    // Destructured in full: a `json` field would not compile.
    let SyncPullAllArgs { workspace } = a;
    assert_eq!(workspace, Some("w".to_owned()));
}

#[test]
fn the_leaf_table_answers_as_declared_in_declaration_order() {
    assert_eq!(CommandId::ALL, &[CommandId::Probe, CommandId::SyncPullAll]);
    assert_eq!(
        leaf(CommandId::Probe),
        &LeafMeta {
            path: &["probe"],
            gated: false,
            class_source: ClassSource::None,
            has_json: true,
            allows_unknown_binding: false,
            refusals: &[],
        }
    );
    let refusal = |kind, message| ArgRefusal {
        arg: "workspace",
        flag: "workspace",
        kind,
        message,
    };
    let pull = leaf(CommandId::SyncPullAll);
    assert_eq!(pull.path, &["sync", "pull-all"]);
    assert!(pull.gated, "gate defaults to the feature flag");
    assert_eq!(pull.class_source, ClassSource::Binding);
    assert!(!pull.has_json && !pull.allows_unknown_binding);
    assert_eq!(
        pull.refusals,
        &[
            (
                ProviderClass::Saas,
                &[refusal(
                    RefusalKind::UsageError,
                    "local only for {{ provider }}"
                )][..]
            ),
            (
                ProviderClass::Removed,
                &[refusal(RefusalKind::HardBreak, "gone")][..]
            ),
        ]
    );
    let probe = invocation(&["tool", "probe", "F", "--name", "n", "--pair", "k=v"]).expect("ok");
    assert_eq!(probe.id(), CommandId::Probe);
    assert_eq!(
        value_sets::MODES,
        &["a", "b"],
        "visible values of a set, hidden ones left out"
    );
}

#[test]
fn route_calls_each_declared_handler_or_refuses() {
    let pull = || invocation(&["tool", "sync", "pull-all"]).expect("parsed");
    let probe = || invocation(&["tool", "probe", "F", "--name", "n", "--pair", "k=v"]).expect("ok");
    let mut ctx = Context::default();
    for class in [
        None,
        Some(ProviderClass::Saas),
        Some(ProviderClass::Removed),
    ] {
        assert_eq!(
            route(probe(), class, &mut ctx),
            Ok("probe".into()),
            "any class"
        );
    }
    assert_eq!(
        route(pull(), Some(ProviderClass::Saas), &mut ctx),
        Ok("saas".into())
    );
    assert_eq!(
        route(pull(), Some(ProviderClass::Local), &mut ctx),
        Ok("local".into())
    );
    assert_eq!(
        ctx.calls,
        [
            "probe::run",
            "probe::run",
            "probe::run",
            "sync_pull::saas None",
            "sync_pull::local None"
        ]
    );
    assert_eq!(
        route(pull(), Some(ProviderClass::Removed), &mut ctx),
        Err(CliError(
            "hard break: Provider 'x' is no longer supported.".into()
        ))
    );
    assert_eq!(
        route(pull(), None, &mut ctx),
        Err(CliError("no class for SyncPullAll".into()))
    );
    assert_eq!(ctx.calls.len(), 5, "a refusal calls no handler");
}

/// The template list build.rs writes for `templates/*.j2`. Oracle: Rust's naming convention
/// (RFC 430: enum variants are UpperCamelCase, so `snake_case` file names become `SnakeCase`),
/// and the files themselves (tests/generated/templates/), embedded by the generated code.
#[test]
fn templates_module_names_one_variant_per_file_in_order_and_embeds_each() {
    use templates::{source, Template};
    assert_eq!(
        Template::ALL,
        &[Template::MapAdd, Template::Status, Template::X2Y]
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generated/templates");
    for (t, name) in Template::ALL.iter().zip(TEMPLATES) {
        let file = std::fs::read_to_string(dir.join(format!("{name}.j2"))).expect("template");
        assert_eq!(source(*t), (name, file.as_str()));
    }
    for bad in ["map-add", "", "räksmörgås", "a.b"] {
        assert_eq!(
            codegen::templates_module(&[bad.to_owned()], "/t"),
            Err(format!(
                "templates/{bad}.j2: the name must be snake_case ASCII"
            ))
        );
    }
}
