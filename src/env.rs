//! A snapshot of the environment variables the tool reads, so behaviour is decided in one
//! place and tests can inject values.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Variables read by the tool.
pub const VARS: [&str; 20] = [
    "SPEC_KITTY_ENABLE_SAAS_SYNC",
    "SPEC_KITTY_HOME",
    "SPEC_KITTY_SAAS_URL",
    "SPECIFY_REPO_ROOT",
    "HOME",
    "LOCALAPPDATA",
    "NO_COLOR",
    "RUST_LOG",
    "SPEC_KITTY_TRACKER_POLL_SCALE",
    "SPEC_KITTY_TRACKER_HTTP_TIMEOUT_MS",
    "SPEC_KITTY_TRACKER_MAX_BODY_BYTES",
    "SPEC_KITTY_TRACKER_LOCAL_TIMEOUT_MS",
    "SPEC_KITTY_TRACKER_BUSY_TIMEOUT_MS",
    "SPEC_KITTY_TRACKER_MAX_PAGES",
    "SPEC_KITTY_TRACKER_MAX_SPOOL_BYTES",
    // The user name of the project identity's node_id, as Python's getpass.getuser() finds it.
    "LOGNAME",
    "USER",
    "LNAME",
    "USERNAME",
    // The terminal width (tables add a URL column where it fits).
    "COLUMNS",
];

/// Environment snapshot.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// Capture the process environment.
    pub fn from_process() -> Env {
        let vars = VARS
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| ((*k).to_owned(), v)))
            .collect();
        Env { vars }
    }

    /// Build from explicit pairs (tests that run commands in-process).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Env {
        Env {
            vars: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// A variable's value; empty values count as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable as a path.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.get(name).map(PathBuf::from)
    }

    /// A variable as a number (test hooks); unset or not a number gives `None`.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// Whether SPEC_KITTY_ENABLE_SAAS_SYNC is enabled (`1`, `true`, `yes`, `on` after trim and
    /// lower-case).
    pub fn saas_sync_enabled(&self) -> bool {
        self.get("SPEC_KITTY_ENABLE_SAAS_SYNC")
            .map(|v| {
                matches!(
                    v.trim().to_lowercase().as_str(),
                    "1" | "true" | "yes" | "on"
                )
            })
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_flag_values() {
        for (value, on) in [
            ("1", true),
            ("true", true),
            (" Yes ", true),
            ("ON", true),
            ("TRUE", true),
            ("0", false),
            ("2", false),
            ("y", false),
            ("enabled", false),
            ("", false),
            (" ", false),
        ] {
            let env = Env::from_pairs(&[("SPEC_KITTY_ENABLE_SAAS_SYNC", value)]);
            assert_eq!(env.saas_sync_enabled(), on, "value {value:?}");
        }
        assert!(!Env::default().saas_sync_enabled());
    }
}
