//! The generated Rust for a small spec that uses every argument type, arity and refusal kind.
//! Independent oracle: docs/commands-yaml.md — "one typed `<Command>Args` struct per leaf" whose
//! fields are the argument names, `json: bool` only when `json` is declared, "one table of leaf
//! metadata (path, gate, class source, `--json`, per-class argument refusals)", and "the
//! exhaustive `route()` match that calls the handlers" named `module::function` per class, a
//! `hard_break` entry refusing with its message. Optional values are `Option`, required or
//! defaulted ones are plain, repeatable ones are `Vec` (the Argument table's `required`,
//! `default`, `repeatable`).

use command_spec::{codegen, load};

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

#[test]
fn every_leaf_gets_a_typed_struct_named_after_its_path() {
    let spec = load(SPEC).expect("valid");
    let code = codegen::args_module(&spec);
    for field in [
        "pub on: bool,",
        "pub verbose: u8,",
        "pub limit: i64,",
        "pub maybe_int: Option<i64>,",
        "pub ints: Vec<i64>,",
        "pub file: std::path::PathBuf,",
        "pub maybe_path: Option<std::path::PathBuf>,",
        "pub paths: Vec<std::path::PathBuf>,",
        "pub name: String,",
        "pub maybe_name: Option<String>,",
        "pub mode: Vec<String>,",
        "pub pair: (String, String),",
        "pub maybe_pair: Option<(String, String)>,",
        "pub pairs: Vec<(String, String)>,",
        "pub json: bool,",
    ] {
        assert!(code.contains(field), "missing `{field}` in:\n{code}");
    }
    assert!(code.contains("pub struct ProbeArgs {"), "{code}");
    assert!(code.contains("pub struct SyncPullAllArgs {"), "{code}");
    assert!(
        code.contains("    /// two lines\n    pub name: String,"),
        "help becomes a one-line doc comment"
    );
    let pull = &code[code.find("pub struct SyncPullAllArgs").expect("struct")..];
    let pull = &pull[..pull.find('}').expect("end")];
    assert!(
        !pull.contains("json"),
        "no `json` field without `json:`: {pull}"
    );
}

#[test]
fn values_are_read_by_the_argument_id_and_key_values_are_split_by_the_flag() {
    let code = codegen::args_module(&load(SPEC).expect("valid"));
    for expr in [
        "on: m.get_flag(\"on\"),",
        "verbose: m.get_count(\"verbose\"),",
        "limit: m.get_one::<i64>(\"limit\").cloned().unwrap_or_default(),",
        "maybe_int: m.get_one::<i64>(\"maybe_int\").cloned(),",
        "ints: m.get_many::<i64>(\"ints\").into_iter().flatten().cloned().collect(),",
        "file: m.get_one::<std::path::PathBuf>(\"file\").cloned().unwrap_or_default(),",
        "maybe_name: m.get_one::<String>(\"maybe_name\").cloned(),",
        "pair: parse_key_values(\"pair\", m.get_one::<String>(\"pair\"))?.into_iter().next().unwrap_or_default(),",
        "maybe_pair: parse_key_values(\"maybe-pair\", m.get_one::<String>(\"maybe_pair\"))?.into_iter().next(),",
        "pairs: parse_key_values(\"credential\", m.get_many::<String>(\"pairs\").into_iter().flatten())?,",
        "json: m.get_flag(\"json\"),",
    ] {
        assert!(code.contains(expr), "missing `{expr}` in:\n{code}");
    }
    assert!(code.contains("CommandId::Probe => Invocation::Probe(ProbeArgs {"));
    assert!(
        code.contains("pub const MODES: &[&str] = &[\"a\", \"b\"];"),
        "visible values of a set, hidden ones left out: {code}"
    );
    assert!(code.contains("Invocation::SyncPullAll(_) => CommandId::SyncPullAll,"));
}

#[test]
fn the_leaf_table_carries_gate_class_source_json_and_refusals() {
    let code = codegen::args_module(&load(SPEC).expect("valid"));
    assert!(
        code.contains("LeafMeta { path: &[\"probe\"], gated: false, class_source: ClassSource::None, has_json: true, allows_unknown_binding: false, refusals: &[] },"),
        "{code}"
    );
    assert!(
        code.contains("LeafMeta { path: &[\"sync\", \"pull-all\"], gated: true, class_source: ClassSource::Binding, has_json: false, allows_unknown_binding: false, refusals: &[(ProviderClass::Saas, &[ArgRefusal { arg: \"workspace\", flag: \"workspace\", kind: RefusalKind::UsageError, message: \"local only for {{ provider }}\" }]), (ProviderClass::Removed, &[ArgRefusal { arg: \"workspace\", flag: \"workspace\", kind: RefusalKind::HardBreak, message: \"gone\" }])] },"),
        "{code}"
    );
    let probe = code.find("path: &[\"probe\"]").expect("probe row");
    let pull = code
        .find("path: &[\"sync\", \"pull-all\"]")
        .expect("pull row");
    assert!(probe < pull, "rows in CommandId (declaration) order");
}

#[test]
fn route_calls_each_declared_handler_or_refuses() {
    let code = codegen::route_module(&load(SPEC).expect("valid"));
    for arm in [
        "(Invocation::Probe(a), _) => crate::commands::probe::run(ctx, a),",
        "(Invocation::SyncPullAll(a), Some(ProviderClass::Saas)) => crate::commands::sync_pull::saas(ctx, a),",
        "(Invocation::SyncPullAll(a), Some(ProviderClass::Local)) => crate::commands::sync_pull::local(ctx, a),",
        "(Invocation::SyncPullAll(_), Some(ProviderClass::Removed)) => Err(hard_break(\"Provider 'x' is no longer supported.\", ctx)),",
        "(Invocation::SyncPullAll(_), None) => Err(missing_class(CommandId::SyncPullAll)),",
    ] {
        assert!(code.contains(arm), "missing `{arm}` in:\n{code}");
    }
    assert!(
        !code.contains("(Invocation::Probe(_), None)"),
        "a class-free command needs no missing-class arm"
    );
}

/// The template list build.rs writes for `templates/*.j2`. Oracle: Rust's naming convention
/// (RFC 430: enum variants are UpperCamelCase, so `snake_case` file names become `SnakeCase`),
/// and `include_str!`, which takes the file's path as a string literal.
#[test]
fn templates_module_names_one_variant_per_file_in_order_and_embeds_each() {
    let names = ["map_add".to_owned(), "status".to_owned(), "x2_y".to_owned()];
    let src = codegen::templates_module(&names, "/repo/templates").unwrap();
    assert!(src.starts_with("// @generated"), "{src}");
    for (variant, file) in [("MapAdd", "map_add"), ("Status", "status"), ("X2Y", "x2_y")] {
        assert!(
            src.contains(&format!("    /// `templates/{file}.j2`\n    {variant},\n")),
            "{src}"
        );
        assert!(
            src.contains(&format!(
                "    (\"{file}\", include_str!(\"/repo/templates/{file}.j2\")),\n"
            )),
            "{src}"
        );
    }
    assert!(
        src.contains("pub const ALL: &'static [Template] = &[Template::MapAdd, Template::Status, Template::X2Y, ];"),
        "{src}"
    );
    for bad in ["map-add", "", "räksmörgås", "a.b"] {
        assert_eq!(
            codegen::templates_module(&[bad.to_owned()], "/t"),
            Err(format!(
                "templates/{bad}.j2: the name must be snake_case ASCII"
            ))
        );
    }
}
