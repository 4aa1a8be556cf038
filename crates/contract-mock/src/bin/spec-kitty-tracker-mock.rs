//! `spec-kitty-tracker-mock`: the contract mock server on loopback (see the `contract-mock` crate).
//! `--port 0` picks a free port; the first line on stdout is the base URL. Ctrl-C (SIGINT) or
//! SIGTERM stops it cleanly with exit code 0; exit 1 when it cannot listen or watch for those
//! signals, 2 for a usage error.

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
            "error: unknown scenario `{}`\nhint: use ok or one of: {}",
            matches
                .get_one::<String>("scenario")
                .map_or("", String::as_str),
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
    // The signals are watched before the URL is printed: whoever reads the URL may stop the
    // mock at once.
    let stop = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .and_then(|rt| {
            let _context = rt.enter();
            watch_stop().map(|stop| (rt, stop))
        }) {
        Ok(watching) => watching,
        Err(e) => {
            eprintln!("error: cannot watch for Ctrl-C and SIGTERM: {e}");
            return ExitCode::from(1);
        }
    };
    let port = matches.get_one::<u16>("port").copied().unwrap_or(0);
    let running = match mock::spawn(config, port) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{port}: {e}\nhint: choose another --port, or 0 for any free port"
            );
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
    let (rt, stop) = stop;
    rt.block_on(stop);
    // Dropping the server stops it; returning from `main` (rather than dying of the signal)
    // lets exit handlers run: a coverage run writes this process's profile then.
    drop(running);
    ExitCode::SUCCESS
}

/// Start watching Ctrl-C (SIGINT) and, on Unix, SIGTERM; the future ends at the first of them.
/// Must be called inside a Tokio runtime.
fn watch_stop() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
