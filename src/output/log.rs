//! Diagnostics on stderr for `-v` and `RUST_LOG`: the `tracing` events of this crate (the
//! `http:`, `run:` and `auth:` lines, at `debug`) and, under `RUST_LOG`, those of its
//! dependencies (reqwest's `log` records included), one plain line each.
//!
//! `RUST_LOG` is an [`EnvFilter`]: `RUST_LOG=spec_kitty_tracker::http=debug` shows only the
//! HTTP lines, `RUST_LOG=trace` everything. Without it, `-v` shows this crate's lines; with
//! neither, no subscriber is installed. Every line goes through [`crate::term::clean`], as
//! every other message does; the events themselves never carry a token (request logging names
//! the method and URL only, and the bodies and headers that hold tokens are not logged).

use std::fmt;
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// The filter of this invocation: `RUST_LOG` when set (directives that do not parse are
/// skipped), else this crate at `debug` with `-v`; `None` when nothing is to be logged.
pub fn filter(verbose: u8, rust_log: Option<&str>) -> Option<EnvFilter> {
    match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        Some(directives) => Some(EnvFilter::builder().parse_lossy(directives)),
        None if verbose > 0 => Some(EnvFilter::new(concat!(env!("CARGO_CRATE_NAME"), "=debug"))),
        None => None,
    }
}

/// Install the stderr subscriber for `-v` / `RUST_LOG` (once per process; later calls and a
/// subscriber already installed are left alone).
pub fn init(verbose: u8, rust_log: Option<&str>) {
    let Some(filter) = filter(verbose, rust_log) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .event_format(Lines)
        .try_init();
}

/// One line per event: this crate's messages as they are (they start with their own `http:`
/// / `run:` / `auth:` label), another crate's as `LEVEL target: message` (a `log` record under
/// its own target, such as `reqwest::connect`).
struct Lines;

impl<S, N> FormatEvent<S, N> for Lines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let mut line = String::new();
        if !is_ours(meta.target()) {
            line = format!("{} {}: ", meta.level(), meta.target());
        }
        ctx.field_format()
            .format_fields(Writer::new(&mut line), event)?;
        writeln!(w, "{}", crate::term::clean(&line, false))
    }
}

fn is_ours(target: &str) -> bool {
    let ours = env!("CARGO_CRATE_NAME");
    target
        .strip_prefix(ours)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_is_the_filter_and_v_shows_this_crate() {
        assert!(filter(0, None).is_none());
        assert!(filter(0, Some("  ")).is_none());
        assert_eq!(
            filter(1, None).expect("-v").to_string(),
            "spec_kitty_tracker=debug"
        );
        assert_eq!(
            filter(1, Some("spec_kitty_tracker::http=debug"))
                .expect("RUST_LOG")
                .to_string(),
            "spec_kitty_tracker::http=debug"
        );
        assert!(is_ours("spec_kitty_tracker::local::runner"));
        assert!(!is_ours("spec_kitty_tracker_mock"));
        assert!(!is_ours("reqwest::connect"));
    }
}
