//! spec-kitty-tracker: the `spec-kitty tracker` command group as a standalone CLI.
//!
//! Layers, each importing only downward: [`cli`] parses and calls the generated
//! [`dispatch`] `route()`; [`commands`] holds one thin handler per leaf command and takes its
//! typed arguments from the generated [`args`] and returns a typed report, which [`output`]
//! (the one module that writes stdout and stderr) prints; everything below ([`config`],
//! [`project`], [`provider`], ...) knows nothing about clap.

pub mod args;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod credentials;
pub mod dispatch;
pub mod egress;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod http;
pub mod local;
pub mod output;
pub mod project;
pub mod provider;
pub mod saas;
pub mod secret;
pub mod server_url;
pub mod signals;
pub mod term;
pub mod timefmt;
pub mod vocabulary;
