//! Everything a handler needs about this invocation: global options, environment, the
//! project and its binding (found lazily and cached).

use crate::config::{ConfigFile, TrackerConfig};
use crate::env::Env;
use crate::error::{CliError, ErrorKind};
use crate::http::Http;
use crate::project::Discovery;
use crate::provider::Provider;
use crate::server_url::ServerUrl;
use crate::term::{Progress, Terminal};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Per-invocation state.
#[derive(Debug)]
pub struct Context {
    /// Environment snapshot.
    pub env: Env,
    /// Process working directory.
    pub cwd: PathBuf,
    /// `-C/--project`.
    pub project_arg: Option<PathBuf>,
    /// `--server-url`.
    pub server_url_arg: Option<String>,
    /// `-v` count.
    pub verbose: u8,
    /// The output is JSON (`--json`; decided once, by `cli`).
    pub json: bool,
    /// Which standard streams are terminals.
    pub terminal: Terminal,
    /// How the layers below show a wait on stderr (`cli` sets it when stderr is a terminal).
    pub progress: Option<Progress>,
    /// The provider this invocation is about (from the binding or `--provider`).
    pub provider: Option<Provider>,
    root: Option<PathBuf>,
    config: Option<ConfigFile>,
}

impl Context {
    /// A context for the given globals.
    pub fn new(env: Env, cwd: PathBuf) -> Context {
        Context {
            env,
            cwd,
            project_arg: None,
            server_url_arg: None,
            verbose: 0,
            json: false,
            terminal: Terminal::default(),
            progress: None,
            provider: None,
            root: None,
            config: None,
        }
    }

    /// The project root (discovered once).
    pub fn project_root(&mut self) -> Result<&Path, CliError> {
        if self.root.is_none() {
            let discovery = Discovery {
                project_arg: self.project_arg.clone(),
                repo_root_env: self.env.path("SPECIFY_REPO_ROOT"),
                cwd: self.cwd.clone(),
            };
            self.root = Some(discovery.find()?);
        }
        Ok(self.root.as_deref().unwrap_or(Path::new(".")))
    }

    /// The project's config file (read once).
    pub fn config(&mut self) -> Result<&ConfigFile, CliError> {
        if self.config.is_none() {
            let root = self.project_root()?.to_path_buf();
            self.config = Some(ConfigFile::load(&root, &self.cwd)?);
        }
        match &self.config {
            Some(c) => Ok(c),
            None => Err(CliError::failed("internal", "configuration was not loaded")),
        }
    }

    /// The tracker binding; an error when nothing is bound.
    pub fn binding(&mut self) -> Result<TrackerConfig, CliError> {
        let tracker = self.config()?.tracker();
        if tracker.provider.is_none() {
            return Err(not_bound());
        }
        Ok(tracker)
    }

    /// Name of the provider this invocation is about (empty when none).
    pub fn provider_name(&self) -> &str {
        self.provider.as_ref().map_or("", |p| p.name.as_str())
    }

    /// The server URL of this invocation (`--server-url`, `SPEC_KITTY_SAAS_URL`, config.toml).
    pub fn server_url(&self) -> Result<ServerUrl, CliError> {
        crate::server_url::resolve(
            self.server_url_arg.as_deref(),
            self.env.get("SPEC_KITTY_SAAS_URL"),
            self.state_root(),
        )
    }

    /// The HTTP client for `server` (its requests are logged with `-v` or `RUST_LOG`).
    /// `SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS` and `SPEC_KITTY_TRACKER_MAX_BODY_BYTES` are test hooks.
    pub fn http(&self, server: &ServerUrl) -> Result<Http, CliError> {
        let timeout = self
            .env
            .number("SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS")
            .map(Duration::from_millis);
        let max_body = self
            .env
            .number("SPEC_KITTY_TRACKER_MAX_BODY_BYTES")
            .and_then(|n| usize::try_from(n).ok());
        Http::new(server, timeout, max_body)
    }

    /// Directory for credentials and caches: `SPEC_KITTY_HOME`, else the platform's default
    /// (see [`default_state_root`]). A relative `SPEC_KITTY_HOME` is used as given (relative to
    /// the working directory). The first call of a run sweeps the temp files a killed run left
    /// there.
    pub fn state_root(&self) -> Result<PathBuf, CliError> {
        let root = match self.env.path("SPEC_KITTY_HOME") {
            Some(home) => home,
            None => default_state_root(&self.env, cfg!(windows))?,
        };
        static SWEPT: std::sync::Once = std::sync::Once::new();
        SWEPT.call_once(|| crate::fsutil::sweep_stale_temps(&root));
        Ok(root)
    }
}

/// Where spec-kitty-cli 3.2.7 keeps its state when `SPEC_KITTY_HOME` is unset: `~/.spec-kitty`
/// on POSIX; on Windows `%LOCALAPPDATA%\spec-kitty` (its
/// `platformdirs.user_data_dir("spec-kitty", appauthor=False, roaming=False)`, which is the
/// Local AppData known folder; Windows sets `LOCALAPPDATA` to that folder in every session).
pub fn default_state_root(env: &Env, windows: bool) -> Result<PathBuf, CliError> {
    let (var, name) = if windows {
        ("LOCALAPPDATA", "spec-kitty")
    } else {
        ("HOME", ".spec-kitty")
    };
    match env.path(var) {
        Some(dir) => Ok(dir.join(name)),
        None => Err(CliError::failed(
            "no_home",
            format!(
                "cannot find the {}: {var} is not set",
                if windows {
                    "local application data directory"
                } else {
                    "home directory"
                }
            ),
        )
        .hint(format!("set {var} or SPEC_KITTY_HOME"))),
    }
}

/// The error for a project without a binding.
pub fn not_bound() -> CliError {
    CliError::new(
        ErrorKind::NotAllowed,
        "not_bound",
        "No tracker bound. Run `spec-kitty tracker bind` first.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oracle: spec-kitty-cli 3.2.7's `paths/windows_paths.py` (`get_runtime_root`).
    #[test]
    fn the_default_state_root_is_the_one_of_3_2_7_on_each_platform() {
        let env = Env::from_pairs(&[
            ("HOME", "/home/alice"),
            ("LOCALAPPDATA", r"C:\Users\alice\AppData\Local"),
        ]);
        assert_eq!(
            default_state_root(&env, false).expect("posix"),
            Path::new("/home/alice").join(".spec-kitty")
        );
        assert_eq!(
            default_state_root(&env, true).expect("windows"),
            Path::new(r"C:\Users\alice\AppData\Local").join("spec-kitty")
        );
        let bare = Env::from_pairs(&[("HOME", "/home/alice")]);
        let err = default_state_root(&bare, true).expect_err("no LOCALAPPDATA");
        assert_eq!(err.code, "no_home");
        assert!(
            err.message.contains("LOCALAPPDATA is not set"),
            "{}",
            err.message
        );
        let ctx = Context::new(
            Env::from_pairs(&[("SPEC_KITTY_HOME", "state"), ("LOCALAPPDATA", "x")]),
            PathBuf::from("/"),
        );
        assert_eq!(ctx.state_root().expect("wins"), PathBuf::from("state"));
    }
}
