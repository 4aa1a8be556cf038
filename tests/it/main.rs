//! The root crate's integration tests, in one binary (jj's `tests/runner.rs` pattern): one
//! link of the whole dependency stack instead of one per file. Cargo.toml sets
//! `autotests = false` and declares this file as the only `[[test]]`, so a new test file must
//! be added as a module here. Run one file's tests with a filter on its module path, e.g.
//! `cargo test --test it cli::` or `cargo test --test it faults::paging::`.

mod common;

mod auth;
mod bind_discovery;
mod binding32;
mod cache_compat;
mod cli;
mod completions;
mod contract;
mod discovery32;
mod faults;
mod fp;
mod generated_files;
mod hints;
mod install;
mod local;
mod login;
mod map_add;
mod oauth_login;
mod operations;
mod runner;
mod saas_e2e;
mod saas_wire;
mod server_url;
mod session32;
mod tracker32;
