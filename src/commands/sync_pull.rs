//! `sync pull`: SaaS (`POST /pull/`, one page or `--all` pages) or local (into the cache).

use crate::args::SyncPullArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::jsonfmt;
use crate::output::{Outcome, Template};
use crate::saas::{
    self,
    client::TrackerClient,
    envelopes::{PullEnvelope, Summary},
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::io::{BufWriter, Seek, Write};

/// SaaS-backed pull.
pub fn saas(ctx: &mut Context, args: SyncPullArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    let cursor = args
        .cursor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if args.all {
        return saas::call(pull_all(&client, args.limit, cursor, args.json));
    }
    let envelope = saas::call(client.pull(args.limit, cursor))?;
    let page: PullEnvelope = envelope.typed()?;
    let data = json!({ "env": page.summary_view(), "extra": { "pages": 1 } });
    let mut outcome = Outcome::report_raw_json(Template::SyncPullSaas, data, envelope.body)
        .with_exit_code(saas::status_exit_code(&page.status));
    if let (true, Some(next)) = (page.has_more, page.next_cursor.as_deref()) {
        outcome = outcome.with_hint(format!(
            "more items: `spec-kitty-tracker sync pull --limit {} --cursor {next}` pulls the next page, `spec-kitty-tracker sync pull --all` every page",
            args.limit
        ));
    }
    Ok(outcome)
}

/// Local pull into the SQLite cache.
pub fn local(ctx: &mut Context, args: SyncPullArgs) -> Result<Outcome, CliError> {
    super::local_sync::run(ctx, super::local_sync::Step::Pull, args.limit)
}

/// The items of a page, borrowed from its body.
#[derive(Deserialize)]
struct PageItems<'a> {
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
}

/// Every page, following `next_cursor`. Items are spooled (already formatted) to a temp file so
/// memory stays bounded by one page; the JSON document is then written with sorted keys.
async fn pull_all(
    client: &TrackerClient,
    limit: i64,
    start: Option<&str>,
    json_out: bool,
) -> Result<Outcome, CliError> {
    let mut spool = BufWriter::new(tempfile::tempfile().map_err(spool_error)?);
    let mut totals = Summary::default();
    let mut item_errors: Vec<Value> = Vec::new();
    let mut identity: Option<Value> = None;
    let mut status = "ok".to_owned();
    let mut cursor: Option<String> = start.map(str::to_owned);
    let mut pages = 0u64;
    let mut items = 0u64;
    loop {
        let envelope = client.pull(limit, cursor.as_deref()).await?;
        let page: PullEnvelope = envelope.typed()?;
        pages += 1;
        if json_out {
            let raw: PageItems<'_> = envelope.typed_borrowed()?;
            for item in raw.items {
                spool
                    .write_all(if items == 0 { b"    " } else { b",\n    " })
                    .map_err(spool_error)?;
                jsonfmt::write_value(item, 4, &mut spool).map_err(spool_error)?;
                items += 1;
            }
        } else {
            items += page.items.len() as u64;
        }
        // Saturating: the contract puts no ceiling on the counts a page reports.
        totals.total = totals.total.saturating_add(page.summary.total);
        totals.succeeded = totals.succeeded.saturating_add(page.summary.succeeded);
        totals.failed = totals.failed.saturating_add(page.summary.failed);
        totals.skipped = totals.skipped.saturating_add(page.summary.skipped);
        item_errors.extend(page.item_errors.iter().cloned());
        if identity.is_none() {
            identity = page
                .identity_path
                .as_ref()
                .and_then(|i| serde_json::to_value(i).ok());
        }
        status = saas::worst_status(&status, &page.status).to_owned();
        match (page.has_more, page.next_cursor) {
            (true, Some(next)) if Some(&next) != cursor.as_ref() => cursor = Some(next),
            (true, _) => {
                return Err(saas::errors::unexpected_response(
                    &envelope.endpoint,
                    "has_more is true but next_cursor is missing or repeats",
                ))
            }
            (false, _) => break,
        }
    }
    let mut doc = Map::new();
    doc.insert("has_more".into(), json!(false));
    doc.insert("identity_path".into(), identity.unwrap_or(Value::Null));
    doc.insert("item_errors".into(), Value::Array(item_errors));
    doc.insert("items".into(), json!(MARKER));
    doc.insert("next_cursor".into(), Value::Null);
    doc.insert("pages".into(), json!(pages));
    doc.insert("status".into(), json!(status));
    doc.insert("summary".into(), json!(totals));
    let code = saas::status_exit_code(&status);
    if !json_out {
        doc.insert("items".into(), json!([]));
        let data = json!({ "env": doc, "extra": { "pages": pages, "items": items } });
        return Ok(Outcome::report(Template::SyncPullSaas, data).with_exit_code(code));
    }
    let mut spool = spool
        .into_inner()
        .map_err(|e| spool_error(e.into_error()))?;
    let text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    let marker = format!("\"items\": \"{MARKER}\"");
    let (head, tail) = text.split_once(&marker).unwrap_or((&text, ""));
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut write = || -> std::io::Result<()> {
        out.write_all(head.as_bytes())?;
        if items == 0 {
            out.write_all(b"\"items\": []")?;
        } else {
            out.write_all(b"\"items\": [\n")?;
            spool.rewind()?;
            std::io::copy(&mut spool, &mut out)?;
            out.write_all(b"\n  ]")?;
        }
        out.write_all(tail.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()
    };
    if let Err(e) = write() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(spool_error(e));
        }
    }
    Ok(Outcome::none().with_exit_code(code))
}

const MARKER: &str = "@@spec-kitty-tracker:items@@";

fn spool_error(e: std::io::Error) -> CliError {
    CliError::failed(
        "spool",
        format!("cannot buffer pulled items in a temp file: {e}"),
    )
}
