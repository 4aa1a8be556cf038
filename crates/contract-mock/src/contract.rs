//! The contract document (`contract/tracker-api.yaml`, OpenAPI 3.1) as a checker: which
//! operation a request is, whether the request follows the document (headers, query and path
//! parameters, body), and whether a response does. Schemas are checked by the `jsonschema`
//! crate (JSON Schema 2020-12, the dialect of OpenAPI 3.1, formats included); this module only
//! walks the OpenAPI structure around them.
//!
//! Requests to paths the document does not describe are not checked ([`Contract::check_request`]
//! answers `Ok(None)`): the mock's own endpoints (`/__mock/...`) live there. To put a new
//! endpoint under the contract, add its path to the document; JSON and form-encoded
//! (`application/x-www-form-urlencoded`) request bodies are both understood.

use jsonschema::Validator;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The document's text, as committed.
pub const DOCUMENT: &str = include_str!("../../../contract/tracker-api.yaml");

/// A request as the checker sees it.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    /// The raw query string (without `?`), if any.
    pub query: Option<&'a str>,
    /// Headers (any case).
    pub headers: &'a [(String, String)],
    /// The raw body.
    pub body: &'a [u8],
}

impl RequestView<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request breaks the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: `header`, `query`, `path`, `body` or `method`.
    pub location: &'static str,
    /// The field: a header or parameter name, or a body field path such as `items[0].ref`
    /// (empty for the body as a whole).
    pub field: String,
    /// The broken rule: a JSON Schema keyword (`type`, `required`, `maximum` ...) or
    /// `required`, `unknown`, `absent`, `duplicate`, `json`, `content-type`, `method`.
    pub rule: String,
    /// One sentence naming the field and the rule.
    pub message: String,
}

/// A documented operation a request matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// The document's `operationId`.
    pub operation_id: String,
    /// Path parameters by name.
    pub path_params: HashMap<String, String>,
    /// The body as JSON (a form body as an object of strings), when there is one.
    pub body: Option<Value>,
}

/// Path parameters by name.
type PathParams = HashMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Header,
    Query,
    Path,
}

struct Param {
    name: String,
    location: Location,
    required: bool,
    forbidden: bool,
    schema: Value,
    check: Validator,
}

struct Operation {
    id: String,
    method: String,
    segments: Vec<String>,
    params: Vec<Param>,
    body_required: bool,
    bodies: Vec<(String, Validator)>,
    responses: Vec<(String, Option<Validator>)>,
}

/// The compiled document.
pub struct Contract {
    document: Value,
    operations: Vec<Operation>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("operations", &self.operations.len())
            .finish()
    }
}

impl Contract {
    /// The committed document, compiled once. The document is part of the build, so a broken
    /// one is a programming error caught by this crate's tests.
    pub fn embedded() -> &'static Contract {
        static CONTRACT: OnceLock<Contract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            Contract::parse(DOCUMENT)
                .unwrap_or_else(|e| panic!("contract/tracker-api.yaml is broken: {e}"))
        })
    }

    /// Compile a document's text.
    pub fn parse(text: &str) -> Result<Contract, String> {
        let document: Value = yaml_serde::from_str(text).map_err(|e| e.to_string())?;
        let mut compiler = Compiler {
            document: &document,
            cache: HashMap::new(),
        };
        let mut operations = Vec::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the document has no paths")?;
        for (path, item) in paths {
            let item = item.as_object().ok_or(format!("{path}: not an object"))?;
            for (method, op) in item {
                if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                    continue;
                }
                operations.push(compiler.operation(path, method, op)?);
            }
        }
        Ok(Contract {
            document,
            operations,
        })
    }

    /// The document as JSON (for generators and tests).
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Resolve a local `$ref` (`#/components/...`) of the document.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        resolve(&self.document, value)
    }

    /// The JSON schema of `operation_id`'s JSON response to `status` (exact code first, then
    /// `4XX`/`5XX`), with `$ref`s still pointing into [`Contract::document`].
    pub fn response_schema(&self, operation_id: &str, status: u16) -> Option<&Value> {
        let op = self.find_id(operation_id)?;
        let path = self.document["paths"]
            .as_object()?
            .iter()
            .find(|(_, item)| {
                item.get(&op.method)
                    .is_some_and(|o| o["operationId"] == op.id)
            })?
            .1;
        let responses = &path[&op.method]["responses"];
        let key = status_key(responses.as_object()?, status)?;
        let response = self.resolve(&responses[key]);
        response
            .get("content")?
            .get("application/json")?
            .get("schema")
    }

    fn find_id(&self, operation_id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == operation_id)
    }

    fn find(
        &self,
        method: &str,
        path: &str,
    ) -> Result<Option<(&Operation, PathParams)>, Violation> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut path_known = false;
        for op in &self.operations {
            let Some(params) = match_path(&op.segments, &segments) else {
                continue;
            };
            path_known = true;
            if op.method.eq_ignore_ascii_case(method) {
                return Ok(Some((op, params)));
            }
        }
        if path_known {
            return Err(Violation {
                location: "method",
                field: String::new(),
                rule: "method".into(),
                message: format!("{method} is not an operation of {path}"),
            });
        }
        Ok(None)
    }

    /// Check a request. `Ok(None)`: the document does not describe the path (not checked);
    /// `Ok(Some(_))`: a documented operation, followed to the letter; `Err`: the broken rule.
    pub fn check_request(&self, req: &RequestView<'_>) -> Result<Option<Matched>, Violation> {
        let Some((op, path_params)) = self.find(req.method, req.path)? else {
            return Ok(None);
        };
        let query = parse_query(req.query.unwrap_or(""));
        for (name, _) in &query {
            if !op
                .params
                .iter()
                .any(|p| p.location == Location::Query && p.name == *name)
            {
                return Err(Violation {
                    location: "query",
                    field: name.clone(),
                    rule: "unknown".into(),
                    message: format!("unknown query parameter `{name}` for {}", op.id),
                });
            }
        }
        for param in &op.params {
            let raw = match param.location {
                Location::Header => req.header(&param.name).map(str::to_owned),
                Location::Path => path_params.get(&param.name).cloned(),
                Location::Query => {
                    let mut values = query.iter().filter(|(k, _)| *k == param.name);
                    let first = values.next().map(|(_, v)| v.clone());
                    if values.next().is_some() {
                        return Err(param.violation("duplicate", "is given more than once"));
                    }
                    first
                }
            };
            match raw {
                None if param.required => {
                    return Err(param.violation("required", "is required"));
                }
                None => {}
                Some(_) if param.forbidden => {
                    return Err(
                        param.violation("absent", &format!("must not be sent on {}", op.id))
                    );
                }
                Some(raw) => {
                    let value = coerce(&raw, resolve(&self.document, &param.schema));
                    let broken = param
                        .check
                        .iter_errors(&value)
                        .next()
                        .map(|e| (rule_of(&e), e.to_string()));
                    if let Some((rule, why)) = broken {
                        return Err(param.violation(&rule, &format!("is invalid: {why}")));
                    }
                }
            }
        }
        let body = self.check_body(op, req)?;
        Ok(Some(Matched {
            operation_id: op.id.clone(),
            path_params,
            body,
        }))
    }

    fn check_body(
        &self,
        op: &Operation,
        req: &RequestView<'_>,
    ) -> Result<Option<Value>, Violation> {
        let whole = |rule: &str, message: String| Violation {
            location: "body",
            field: String::new(),
            rule: rule.into(),
            message,
        };
        if op.bodies.is_empty() {
            if req.body.iter().any(|b| !b.is_ascii_whitespace()) {
                return Err(whole("absent", format!("{} takes no request body", op.id)));
            }
            return Ok(None);
        }
        if req.body.is_empty() {
            if op.body_required {
                return Err(whole("required", format!("{} needs a request body", op.id)));
            }
            return Ok(None);
        }
        let media = req
            .header("content-type")
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let Some((media, check)) = op.bodies.iter().find(|(m, _)| *m == media) else {
            let known: Vec<&str> = op.bodies.iter().map(|(m, _)| m.as_str()).collect();
            return Err(whole(
                "content-type",
                format!(
                    "{} takes a {} body, not `{media}`",
                    op.id,
                    known.join(" or ")
                ),
            ));
        };
        let value = if media == "application/x-www-form-urlencoded" {
            let text = String::from_utf8_lossy(req.body);
            Value::Object(
                parse_query(&text)
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect::<Map<_, _>>(),
            )
        } else {
            serde_json::from_slice(req.body)
                .map_err(|e| whole("json", format!("the request body is not JSON: {e}")))?
        };
        let broken = check.iter_errors(&value).next().map(|e| {
            (
                field_path(e.instance_path().as_str()),
                rule_of(&e),
                e.to_string(),
            )
        });
        if let Some((field, rule, e)) = broken {
            let at = if field.is_empty() {
                "request body".to_owned()
            } else {
                format!("body field `{field}`")
            };
            return Err(Violation {
                location: "body",
                field,
                rule,
                message: format!("{at}: {e}"),
            });
        }
        Ok(Some(value))
    }

    /// Check a response of the operation at (`method`, `path`): its status must be documented
    /// and a JSON body must follow the schema. `Err` says why not (a body that is not JSON is
    /// outside the contract, and is reported as such).
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &[u8],
    ) -> Result<(), String> {
        let Some((op, _)) = self.find(method, path).map_err(|v| v.message)? else {
            return Err(format!("{method} {path} is not in the contract"));
        };
        let Some((_, check)) = op
            .responses
            .iter()
            .find(|(k, _)| *k == status.to_string())
            .or_else(|| {
                op.responses
                    .iter()
                    .find(|(k, _)| *k == format!("{}XX", status / 100))
            })
        else {
            return Err(format!(
                "{} does not answer {status} in the contract",
                op.id
            ));
        };
        let Some(check) = check else {
            return Ok(());
        };
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{} {status}: the body is not JSON ({e})", op.id))?;
        let errors: Vec<String> = check
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", or_root(e.instance_path().as_str())))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("{} {status}: {}", op.id, errors.join("; ")))
        }
    }
}

impl Param {
    fn violation(&self, rule: &str, what: &str) -> Violation {
        let kind = match self.location {
            Location::Header => "header",
            Location::Query => "query parameter",
            Location::Path => "path parameter",
        };
        Violation {
            location: match self.location {
                Location::Header => "header",
                Location::Query => "query",
                Location::Path => "path",
            },
            field: self.name.clone(),
            rule: rule.into(),
            message: format!("{kind} `{}` {what}", self.name),
        }
    }
}

/// Builds validators; identical schemas share one.
struct Compiler<'a> {
    document: &'a Value,
    cache: HashMap<String, Validator>,
}

impl Compiler<'_> {
    fn validator(&mut self, schema: &Value) -> Result<Validator, String> {
        let key = schema.to_string();
        if let Some(v) = self.cache.get(&key) {
            return Ok(v.clone());
        }
        // The schema is checked inside a root that carries the document's components, so its
        // `$ref: "#/components/schemas/..."` resolve as in the document.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": {"schemas": self.document["components"]["schemas"]},
            "allOf": [schema],
        });
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema {key}: {e}"))?;
        self.cache.insert(key, v.clone());
        Ok(v)
    }

    fn operation(&mut self, path: &str, method: &str, op: &Value) -> Result<Operation, String> {
        let id = op["operationId"]
            .as_str()
            .ok_or(format!("{method} {path}: no operationId"))?
            .to_owned();
        let mut params = Vec::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let p = resolve(self.document, p);
            let location = match p["in"].as_str() {
                Some("header") => Location::Header,
                Some("query") => Location::Query,
                Some("path") => Location::Path,
                other => return Err(format!("{id}: parameter location {other:?}")),
            };
            let schema = p.get("schema").cloned().unwrap_or(json!({}));
            params.push(Param {
                name: p["name"].as_str().unwrap_or_default().to_owned(),
                location,
                required: p["required"].as_bool().unwrap_or(false),
                forbidden: schema == json!({"not": {}}),
                check: self.validator(&schema)?,
                schema,
            });
        }
        let mut bodies = Vec::new();
        let request = resolve(self.document, &op["requestBody"]);
        for (media, content) in request["content"].as_object().into_iter().flatten() {
            let schema = content.get("schema").cloned().unwrap_or(json!({}));
            bodies.push((media.to_ascii_lowercase(), self.validator(&schema)?));
        }
        let mut responses = Vec::new();
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            let response = resolve(self.document, response);
            let check = match response["content"].get("application/json") {
                Some(content) => Some(self.validator(content.get("schema").unwrap_or(&json!({})))?),
                None => None,
            };
            responses.push((status.to_ascii_uppercase(), check));
        }
        Ok(Operation {
            id,
            method: method.to_owned(),
            segments: path.split('/').map(str::to_owned).collect(),
            params,
            body_required: request["required"].as_bool().unwrap_or(false),
            bodies,
            responses,
        })
    }
}

/// Follow a local `$ref` chain (`#/a/b`) in `document`.
fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| document.pointer(pointer))
        else {
            break;
        };
        value = target;
    }
    value
}

fn match_path(template: &[String], segments: &[&str]) -> Option<HashMap<String, String>> {
    if template.len() != segments.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (t, s) in template.iter().zip(segments) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) if !s.is_empty() => {
                params.insert(name.to_owned(), decode(s));
            }
            Some(_) => return None,
            None if t == s => {}
            None => return None,
        }
    }
    Some(params)
}

fn status_key(responses: &Map<String, Value>, status: u16) -> Option<&str> {
    let exact = status.to_string();
    let class = format!("{}XX", status / 100);
    responses
        .keys()
        .find(|k| **k == exact)
        .or_else(|| responses.keys().find(|k| k.eq_ignore_ascii_case(&class)))
        .map(String::as_str)
}

/// A parameter's text as the JSON value its schema talks about (`"10"` → 10 for an integer).
fn coerce(raw: &str, schema: &Value) -> Value {
    let parsed = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => raw.parse::<i64>().ok().map(Value::from),
        Some("number") => raw.parse::<f64>().ok().map(Value::from),
        Some("boolean") => raw.parse::<bool>().ok().map(Value::from),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(raw.to_owned()))
}

/// The keyword an error broke (the last segment of its schema path).
fn rule_of(e: &jsonschema::ValidationError<'_>) -> String {
    e.schema_path()
        .as_str()
        .rsplit('/')
        .next()
        .unwrap_or("schema")
        .to_owned()
}

/// `/items/0/ref` → `items[0].ref`.
fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

fn or_root(pointer: &str) -> String {
    let field = field_path(pointer);
    if field.is_empty() {
        "(body)".into()
    } else {
        field
    }
}

/// `a=1&b=x%20y` → pairs, percent- and plus-decoded.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(kv), String::new()),
        })
        .collect()
}

/// Percent- and plus-decoding of a query or path component (bytes that are not UTF-8 become
/// U+FFFD; a `%` not followed by two hex digits stays as it is).
pub fn decode(s: &str) -> String {
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_percent_and_plus_decoded() {
        // Oracle: RFC 3986 §2.1 (percent-encoded octets, UTF-8 per §2.5) and the form encoding
        // of HTML's application/x-www-form-urlencoded (`+` is a space); a `%` without two hex
        // digits after it is kept.
        assert_eq!(decode("x%20y+z%2B%41"), "x y z+A");
        assert_eq!(decode("%C3%BC%2F"), "ü/");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{fffd}");
        assert_eq!(
            parse_query("a=1&b=x%20y&&c"),
            [("a", "1"), ("b", "x y"), ("c", "")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn pull(headers: &[(String, String)], body: &str) -> Result<Option<Matched>, Violation> {
        Contract::embedded().check_request(&RequestView {
            method: "POST",
            path: "/api/v1/tracker/pull/",
            query: None,
            headers,
            body: body.as_bytes(),
        })
    }

    #[test]
    fn the_document_compiles_and_describes_every_operation() {
        let c = Contract::embedded();
        let mut ids: Vec<&str> = c.operations.iter().map(|o| o.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            [
                "bind_confirm",
                "bind_resolve",
                "bind_validate",
                "issue_search",
                "list_tickets",
                "login",
                "mappings",
                "me",
                "oauth_authorize",
                "oauth_device",
                "oauth_revoke",
                "oauth_token",
                "operation",
                "pull",
                "push",
                "refresh",
                "resources",
                "run",
                "session_status",
                "status"
            ]
        );
    }

    #[test]
    fn a_missing_team_header_is_named() {
        let v = pull(
            &headers(&[("content-type", "application/json")]),
            r#"{"provider":"linear","project_slug":"p","limit":10}"#,
        )
        .expect_err("no X-Team-Slug");
        assert_eq!(
            (v.location, v.field.as_str(), v.rule.as_str()),
            ("header", "X-Team-Slug", "required")
        );
        assert_eq!(v.message, "header `X-Team-Slug` is required");
    }

    #[test]
    fn a_string_limit_is_named() {
        let v = pull(
            &headers(&[("content-type", "application/json"), ("x-team-slug", "t")]),
            r#"{"provider":"linear","project_slug":"p","limit":"10"}"#,
        )
        .expect_err("string limit");
        assert_eq!(
            (v.location, v.field.as_str(), v.rule.as_str()),
            ("body", "limit", "type")
        );
        assert!(
            v.message
                .starts_with("body field `limit`: \"10\" is not of type \"integer\""),
            "{}",
            v.message
        );
    }

    #[test]
    fn query_parameters_are_checked() {
        let check = |query: &str| {
            Contract::embedded().check_request(&RequestView {
                method: "GET",
                path: "/api/v1/tracker/status/",
                query: Some(query),
                headers: &headers(&[("X-Team-Slug", "t")]),
                body: b"",
            })
        };
        assert!(check("provider=linear&project_slug=p")
            .expect("valid")
            .is_some());
        let v = check("provider=linear&project_slug=p&verbose=1").expect_err("unknown");
        assert_eq!((v.field.as_str(), v.rule.as_str()), ("verbose", "unknown"));
        let v = check("provider=trello&project_slug=p").expect_err("enum");
        assert_eq!((v.field.as_str(), v.rule.as_str()), ("provider", "enum"));
        let v = check("project_slug=p").expect_err("missing");
        assert_eq!(
            (v.field.as_str(), v.rule.as_str()),
            ("provider", "required")
        );
        assert!(check("provider=linear&binding_ref=br-1")
            .expect("routed by binding_ref")
            .is_some());
        // "Exactly one of project_slug and binding_ref" is beyond a parameter list: the mock
        // checks it (lib.rs `routing`), the document only describes both.
        // Without a routing key: the installation-wide status (`status --all`).
        assert!(check("provider=linear").expect("no routing key").is_some());
    }

    /// Oracle: reference upstream-3.2-tracker.md §4.2 (a body carries `binding_ref` or
    /// `project_slug`, never both, never neither).
    #[test]
    fn bodies_carry_exactly_one_routing_key() {
        let h = headers(&[("content-type", "application/json"), ("x-team-slug", "t")]);
        assert!(pull(&h, r#"{"provider":"linear","binding_ref":"br","limit":10}"#).is_ok());
        assert!(pull(&h, r#"{"provider":"linear","project_slug":"p","limit":10}"#).is_ok());
        for body in [
            r#"{"provider":"linear","limit":10}"#,
            r#"{"provider":"linear","project_slug":"p","binding_ref":"br","limit":10}"#,
        ] {
            assert!(pull(&h, body).is_err(), "{body}");
        }
    }

    #[test]
    fn idempotency_keys_belong_to_push_and_run_only() {
        let v = pull(
            &headers(&[
                ("content-type", "application/json"),
                ("x-team-slug", "t"),
                ("idempotency-key", "5f0c7f4e-8a3b-4c1d-9e2f-0a1b2c3d4e5f"),
            ]),
            r#"{"provider":"linear","project_slug":"p","limit":10}"#,
        )
        .expect_err("key on pull");
        assert_eq!(
            (v.field.as_str(), v.rule.as_str()),
            ("Idempotency-Key", "absent")
        );
        let run = |key: Option<&str>| {
            let mut h = headers(&[("content-type", "application/json"), ("x-team-slug", "t")]);
            if let Some(k) = key {
                h.push(("Idempotency-Key".into(), k.into()));
            }
            Contract::embedded().check_request(&RequestView {
                method: "POST",
                path: "/api/v1/tracker/run/",
                query: None,
                headers: &h,
                body: br#"{"provider":"linear","project_slug":"p","limit":10,"pull_first":true}"#,
            })
        };
        assert!(run(Some("5f0c7f4e-8a3b-4c1d-9e2f-0a1b2c3d4e5f")).is_ok());
        assert_eq!(run(None).expect_err("no key").rule, "required");
        assert_eq!(
            run(Some("not-a-uuid")).expect_err("bad key").field,
            "Idempotency-Key"
        );
    }

    #[test]
    fn undocumented_paths_are_not_checked_and_paths_match_templates() {
        let c = Contract::embedded();
        let view = |method, path| RequestView {
            method,
            path,
            query: None,
            headers: &[],
            body: b"",
        };
        assert_eq!(c.check_request(&view("GET", "/__mock/stats")), Ok(None));
        let v = c
            .check_request(&view("DELETE", "/api/v1/tracker/pull/"))
            .expect_err("method");
        assert_eq!(v.rule, "method");
        let m = c
            .check_request(&RequestView {
                headers: &headers(&[("X-Team-Slug", "t")]),
                ..view("GET", "/api/v1/tracker/operations/op%2D1/")
            })
            .expect("valid")
            .expect("documented");
        assert_eq!(m.operation_id, "operation");
        assert_eq!(m.path_params["id"], "op-1");
    }

    #[test]
    fn responses_are_checked_against_their_status() {
        let c = Contract::embedded();
        let accepted = br#"{"operation_id": "op-1", "status": "pending"}"#;
        assert_eq!(
            c.check_response("POST", "/api/v1/tracker/push/", 202, accepted),
            Ok(())
        );
        let err = c
            .check_response("POST", "/api/v1/tracker/pull/", 202, accepted)
            .expect_err("pull is never accepted");
        assert!(err.contains("does not answer 202"), "{err}");
        let err = c
            .check_response(
                "GET",
                "/api/v1/tracker/status/",
                503,
                br#"{"message": "down"}"#,
            )
            .expect_err("not an envelope");
        assert!(err.contains("\"code\" is a required property"), "{err}");
        assert!(c
            .check_response("GET", "/api/v1/tracker/status/", 502, b"<html>")
            .expect_err("html")
            .contains("not JSON"));
    }

    #[test]
    fn form_encoded_bodies_are_checked_like_json() {
        let doc = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /oauth/token:
    post:
      operationId: oauth_token
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type, refresh_token]
              properties:
                grant_type: {const: refresh_token}
                refresh_token: {type: string, minLength: 1}
      responses:
        "200": {description: ok}
components: {schemas: {}}
"#;
        let c = Contract::parse(doc).expect("document");
        let form = headers(&[("Content-Type", "application/x-www-form-urlencoded")]);
        let check = |body: &'static [u8]| {
            c.check_request(&RequestView {
                method: "POST",
                path: "/oauth/token",
                query: None,
                headers: &form,
                body,
            })
        };
        let m = check(b"grant_type=refresh_token&refresh_token=r%2B1")
            .expect("valid")
            .expect("documented");
        assert_eq!(
            m.body,
            Some(json!({"grant_type": "refresh_token", "refresh_token": "r+1"}))
        );
        let v = check(b"grant_type=password&refresh_token=r").expect_err("wrong grant");
        assert_eq!((v.field.as_str(), v.rule.as_str()), ("grant_type", "const"));
        assert_eq!(
            check(b"grant_type=refresh_token")
                .expect_err("missing")
                .rule,
            "required"
        );
    }

    #[test]
    fn field_paths_read_like_code() {
        assert_eq!(field_path("/items/0/ref"), "items[0].ref");
        assert_eq!(field_path(""), "");
        assert_eq!(field_path("/a~1b"), "a/b");
    }
}
