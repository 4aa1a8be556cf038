//! Man pages (clap_mangen, one page per command in git style) and shell completions
//! (clap_complete), rendered from the same clap tree the binary uses.

use crate::classes::class_lines;
use crate::model::{CommandSpec, Spec};
use clap::Command;
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

/// Shells completions are generated for, with the file name each one is shipped as.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "bash"),
    (Shell::Zsh, "zsh"),
    (Shell::Fish, "fish"),
    (Shell::Elvish, "elvish"),
    (Shell::PowerShell, "powershell"),
];

/// One man page per command (groups included): `(file name, roff text)`.
pub fn man_pages(spec: &Spec, version: &'static str) -> Vec<(String, String)> {
    let mut root = crate::to_clap::build(spec, version);
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
    let display = std::iter::once(spec.name.as_str())
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
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
        man.render_synopsis_section(&mut buf)?;
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

/// A generated completion script.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Shell name as accepted by `completions <shell>`.
    pub shell: &'static str,
    /// File name the script is shipped as (clap_complete's convention).
    pub file_name: String,
    /// The script.
    pub script: String,
}

/// Completion scripts for every shell in [`SHELLS`].
pub fn completions(spec: &Spec, version: &'static str) -> Vec<Completion> {
    SHELLS
        .iter()
        .map(|(shell, name)| {
            let mut cmd = crate::to_clap::build(spec, version);
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut cmd, spec.name.clone(), &mut buf);
            Completion {
                shell: name,
                file_name: clap_complete::Generator::file_name(shell, &spec.name),
                script: String::from_utf8_lossy(&buf).into_owned(),
            }
        })
        .collect()
}

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
    fn leaf_pages_show_provider_classes_and_examples() {
        let pages = man_pages(&spec(), "0.0.0");
        let (_, page) = pages
            .iter()
            .find(|(n, _)| n == "spec-kitty-tracker-sync-publish.1")
            .expect("publish page");
        assert!(page.contains(".SH \"PROVIDER CLASSES\""), "{page}");
        assert!(
            page.contains("Snapshot publish is not supported for SaaS\\-backed providers"),
            "{page}"
        );
        assert!(page.contains(".SH EXAMPLES"), "{page}");
    }

    #[test]
    fn completions_cover_five_shells() {
        let files = completions(&spec(), "0.0.0");
        assert_eq!(files.len(), 5);
        assert!(files.iter().all(|c| c.script.contains("sync")));
    }
}
