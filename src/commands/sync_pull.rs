//! `sync pull`: SaaS (`POST /pull/`, one page or `--all` pages) or local (into the cache).

use crate::context::Context;
use crate::dispatch::SyncPullArgs;
use crate::error::CliError;
use crate::output::{write_stdout, Outcome};
use crate::saas::{
    self,
    envelopes::{typed, PullEnvelope, Summary},
    errors::unexpected_response,
};
use serde_json::{json, Map, Value};
use std::io::{Read, Seek, Write};

const ENDPOINT: &str = "POST /api/v1/tracker/pull/";

/// SaaS-backed pull.
pub fn saas(ctx: &mut Context, args: SyncPullArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    if args.all {
        return saas::call(pull_all(&client, args.limit, args.json));
    }
    let envelope = saas::call(client.pull(args.limit, None))?;
    let page: PullEnvelope = typed(&envelope).map_err(|why| unexpected_response(ENDPOINT, &why))?;
    Ok(saas::envelope_report(
        "sync_pull_saas",
        envelope,
        &page.status,
        json!({ "pages": 1 }),
    ))
}

/// Local pull into the SQLite cache.
pub fn local(_ctx: &mut Context, _args: SyncPullArgs) -> Result<Outcome, CliError> {
    Err(super::not_yet_available("`sync pull` (local)"))
}

/// Every page, following `next_cursor`. Items are spooled to a temp file so memory stays
/// bounded by one page; the JSON document is then written with sorted keys.
async fn pull_all(
    client: &saas::client::TrackerClient,
    limit: i64,
    json_out: bool,
) -> Result<Outcome, CliError> {
    let mut spool = tempfile::tempfile().map_err(spool_error)?;
    let mut totals = Summary::default();
    let mut item_errors: Vec<Value> = Vec::new();
    let mut identity: Option<Value> = None;
    let mut status = "ok".to_owned();
    let mut cursor: Option<String> = None;
    let mut pages = 0u64;
    let mut items = 0u64;
    loop {
        let envelope = client.pull(limit, cursor.as_deref()).await?;
        let page: PullEnvelope =
            typed(&envelope).map_err(|why| unexpected_response(ENDPOINT, &why))?;
        pages += 1;
        for item in &page.items {
            let text = serde_json::to_string_pretty(item).unwrap_or_else(|_| "null".into());
            let sep = if items == 0 { "" } else { ",\n" };
            write!(spool, "{sep}    {}", text.replace('\n', "\n    ")).map_err(spool_error)?;
            items += 1;
        }
        totals.total += page.summary.total;
        totals.succeeded += page.summary.succeeded;
        totals.failed += page.summary.failed;
        totals.skipped += page.summary.skipped;
        item_errors.extend(page.item_errors.iter().cloned());
        if identity.is_none() {
            identity = envelope.get("identity_path").cloned();
        }
        status = worst(&status, &page.status);
        match (page.has_more, page.next_cursor) {
            (true, Some(next)) if Some(&next) != cursor.as_ref() => cursor = Some(next),
            (true, _) => {
                return Err(unexpected_response(
                    ENDPOINT,
                    "has_more is true but next_cursor is missing or repeats",
                ))
            }
            (false, _) => break,
        }
    }
    let mut doc = Map::new();
    doc.insert("has_more".into(), json!(false));
    doc.insert("identity_path".into(), identity.unwrap_or(Value::Null));
    doc.insert("item_errors".into(), Value::Array(item_errors.clone()));
    doc.insert("items".into(), json!(MARKER));
    doc.insert("next_cursor".into(), Value::Null);
    doc.insert("pages".into(), json!(pages));
    doc.insert("status".into(), json!(status));
    doc.insert("summary".into(), json!({ "total": totals.total, "succeeded": totals.succeeded, "failed": totals.failed, "skipped": totals.skipped }));
    let code = saas::status_exit_code(&status);
    if json_out {
        let text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
        let marker = format!("\"items\": \"{MARKER}\"");
        let (head, tail) = text.split_once(&marker).unwrap_or((&text, ""));
        write_stdout(head);
        if items == 0 {
            write_stdout("\"items\": []");
        } else {
            write_stdout("\"items\": [\n");
            spool.rewind().map_err(spool_error)?;
            let mut buf = vec![0u8; 1 << 16];
            let mut out = std::io::stdout().lock();
            loop {
                let n = spool.read(&mut buf).map_err(spool_error)?;
                if n == 0 {
                    break;
                }
                let _ = out.write_all(&buf[..n]);
            }
            let _ = out.flush();
            write_stdout("\n  ]");
        }
        write_stdout(&format!("{tail}\n"));
        return Ok(Outcome::none().with_exit_code(code));
    }
    doc.insert("items".into(), json!([]));
    Ok(saas::envelope_report(
        "sync_pull_saas",
        Value::Object(doc),
        &status,
        json!({ "pages": pages, "items": items }),
    ))
}

const MARKER: &str = "@@spec-kitty-tracker:items@@";

fn worst(a: &str, b: &str) -> String {
    let rank = |s: &str| match s {
        "error" => 2,
        "partial" => 1,
        _ => 0,
    };
    if rank(b) > rank(a) { b } else { a }.to_owned()
}

fn spool_error(e: std::io::Error) -> CliError {
    CliError::failed(
        "spool",
        format!("cannot buffer pulled items in a temp file: {e}"),
    )
}
