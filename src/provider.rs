//! Provider names, their normalisation and their class (SPEC §2).

use crate::error::CliError;

/// The provider classes of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderClass {
    /// Driven through the Spec Kitty SaaS tracker API.
    Saas,
    /// Driven through the provider's own CLI with a local SQLite cache.
    Local,
    /// No longer supported.
    Removed,
}

/// SaaS-backed providers, sorted.
pub const SAAS_PROVIDERS: [&str; 4] = ["github", "gitlab", "jira", "linear"];
/// Local providers, sorted.
pub const LOCAL_PROVIDERS: [&str; 2] = ["beads", "fp"];
/// The removed provider's canonical name.
pub const REMOVED_PROVIDER: &str = "azure_devops";
/// Names that mean the removed provider.
const REMOVED_ALIASES: [&str; 3] = ["azure_devops", "azure-devops", "azure"];

/// A recognised provider: canonical name and class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Canonical lower-case name (`azure_devops` for every removed alias).
    pub name: String,
    /// Its class.
    pub class: ProviderClass,
}

/// Trim and lower-case a provider name, then classify it. `None` for an unknown provider.
pub fn classify(raw: &str) -> Option<Provider> {
    let name = raw.trim().to_lowercase();
    let class = if SAAS_PROVIDERS.contains(&name.as_str()) {
        ProviderClass::Saas
    } else if LOCAL_PROVIDERS.contains(&name.as_str()) {
        ProviderClass::Local
    } else if REMOVED_ALIASES.contains(&name.as_str()) {
        return Some(Provider {
            name: REMOVED_PROVIDER.to_owned(),
            class: ProviderClass::Removed,
        });
    } else {
        return None;
    };
    Some(Provider { name, class })
}

/// Every supported provider, sorted, comma separated.
pub fn supported_list() -> String {
    let mut all: Vec<&str> = SAAS_PROVIDERS
        .iter()
        .chain(LOCAL_PROVIDERS.iter())
        .copied()
        .collect();
    all.sort_unstable();
    all.join(", ")
}

/// The usage error for an unknown `--provider` value.
pub fn unknown_provider_error(raw: &str) -> CliError {
    CliError::usage(format!(
        "Unknown provider '{}'. Supported: {}",
        raw.trim().to_lowercase(),
        supported_list()
    ))
    .detail("provider", raw.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let cases: &[(&str, Option<(&str, ProviderClass)>)] = &[
            ("linear", Some(("linear", ProviderClass::Saas))),
            ("  Linear ", Some(("linear", ProviderClass::Saas))),
            ("JIRA", Some(("jira", ProviderClass::Saas))),
            ("github", Some(("github", ProviderClass::Saas))),
            ("gitlab\t", Some(("gitlab", ProviderClass::Saas))),
            ("beads", Some(("beads", ProviderClass::Local))),
            ("FP", Some(("fp", ProviderClass::Local))),
            (
                "azure_devops",
                Some(("azure_devops", ProviderClass::Removed)),
            ),
            (
                "azure-devops",
                Some(("azure_devops", ProviderClass::Removed)),
            ),
            ("Azure", Some(("azure_devops", ProviderClass::Removed))),
            (
                "AZURE_DEVOPS",
                Some(("azure_devops", ProviderClass::Removed)),
            ),
            ("", None),
            ("trello", None),
            ("lineär", None),
            ("azure devops", None),
            ("line\u{0}ar", None),
        ];
        for (raw, want) in cases {
            let got = classify(raw).map(|p| (p.name, p.class));
            let want = want.map(|(n, c)| (n.to_owned(), c));
            assert_eq!(got, want, "input {raw:?}");
        }
    }

    #[test]
    fn the_classes_cover_exactly_the_declared_provider_values() {
        let mut declared: Vec<&str> = crate::args::value_sets::PROVIDER.to_vec();
        declared.sort_unstable();
        let mut classified: Vec<&str> = SAAS_PROVIDERS
            .iter()
            .chain(&LOCAL_PROVIDERS)
            .copied()
            .collect();
        classified.sort_unstable();
        assert_eq!(declared, classified, "commands.yaml value_sets.provider");
    }

    #[test]
    fn supported_list_is_sorted_and_excludes_azure() {
        assert_eq!(supported_list(), "beads, fp, github, gitlab, jira, linear");
    }
}
