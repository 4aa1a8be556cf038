//! The `commands.yaml` model shared by `build.rs` and the binary.
//!
//! - [`model`]: serde types of the file.
//! - [`validate`]: invariants, with errors naming the offending entry.
//! - [`to_clap`]: the only path from the model to a `clap::Command`.
//! - [`classes`]: what each provider class gets from a command (help, man pages).
//! - [`json_fields`]: the declared `--json` documents: help lists, man sections, JSON Schema.
//! - [`codegen`]: Rust source for typed arguments and the dispatch table.
//! - `docs` (feature `docs`): man pages and shell completions.

pub mod classes;
pub mod codegen;
#[cfg(feature = "docs")]
pub mod docs;
pub mod json_fields;
pub mod model;
pub mod to_clap;
pub mod validate;

pub use model::Spec;

/// Parse and validate `commands.yaml` text; all problems are returned in one message.
pub fn load(text: &str) -> Result<Spec, String> {
    let spec = Spec::from_yaml(text)?;
    let errors = validate::validate(&spec);
    if errors.is_empty() {
        Ok(spec)
    } else {
        Err(format!(
            "commands.yaml is invalid:\n  - {}",
            errors.join("\n  - ")
        ))
    }
}
