//! Serde model of `commands.yaml`. Unknown keys are rejected so typos fail the build.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole file: program metadata, global options and the command tree.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Binary name.
    pub name: String,
    /// One-line description.
    pub about: String,
    /// Long description shown by `--help` and the man page.
    pub long_about: String,
    /// Environment variables documented in the root man page.
    #[serde(default)]
    pub environment: Vec<EnvVar>,
    /// Exit codes documented in every man page.
    #[serde(default)]
    pub exit_codes: Vec<ExitCode>,
    /// Named sets of allowed values, declared once and referenced by `choice` arguments
    /// (`values: <set>`); clap validates them, completions offer them, the binary reads them.
    #[serde(default)]
    pub value_sets: BTreeMap<String, Vec<ValueSpec>>,
    /// Options accepted by every command.
    #[serde(default)]
    pub global_args: Vec<ArgSpec>,
    /// Named `--json` shapes, declared once and used as a field `type` by any command
    /// (JSON Schema `$defs`).
    #[serde(default)]
    pub json_shapes: BTreeMap<String, JsonShape>,
    /// The `{"error": {...}}` document every `--json` command prints on failure.
    #[serde(default)]
    pub json_error: Option<JsonShape>,
    /// Top-level commands, in help order.
    pub commands: Vec<CommandSpec>,
}

/// A declared `--json` value: the whole document of a command, a field of an object, an
/// element of an array, or one variant of a document whose shape depends on the case. Help,
/// man pages and the JSON Schema documents under docs/json/ are rendered from it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonShape {
    /// Member name (fields of an object only).
    #[serde(default)]
    pub name: Option<String>,
    /// Label of a variant (entries of `one_of` only), e.g. `local providers`.
    #[serde(default)]
    pub when: Option<String>,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array`, `any`, or the name of a
    /// `json_shapes` entry. Absent only on a value that has `one_of`.
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
    /// One-line description (fields and variants).
    #[serde(default)]
    pub help: Option<String>,
    /// The member may be absent (default: always present).
    #[serde(default)]
    pub optional: bool,
    /// The value may be `null`.
    #[serde(default)]
    pub nullable: bool,
    /// Members of an `object`.
    #[serde(default)]
    pub fields: Vec<JsonShape>,
    /// The `object` may have members besides `fields` (a server document passed on as
    /// received, kept for forward compatibility).
    #[serde(default)]
    pub open: bool,
    /// Elements of an `array`.
    #[serde(default)]
    pub items: Option<Box<JsonShape>>,
    /// The value of every member of an `object` used as a map (keys are data, not fields).
    #[serde(default)]
    pub values: Option<Box<JsonShape>>,
    /// The only values a `string` takes.
    #[serde(rename = "enum", default)]
    pub allowed: Vec<String>,
    /// The value is exactly one of these variants (each with `when`).
    #[serde(default)]
    pub one_of: Vec<JsonShape>,
}

/// One allowed value of a value set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    /// The canonical value.
    pub value: String,
    /// Shown next to the value in long help and in zsh/fish completions.
    #[serde(default)]
    pub help: Option<String>,
    /// Other spellings accepted for this value (not offered by completions).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Accepted but neither listed in help nor offered by completions (e.g. a removed provider
    /// that still gets its own message).
    #[serde(default)]
    pub hidden: bool,
}

/// A documented environment variable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// What it does.
    pub help: String,
}

/// A documented exit code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitCode {
    /// The numeric code.
    pub code: u8,
    /// When it is used.
    pub help: String,
}

/// A command: either a group (has `subcommands`) or a leaf (has `dispatch`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    /// Command name as typed.
    pub name: String,
    /// One-line description.
    pub about: String,
    /// Long description.
    pub long_about: String,
    /// Whether the feature flag gates the command (inherited by subcommands).
    #[serde(default)]
    pub gate: Option<Gate>,
    /// How the provider class is determined (inherited by subcommands).
    #[serde(default)]
    pub class_from: Option<ClassFrom>,
    /// Help text of the `--json` flag; absent means the command has no `--json`.
    #[serde(default)]
    pub json: Option<String>,
    /// The `--json` document (required with `json`); see [`JsonShape`].
    #[serde(default)]
    pub json_output: Option<JsonShape>,
    /// Usage examples (every leaf needs at least one).
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Arguments of the command.
    #[serde(default)]
    pub args: Vec<ArgSpec>,
    /// Handler or hard-break per provider class (leaves only).
    #[serde(default)]
    pub dispatch: Option<BTreeMap<DispatchKey, Route>>,
    /// A binding to an unknown provider is routed like a removed one instead of failing
    /// (so `unbind` can clean it up).
    #[serde(default)]
    pub allow_unknown_binding: bool,
    /// Child commands (groups only).
    #[serde(default)]
    pub subcommands: Vec<CommandSpec>,
}

/// A usage example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The command line.
    pub command: String,
    /// What it does.
    pub help: String,
}

/// Feature-flag gating of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    /// Refused unless SPEC_KITTY_ENABLE_SAAS_SYNC is enabled (the default).
    FeatureFlag,
    /// Always available.
    None,
}

/// Where the provider class of an invocation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassFrom {
    /// The project's `.kittify/config.yaml` binding (the default).
    Binding,
    /// The `--provider` argument of the command.
    ProviderArg,
    /// The command does not depend on a provider.
    None,
}

/// Keys of a `dispatch` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispatchKey {
    /// SaaS-backed providers.
    Saas,
    /// Local providers.
    Local,
    /// Removed providers.
    Removed,
    /// Commands that do not depend on a provider class.
    Any,
}

impl DispatchKey {
    /// The key as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            DispatchKey::Saas => "saas",
            DispatchKey::Local => "local",
            DispatchKey::Removed => "removed",
            DispatchKey::Any => "any",
        }
    }
}

/// What an invocation does for one provider class.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Route {
    /// Run the handler `module::function` in `src/commands/`.
    Handler(String),
    /// Refuse with a fixed guidance message (exit 3).
    Refuse(Refusal),
}

/// A refusal: a hard-break (exit 3) or a usage error (exit 2).
/// Written as `{hard_break: "..."}` or `{usage_error: "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RefusalMap")]
pub enum Refusal {
    /// Not allowed for this provider class; exit 3.
    HardBreak(String),
    /// The argument makes no sense for this provider class; exit 2.
    UsageError(String),
}

/// The YAML shape of a [`Refusal`]: exactly one of the two keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusalMap {
    hard_break: Option<String>,
    usage_error: Option<String>,
}

impl TryFrom<RefusalMap> for Refusal {
    type Error = String;

    fn try_from(map: RefusalMap) -> Result<Self, Self::Error> {
        match (map.hard_break, map.usage_error) {
            (Some(m), None) => Ok(Refusal::HardBreak(m)),
            (None, Some(m)) => Ok(Refusal::UsageError(m)),
            _ => Err("give exactly one of `hard_break` or `usage_error`".to_owned()),
        }
    }
}

impl Refusal {
    /// The message text.
    pub fn message(&self) -> &str {
        match self {
            Refusal::HardBreak(m) | Refusal::UsageError(m) => m,
        }
    }
}

/// Value type of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgType {
    /// Free text.
    String,
    /// A filesystem path.
    Path,
    /// An integer, optionally with an inclusive `range`.
    Int,
    /// A boolean switch.
    Flag,
    /// A repeatable switch counted (`-vv`).
    Count,
    /// One of `values`.
    Choice,
    /// `key=value`, split at the first `=`.
    KeyValue,
}

/// What shells offer when completing an argument's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    /// File names.
    File,
    /// Directory names.
    Dir,
    /// A URL (no file names).
    Url,
}

/// One argument of a command.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    /// Identifier (snake_case); also the field name in the generated args struct.
    pub name: String,
    /// Long option name without dashes.
    #[serde(default)]
    pub long: Option<String>,
    /// Short option letter.
    #[serde(default)]
    pub short: Option<char>,
    /// Positional instead of an option.
    #[serde(default)]
    pub positional: bool,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: ArgType,
    /// Must be given.
    #[serde(default)]
    pub required: bool,
    /// May be given several times.
    #[serde(default)]
    pub repeatable: bool,
    /// Default value (as typed on the command line).
    #[serde(default)]
    pub default: Option<String>,
    /// Inclusive range for `int`.
    #[serde(default)]
    pub range: Option<[i64; 2]>,
    /// The value set (a key of the top-level `value_sets`) a `choice` argument takes.
    #[serde(default)]
    pub values: Option<String>,
    /// What shells complete for the value (default: `path` types any path, others nothing).
    #[serde(default)]
    pub complete: Option<Completion>,
    /// Placeholder shown in help.
    #[serde(default)]
    pub value_name: Option<String>,
    /// Help text.
    pub help: String,
    /// Arguments this one cannot be combined with.
    #[serde(default)]
    pub conflicts_with: Vec<String>,
    /// Per provider class refusal of this argument (absent class = accepted).
    #[serde(default)]
    pub classes: BTreeMap<DispatchKey, Refusal>,
    /// Accepted but left out of help, man pages and completions (a deprecated spelling).
    #[serde(default)]
    pub hidden: bool,
}

impl ArgSpec {
    /// Whether the argument takes a value.
    pub fn takes_value(&self) -> bool {
        !matches!(self.ty, ArgType::Flag | ArgType::Count)
    }
}

impl Spec {
    /// The values of set `name` (empty when there is no such set).
    pub fn value_set(&self, name: &str) -> &[ValueSpec] {
        self.value_sets.get(name).map_or(&[], Vec::as_slice)
    }
}

impl CommandSpec {
    /// Whether the command is a leaf (runs something) rather than a group.
    pub fn is_leaf(&self) -> bool {
        self.subcommands.is_empty()
    }
}

/// A leaf command with its full path and the settings it inherits from its groups.
#[derive(Debug, Clone)]
pub struct Leaf<'a> {
    /// Names from the root, e.g. `["sync", "pull"]`.
    pub path: Vec<&'a str>,
    /// The command itself.
    pub spec: &'a CommandSpec,
    /// Effective gate.
    pub gate: Gate,
    /// Effective provider-class source.
    pub class_from: ClassFrom,
}

impl Leaf<'_> {
    /// Path joined with spaces, e.g. `sync pull`.
    pub fn path_str(&self) -> String {
        self.path.join(" ")
    }

    /// CamelCase identifier, e.g. `SyncPull`.
    pub fn ident(&self) -> String {
        self.path
            .iter()
            .flat_map(|p| p.split(['-', '_']))
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect()
    }
}

impl Spec {
    /// Parse the YAML text (no validation; see [`crate::validate`]).
    pub fn from_yaml(text: &str) -> Result<Spec, String> {
        yaml_serde::from_str(text).map_err(|e| match e.location() {
            Some(loc) => {
                let text = e.to_string();
                let suffix = format!(" at line {} column {}", loc.line(), loc.column());
                let text = text.strip_suffix(&suffix).unwrap_or(&text);
                format!("commands.yaml:{}:{}: {text}", loc.line(), loc.column())
            }
            None => format!("commands.yaml: {e}"),
        })
    }

    /// Every leaf command, depth first, in declaration order.
    pub fn leaves(&self) -> Vec<Leaf<'_>> {
        fn walk<'a>(
            cmd: &'a CommandSpec,
            mut path: Vec<&'a str>,
            gate: Gate,
            class_from: ClassFrom,
            out: &mut Vec<Leaf<'a>>,
        ) {
            path.push(&cmd.name);
            let gate = cmd.gate.unwrap_or(gate);
            let class_from = cmd.class_from.unwrap_or(class_from);
            if cmd.is_leaf() {
                out.push(Leaf {
                    path,
                    spec: cmd,
                    gate,
                    class_from,
                });
            } else {
                for sub in &cmd.subcommands {
                    walk(sub, path.clone(), gate, class_from, out);
                }
            }
        }
        let mut out = Vec::new();
        for cmd in &self.commands {
            walk(
                cmd,
                Vec::new(),
                Gate::FeatureFlag,
                ClassFrom::Binding,
                &mut out,
            );
        }
        out
    }
}
