//! spec-kitty-tracker: the `spec-kitty tracker` command group as a standalone CLI.
//!
//! Layers: [`cli`] parses and dispatches (the only clap-aware code besides the generated
//! [`dispatch`] table); [`commands`] holds one thin handler per leaf command; everything
//! below ([`config`], [`project`], [`provider`], ...) knows nothing about clap.

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod credentials;
pub mod dispatch;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod http;
pub mod jsonfmt;
pub mod local;
pub mod output;
pub mod project;
pub mod provider;
pub mod saas;
pub mod secret;
pub mod server_url;
pub mod timefmt;
