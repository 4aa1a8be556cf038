//! `auth doctor`'s checks of the spec-kitty 3.1+ login, with 3.2.7's finding ids where the
//! finding is the same (reference/upstream-3.2-tracker.md §7.7): F-001 no session (critical),
//! F-003 refresh lock stuck (critical), F-007 lock holder on another host (warn), F-008 session
//! not confirmed (critical when known bad, warn when it cannot be verified offline). Each
//! remediation is a command of this binary. Everything here is local and read-only except the
//! optional server check and the lock release, which the caller asks for.

use super::encrypted::model::StoredSession;
use crate::auth::encrypted::{Cause, Unreadable};
use jiff::Timestamp;
use serde_json::{json, Value};

/// What the holder of `refresh.lock` wrote (`{host, pid, schema_version, started_at, version}`).
#[derive(Debug, Clone)]
pub struct LockRecord {
    /// Holder's host name.
    pub host: String,
    /// Holder's pid.
    pub pid: i64,
    /// When it took the lock.
    pub started_at: Timestamp,
}

impl LockRecord {
    /// Parse a record; `None` for an empty (released) or unreadable file.
    pub fn parse(bytes: &[u8]) -> Option<LockRecord> {
        let v: Value = serde_json::from_slice(bytes).ok()?;
        Some(LockRecord {
            host: v.get("host")?.as_str()?.to_owned(),
            pid: v.get("pid")?.as_i64()?,
            started_at: crate::timefmt::parse(v.get("started_at")?.as_str()?)?,
        })
    }

    /// Age at `now`, in seconds.
    pub fn age(&self, now: Timestamp) -> f64 {
        (now.as_millisecond() - self.started_at.as_millisecond()) as f64 / 1000.0
    }
}

/// The offline verdict on a session (as `auth status` gives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The access token is valid.
    Ok,
    /// The access token expired; the refresh token may still work (not checked offline).
    Unknown,
    /// The refresh token expired (or the server said the session is gone).
    Fail,
}

impl Verdict {
    /// The verdict of `s` at `now`.
    pub fn of(s: &StoredSession, now: Timestamp) -> Verdict {
        if s.refresh_expired(now) {
            Verdict::Fail
        } else if s.access_valid(now) {
            Verdict::Ok
        } else {
            Verdict::Unknown
        }
    }
}

/// What `--server` learnt.
#[derive(Debug, Clone)]
pub enum ServerCheck {
    /// 200 from `/api/v1/session-status`.
    Active(String),
    /// 401, or a refresh that needs a new login.
    Invalid,
    /// Anything else (the reason).
    Failed(String),
}

/// One finding.
fn finding(id: &str, severity: &str, summary: String, command: &str, description: &str) -> Value {
    json!({
        "id": id,
        "severity": severity,
        "summary": summary,
        "remediation": {"command": command, "description": description},
    })
}

/// F-001 (no usable session) for a `session.json` that exists but cannot be decrypted, damaged
/// or foreign: it says so and names the commands that replace or remove it.
pub fn unreadable_session(findings: &mut [Value], unreadable: &Unreadable) {
    let what = match unreadable.cause {
        Cause::Foreign => "made on another host or by another user, or damaged",
        _ => "damaged",
    };
    for f in findings.iter_mut().filter(|f| f["id"] == "F-001") {
        f["summary"] = format!(
            "No active session: the stored session is {what} ({})",
            unreadable.why
        )
        .into();
        f["remediation"] = json!({
            "command": "spec-kitty-tracker auth login",
            "description": "log in again (it replaces the file); `spec-kitty-tracker auth logout` removes it",
        });
    }
}

/// The findings for the session (or why there is none), the lock and the server check.
/// `legacy_user`: the user of a 3.0 credentials-file login, when there is one (then a missing
/// 3.1+ session is a warning: this tool still has a login for servers of the frozen contract).
pub fn findings(
    session: Option<&StoredSession>,
    legacy_user: Option<&str>,
    lock: Option<&LockRecord>,
    threshold: f64,
    server: Option<&ServerCheck>,
    now: Timestamp,
) -> Vec<Value> {
    let mut out = Vec::new();
    match session {
        None if legacy_user.is_some() => out.push(finding(
            "F-001",
            "warn",
            format!(
                "No spec-kitty 3.1+ session (the 3.0 credentials file holds the login of {})",
                legacy_user.unwrap_or_default()
            ),
            "spec-kitty-tracker auth login",
            "log in with OAuth for servers of spec-kitty 3.1 and later",
        )),
        None => out.push(finding(
            "F-001",
            "critical",
            "No active session".into(),
            "spec-kitty-tracker auth login",
            "log in (add --headless without a browser)",
        )),
        Some(s) => {
            let offline = Verdict::of(s, now);
            let (severity, evidence) = match (server, offline) {
                (Some(ServerCheck::Invalid), _) => (
                    Some("critical"),
                    "the server does not know the session".to_owned(),
                ),
                (Some(ServerCheck::Active(_)), _) => (None, String::new()),
                (_, Verdict::Fail) => (Some("critical"), "the refresh token expired".to_owned()),
                (_, Verdict::Unknown) => (
                    Some("warn"),
                    "access token expired; refresh chain not verified offline".to_owned(),
                ),
                (_, Verdict::Ok) => (None, String::new()),
            };
            if let Some(severity) = severity {
                let (command, description) = if severity == "critical" {
                    ("spec-kitty-tracker auth login --force", "log in again")
                } else {
                    (
                        "spec-kitty-tracker auth doctor --server",
                        "ask the server (refreshes the access token)",
                    )
                };
                out.push(finding(
                    "F-008",
                    severity,
                    format!("Session health not confirmed: {evidence}"),
                    command,
                    description,
                ));
            }
        }
    }
    if let Some(record) = lock {
        let age = record.age(now);
        if age > threshold {
            out.push(finding(
                "F-003",
                "critical",
                format!("Refresh lock stuck (age {age:.1}s > threshold {threshold:.0}s)"),
                "spec-kitty-tracker auth doctor --unstick-lock",
                "release the lock left by a process that is gone",
            ));
        }
        let here = gethostname::gethostname().to_string_lossy().into_owned();
        if record.host != here {
            out.push(finding(
                "F-007",
                "warn",
                format!(
                    "Lock holder is on a different host (holder={}, this={here})",
                    record.host
                ),
                "spec-kitty-tracker auth doctor --unstick-lock",
                "release it once that host's process is known to be gone (a shared home directory)",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Python-made session of tests/fixtures/session32/vector.json, its access token
    /// expiring `access_in` seconds and its refresh token `refresh_in` seconds after `now`.
    fn session(now: Timestamp, access_in: i64, refresh_in: i64) -> StoredSession {
        let v: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/session32/vector.json"))
                .expect("vector");
        let mut s = StoredSession::from_json(v["plaintext"].as_str().expect("text").as_bytes())
            .expect("session");
        let at = |d: i64| {
            crate::auth::encrypted::model::IsoTime::utc(
                Timestamp::from_second(now.as_second() + d).expect("ts"),
            )
        };
        s.access_token_expires_at = at(access_in);
        s.refresh_token_expires_at = Some(at(refresh_in));
        s
    }

    /// F-008 as 3.2.7 grades it: warn while the verdict is unknown offline, critical when it
    /// fails; the server's answer decides when it was asked.
    #[test]
    fn an_unconfirmed_session_is_f_008() {
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().expect("ts");
        let graded = |s: &StoredSession, server: Option<&ServerCheck>| -> Vec<String> {
            findings(Some(s), None, None, 60.0, server, now)
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        f["id"].as_str().unwrap_or(""),
                        f["severity"].as_str().unwrap_or("")
                    )
                })
                .collect()
        };
        let fine = session(now, 600, 86_400);
        let stale = session(now, -60, 86_400);
        let dead = session(now, -60, -1);
        assert!(graded(&fine, None).is_empty());
        assert_eq!(graded(&stale, None), ["F-008 warn"]);
        assert_eq!(graded(&dead, None), ["F-008 critical"]);
        assert!(graded(&stale, Some(&ServerCheck::Active("s".into()))).is_empty());
        assert_eq!(
            graded(&fine, Some(&ServerCheck::Invalid)),
            ["F-008 critical"]
        );
        assert_eq!(
            graded(&stale, Some(&ServerCheck::Failed("x".into()))),
            ["F-008 warn"]
        );
    }

    #[test]
    fn records_parse_and_stuck_locks_are_critical() {
        let now: Timestamp = "2026-12-01T10:01:30Z".parse().expect("ts");
        let r = LockRecord::parse(
            br#"{"host": "elsewhere", "pid": 7, "schema_version": 1, "started_at": "2026-12-01T10:00:00+00:00", "version": "3.2.7"}"#,
        )
        .expect("record");
        assert_eq!(r.age(now), 90.0);
        assert!(LockRecord::parse(b"").is_none());
        let ids: Vec<String> = findings(None, None, Some(&r), 60.0, None, now)
            .iter()
            .map(|f| format!("{} {}", f["id"], f["severity"]))
            .collect();
        assert_eq!(
            ids,
            [
                "\"F-001\" \"critical\"",
                "\"F-003\" \"critical\"",
                "\"F-007\" \"warn\""
            ]
        );
        assert!(findings(None, Some("alice"), Some(&r), 120.0, None, now)
            .iter()
            .all(|f| f["id"] != "F-003" && f["severity"] != "critical"));
    }
}
