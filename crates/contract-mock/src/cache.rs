//! Pre-built response bodies (`Config::cache_bodies`, `--cache-bodies`): every pull page is
//! serialised once, on its first request, and the same bytes are served from then on, so a
//! benchmark measures the client and not the mock building 10 000 issues per request (the one
//! copy of the cached bytes per answer costs well under a millisecond per 4 MiB page).

use super::data::issues_page;
use super::{Config, Fields, Reply, Scenario};
use std::collections::HashMap;

/// Serialised pull pages by provider, project slug, limit and cursor.
#[derive(Debug, Default)]
pub(crate) struct BodyCache {
    pages: HashMap<(String, String, usize, Option<String>), Vec<u8>>,
}

impl BodyCache {
    /// A 200 answer with the cached page for these fields, building (and keeping) it on a miss.
    pub(crate) fn page(&mut self, f: &Fields, config: &Config, scenario: Scenario) -> Reply {
        let key = (
            f.provider.clone(),
            f.project_slug.clone(),
            f.limit,
            f.cursor.clone(),
        );
        let body = self
            .pages
            .entry(key)
            .or_insert_with(|| pull_page_body(f, config.issues, scenario))
            .clone();
        Reply {
            status: 200,
            content_type: "application/json",
            body,
            location: None,
        }
    }
}

/// The bytes the mock serves for one pull page (`total` issues in all).
pub fn pull_page_body(f: &Fields, total: usize, scenario: Scenario) -> Vec<u8> {
    serde_json::to_vec(&issues_page(f, total, scenario)).unwrap_or_default()
}
