//! Pull pages: one page's typed view, read without parsing its items, and the pager that
//! follows `next_cursor` for `sync pull --all`. Every cursor is followed at most once (a server
//! whose cursors go round in a circle ends the pull with an error) and at most
//! [`MAX_PAGES`] pages are fetched.

use super::client::{body_problem, object_body, TrackerClient};
use super::envelopes::{Envelope, PullEnvelope};
use super::errors::unexpected_response;
use crate::error::CliError;
use crate::http::Body;
use jsonfmt::split::{Block, Splitter};
use std::collections::HashSet;
use std::future::Future;
use std::ops::Range;

/// Most pages one `--all` pull follows (`SPEC_KITTY_TRACKER_MAX_PAGES` overrides it).
pub const MAX_PAGES: u64 = 100_000;

/// Size of the blocks of items a streamed page is split into.
pub const BLOCK_BYTES: usize = 256 * 1024;

/// Where the pager hands the blocks of items it splits off each page (for `sync pull --all
/// --json`, the thread that spools them implements it). An error stops the pull.
pub trait ItemSink {
    /// Take a block of items of page `page` (1-based).
    fn take(&self, block: Block, page: u64) -> impl Future<Output = Result<(), CliError>>;
}

/// One pull page: the body and its typed fields.
#[derive(Debug)]
pub struct PullPage {
    /// The body as received; for a page read by [`Pager::next`], the body with `items`
    /// emptied (its items went to the item thread).
    pub envelope: Envelope,
    /// The typed fields; `items` is left empty (the items are only counted, see `items`).
    pub view: PullEnvelope,
    /// Number of items on the page.
    pub items: usize,
}

impl PullPage {
    /// Read a page (already checked and outlined on arrival): the typed view is deserialised
    /// from every top-level member but the items.
    pub fn new(envelope: Envelope) -> Result<PullPage, CliError> {
        let body = &envelope.body;
        let mut rest = Vec::with_capacity(1024);
        let mut items = 0;
        rest.push(b'{');
        for (n, m) in envelope.outline.members.iter().enumerate() {
            if n > 0 {
                rest.push(b',');
            }
            rest.extend_from_slice(&body[m.key.start - 1..m.key.end + 1]);
            rest.push(b':');
            if is_items(body, &m.key, m.escaped) && body[m.value.start] == b'[' {
                rest.extend_from_slice(b"[]");
                items = m.elements;
            } else {
                rest.extend_from_slice(&body[m.value.clone()]);
            }
        }
        rest.push(b'}');
        let view: PullEnvelope = Envelope::new(rest, envelope.endpoint.clone())
            .map_err(|e| unexpected_response(&envelope.endpoint, &e.to_string()))?
            .typed()?;
        Ok(PullPage {
            envelope,
            view,
            items,
        })
    }

    /// The raw JSON of a top-level member, e.g. `items` or `item_errors`.
    pub fn member(&self, key: &str) -> Option<&[u8]> {
        let body = &self.envelope.body;
        self.envelope
            .outline
            .get(body, key)
            .map(|m| &body[m.value.clone()])
    }
}

fn is_items(body: &[u8], key: &Range<usize>, escaped: bool) -> bool {
    !escaped && &body[key.clone()] == b"items"
}

/// Follows `next_cursor` from the first page to the last.
#[derive(Debug)]
pub struct Pager<'c> {
    client: &'c TrackerClient,
    limit: i64,
    cursor: Option<String>,
    seen: HashSet<String>,
    pages: u64,
    max_pages: u64,
    done: bool,
}

impl<'c> Pager<'c> {
    /// A pager over pages of `limit` items from `start` (the first page when `None`),
    /// stopping with an error after `max_pages`.
    pub fn new(
        client: &'c TrackerClient,
        limit: i64,
        start: Option<&str>,
        max_pages: u64,
    ) -> Pager<'c> {
        Pager {
            client,
            limit,
            cursor: start.map(str::to_owned),
            seen: start.map(str::to_owned).into_iter().collect(),
            pages: 0,
            max_pages,
            done: false,
        }
    }

    /// The client the pages come from.
    pub fn client(&self) -> &'c TrackerClient {
        self.client
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Fetch the next page, checked as it arrives: its items go to `items` block by block
    /// (when given), the rest is the page returned (`None` after the last page; an error once
    /// the page cap is reached).
    pub async fn next(
        &mut self,
        items: Option<&impl ItemSink>,
    ) -> Result<Option<PullPage>, CliError> {
        if self.done {
            return Ok(None);
        }
        if self.pages >= self.max_pages {
            return Err(CliError::failed(
                "too_many_pages",
                format!(
                    "stopped after {} pages: the server still reports more (has_more is true)",
                    self.pages
                ),
            )
            .hint("pull with a larger --limit, or set SPEC_KITTY_TRACKER_MAX_PAGES to allow more pages")
            .detail("pages", self.pages));
        }
        let body = self
            .client
            .pull_streamed(self.limit, self.cursor.as_deref())
            .await?;
        let page = receive(body, &self.client.pull_endpoint(), items, self.pages + 1).await?;
        self.record(&page)?;
        Ok(Some(page))
    }

    /// Count a received page and follow its `next_cursor`.
    fn record(&mut self, page: &PullPage) -> Result<(), CliError> {
        self.pages += 1;
        let endpoint = &page.envelope.endpoint;
        match (page.view.has_more, &page.view.next_cursor) {
            (false, _) => self.done = true,
            (true, None) => {
                return Err(unexpected_response(
                    endpoint,
                    "has_more is true but next_cursor is missing",
                ))
            }
            (true, Some(next)) if !self.seen.insert(next.clone()) => {
                let mut err = unexpected_response(
                    endpoint,
                    &format!(
                        "page {} returned next_cursor {next:?}, a cursor already followed; the cursors go round in a circle, so the pull stops",
                        self.pages
                    ),
                );
                err.details.insert("pages".into(), self.pages.into());
                return Err(err);
            }
            (true, Some(next)) => self.cursor = Some(next.clone()),
        }
        Ok(())
    }
}

/// Receive page `page` chunk by chunk, checking it: blocks of items leave for `items` as they
/// are complete (or are dropped); the page comes back without them (its envelope is the body
/// with `items` emptied).
async fn receive(
    mut body: Body,
    endpoint: &str,
    items: Option<&impl ItemSink>,
    page: u64,
) -> Result<PullPage, CliError> {
    let mut splitter = Splitter::new("items", BLOCK_BYTES);
    let mut ended = false;
    while !ended {
        let fed = match body.chunk().await? {
            Some(chunk) => splitter.feed(&chunk),
            None => {
                ended = true;
                splitter.finish_body()
            }
        };
        fed.map_err(|e| body_problem(endpoint, &e))?;
        while let Some(block) = splitter.take_block() {
            if let Some(items) = items {
                items.take(block, page).await?;
            }
        }
    }
    let split = splitter.into_split();
    let offsets = split.offsets;
    let envelope = object_body(split.rest, endpoint, |o| offsets.body_offset(o))?;
    let view: PullEnvelope = envelope.typed()?;
    Ok(PullPage {
        envelope,
        view,
        items: split.elements,
    })
}
