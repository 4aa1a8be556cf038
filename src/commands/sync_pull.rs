//! `sync pull`: SaaS (`POST /pull/`, one page or `--all` pages) or local (into the cache).

use super::saas_report::{document, EnvelopeView};
use crate::args::SyncPullArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::output::item_thread::{ItemThread, Stopped, ITEM_THREAD_GONE};
use crate::output::merge::{self, MergedPull, SpoolError};
use crate::output::{Outcome, Template};
use crate::saas::{
    self, binding,
    client::TrackerClient,
    envelopes::{PullEnvelope, Summary},
    pages::{self, ItemSink, Pager, PullPage},
};
use jsonfmt::split::Block;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// SaaS-backed pull.
pub fn saas(ctx: &mut Context, args: SyncPullArgs) -> Result<Outcome, CliError> {
    let client = saas::connect(ctx)?;
    let cursor = args
        .cursor
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if args.all {
        let caps = Caps {
            pages: ctx
                .env
                .number("SPEC_KITTY_TRACKER_MAX_PAGES")
                .unwrap_or(pages::MAX_PAGES),
            spool: ctx
                .env
                .number("SPEC_KITTY_TRACKER_MAX_SPOOL_BYTES")
                .unwrap_or(merge::MAX_SPOOL_BYTES),
        };
        return saas::call(pull_all(&client, args.limit, cursor, ctx.json, caps));
    }
    let page = PullPage::new(saas::call(client.pull(args.limit, cursor))?)?;
    let (envelope, pending) = binding::marked(&client.route, page.envelope);
    let view = EnvelopeView {
        env: page.view.summary_view(),
        extra: Pages {
            pages: 1,
            items: None,
        },
    };
    let hint = match (page.view.has_more, page.view.next_cursor.as_deref()) {
        (true, Some(next)) => Some(format!(
            "more items: `spec-kitty-tracker sync pull --limit {} --cursor {next}` pulls the next page, `spec-kitty-tracker sync pull --all` every page",
            args.limit
        )),
        _ => None,
    };
    let code = super::saas_report::judge_status(&page.view.status);
    let mut outcome = Outcome::report(Template::SyncPullSaas, &view)
        .document(document(envelope))
        .with_exit_code(code);
    if let Some(hint) = hint {
        outcome = outcome.with_hint(hint);
    }
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        pending.as_deref(),
    ))
}

/// Local pull into the SQLite cache.
pub fn local(ctx: &mut Context, args: SyncPullArgs) -> Result<Outcome, CliError> {
    super::local_sync::run(ctx, super::local_sync::Step::Pull, args.limit)
}

/// How many pages the template shows (`items`: the items of several).
#[derive(Serialize)]
struct Pages {
    pages: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<u64>,
}

/// Limits of one `--all` pull.
struct Caps {
    pages: u64,
    spool: u64,
}

/// What the pages add up to.
#[derive(Default)]
struct Totals {
    summary: Summary,
    status: String,
    /// The first page's `identity_path`, as received.
    identity: Option<Vec<u8>>,
    /// Item errors for the human summary (`--json` spools them instead).
    item_errors: Vec<Value>,
    items: u64,
    /// The first newer `binding_ref` a page reported.
    pending: Option<String>,
    /// The first page's other top-level members (`doctrine`, members the contract does not
    /// name yet), carried into the merged `--json` document as the one-page `--json` keeps
    /// them (SPEC §5.1): (key, raw value), a repeated key's last value winning as in serde_json.
    carried: Option<BTreeMap<String, Vec<u8>>>,
}

/// The members the merged document writes itself (the paging ones and those added up).
const MERGED: [&str; 9] = [
    "has_more",
    "identity_path",
    "item_errors",
    "items",
    "next_cursor",
    "pages",
    binding::PENDING_KEY,
    "status",
    "summary",
];

impl Totals {
    /// Add a page; counts saturate at `u64::MAX` (a server cannot have that many items, and a
    /// wrapped sum would report a small, wrong number).
    fn add(&mut self, page: &PullPage, route: &binding::Route) {
        if self.pending.is_none() {
            self.pending = route.upgrade_in(&page.envelope);
        }
        let s = &page.view.summary;
        self.summary = Summary {
            total: self.summary.total.saturating_add(s.total),
            succeeded: self.summary.succeeded.saturating_add(s.succeeded),
            failed: self.summary.failed.saturating_add(s.failed),
            skipped: self.summary.skipped.saturating_add(s.skipped),
        };
        self.items += page.items as u64;
        self.status = saas::worst_status(&self.status, &page.view.status).to_owned();
        if self.carried.is_none() {
            let body = &page.envelope.body;
            let mut carried = BTreeMap::new();
            for m in &page.envelope.outline.members {
                let key = serde_json::from_slice::<String>(&body[m.key.start - 1..m.key.end + 1])
                    .ok()
                    .filter(|k| !MERGED.contains(&k.as_str()));
                if let Some(key) = key {
                    carried.insert(key, body[m.value.clone()].to_vec());
                }
            }
            self.carried = Some(carried);
        }
        if self.identity.is_none() {
            self.identity = page
                .member("identity_path")
                .filter(|v| *v != b"null")
                .map(<[u8]>::to_vec);
        }
    }
}

/// Every page from `start` (or the first), following `next_cursor` (the pager stops at a
/// repeated cursor and at the page cap). Each page is read and checked as it arrives; with
/// `--json` its items go block by block to the item thread, which spools them formatted, and
/// the merged document is streamed at the end.
async fn pull_all(
    client: &TrackerClient,
    limit: i64,
    start: Option<&str>,
    json_out: bool,
    caps: Caps,
) -> Result<Outcome, CliError> {
    let mut pager = Pager::new(client, limit, start, caps.pages);
    let mut items = match json_out {
        true => Some(
            ItemThread::start(MergedPull::new(caps.spool).map_err(spool_error)?).map_err(|e| {
                CliError::failed(
                    "item_thread",
                    format!("cannot start the thread that formats the pulled items: {e}"),
                )
            })?,
        ),
        false => None,
    };
    let mut totals = Totals {
        status: "ok".into(),
        ..Totals::default()
    };
    let fetched = fetch_every_page(&mut pager, items.as_mut(), &mut totals).await;
    let merged = match fetched {
        Ok(()) => items
            .map(ItemThread::finish)
            .transpose()
            .map_err(item_thread_error)?,
        // The fetch only noticed that the thread stopped: the thread's reason is the one.
        Err(e) if e.code == ITEM_THREAD_GONE => {
            let stopped = items.map(ItemThread::finish).and_then(Result::err);
            return Err(stopped.map_or(e, item_thread_error));
        }
        // The fetch failed on its own: that is the error; the thread, dropped, ends when its
        // queue does (its spool is an unlinked temp file).
        Err(e) => return Err(e),
    };
    let pages = pager.pages();
    let code = super::saas_report::judge_status(&totals.status);
    let identity = totals.identity.unwrap_or_else(|| b"null".to_vec());
    let view = PullEnvelope {
        status: totals.status.clone(),
        summary: totals.summary.clone(),
        items: Vec::new(),
        item_errors: totals.item_errors,
        identity_path: serde_json::from_slice(&identity).ok().flatten(),
        has_more: false,
        next_cursor: None,
    };
    let view = EnvelopeView {
        env: view.summary_view(),
        extra: Pages {
            pages,
            items: Some(totals.items),
        },
    };
    let mut outcome = Outcome::report(Template::SyncPullSaas, &view).with_exit_code(code);
    if let Some(merged) = merged {
        let mut members: BTreeMap<String, Vec<u8>> = totals.carried.unwrap_or_default();
        members.insert("has_more".into(), b"false".to_vec());
        members.insert("identity_path".into(), identity);
        members.insert("next_cursor".into(), b"null".to_vec());
        members.insert("pages".into(), pages.to_string().into_bytes());
        members.insert(binding::PENDING_KEY.into(), json_bytes(&totals.pending));
        members.insert("status".into(), json_bytes(&totals.status));
        members.insert("summary".into(), json_bytes(&totals.summary));
        outcome = outcome.merged(merged.finish(members).map_err(spool_error)?);
    }
    Ok(super::saas_report::hinted(
        outcome,
        &client.provider,
        totals.pending.as_deref(),
    ))
}

/// A value as JSON text (object keys sorted).
fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_value(value)
        .unwrap_or_default()
        .to_string()
        .into_bytes()
}

/// Fetch the pages into `totals` and the item thread (when there is one), at most one page
/// ahead of the thread (so a page the thread refuses stops the pull before the page after next
/// is asked for).
async fn fetch_every_page(
    pager: &mut Pager<'_>,
    mut items: Option<&mut ItemThread>,
    totals: &mut Totals,
) -> Result<(), CliError> {
    while let Some(mut page) = pager.next(items.as_deref()).await? {
        let n = pager.pages();
        totals.add(&page, &pager.client().route);
        let Some(items) = items.as_deref_mut() else {
            totals.item_errors.append(&mut page.view.item_errors);
            continue;
        };
        let item_errors = page.member("item_errors").map(<[u8]>::to_vec);
        items.page_end(n, item_errors).await?;
        if n > 1 {
            items.wait_for(n - 1).await?;
        }
    }
    Ok(())
}

/// The pager hands its blocks of items to the item thread (`saas` and `output` know nothing
/// of each other; this handler joins them).
impl ItemSink for ItemThread {
    async fn take(&self, block: Block, page: u64) -> Result<(), CliError> {
        Ok(self.items(block, page).await?)
    }
}

fn item_thread_error(stopped: Stopped) -> CliError {
    match stopped {
        Stopped::Spool {
            page,
            error: SpoolError::Full(cap),
        } => CliError::failed(
            "spool_full",
            format!("the pulled items passed the {cap}-byte limit for buffering them in a temp file (page {page})"),
        )
        .hint("pull fewer items with --limit, or set SPEC_KITTY_TRACKER_MAX_SPOOL_BYTES")
        .detail("pages", page),
        Stopped::Spool {
            error: SpoolError::Io(e),
            ..
        } => spool_error(e),
        Stopped::Panicked => CliError::failed(
            "internal",
            "the thread formatting the pulled items stopped unexpectedly",
        ),
    }
}

fn spool_error(e: std::io::Error) -> CliError {
    CliError::failed(
        "spool",
        format!("cannot buffer pulled items in a temp file: {e}"),
    )
}
