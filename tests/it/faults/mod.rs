//! The fault matrix (docs/reliability.md): every row is a test here.

mod boundaries;
mod files;
mod fuzz;
mod local;
mod network;
mod paging;
mod security;
mod streaming;
