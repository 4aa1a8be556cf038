//! `sync pull --all`: the thread that takes each block of pulled items off the network thread,
//! checks it (grammar, UTF-8, depth: the validating pass every 2xx body gets) and, with
//! `--json`, formats it into the [`MergedPull`] spool. Network and formatting overlap, and what
//! is in memory stays a few blocks (the channel holds at most [`QUEUED`]), whatever the size
//! of a page or the number of pages.

use super::merge::{MergedPull, SpoolError};
use crate::jsonfmt::split::Block;
use crate::jsonfmt::{validate_nested, Invalid};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, watch};

/// Blocks that may wait for the thread.
pub const QUEUED: usize = 2;

/// Work for the thread.
#[derive(Debug)]
enum Job {
    /// A block of items of page `page` (1-based).
    Items { block: Block, page: u64 },
    /// Page `page` has no more items; its `item_errors` array as received, if any.
    PageEnd {
        page: u64,
        item_errors: Option<Vec<u8>>,
    },
}

/// Why the thread stopped.
#[derive(Debug)]
pub enum Stopped {
    /// A block of page `page` is not JSON (offset in that page's body).
    Invalid { page: u64, problem: Invalid },
    /// The spool failed on page `page`.
    Spool { page: u64, error: SpoolError },
    /// The thread panicked (a bug; reported, never a crash).
    Panicked,
}

/// The running thread.
#[derive(Debug)]
pub struct ItemThread {
    jobs: mpsc::Sender<Job>,
    pages_done: watch::Receiver<u64>,
    handle: JoinHandle<Result<Option<MergedPull>, Stopped>>,
}

impl ItemThread {
    /// Start the thread; `merge` is where items are formatted (`None`: only checked).
    pub fn start(merge: Option<MergedPull>) -> std::io::Result<ItemThread> {
        let (jobs, rx) = mpsc::channel(QUEUED);
        let (done_tx, pages_done) = watch::channel(0);
        let handle = std::thread::Builder::new()
            .name("pull-items".into())
            .spawn(move || work(rx, merge, &done_tx))?;
        Ok(ItemThread {
            jobs,
            pages_done,
            handle,
        })
    }

    /// Hand over a block of items of page `page`; `Err` when the thread has stopped (then
    /// [`ItemThread::finish`] says why).
    pub async fn items(&self, block: Block, page: u64) -> Result<(), ()> {
        self.jobs
            .send(Job::Items { block, page })
            .await
            .map_err(drop)
    }

    /// Page `page` is complete (its `item_errors`, for the merge).
    pub async fn page_end(&self, page: u64, item_errors: Option<Vec<u8>>) -> Result<(), ()> {
        self.jobs
            .send(Job::PageEnd { page, item_errors })
            .await
            .map_err(drop)
    }

    /// Wait until every page up to `page` is checked and spooled; `Err` when the thread
    /// stopped first.
    pub async fn wait_for(&mut self, page: u64) -> Result<(), ()> {
        self.pages_done
            .wait_for(|&done| done >= page)
            .await
            .map(drop)
            .map_err(drop)
    }

    /// Let the thread finish what it has and return the merge (or why it stopped).
    pub fn finish(self) -> Result<Option<MergedPull>, Stopped> {
        drop(self.jobs);
        self.handle.join().unwrap_or(Err(Stopped::Panicked))
    }
}

fn work(
    mut jobs: mpsc::Receiver<Job>,
    mut merge: Option<MergedPull>,
    pages_done: &watch::Sender<u64>,
) -> Result<Option<MergedPull>, Stopped> {
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Items { block, page } => {
                // The block's elements sit two levels deep in the page (object, array).
                validate_nested(&block.json, 1).map_err(|e| Stopped::Invalid {
                    page,
                    problem: Invalid {
                        offset: block.base + e.offset,
                        reason: e.reason,
                    },
                })?;
                if let Some(merge) = &mut merge {
                    merge
                        .add(Some(&block.json), None)
                        .map_err(|error| Stopped::Spool { page, error })?;
                }
            }
            Job::PageEnd { page, item_errors } => {
                if let (Some(merge), Some(errors)) = (&mut merge, item_errors) {
                    merge
                        .add(None, Some(&errors))
                        .map_err(|error| Stopped::Spool { page, error })?;
                }
                pages_done.send_replace(page);
            }
        }
    }
    Ok(merge)
}
