//! `spec-kitty-tracker-mock`: the contract mock server on loopback (see the `contract-mock` crate).
//! `--port 0` picks a free port; the first line on stdout is the base URL.

use clap::{Arg, ArgAction, Command};
use contract_mock::{self as mock, Config, Scenario, SLUG_NAMES};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = Command::new("spec-kitty-tracker-mock")
        .about("Serve the Spec Kitty SaaS tracker API contract on 127.0.0.1 for demos and tests")
        .after_help(format!(
            "Scenarios are chosen per request by the project slug: {}; any other slug succeeds.",
            SLUG_NAMES.join(", ")
        ))
        .arg(
            Arg::new("port")
                .long("port")
                .value_parser(clap::value_parser!(u16))
                .default_value("0")
                .help("Port (0 = any free port)"),
        )
        .arg(
            Arg::new("issues")
                .long("issues")
                .value_parser(clap::value_parser!(usize))
                .default_value("25")
                .help("Issues served by pull"),
        )
        .arg(
            Arg::new("password")
                .long("password")
                .default_value("demo-password")
                .help("Password accepted for any user"),
        )
        .arg(
            Arg::new("access_lifetime")
                .long("access-lifetime")
                .value_parser(clap::value_parser!(i64))
                .default_value("900")
                .help("Access-token lifetime (s)"),
        )
        .arg(
            Arg::new("scenario")
                .long("scenario")
                .default_value("ok")
                .help("Scenario for slugs that name none"),
        )
        .arg(
            Arg::new("cache_bodies")
                .long("cache-bodies")
                .action(ArgAction::SetTrue)
                .help("Build each pull page once and serve the same bytes after (benchmarks)"),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .action(ArgAction::SetTrue)
                .help("Print nothing but the URL"),
        )
        .get_matches();
    let Some(scenario) = matches
        .get_one::<String>("scenario")
        .and_then(|s| Scenario::parse(s))
    else {
        eprintln!(
            "error: unknown scenario; use ok or one of: {}",
            SLUG_NAMES.join(", ")
        );
        return ExitCode::from(2);
    };
    let config = Config {
        issues: matches.get_one::<usize>("issues").copied().unwrap_or(25),
        password: matches
            .get_one::<String>("password")
            .cloned()
            .unwrap_or_default(),
        access_lifetime: matches
            .get_one::<i64>("access_lifetime")
            .copied()
            .unwrap_or(900),
        default_scenario: scenario,
        cache_bodies: matches.get_flag("cache_bodies"),
        ..Config::default()
    };
    let port = matches.get_one::<u16>("port").copied().unwrap_or(0);
    let running = match mock::spawn(config, port) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{}", running.url);
    let _ = std::io::stdout().flush();
    if !matches.get_flag("quiet") {
        eprintln!(
            "contract mock listening on {} (Ctrl-C to stop)",
            running.url
        );
    }
    loop {
        std::thread::park();
    }
}
