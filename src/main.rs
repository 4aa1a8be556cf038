//! Entry point: everything happens in [`spec_kitty_tracker::cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(spec_kitty_tracker::cli::run(std::env::args_os().collect()))
}
