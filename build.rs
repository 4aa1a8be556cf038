//! Compiles commands.yaml: validates it, then writes into OUT_DIR the argument types
//! (`args.rs`), the dispatch match (`route.rs`), the template list (`templates.rs`), man
//! pages (`man/`), shell completions (`completions/`) and the JSON Schema of each command's
//! `--json` output (`json/`, committed as docs/json/). All logic lives in crates/command-spec.

use std::path::Path;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=commands.yaml");
    println!("cargo:rerun-if-changed=templates");
    if let Err(message) = generate() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), String> {
    let out = env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    let out = Path::new(&out);
    let version: &'static str = Box::leak(
        env::var("CARGO_PKG_VERSION")
            .unwrap_or_default()
            .into_boxed_str(),
    );
    let text = fs::read_to_string("commands.yaml").map_err(|e| format!("commands.yaml: {e}"))?;
    let spec = command_spec::load(&text)?;

    write(
        &out.join("args.rs"),
        &command_spec::codegen::args_module(&spec),
    )?;
    write(
        &out.join("route.rs"),
        &command_spec::codegen::route_module(&spec),
    )?;
    write(&out.join("templates.rs"), &template_list()?)?;
    let completions = command_spec::docs::completions(&spec, version);
    let files = command_spec::docs::man_pages(&spec, version);
    write_dir(
        &out.join("man"),
        files.iter().map(|(n, b)| (n.as_str(), b.as_str())),
    )?;
    write_dir(
        &out.join("completions"),
        completions
            .iter()
            .map(|c| (c.file_name.as_str(), c.script.as_str())),
    )?;
    let schemas = command_spec::json_fields::schema_files(&spec);
    write_dir(
        &out.join("json"),
        schemas.iter().map(|(n, b)| (n.as_str(), b.as_str())),
    )?;
    let entries: Vec<String> = completions
        .iter()
        .map(|c| {
            format!(
                "    ({:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/completions/{}\"))),",
                c.shell, c.file_name
            )
        })
        .collect();
    write(
        &out.join("completion_scripts.rs"),
        &format!("/// Completion scripts by shell name.\npub static COMPLETION_SCRIPTS: &[(&str, &str)] = &[\n{}\n];\n", entries.join("\n")),
    )
}

/// Replace `dir` with exactly `files`.
fn write_dir<'a>(
    dir: &Path,
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), String> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, body) in files {
        write(&dir.join(name), body)?;
    }
    Ok(())
}

/// The `templates/*.j2` names (without `.j2`, sorted) turned into `templates.rs` by
/// `command_spec::codegen::templates_module`.
fn template_list() -> Result<String, String> {
    let mut names: Vec<String> = fs::read_dir("templates")
        .map_err(|e| format!("templates/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter_map(|n| n.strip_suffix(".j2").map(str::to_owned))
        .collect();
    names.sort();
    let root = env::var("CARGO_MANIFEST_DIR").map_err(|e| format!("CARGO_MANIFEST_DIR: {e}"))?;
    command_spec::codegen::templates_module(&names, &format!("{root}/templates"))
}

fn write(path: &Path, body: &str) -> Result<(), String> {
    fs::write(path, body).map_err(|e| format!("{}: {e}", path.display()))
}
