//! One module per leaf command; each is a thin shell over the library layers that returns a
//! typed report ([`crate::output::Outcome`]). Handlers are named in commands.yaml and called
//! from the generated `dispatch::route`.

pub mod auth_doctor;
pub mod auth_login;
pub mod auth_logout;
pub mod auth_status;
pub mod auth_whoami;
pub mod bind;
pub mod bind_discovery;
pub mod completions;
pub mod discover;
pub mod issue_search;
pub mod list_tickets;
pub mod local_sync;
pub mod map_add;
pub mod map_list;
pub mod operations_show;
pub mod providers;
pub mod saas_report;
pub mod status;
pub mod status_all;
pub mod sync_pull;
pub mod sync_push;
pub mod sync_run;
pub mod unbind;
