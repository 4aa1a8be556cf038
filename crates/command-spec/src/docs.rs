//! Man pages (clap_mangen, one page per command in git style) and shell completions
//! (clap_complete), rendered from the same clap tree the binary uses.

use crate::classes::class_lines;
use crate::json_fields;
use crate::model::{CommandSpec, JsonShape, Spec};
use clap::{Arg, ArgAction, Command};
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use clap_mangen::Man;

/// The value set listing the shells completions are generated for.
pub const SHELL_SET: &str = "shell";

/// One man page per command (groups included): `(file name, roff text)`.
pub fn man_pages(spec: &Spec, version: &'static str) -> Vec<(String, String)> {
    // clap's `help` subcommand is not a page (nor listed as one): `man` is the help here.
    let mut root = crate::to_clap::build(spec, version).disable_help_subcommand(true);
    // Building propagates the global options into every subcommand's page.
    root.build();
    let mut pages = Vec::new();
    page(&root, None, spec, version, &[], &mut pages);
    pages
}

fn page(
    cmd: &Command,
    model: Option<&CommandSpec>,
    spec: &Spec,
    version: &str,
    path: &[&str],
    out: &mut Vec<(String, String)>,
) {
    let full_name = std::iter::once(spec.name.as_str())
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join("-");
    let title = full_name.to_uppercase();
    let display = display_name(spec, path);
    let cmd_for_page = cmd
        .clone()
        .name(display.clone())
        .display_name(full_name.clone())
        .bin_name(display);
    let man = Man::new(cmd_for_page)
        .title(title)
        .manual("spec-kitty-tracker manual")
        .source(format!("{} {version}", spec.name));
    let mut buf = Vec::new();
    let rendered = (|| -> std::io::Result<()> {
        man.render_title(&mut buf)?;
        man.render_name_section(&mut buf)?;
        buf.extend_from_slice(synopsis(cmd, &display_name(spec, path)).as_bytes());
        man.render_description_section(&mut buf)?;
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut buf)?;
        }
        if cmd.has_subcommands() {
            man.render_subcommands_section(&mut buf)?;
        }
        Ok(())
    })();
    if rendered.is_err() {
        return;
    }
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    text.push_str(&extra_sections(model, spec));
    out.push((format!("{full_name}.1"), text));

    for sub in cmd.get_subcommands() {
        let sub_model = match model {
            Some(m) => m.subcommands.iter().find(|s| s.name == sub.get_name()),
            None => spec.commands.iter().find(|s| s.name == sub.get_name()),
        };
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        page(sub, sub_model, spec, version, &sub_path, out);
    }
}

/// `spec-kitty-tracker sync pull`: the command as typed.
fn display_name(spec: &Spec, path: &[&str]) -> String {
    std::iter::once(spec.name.as_str())
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The SYNOPSIS section with value names (`[--limit N]`), which clap_mangen leaves out.
fn synopsis(cmd: &Command, display: &str) -> String {
    let mut line = vec![bold(display)];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        line.push(roman(" "));
        line.extend(synopsis_arg(arg));
    }
    if cmd.has_subcommands() {
        line.push(roman(" "));
        line.push(italic("COMMAND"));
    }
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    roff.text(line);
    roff.to_roff()
}

fn synopsis_arg(arg: &Arg) -> Vec<Inline> {
    let value = arg
        .get_value_names()
        .map(|v| v.join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    let mut inner = Vec::new();
    if arg.is_positional() {
        inner.push(italic(value));
    } else {
        match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => {
                inner.push(bold(format!("-{short}")));
                inner.push(roman("|"));
                inner.push(bold(format!("--{long}")));
            }
            (Some(short), None) => inner.push(bold(format!("-{short}"))),
            (None, Some(long)) => inner.push(bold(format!("--{long}"))),
            (None, None) => {}
        }
        if arg.get_action().takes_values() {
            inner.push(roman(" "));
            inner.push(italic(value));
        }
    }
    let repeated = matches!(arg.get_action(), ArgAction::Count | ArgAction::Append);
    let mut out = Vec::new();
    if arg.is_required_set() {
        out.extend(inner);
    } else {
        out.push(roman("["));
        out.extend(inner);
        out.push(roman("]"));
    }
    if repeated {
        out.push(roman("..."));
    }
    out
}

fn extra_sections(model: Option<&CommandSpec>, spec: &Spec) -> String {
    let mut roff = Roff::new();
    if let Some(cmd) = model {
        let lines = class_lines(cmd);
        if !lines.is_empty() {
            roff.control("SH", ["PROVIDER CLASSES"]);
            for line in lines {
                roff.control("TP", [] as [&str; 0]);
                roff.text([bold(line.class)]);
                roff.text([roman(line.summary)]);
                for refused in line.refused_options {
                    roff.control("br", [] as [&str; 0]);
                    roff.text([roman(refused)]);
                }
            }
        }
        if let Some(output) = &cmd.json_output {
            json_section(&mut roff, spec, output);
        }
        if !cmd.examples.is_empty() {
            roff.control("SH", ["EXAMPLES"]);
            for ex in &cmd.examples {
                roff.control("TP", [] as [&str; 0]);
                roff.text([roman(ex.help.clone())]);
                roff.control("RS", [] as [&str; 0]);
                roff.control("nf", [] as [&str; 0]);
                roff.text([bold(ex.command.clone())]);
                roff.control("fi", [] as [&str; 0]);
                roff.control("RE", [] as [&str; 0]);
            }
        }
    }
    if model.is_none() && !spec.environment.is_empty() {
        roff.control("SH", ["ENVIRONMENT"]);
        for var in &spec.environment {
            roff.control("TP", [] as [&str; 0]);
            roff.text([bold(var.name.clone())]);
            roff.text([roman(var.help.clone())]);
        }
    }
    if let (None, Some(error)) = (model, &spec.json_error) {
        roff.control("SH", ["JSON ERRORS"]);
        roff.text([roman(
            "With --json a failure prints one JSON document on stdout, {\"error\": {...}}, whose object has these fields:",
        )]);
        fields(&mut roff, spec, error.fields.iter());
    }
    if !spec.exit_codes.is_empty() && (model.is_none() || model.is_some_and(|m| m.is_leaf())) {
        roff.control("SH", ["EXIT STATUS"]);
        for code in &spec.exit_codes {
            roff.control("TP", [] as [&str; 0]);
            roff.text([bold(code.code.to_string())]);
            roff.text([roman(code.help.clone())]);
        }
    }
    let related: Vec<String> = match model {
        None => spec
            .commands
            .iter()
            .map(|c| format!("{}-{}(1)", spec.name, c.name))
            .collect(),
        Some(_) => vec![format!("{}(1)", spec.name)],
    };
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(related.join(", "))]);
    roff.to_roff()
}

/// The JSON FIELDS section of a leaf page: each field (per variant) with its description.
fn json_section(roff: &mut Roff, spec: &Spec, output: &JsonShape) {
    roff.control("SH", ["JSON FIELDS"]);
    for list in json_fields::field_lists(spec, output) {
        if let Some(label) = &list.label {
            roff.control("SS", [label.as_str()]);
        }
        if list.fields.is_empty() {
            let why = list.help.unwrap_or("the document has no fields");
            roff.text([roman(format!("None: {why}."))]);
        }
        fields(roff, spec, list.fields.into_iter());
    }
    if let Some(line) = json_fields::failure_line(spec) {
        roff.control("PP", [] as [&str; 0]);
        roff.text([roman(line)]);
    }
}

fn fields<'a>(roff: &mut Roff, spec: &Spec, fields: impl Iterator<Item = &'a JsonShape>) {
    for field in fields {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(field.name.clone().unwrap_or_default())]);
        let mut text = json_fields::describe(field);
        if let Some(members) = json_fields::members(spec, field) {
            text.push_str(&format!(". Members: {}", members.join(", ")));
        }
        roff.text([roman(text)]);
    }
}

/// A generated completion script.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Shell name as accepted by `completions <shell>`.
    pub shell: String,
    /// File name the script is shipped as (clap_complete's convention).
    pub file_name: String,
    /// The script.
    pub script: String,
}

/// Completion scripts for every shell of the `shell` value set that clap_complete knows.
pub fn completions(spec: &Spec, version: &'static str) -> Vec<Completion> {
    spec.value_set(SHELL_SET)
        .iter()
        .filter_map(|v| Some((v.value.parse::<Shell>().ok()?, v.value.clone())))
        .map(|(shell, name)| {
            let mut cmd = crate::to_clap::build(spec, version);
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, spec.name.clone(), &mut buf);
            let mut script = String::from_utf8_lossy(&buf).into_owned();
            match shell {
                Shell::Bash => script = repair_bash(&script, &spec.name),
                Shell::Fish => script.push_str(&fish_positional_values(spec)),
                _ => {}
            }
            Completion {
                shell: name,
                file_name: clap_complete::Generator::file_name(&shell, &spec.name),
                script,
            }
        })
        .collect()
}

/// clap_complete's fish script offers no values for positional arguments (`completions
/// <SHELL>` would complete file names): one `complete` line per positional `choice` argument.
pub fn fish_positional_values(spec: &Spec) -> String {
    let using = format!("__fish_{}_using_subcommand", spec.name.replace('-', "_"));
    let mut out = String::new();
    for leaf in spec.leaves() {
        let condition = match leaf.path.as_slice() {
            [one] => format!("{using} {one}"),
            [group, leaf_name] => {
                format!("{using} {group}; and __fish_seen_subcommand_from {leaf_name}")
            }
            _ => continue,
        };
        for arg in leaf.spec.args.iter().filter(|a| a.positional) {
            let values: Vec<&str> = spec
                .value_set(arg.values.as_deref().unwrap_or_default())
                .iter()
                .filter(|v| !v.hidden)
                .map(|v| v.value.as_str())
                .collect();
            if !values.is_empty() {
                out.push_str(&format!(
                    "complete -c {} -n \"{condition}\" -f -a \"{}\"\n",
                    spec.name,
                    values.join(" ")
                ));
            }
        }
    }
    out
}

/// Work around clap-rs/clap#6421: for a binary name with dashes, clap_complete's bash script
/// labels the subcommand states `spec__subcmd__kitty__subcmd__tracker__subcmd__sync` while it
/// builds `spec__kitty__tracker__subcmd__sync`, so nothing after the first word completes.
/// The labels are rewritten to the state the script builds. A no-op once clap is fixed.
pub fn repair_bash(script: &str, bin: &str) -> String {
    let built = bin.replace('-', "__");
    let mislabelled = bin.replace('-', "__subcmd__");
    if built == mislabelled {
        return script.to_owned();
    }
    script.replace(
        &format!("{mislabelled}__subcmd__"),
        &format!("{built}__subcmd__"),
    )
}

/// What the pages say is checked on the text groff renders from the committed pages
/// (tests/it/generated_files.rs), the completions in the shells (tests/it/completions.rs).
#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        crate::load(include_str!("../../../commands.yaml")).expect("valid")
    }

    #[test]
    fn one_page_per_command_in_git_style() {
        let names: Vec<String> = man_pages(&spec(), "0.0.0")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(names.contains(&"spec-kitty-tracker.1".to_owned()));
        assert!(names.contains(&"spec-kitty-tracker-sync-pull.1".to_owned()));
        assert!(names.contains(&"spec-kitty-tracker-auth-login.1".to_owned()));
        assert!(names.contains(&"spec-kitty-tracker-map.1".to_owned()));
    }

    #[test]
    fn completions_cover_five_shells() {
        let files = completions(&spec(), "0.0.0");
        assert_eq!(files.len(), 5);
        assert!(files.iter().all(|c| c.script.contains("sync")));
    }

    #[test]
    fn bash_labels_match_the_states_the_script_builds() {
        let files = completions(&spec(), "0.0.0");
        let bash = &files
            .iter()
            .find(|c| c.shell == "bash")
            .expect("bash")
            .script;
        assert!(!bash.contains("__subcmd__kitty"), "{bash}");
        assert!(bash.contains("\n        spec__kitty__tracker__subcmd__sync__subcmd__pull)\n"));
        assert_eq!(repair_bash("a__subcmd__b", "ab"), "a__subcmd__b");
    }
}
