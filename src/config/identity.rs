//! The project identity: the `project:` block of `.kittify/config.yaml` that spec-kitty 3.2
//! sends as `project_identity` in bind-resolve, bind-confirm and bind-validate
//! (reference/upstream-3.2-tracker.md §2).
//!
//! ```yaml
//! project:
//!   uuid: d13d5545-40c4-43ee-ac7e-7a91df0eb27d
//!   slug: proj
//!   node_id: b805cd5cee74
//!   build_id: 3da140bc-9041-5fd7-8ef3-527e7cc8ffc0
//!   repo_slug: acme/proj        # only if recorded by hand; never generated
//! ```
//!
//! [`ensure`] generates what is missing exactly as 3.2.7's `ensure_identity` does and writes the
//! block only when one of uuid, slug, node_id, build_id is missing. The write touches nothing but
//! that block (a new one is appended, an incomplete one replaced in place) and is checked by
//! re-parsing before the file is replaced atomically. Unlike 3.2.7 (a ruamel round trip), every
//! other byte of the file stays as it was.

use super::ConfigFile;
use crate::config::edit::{line_ending, scalar};
use crate::env::Env;
use crate::fsutil::{atomic_write, FileMode};
use crate::output::warn;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::Path;
use yaml_serde::{Mapping, Value};

/// The namespace of `build_id`: uuid5(NAMESPACE_URL, "spec-kitty:identity:build_id").
pub const BUILD_ID_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x18c0fef1_8e60_5d6b_89d9_e2f1ccb9cc03);

/// A complete identity, as sent in `project_identity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectIdentity {
    /// Canonical lower-case hyphenated UUID.
    pub uuid: String,
    /// Project slug.
    pub slug: String,
    /// 12 hex characters of SHA-256 of `"<hostname>:<username>"`.
    pub node_id: String,
    /// uuid5 of `"<uuid>:<node_id>"` (or an older random one, kept).
    pub build_id: String,
    /// Only when recorded by hand.
    pub repo_slug: Option<String>,
}

impl ProjectIdentity {
    /// The `project_identity` request object: all five keys, `repo_slug` null unless recorded.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "uuid": self.uuid,
            "slug": self.slug,
            "node_id": self.node_id,
            "repo_slug": self.repo_slug,
            "build_id": self.build_id,
        })
    }
}

/// The fields recorded in the file (each trimmed; blank is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// `uuid`, canonicalised.
    pub uuid: Option<String>,
    /// `slug`.
    pub slug: Option<String>,
    /// `node_id`.
    pub node_id: Option<String>,
    /// `build_id`.
    pub build_id: Option<String>,
    /// `repo_slug`.
    pub repo_slug: Option<String>,
}

impl Recorded {
    /// Whether the four generated fields are all recorded (then nothing is written).
    pub fn complete(&self) -> bool {
        self.uuid.is_some()
            && self.slug.is_some()
            && self.node_id.is_some()
            && self.build_id.is_some()
    }
}

/// What [`read`] found under `project:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No `project` key (or a null one).
    Absent,
    /// A mapping, read field by field.
    Block(Recorded),
    /// A mapping with a field 3.2.7 cannot read (a list, a mapping, a uuid that does not
    /// parse): the whole block reads as absent.
    Fault(String),
    /// `project` is not a mapping: the file is never rewritten.
    NotUnderstood,
}

/// Read the `project:` block of a parsed config document.
pub fn read(doc: &Value) -> Found {
    let project = match doc.get("project") {
        None | Some(Value::Null) => return Found::Absent,
        Some(Value::Mapping(m)) => m,
        Some(_) => return Found::NotUnderstood,
    };
    let mut rec = Recorded::default();
    for (name, slot) in [
        ("uuid", &mut rec.uuid),
        ("slug", &mut rec.slug),
        ("node_id", &mut rec.node_id),
        ("build_id", &mut rec.build_id),
        ("repo_slug", &mut rec.repo_slug),
    ] {
        match project.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_)) => {
                return Found::Fault(format!("project.{name} is not a single value"))
            }
            Some(Value::String(s)) => *slot = non_blank(s),
            Some(Value::Number(n)) => *slot = Some(n.to_string()),
            Some(Value::Bool(b)) => *slot = Some(if *b { "True" } else { "False" }.to_owned()),
        }
    }
    if let Some(raw) = &rec.uuid {
        match uuid::Uuid::parse_str(raw) {
            Ok(u) => rec.uuid = Some(u.hyphenated().to_string()),
            Err(_) => return Found::Fault(format!("project.uuid `{raw}` is not a UUID")),
        }
    }
    Found::Block(rec)
}

fn non_blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Where a missing identity comes from: the machine (host and user) and the repository.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Python's `socket.gethostname()`.
    pub hostname: String,
    /// Python's `getpass.getuser()`.
    pub username: String,
    /// `git remote get-url origin` in the project root, if it succeeded.
    pub origin_url: Option<String>,
    /// The project root's directory name.
    pub dir_name: String,
}

impl Origin {
    /// The real machine and repository of `root`.
    pub fn of(root: &Path, env: &Env) -> Origin {
        Origin {
            hostname: gethostname::gethostname().to_string_lossy().into_owned(),
            username: username(env),
            origin_url: git_origin(root),
            dir_name: root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

/// `getpass.getuser()`: `LOGNAME`, `USER`, `LNAME`, `USERNAME`, then the password database.
fn username(env: &Env) -> String {
    ["LOGNAME", "USER", "LNAME", "USERNAME"]
        .iter()
        .find_map(|k| env.get(k).map(str::to_owned))
        .or_else(password_name)
        .unwrap_or_default()
}

#[cfg(unix)]
fn password_name() -> Option<String> {
    let mut buf = vec![0u8; 4096];
    let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `pwd` and `buf` (whose length it is told) and sets `out`
    // to `pwd` on success or to null; nothing is read unless `out` is non-null.
    let rc = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            pwd.as_mut_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut out,
        )
    };
    if rc != 0 || out.is_null() {
        return None;
    }
    // SAFETY: `out` is non-null, so `pwd` was filled and `pw_name` points into `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr((*out).pw_name) };
    Some(name.to_string_lossy().into_owned())
}

#[cfg(not(unix))]
fn password_name() -> Option<String> {
    None
}

fn git_origin(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The slug 3.2.7 derives: from the origin URL (a trailing `.git` dropped; for `user@host:path`
/// what follows the last `:`; its last `/` segment), else the directory name; lower-cased, `_`
/// and spaces become `-`.
pub fn derive_slug(origin: &Origin) -> String {
    let raw = match &origin.origin_url {
        Some(url) => {
            let url = url.strip_suffix(".git").unwrap_or(url);
            let url = if url.contains('@') && url.contains(':') {
                url.rsplit(':').next().unwrap_or(url)
            } else {
                url
            };
            url.rsplit('/').next().unwrap_or(url).to_owned()
        }
        None => origin.dir_name.clone(),
    };
    raw.to_lowercase().replace(['_', ' '], "-")
}

/// `sha256("<hostname>:<username>")[:12]`.
pub fn derive_node_id(origin: &Origin) -> String {
    let digest = Sha256::digest(format!("{}:{}", origin.hostname, origin.username).as_bytes());
    hex::encode(digest)[..12].to_owned()
}

/// uuid5([`BUILD_ID_NAMESPACE`], `"<uuid>:<node_id>"`).
pub fn derive_build_id(uuid: &str, node_id: &str) -> String {
    uuid::Uuid::new_v5(&BUILD_ID_NAMESPACE, format!("{uuid}:{node_id}").as_bytes())
        .hyphenated()
        .to_string()
}

/// Fill in what `recorded` lacks.
pub fn complete(recorded: &Recorded, origin: &Origin) -> ProjectIdentity {
    let uuid = recorded
        .uuid
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().hyphenated().to_string());
    let slug = recorded.slug.clone().unwrap_or_else(|| derive_slug(origin));
    let node_id = recorded
        .node_id
        .clone()
        .unwrap_or_else(|| derive_node_id(origin));
    let build_id = recorded
        .build_id
        .clone()
        .unwrap_or_else(|| derive_build_id(&uuid, &node_id));
    ProjectIdentity {
        uuid,
        slug,
        node_id,
        build_id,
        repo_slug: recorded.repo_slug.clone(),
    }
}

/// The project identity of `config`, generated and written when incomplete (as `spec-kitty
/// init` and 3.2's SaaS `tracker bind` do). A file that cannot be written, or whose `project`
/// is not a mapping, keeps its bytes and the identity lives in memory for this run (a warning
/// says so, in 3.2.7's words).
pub fn ensure(config: &ConfigFile, origin: &Origin) -> ProjectIdentity {
    let recorded = match read(&config.doc) {
        Found::Block(r) if r.complete() => return complete(&r, origin),
        Found::Block(r) => r,
        Found::Absent => Recorded::default(),
        Found::Fault(why) => {
            warn(&format!(
                "{}: {why}; a new project identity is generated",
                config.shown
            ));
            Recorded::default()
        }
        Found::NotUnderstood => {
            warn("Config exists but could not be understood; using in-memory identity");
            return complete(&Recorded::default(), origin);
        }
    };
    let identity = complete(&recorded, origin);
    let written = set_project(&config.text, &config.doc, &identity).and_then(|text| {
        if let Some(dir) = config.path.parent() {
            std::fs::create_dir_all(dir).ok()?;
        }
        atomic_write(&config.path, text.as_bytes(), FileMode::Keep(0o644)).ok()
    });
    if written.is_none() {
        warn("Config not writable; using in-memory identity");
    }
    identity
}

/// `text` with the `project:` block set to `identity` (appended when there is none); `None`
/// when the result would not parse back to the same document with that block.
pub fn set_project(text: &str, doc: &Value, identity: &ProjectIdentity) -> Option<String> {
    let before = match doc {
        Value::Mapping(m) => m.clone(),
        Value::Null => Mapping::new(),
        _ => return None,
    };
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let eol = line_ending(body);
    let mut fields = vec![
        ("uuid", &identity.uuid),
        ("slug", &identity.slug),
        ("node_id", &identity.node_id),
        ("build_id", &identity.build_id),
    ];
    if let Some(r) = &identity.repo_slug {
        fields.push(("repo_slug", r));
    }
    let mut block = format!("project:{eol}");
    let mut expected = Mapping::new();
    for (k, v) in fields {
        block.push_str(&format!("  {k}: {}{eol}", scalar(Some(v))));
        expected.insert(k.into(), Value::String(v.clone()));
    }
    let unterminated = !body.is_empty() && !body.ends_with(['\n', '\r']);
    let new_body = match find_project(body) {
        Some(range) => {
            if unterminated && range.end == body.len() {
                block.truncate(block.len() - eol.len());
            }
            format!("{}{block}{}", &body[..range.start], &body[range.end..])
        }
        None if before.contains_key("project") => return None,
        None if unterminated => format!("{body}{eol}{}", &block[..block.len() - eol.len()]),
        None => format!("{body}{block}"),
    };
    let after: Value = yaml_serde::from_str(&new_body).ok()?;
    let mut want = before;
    want.insert("project".into(), Value::Mapping(expected));
    (after == Value::Mapping(want)).then(|| format!("{bom}{new_body}"))
}

/// Byte range of the lines of the top-level `project:` entry: its key line and the indented
/// (or comment / blank) lines after it, up to the last indented one.
fn find_project(text: &str) -> Option<Range<usize>> {
    let mut start = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive(['\n']) {
        let here = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        match start {
            None => {
                let rest = content
                    .strip_prefix("project")
                    .map(|r| r.trim_start_matches([' ', '\t']));
                if rest.is_some_and(|r| r == ":" || r.starts_with(": ") || r.starts_with(":\t")) {
                    start = Some(here);
                    end = offset;
                }
            }
            Some(_) => {
                let indented = content.starts_with([' ', '\t']);
                if indented && !content.trim_start().starts_with('#') {
                    end = offset;
                } else if !(indented || content.trim().is_empty() || content.starts_with('#')) {
                    break;
                }
            }
        }
    }
    start.map(|s| s..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: Option<&str>) -> Origin {
        Origin {
            hostname: "host".into(),
            username: "ada".into(),
            origin_url: url.map(str::to_owned),
            dir_name: "My_Project Dir".into(),
        }
    }

    #[test]
    fn the_namespace_and_a_build_id_are_3_2_7_s() {
        // Oracle: reference/upstream-3.2-tracker.md §2.2 (the namespace) and §9.4 (a build_id
        // 3.2.7 accepted as the derivation for that uuid and node_id).
        let ns = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"spec-kitty:identity:build_id");
        assert_eq!(ns, BUILD_ID_NAMESPACE);
        assert_eq!(
            derive_build_id("7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f", "0123456789ab"),
            "35eabafe-284a-5d7c-a819-7d1549333d24"
        );
    }

    #[test]
    fn slugs_come_from_the_origin_url_or_the_directory() {
        // Oracle: reference §2.2 (`git@github.com:Acme/My_Repo.git` → `my-repo`).
        let cases = [
            (Some("git@github.com:Acme/My_Repo.git"), "my-repo"),
            (Some("https://github.com/acme/Spec Kitty.git"), "spec-kitty"),
            (Some("ssh://git@host:22/acme/proj"), "proj"),
            (Some("/srv/git/local_repo.git"), "local-repo"),
            (None, "my-project-dir"),
        ];
        for (url, want) in cases {
            assert_eq!(derive_slug(&origin(url)), want, "{url:?}");
        }
    }

    #[test]
    fn node_id_is_sha256_of_host_and_user() {
        // Oracle: sha256("host:ada") computed independently (coreutils sha256sum).
        assert_eq!(derive_node_id(&origin(None)), "c2fa5bd494f4");
    }

    fn doc(text: &str) -> Value {
        yaml_serde::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn reading_follows_3_2_7() {
        let r = read(&doc("project:\n  uuid: 7D0C2F1A-5B3E-4C6D-8E9F-0A1B2C3D4E5F\n  slug: ' s '\n  node_id: 123456789012\n  build_id: ''\n"));
        let Found::Block(r) = r else { panic!("{r:?}") };
        assert_eq!(
            r.uuid.as_deref(),
            Some("7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f")
        );
        assert_eq!(r.slug.as_deref(), Some("s"));
        assert_eq!(r.node_id.as_deref(), Some("123456789012"));
        assert_eq!(r.build_id, None);
        assert!(!r.complete());
        assert!(matches!(
            read(&doc("project:\n  slug: [a]\n")),
            Found::Fault(_)
        ));
        assert!(matches!(
            read(&doc("project:\n  uuid: nope\n")),
            Found::Fault(_)
        ));
        assert_eq!(read(&doc("project: text\n")), Found::NotUnderstood);
        assert_eq!(read(&doc("other: 1\n")), Found::Absent);
    }

    fn identity() -> ProjectIdentity {
        ProjectIdentity {
            uuid: "7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f".into(),
            slug: "oracle".into(),
            node_id: "0123456789ab".into(),
            build_id: "35eabafe-284a-5d7c-a819-7d1549333d24".into(),
            repo_slug: None,
        }
    }

    const BLOCK: &str = "project:\n  uuid: 7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f\n  slug: oracle\n  node_id: 0123456789ab\n  build_id: 35eabafe-284a-5d7c-a819-7d1549333d24\n";

    #[test]
    fn the_block_is_appended_or_replaced_and_nothing_else_moves() {
        let id = identity();
        let text = "# keep me\nvcs:\n  type: git   # inline\n";
        assert_eq!(
            set_project(text, &doc(text), &id).as_deref(),
            Some(format!("{text}{BLOCK}").as_str())
        );
        let unterminated = "a: 1";
        assert_eq!(
            set_project(unterminated, &doc(unterminated), &id).as_deref(),
            Some(format!("a: 1\n{}", BLOCK.trim_end()).as_str())
        );
        let partial =
            "a: 1\nproject:\n  uuid: 7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f\n  # note\nb: 2\n";
        assert_eq!(
            set_project(partial, &doc(partial), &id).as_deref(),
            Some(format!("a: 1\n{BLOCK}  # note\nb: 2\n").as_str())
        );
        let crlf = "a: 1\r\n";
        assert_eq!(
            set_project(crlf, &doc(crlf), &id),
            Some(format!("a: 1\r\n{}", BLOCK.replace('\n', "\r\n")))
        );
        // All-digit values stay strings.
        let digits = ProjectIdentity {
            node_id: "123456789012".into(),
            ..id.clone()
        };
        let out = set_project("", &Value::Null, &digits).expect("text");
        assert!(out.contains("  node_id: '123456789012'\n"), "{out}");
        // A layout the splice cannot verify is refused rather than damaged.
        let flow = "{a: 1, project: {uuid: x}}\n";
        assert_eq!(set_project(flow, &doc(flow), &id), None);
    }

    #[test]
    fn the_request_object_has_all_five_keys() {
        assert_eq!(
            identity().to_json(),
            json!({"uuid": "7d0c2f1a-5b3e-4c6d-8e9f-0a1b2c3d4e5f", "slug": "oracle",
                   "node_id": "0123456789ab", "repo_slug": null,
                   "build_id": "35eabafe-284a-5d7c-a819-7d1549333d24"})
        );
    }
}
