//! The local path (SPEC §7): beads and fp driven through their own CLIs, a SQLite cache
//! compatible with the Python tool, and the doctrine-based sync engine.

pub mod beads;
pub mod connector;
pub mod engine;
pub mod fp;
pub mod interrupt;
#[cfg(windows)]
pub mod job;
pub mod model;
pub mod runner;
pub mod store;

use crate::context::Context;
use crate::credentials::{provider_settings, CredentialsFile};
use crate::error::{CliError, ErrorKind};
use connector::Connector;
use runner::{CommandRunner, SubprocessRunner};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use store::Store;

/// Everything a local command needs about the binding.
#[derive(Debug)]
pub struct LocalBinding {
    /// `beads` or `fp`.
    pub provider: String,
    /// Workspace label (None: bound without one, "not configured").
    pub workspace: Option<String>,
    /// Ownership mode.
    pub ownership_mode: String,
    /// Field owners.
    pub field_owners: BTreeMap<String, String>,
    /// `[tracker.providers.<provider>]` settings.
    pub settings: BTreeMap<String, String>,
    /// The cache file.
    pub db_path: Option<PathBuf>,
}

impl LocalBinding {
    /// Read the binding and the provider's stored settings.
    pub fn load(ctx: &mut Context) -> Result<LocalBinding, CliError> {
        let binding = ctx.binding()?;
        let provider = ctx.provider_name().to_owned();
        let state_root = ctx.state_root()?;
        let file = CredentialsFile::new(&state_root);
        let settings: BTreeMap<String, String> = provider_settings(&file.read()?, &provider)
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        let db_path = binding
            .workspace
            .as_deref()
            .map(|ws| db_path(&state_root, &provider, ws, &settings));
        Ok(LocalBinding {
            provider,
            workspace: binding.workspace,
            ownership_mode: binding.ownership_mode,
            field_owners: binding.field_owners,
            settings,
            db_path,
        })
    }

    /// The workspace, or the "not configured" error.
    pub fn require_workspace(&self) -> Result<&str, CliError> {
        self.workspace.as_deref().ok_or_else(|| {
            CliError::new(
                ErrorKind::NotAllowed,
                "not_configured",
                "Tracker is not configured. Run 'spec-kitty tracker bind' first.",
            )
            .hint(format!(
                "bind with `spec-kitty-tracker bind --provider {} --workspace <name>`",
                self.provider
            ))
        })
    }

    /// Open the cache (the lock wait can be shortened for tests with
    /// `SPEC_KITTY_TRACKER_BUSY_TIMEOUT_MS`).
    pub fn open_store(&self, ctx: &Context) -> Result<Store, CliError> {
        self.require_workspace()?;
        let path = self.db_path.clone().unwrap_or_default();
        let busy = ctx
            .env
            .number("SPEC_KITTY_TRACKER_BUSY_TIMEOUT_MS")
            .map_or(store::BUSY_TIMEOUT, Duration::from_millis);
        Store::open(&path, busy)
    }

    /// The subprocess runner (cwd from the `cwd` setting; the 30 s limit can be shortened for
    /// tests with `SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS`).
    pub fn runner(&self, ctx: &Context) -> SubprocessRunner {
        let mut r = SubprocessRunner::new(self.settings.get("cwd").map(PathBuf::from));
        if let Some(ms) = ctx.env.number("SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS") {
            r.timeout = Duration::from_millis(ms);
        }
        r
    }

    /// The connector for this binding.
    pub fn connector<'a>(
        &self,
        runner: &'a dyn CommandRunner,
    ) -> Result<Box<dyn Connector + 'a>, CliError> {
        let workspace = self.require_workspace()?.to_owned();
        let command = |default: &str| {
            self.settings
                .get("command")
                .cloned()
                .unwrap_or_else(|| default.to_owned())
        };
        Ok(match self.provider.as_str() {
            "fp" => Box::new(fp::Fp {
                command: command("fp"),
                workspace,
                runner,
            }),
            _ => Box::new(beads::Beads {
                command: command("bd"),
                workspace,
                runner,
            }),
        })
    }

    /// `<provider>:<workspace>`.
    pub fn checkpoint_key(&self) -> String {
        format!(
            "{}:{}",
            self.provider,
            self.workspace.as_deref().unwrap_or("")
        )
    }
}

/// `<root>/trackers/<sha256(provider|workspace|server|user|team)[:16]>.db`, every part trimmed
/// and lower-cased, as the original names it.
pub fn db_path(
    state_root: &Path,
    provider: &str,
    workspace: &str,
    settings: &BTreeMap<String, String>,
) -> PathBuf {
    let pick = |keys: &[&str], default: &str| {
        keys.iter()
            .find_map(|k| settings.get(*k).filter(|v| !v.trim().is_empty()))
            .map_or_else(|| default.to_owned(), |v| v.trim().to_lowercase())
    };
    let identity = format!(
        "{}|{}|{}|{}|{}",
        provider.trim().to_lowercase(),
        workspace.trim().to_lowercase(),
        pick(&["server_url", "base_url"], "local"),
        pick(&["username", "email"], "anonymous"),
        pick(&["team_slug"], "no-team"),
    );
    let digest = Sha256::digest(identity.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    state_root.join("trackers").join(format!("{hex}.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_path_matches_the_original() {
        let path = db_path(
            Path::new("/h/.spec-kitty"),
            "beads",
            "demo-ws",
            &BTreeMap::new(),
        );
        assert_eq!(
            path,
            Path::new("/h/.spec-kitty/trackers/bfd6d80f4e57af7b.db")
        );
        let with = BTreeMap::from([("command".to_owned(), "bd".to_owned())]);
        assert_eq!(
            db_path(Path::new("/h/.spec-kitty"), " Beads ", "DEMO-WS", &with),
            path
        );
    }
}
