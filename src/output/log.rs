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
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
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
    if let Some(filter) = filter(verbose, rust_log) {
        let _ = subscriber(filter, std::io::stderr).try_init();
    }
}

/// The subscriber: `filter`, [`Lines`], written to `writer`.
fn subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .event_format(Lines)
        .finish()
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
        _ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let mut line = String::new();
        if !is_ours(meta.target()) {
            line = format!("{} {}: ", meta.level(), meta.target());
        }
        event.record(&mut Fields(&mut line));
        writeln!(w, "{}", crate::term::clean(&line, false))
    }
}

/// An event's fields as text: the message as written, then `name=value` (the `log.*` fields
/// of a bridged `log` record are its metadata, not shown). Not escaped here: the whole line
/// goes through [`crate::term::clean`], so control characters read `\u{1b}` as everywhere.
struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        use std::fmt::Write;
        if field.name().starts_with("log.") {
            return;
        }
        if !self.0.is_empty() && !self.0.ends_with(' ') {
            self.0.push(' ');
        }
        let _ = match field.name() {
            "message" => write!(self.0, "{value:?}"),
            name => write!(self.0, "{name}={value:?}"),
        };
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

    /// Lines as they reach stderr: ours as written, another crate's with level and target,
    /// terminal controls shown as escapes, what the filter leaves out absent.
    #[test]
    fn lines_are_plain_cleaned_and_name_other_targets() {
        #[derive(Clone, Default)]
        struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().expect("buf").extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let make = {
            let buf = buf.clone();
            move || buf.clone()
        };
        let filter = filter(0, Some("spec_kitty_tracker=debug,other=info")).expect("filter");
        tracing::subscriber::with_default(subscriber(filter, make), || {
            tracing::debug!(n = 2, "http: GET /x\u{1b}]0;t");
            tracing::trace!("run: not at trace");
            tracing::debug!(target: "other", "hidden");
            tracing::info!(target: "other::deep", "shown");
        });
        let text = String::from_utf8(buf.0.lock().expect("buf").clone()).expect("utf8");
        assert_eq!(
            text,
            "http: GET /x\\u{1b}]0;t n=2\nINFO other::deep: shown\n"
        );
    }
}
