//! The real client, in-process, against scripted responses: a wiremock server answers each
//! request with the next scripted reply for its path and checks the request against the
//! contract document on the way; commands run through the generated dispatch exactly as the
//! binary runs them, minus printing (the outcome's text is returned instead).

use crate::common::session_toml;
use contract_mock::contract::{Contract, RequestView};
use serde_json::{json, Value};
use spec_kitty_tracker::args::{Invocation, ProviderClass};
use spec_kitty_tracker::context::Context;
use spec_kitty_tracker::dispatch::route;
use spec_kitty_tracker::env::Env;
use spec_kitty_tracker::error::CliError;
use spec_kitty_tracker::provider::Provider;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The items file pushed by every push case (valid PushItems).
const ITEMS: &str = r#"[{"ref": {"system": "linear", "workspace": "w", "id": "1", "key": "LIN-1"}, "action": "update", "patch": {"title": "T"}}, {"ref": "LIN-2", "action": "comment"}]"#;

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    header: Option<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            header: None,
            body: body.to_string().into_bytes(),
        }
    }
}

#[derive(Debug, Default)]
struct Script {
    queues: HashMap<&'static str, VecDeque<Reply>>,
    problems: Vec<String>,
}

/// Scripted replies by path kind; every request is checked against the document.
struct Responder(Arc<Mutex<Script>>);

impl Respond for Responder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut script = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_owned())))
            .collect();
        let view = RequestView {
            method: req.method.as_str(),
            path: req.url.path(),
            query: req.url.query(),
            headers: &headers,
            body: &req.body,
        };
        match Contract::embedded().check_request(&view) {
            Ok(Some(_)) => {}
            Ok(None) => script.problems.push(format!(
                "undocumented request {} {}",
                req.method,
                req.url.path()
            )),
            Err(v) => script
                .problems
                .push(format!("request breaks the contract: {}", v.message)),
        }
        let key = kind(req.url.path());
        match script.queues.get_mut(key).and_then(VecDeque::pop_front) {
            Some(reply) => {
                let mut t = ResponseTemplate::new(reply.status)
                    .set_body_raw(reply.body, "application/json");
                if let Some((name, value)) = reply.header {
                    t = t.insert_header(name, value.as_str());
                }
                t
            }
            None => {
                script.problems.push(format!(
                    "unscripted request {} {}",
                    req.method,
                    req.url.path()
                ));
                ResponseTemplate::new(418)
            }
        }
    }
}

/// The path kind a reply is scripted for.
fn kind(path: &str) -> &'static str {
    match path {
        "/api/v1/tracker/status/" => "status",
        "/api/v1/tracker/mappings/" => "mappings",
        "/api/v1/tracker/pull/" => "pull",
        "/api/v1/tracker/push/" => "push",
        "/api/v1/tracker/run/" => "run",
        "/api/v1/tracker/resources/" => "resources",
        "/api/v1/tracker/list-tickets/" => "list-tickets",
        "/api/v1/tracker/issue-search/" => "issue-search",
        "/api/v1/tracker/bind-resolve/" => "bind-resolve",
        "/api/v1/tracker/bind-confirm/" => "bind-confirm",
        "/api/v1/tracker/bind-validate/" => "bind-validate",
        "/api/v1/token/refresh/" => "refresh",
        p if p.starts_with("/api/v1/tracker/operations/") => "operation",
        _ => "other",
    }
}

/// A project bound to linear, logged in to the scripted server.
pub struct Harness {
    _rt: tokio::runtime::Runtime,
    server: MockServer,
    script: Arc<Mutex<Script>>,
    dir: tempfile::TempDir,
    /// The PushItem file.
    pub items: PathBuf,
}

impl Harness {
    /// A fresh harness.
    pub fn new() -> Harness {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let script = Arc::new(Mutex::new(Script::default()));
        let server = rt.block_on(async {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(Responder(script.clone()))
                .mount(&server)
                .await;
            server
        });
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("project/.kittify")).expect("project");
        std::fs::write(
            dir.path().join("project/.kittify/config.yaml"),
            "tracker:\n  provider: linear\n  project_slug: demo-project\n",
        )
        .expect("config");
        let items = dir.path().join("items.json");
        std::fs::write(&items, ITEMS).expect("items");
        let h = Harness {
            _rt: rt,
            server,
            script,
            dir,
            items,
        };
        h.reset();
        h
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("home/.spec-kitty")
    }

    /// Forget the script and problems; a fresh session in the credentials file.
    pub fn reset(&self) {
        *self.script.lock().unwrap_or_else(|p| p.into_inner()) = Script::default();
        std::fs::create_dir_all(self.state()).expect("state");
        let creds = self.state().join("credentials");
        std::fs::write(
            &creds,
            session_toml(&self.server.uri(), "acc-1", "ref-1", false),
        )
        .expect("credentials");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.state(), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }

    /// Script the replies for a path kind (`status`, `pull`, `operation`, `refresh` ...).
    pub fn script(&self, kind: &'static str, replies: impl IntoIterator<Item = Reply>) {
        let mut script = self.script.lock().unwrap_or_else(|p| p.into_inner());
        script.queues.entry(kind).or_default().extend(replies);
    }

    /// Script a 429 whose `Retry-After` header is `value`.
    pub fn rate_limited(body: &Value, retry_after: Option<String>) -> Reply {
        Reply {
            header: retry_after.map(|v| ("retry-after", v)),
            ..Reply::json(429, body)
        }
    }

    /// Run a SaaS command in-process: its exit code and output text, or its error.
    pub fn run(&self, invocation: Invocation, json: bool) -> Result<(u8, String), CliError> {
        let home = self.dir.path().join("home");
        let pairs = [
            ("HOME", home.display().to_string()),
            ("SPEC_KITTY_HOME", self.state().display().to_string()),
            ("SPEC_KITTY_SAAS_URL", self.server.uri()),
            ("SPEC_KITTY_ENABLE_SAAS_SYNC", "1".to_owned()),
            ("SPEC_KITTY_TRACKER_POLL_SCALE", "1".to_owned()),
            ("NO_COLOR", "1".to_owned()),
        ];
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut ctx = Context::new(Env::from_pairs(&pairs), self.dir.path().join("project"));
        ctx.json = json;
        ctx.provider = Some(Provider {
            name: "linear".into(),
            class: ProviderClass::Saas,
        });
        let outcome = route(invocation, Some(ProviderClass::Saas), &mut ctx)?;
        let text = outcome.text(json)?;
        Ok((outcome.exit_code, text))
    }

    /// Every scripted reply was asked for, and every request followed the contract.
    pub fn finish(&self) -> Result<(), String> {
        let script = self.script.lock().unwrap_or_else(|p| p.into_inner());
        let mut problems = script.problems.clone();
        for (kind, queue) in &script.queues {
            if !queue.is_empty() {
                problems.push(format!(
                    "{} scripted {kind} replies never asked for",
                    queue.len()
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    /// The binary, ready to run in the project against the scripted server (end-to-end).
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spec-kitty-tracker"));
        cmd.args(args)
            .current_dir(self.dir.path().join("project"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("SPEC_KITTY_HOME", self.state())
            .env("SPEC_KITTY_SAAS_URL", self.server.uri())
            .env("SPEC_KITTY_ENABLE_SAAS_SYNC", "1")
            .env("SPEC_KITTY_TRACKER_POLL_SCALE", "1")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// The tokens a refresh hands out.
    pub fn refreshed() -> Reply {
        Reply::json(
            200,
            &json!({"access": "acc-2", "refresh": "ref-2", "access_lifetime": 900}),
        )
    }
}
