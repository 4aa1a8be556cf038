//! `sync pull --all --json`: the thread that takes each block of pulled items (checked on
//! arrival, see [`jsonfmt::split`]) off the network thread and formats it into the
//! [`MergedPull`] spool. Network and formatting overlap, and what
//! is in memory stays a few blocks (the channel holds at most [`QUEUED`]), whatever the size
//! of a page or the number of pages.

use super::merge::{MergedPull, SpoolError};
use jsonfmt::split::Block;
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
    /// The spool failed on page `page`.
    Spool { page: u64, error: SpoolError },
    /// The thread panicked (a bug; reported as an error, exit 1).
    Panicked,
}

/// Code of the error the fetch reports when the thread is gone.
pub const ITEM_THREAD_GONE: &str = "item_thread_gone";

/// The thread is gone: it stopped (see [`ItemThread::finish`] for why).
#[derive(Debug, Clone, Copy)]
pub struct Gone;

impl From<Gone> for crate::error::CliError {
    /// The error the fetch reports; the thread's own reason takes its place.
    fn from(_: Gone) -> Self {
        crate::error::CliError::failed(ITEM_THREAD_GONE, "the item thread stopped")
    }
}

/// The running thread.
#[derive(Debug)]
pub struct ItemThread {
    jobs: mpsc::Sender<Job>,
    pages_done: watch::Receiver<u64>,
    handle: JoinHandle<Result<MergedPull, Stopped>>,
}

impl ItemThread {
    /// Start the thread; `merge` is where items are formatted.
    pub fn start(merge: MergedPull) -> std::io::Result<ItemThread> {
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
    pub async fn items(&self, block: Block, page: u64) -> Result<(), Gone> {
        self.jobs
            .send(Job::Items { block, page })
            .await
            .map_err(|_| Gone)
    }

    /// Page `page` is complete (its `item_errors`, for the merge).
    pub async fn page_end(&self, page: u64, item_errors: Option<Vec<u8>>) -> Result<(), Gone> {
        self.jobs
            .send(Job::PageEnd { page, item_errors })
            .await
            .map_err(|_| Gone)
    }

    /// Wait until every page up to `page` is checked and spooled; `Err` when the thread
    /// stopped first.
    pub async fn wait_for(&mut self, page: u64) -> Result<(), Gone> {
        self.pages_done
            .wait_for(|&done| done >= page)
            .await
            .map(drop)
            .map_err(|_| Gone)
    }

    /// Let the thread finish what it has and return the merge (or why it stopped).
    pub fn finish(self) -> Result<MergedPull, Stopped> {
        drop(self.jobs);
        self.handle.join().unwrap_or(Err(Stopped::Panicked))
    }
}

fn work(
    mut jobs: mpsc::Receiver<Job>,
    mut merge: MergedPull,
    pages_done: &watch::Sender<u64>,
) -> Result<MergedPull, Stopped> {
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Items { block, page } => {
                merge
                    .add(Some(&block.json), None)
                    .map_err(|error| Stopped::Spool { page, error })?;
            }
            Job::PageEnd { page, item_errors } => {
                if let Some(errors) = item_errors {
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
