//! The Spec Kitty server URL (SPEC §6): `--server-url`, else `SPEC_KITTY_SAAS_URL`, else
//! `<state root>/config.toml` `[sync] server_url`. No hidden default. `https` is required
//! except for loopback hosts, so a bearer token never crosses the network in clear text.
//! A URL with userinfo (`user:pass@`), a query or a fragment is refused, naming the part: the
//! server URL is scheme, host, port and path only (RFC 3986 §3), and a password in it is
//! never printed (messages show `***@`).

use crate::error::io_reason;
use crate::error::CliError;
use reqwest::Url;
use std::net::IpAddr;
use std::path::PathBuf;

/// A validated server base URL without trailing slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    base: String,
    host: String,
}

impl ServerUrl {
    /// Validate `raw` (from `source`, named in errors).
    pub fn parse(raw: &str, source: &str) -> Result<ServerUrl, CliError> {
        let trimmed = raw.trim().trim_end_matches('/');
        let shown = redact(raw.trim());
        let invalid = |why: &str| {
            CliError::failed(
                "invalid_server_url",
                format!("invalid server URL '{shown}' ({source}): {why}"),
            )
        };
        let refused = |part: &str| {
            invalid(&format!("it must not contain {part}")).hint(
                "the server URL is scheme, host, port and path only, e.g. https://app.spec-kitty.ai; log in with `spec-kitty-tracker auth login`",
            )
        };
        let userinfo = "a user name or password (userinfo before '@')";
        if authority(trimmed).contains('@') {
            return Err(refused(userinfo));
        }
        let url = Url::parse(trimmed).map_err(|e| {
            invalid(&e.to_string()).hint("use a URL such as https://app.spec-kitty.ai")
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused(userinfo));
        }
        if url.query().is_some() {
            return Err(refused("a query ('?...')"));
        }
        if url.fragment().is_some() {
            return Err(refused("a fragment ('#...')"));
        }
        let host = url.host_str().unwrap_or("");
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(CliError::failed(
                    "insecure_server_url",
                    format!(
                        "refusing to send credentials to {trimmed} ({source}): plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost)"
                    ),
                )
                .hint(format!("use https://{}", &trimmed["http://".len()..])))
            }
            other => return Err(invalid(&format!("scheme {other} is not http or https"))),
        }
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        Ok(ServerUrl {
            base: trimmed.to_owned(),
            host: host.to_owned(),
        })
    }

    /// The host name or address (IPv6 in brackets), e.g. `app.spec-kitty.ai`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The base URL, e.g. `https://app.spec-kitty.ai`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// `base` + `path` (path starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The authority of a URL-like text: after `scheme://` (if any), up to the path, query or
/// fragment.
fn authority(text: &str) -> &str {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

/// `text` with any userinfo masked (`https://***@host`), for messages.
pub fn redact(text: &str) -> String {
    let auth = authority(text);
    match auth.rfind('@') {
        Some(at) => {
            let start = auth.as_ptr() as usize - text.as_ptr() as usize;
            format!("{}***{}", &text[..start], &text[start + at..])
        }
        None => text.to_owned(),
    }
}

/// Whether `host` is a loopback name or address.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// Resolve the server URL from, in this order, the `--server-url` value `arg`, the
/// `SPEC_KITTY_SAAS_URL` value `env_url` and `<state_root>/config.toml`; `state_root` is only
/// needed (its error only returned) when neither of the first two is given.
pub fn resolve(
    arg: Option<&str>,
    env_url: Option<&str>,
    state_root: Result<PathBuf, CliError>,
) -> Result<ServerUrl, CliError> {
    if let Some(raw) = arg {
        return ServerUrl::parse(raw, "--server-url");
    }
    if let Some(raw) = env_url {
        return ServerUrl::parse(raw, "SPEC_KITTY_SAAS_URL");
    }
    let path = state_root?.join("config.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
                CliError::failed(
                    "config_parse",
                    format!(
                        "cannot parse {}: {}",
                        path.display(),
                        e.message().trim_end()
                    ),
                )
            })?;
            if let Some(raw) = doc
                .get("sync")
                .and_then(|s| s.get("server_url"))
                .and_then(|v| v.as_str())
            {
                return ServerUrl::parse(raw, &format!("{} [sync] server_url", path.display()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(CliError::failed(
                "config_read",
                format!("cannot read {}: {}", path.display(), io_reason(&e)),
            ))
        }
    }
    Err(CliError::failed("no_server_url", "No Spec Kitty server URL is configured.").hint(format!(
        "pass --server-url https://app.spec-kitty.ai, set SPEC_KITTY_SAAS_URL, or add server_url under [sync] in {}",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert_eq!(
            ServerUrl::parse("https://app.spec-kitty.ai///", "t")
                .expect("ok")
                .as_str(),
            "https://app.spec-kitty.ai"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.5.5",
            "http://localhost:1/",
            "http://[::1]:9",
        ] {
            assert!(ServerUrl::parse(ok, "t").is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "not a url",
            "https://",
        ] {
            assert!(ServerUrl::parse(bad, "t").is_err(), "{bad}");
        }
        assert_eq!(
            ServerUrl::parse("http://[::1]:9", "t").expect("ok").host(),
            "[::1]"
        );
        let err = ServerUrl::parse("http://example.com", "--server-url").expect_err("insecure");
        assert_eq!(err.code, "insecure_server_url");
        assert!(err.hints[0].contains("https://example.com"));
    }

    #[test]
    fn userinfo_query_and_fragment_are_refused_without_showing_a_password() {
        for (url, part) in [
            ("http://user:pw-123@127.0.0.1:9", "user name or password"),
            ("https://user@app.example", "user name or password"),
            ("user:pw-123@app.example", "user name or password"),
            ("https://:pw-123@app.example:99999", "user name or password"),
            ("https://app.example/?x=1", "a query"),
            ("https://app.example?", "a query"),
            ("https://app.example/#frag", "a fragment"),
        ] {
            let err = ServerUrl::parse(url, "t").expect_err(url);
            let text = format!("{err}");
            assert!(text.contains(part), "{url}: {text}");
            assert!(!text.contains("pw-123"), "{url}: {text}");
        }
        assert_eq!(redact("https://a:b@h/x@y"), "https://***@h/x@y");
    }
}
