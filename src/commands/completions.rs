//! `completions <shell>`: print the completion script generated at build time (the same bytes
//! as the files in completions/).

use crate::args::CompletionsArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::Outcome;

include!(concat!(env!("OUT_DIR"), "/completion_scripts.rs"));

/// Print the script for the requested shell.
pub fn run(_ctx: &mut Context, args: CompletionsArgs) -> Result<Outcome, CliError> {
    COMPLETION_SCRIPTS
        .iter()
        .find(|(shell, _)| *shell == args.shell)
        .map(|(_, script)| Outcome::raw((*script).to_owned()))
        .ok_or_else(|| CliError::usage(format!("no completion script for shell '{}'", args.shell)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn there_is_a_script_for_every_declared_shell() {
        let shells: Vec<&str> = super::COMPLETION_SCRIPTS.iter().map(|(s, _)| *s).collect();
        assert_eq!(shells, crate::args::value_sets::SHELL);
    }
}
