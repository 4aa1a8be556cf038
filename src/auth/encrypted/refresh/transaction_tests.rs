//! [`Refresher::run`] driven in-process against a loopback wiremock server, one test per branch
//! of the refresh transaction.
//!
//! Oracle for every test here: spec-kitty-cli 3.2.7's refresh transaction
//! (`auth/refresh_transaction.py`, `auth/flows/refresh.py`) as recorded in
//! /work/shared/reference/upstream-3.2-session.md ("Locks" and "Refresh"): adopt a newer
//! stored session without a request, one form-encoded grant, rotation written back, a rejected
//! grant deletes the session only when the rejected material is still the stored one, one
//! retry after a benign replay with a newer stored token, 10 s bounds on the lock and the grant.
//! "Another process" is a second [`EncryptedStore`] on the same directory writing while our
//! grant is in flight (from the wiremock responder), as 3.2.7 would between our request and
//! our re-read.

use super::*;
use crate::auth::encrypted::lock::LOCK_WAIT;
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use tempfile::TempDir;
use wiremock::matchers::{body_string, body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The lock wait and grant bound the tests use instead of 3.2.7's 10 s: long enough for a
/// "meanwhile" write (a key derivation, slow in a debug build on a busy machine) to fit in.
const SHORT: Duration = Duration::from_millis(1500);

/// A state root with a store (salt written, no session yet) and a wiremock server.
struct Fixture {
    dir: TempDir,
    store: EncryptedStore,
    server: MockServer,
    url: ServerUrl,
    http: Http,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = EncryptedStore::new(dir.path());
    std::fs::create_dir_all(&store.dir).expect("auth dir");
    std::fs::write(store.salt_path(), [7u8; 16]).expect("salt");
    let server = MockServer::start().await;
    let url = ServerUrl::parse(&server.uri(), "test").expect("loopback url");
    let http = Http::new(&url, None, None).expect("client");
    Fixture {
        dir,
        store,
        server,
        url,
        http,
    }
}

impl Fixture {
    fn refresher(&self) -> Refresher<'_> {
        Refresher::new(&self.store, &self.url, &self.http).with_waits(SHORT, SHORT)
    }

    fn stored(&self) -> Option<StoredSession> {
        self.store.read().expect("readable store")
    }

    /// Mount `reply` for the grant spending `refresh` (exactly `times` requests).
    async fn grant(&self, refresh: &str, reply: impl Respond + 'static, times: u64) {
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(body_string_contains(format!("refresh_token={refresh}&")))
            .respond_with(reply)
            .expect(times)
            .mount(&self.server)
            .await;
    }

    async fn requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .expect("recorded")
            .len()
    }

    /// "Another process" on the same state root: writes `newer` (or logs out when `None`)
    /// while our grant is in flight, then the server answers `reply`.
    fn meanwhile(&self, newer: Option<StoredSession>, reply: ResponseTemplate) -> Meanwhile {
        Meanwhile {
            root: self.dir.path().to_path_buf(),
            newer,
            reply,
        }
    }
}

/// A responder that changes the store before answering (see [`Fixture::meanwhile`]).
struct Meanwhile {
    root: PathBuf,
    newer: Option<StoredSession>,
    reply: ResponseTemplate,
}

impl Respond for Meanwhile {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let other = EncryptedStore::new(&self.root);
        match &self.newer {
            Some(s) => other.write(s).expect("the other process writes"),
            None => other.delete().expect("the other process logs out"),
        }
        self.reply.clone()
    }
}

/// The vector session with these tokens; the access token expires `access_in` seconds from
/// now, the refresh token `refresh_in` seconds from now (`None`: unknown).
fn session(access: &str, refresh: &str, access_in: i64, refresh_in: Option<i64>) -> StoredSession {
    let v: Value = serde_json::from_str(include_str!(
        "../../../../tests/fixtures/session32/vector.json"
    ))
    .expect("vector");
    let mut s = StoredSession::from_json(v["plaintext"].as_str().expect("text").as_bytes())
        .expect("session");
    let at = |secs: i64| {
        IsoTime::utc(Timestamp::from_second(Timestamp::now().as_second() + secs).expect("in range"))
    };
    s.access_token = Secret::new(access);
    s.refresh_token = Secret::new(refresh);
    s.access_token_expires_at = at(access_in);
    s.refresh_token_expires_at = refresh_in.map(at);
    s
}

fn tokens(s: &StoredSession) -> (&str, &str) {
    (s.access_token.expose(), s.refresh_token.expose())
}

fn rejected(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": code }))
}

fn replay() -> ResponseTemplate {
    ResponseTemplate::new(409).set_body_json(json!({"error": "refresh_replay_benign_retry"}))
}

fn granted(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": access, "refresh_token": refresh, "expires_in": 600, "token_type": "Bearer"}),
    )
}

fn assert_error(err: &CliError, exit: u8, code: &str, message: &str) {
    assert_eq!(
        (err.kind.exit_code(), err.code.as_str()),
        (exit, code),
        "{}",
        err.message
    );
    assert!(err.message.contains(message), "{}", err.message);
}

/// 3.2.7: an expired access token with the stored material in hand is refreshed with one
/// form-encoded grant; the rotation is written back under the lock and the lock record is
/// cleared on release.
#[tokio::test]
async fn a_granted_refresh_is_written_back() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string(
            "grant_type=refresh_token&refresh_token=ref-old&client_id=cli_native",
        ))
        .respond_with(granted("acc-new", "ref-new"))
        .expect(1)
        .mount(&f.server)
        .await;
    let fresh = f.refresher().run(&old).await.expect("granted");
    assert_eq!(tokens(&fresh), ("acc-new", "ref-new"));
    assert!(fresh.access_valid(Timestamp::now()));
    let stored = f.stored().expect("kept");
    assert_eq!(tokens(&stored), ("acc-new", "ref-new"));
    assert_eq!(
        (stored.session_id.as_str(), stored.email.as_str()),
        (old.session_id.as_str(), old.email.as_str()),
        "identity kept"
    );
    let lock = std::fs::read(f.store.refresh_lock_path()).expect("lock file stays");
    assert!(lock.is_empty(), "the holder record is truncated on release");
}

/// 3.2.7: `invalid_grant` / `session_invalid` for the material that is still stored deletes
/// the session (session, salt) and reports "Session expired".
#[tokio::test]
async fn a_rejected_refresh_of_the_stored_material_deletes_the_session() {
    for (status, code) in [(400, "invalid_grant"), (401, "session_invalid")] {
        let f = fixture().await;
        let old = session("acc-old", "ref-old", -60, None);
        f.store.write(&old).expect("write");
        f.grant("ref-old", rejected(status, code), 1).await;
        let err = f.refresher().run(&old).await.expect_err(code);
        assert_error(&err, 4, "session_expired", "Session expired");
        assert!(f.stored().is_none(), "{code}: session deleted");
        assert!(!f.store.salt_path().exists(), "{code}: salt deleted");
    }
}

/// 3.2.7: when another process rotated the session while our grant was rejected, the newer
/// stored session is kept and used.
#[tokio::test]
async fn a_rejected_refresh_adopts_a_session_rotated_meanwhile() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let newer = session("acc-b", "ref-b", 3600, None);
    let reply = f.meanwhile(Some(newer), rejected(400, "invalid_grant"));
    f.grant("ref-old", reply, 1).await;
    let used = f.refresher().run(&old).await.expect("adopted");
    assert_eq!(tokens(&used), ("acc-b", "ref-b"));
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-b", "ref-b"));
}

/// 3.2.7 keeps a newer stored session after a rejection; when its access token is not usable
/// yet we neither delete it nor spend its refresh token: a retryable failure (exit 1).
#[tokio::test]
async fn a_rejected_refresh_with_a_newer_but_expired_access_token_is_busy() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let newer = session("acc-b", "ref-b", -60, None);
    let reply = f.meanwhile(Some(newer), rejected(401, "session_invalid"));
    f.grant("ref-old", reply, 1).await;
    let err = f.refresher().run(&old).await.expect_err("busy");
    assert_error(&err, 1, "refresh_busy", "rotated by another process");
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-b", "ref-b"));
}

/// 3.2.7 drops a session whose refresh token has expired: after a rejection, a newer stored
/// session that can no longer be refreshed is deleted too ("Session expired").
#[tokio::test]
async fn a_rejected_refresh_with_a_newer_but_dead_session_deletes_it() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let newer = session("acc-b", "ref-b", -60, Some(-1));
    let reply = f.meanwhile(Some(newer), rejected(400, "invalid_grant"));
    f.grant("ref-old", reply, 1).await;
    let err = f.refresher().run(&old).await.expect_err("expired");
    assert_error(&err, 4, "session_expired", "Session expired");
    assert!(f.stored().is_none());
}

/// 3.2.7: a rejection after another process logged out is "Session expired", nothing stored.
#[tokio::test]
async fn a_rejected_refresh_after_a_logout_meanwhile_is_session_expired() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let reply = f.meanwhile(None, rejected(400, "invalid_grant"));
    f.grant("ref-old", reply, 1).await;
    let err = f.refresher().run(&old).await.expect_err("expired");
    assert_error(&err, 4, "session_expired", "Session expired");
    assert!(!f.store.exists());
}

/// 3.2.7: 409 `refresh_replay_benign_retry` with no newer stored token: no second grant, the
/// session is kept, a retryable failure.
#[tokio::test]
async fn a_replay_without_a_newer_token_keeps_the_session_and_is_busy() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    f.grant("ref-old", replay(), 1).await;
    let err = f.refresher().run(&old).await.expect_err("replay");
    assert_error(&err, 1, "refresh_busy", "Refresh token replay detected");
    assert!(
        err.hints.iter().any(|h| h.contains("auth login")),
        "{:?}",
        err.hints
    );
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-old", "ref-old"));
    assert_eq!(f.requests().await, 1, "one grant only");
}

/// 3.2.7: after a replay, one retry with the newer stored refresh token; its rotation is built
/// on the newer session and written back.
#[tokio::test]
async fn a_replay_retries_once_with_the_newer_stored_token() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let mut newer = session("acc-b", "ref-b", -60, None);
    newer.scope = "offline_access newer".into();
    f.grant("ref-old", f.meanwhile(Some(newer), replay()), 1)
        .await;
    f.grant("ref-b", granted("acc-c", "ref-c"), 1).await;
    let fresh = f.refresher().run(&old).await.expect("retried");
    assert_eq!(tokens(&fresh), ("acc-c", "ref-c"));
    let stored = f.stored().expect("kept");
    assert_eq!(tokens(&stored), ("acc-c", "ref-c"));
    assert_eq!(
        stored.scope, "offline_access newer",
        "built on the newer session"
    );
}

/// 3.2.7 retries once only: a failed retry after a replay is the replay failure, and the
/// newer session is left alone.
#[tokio::test]
async fn a_failed_retry_after_a_replay_is_the_replay_failure() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let newer = session("acc-b", "ref-b", -60, None);
    f.grant("ref-old", f.meanwhile(Some(newer), replay()), 1)
        .await;
    f.grant("ref-b", rejected(400, "invalid_grant"), 1).await;
    let err = f.refresher().run(&old).await.expect_err("replay");
    assert_error(&err, 1, "refresh_busy", "Refresh token replay detected");
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-b", "ref-b"));
}

/// 3.2.7: under the lock, a stored `(session_id, refresh_token)` other than the one in hand
/// with a usable access token is adopted without any request.
#[tokio::test]
async fn a_newer_usable_stored_session_is_adopted_without_a_request() {
    let f = fixture().await;
    f.store
        .write(&session("acc-b", "ref-b", 3600, None))
        .expect("write");
    let in_hand = session("acc-old", "ref-old", -60, None);
    let used = f.refresher().run(&in_hand).await.expect("adopted");
    assert_eq!(tokens(&used), ("acc-b", "ref-b"));
    assert_eq!(f.requests().await, 0);
}

/// 3.2.7 never sends a refresh token known to have expired, and cannot refresh a session
/// that is not stored: both fail without a request.
#[tokio::test]
async fn a_dead_or_missing_session_fails_without_a_request() {
    let f = fixture().await;
    let dead = session("acc-old", "ref-old", -60, Some(-1));
    let err = f.refresher().run(&dead).await.expect_err("none stored");
    assert_error(&err, 4, "auth_required", "No valid access token");
    f.store.write(&dead).expect("write");
    let err = f.refresher().run(&dead).await.expect_err("dead");
    assert_error(&err, 4, "session_expired", "Session expired");
    assert_eq!(f.requests().await, 0);
}

/// 3.2.7: when `refresh.lock` stays held for the whole wait, a stored session with a usable
/// access token is used, else the command fails asking to retry; no grant either way.
#[tokio::test]
async fn a_held_refresh_lock_adopts_a_usable_session_or_is_busy() {
    let f = fixture().await;
    let other = lock::refresh_lock(&f.store.refresh_lock_path(), LOCK_WAIT).expect("held");
    let in_hand = session("acc-old", "ref-old", -60, None);
    f.store
        .write(&session("acc-b", "ref-b", 3600, None))
        .expect("write");
    let started = Instant::now();
    let used = f.refresher().run(&in_hand).await.expect("adopted");
    assert!(started.elapsed() >= SHORT, "the lock was waited for");
    assert_eq!(tokens(&used), ("acc-b", "ref-b"));

    f.store.write(&in_hand).expect("write");
    let err = f.refresher().run(&in_hand).await.expect_err("busy");
    assert_error(
        &err,
        1,
        "refresh_busy",
        "Another spec-kitty process is refreshing",
    );
    assert_eq!(f.requests().await, 0);
    drop(other);
}

/// The OS refuses to open a directory for writing: a lock that cannot be taken is a named
/// failure, not a panic and not a request.
#[tokio::test]
async fn an_unopenable_refresh_lock_is_named() {
    let f = fixture().await;
    std::fs::create_dir(f.store.refresh_lock_path()).expect("dir in the way");
    let in_hand = session("acc-old", "ref-old", -60, None);
    f.store.write(&in_hand).expect("write");
    let err = f.refresher().run(&in_hand).await.expect_err("io");
    assert_error(&err, 1, "session_lock", "cannot lock");
    assert_eq!(f.requests().await, 0);
}

/// 3.2.7 bounds the grant (10 s there, [`SHORT`] here): a slower answer is a network failure
/// naming the server, and the stored session is untouched.
#[tokio::test]
async fn a_grant_slower_than_the_bound_is_a_network_error() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let slow = granted("acc-new", "ref-new").set_delay(Duration::from_secs(5));
    f.grant("ref-old", slow, 1).await;
    let started = Instant::now();
    let err = f.refresher().run(&old).await.expect_err("timeout");
    assert!(started.elapsed() < Duration::from_secs(4), "bounded");
    assert_error(&err, 5, "network", &f.server.uri());
    assert!(
        err.message.contains("took longer than 1.5s"),
        "{}",
        err.message
    );
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-old", "ref-old"));
}

/// Red-team 2 item 3. 3.2.7's `_update_session` stores a granted answer as it is; we store the
/// refresh token it issued (the server has spent the old one), with an unusable access token
/// marked expired, then report the problem; the next run refreshes with the issued token
/// instead of spending the old one (which the server would refuse, deleting the shared login).
#[tokio::test]
async fn an_unusable_granted_answer_keeps_the_issued_refresh_token_then_reports() {
    let answers = [
        (
            json!({"access_token": "acc-1", "refresh_token": "ref-1", "expires_in": -100}),
            "`expires_in` is -100",
        ),
        (
            json!({"access_token": "acc\r\n1", "refresh_token": "ref-1", "expires_in": 600}),
            "`access_token`: it holds U+000D",
        ),
        (
            json!({"access_token": "acc-\u{fc}", "refresh_token": "ref-1", "expires_in": 600}),
            "`access_token`: it holds U+00FC",
        ),
        (
            json!({"refresh_token": "ref-1", "expires_in": 600}),
            "`access_token` is missing",
        ),
    ];
    for (answer, problem) in answers {
        let f = fixture().await;
        let old = session("acc-old", "ref-old", -60, None);
        f.store.write(&old).expect("write");
        f.grant(
            "ref-old",
            ResponseTemplate::new(200).set_body_json(answer.clone()),
            1,
        )
        .await;
        let err = f.refresher().run(&old).await.expect_err("reported");
        assert_error(&err, 1, "unexpected_response", problem);
        let stored = f.stored().expect("kept");
        assert_eq!(stored.refresh_token.expose(), "ref-1", "{answer}");
        assert!(!stored.access_valid(Timestamp::now()), "{answer}");
        assert_eq!(stored.session_id, old.session_id);
        // The next command refreshes with the issued token.
        f.grant("ref-1", granted("acc-2", "ref-2"), 1).await;
        let fresh = f.refresher().run(&stored).await.expect("granted");
        assert_eq!(tokens(&fresh), ("acc-2", "ref-2"));
        assert_eq!(f.requests().await, 2);
    }
}

/// Red-team 2 item 4. Another tool logs in (a new session, only `session.lock` taken) while our
/// grant is in flight: the re-read under `session.lock` before writing finds it, keeps it and
/// uses it; a logout meanwhile stands. (Was: overwritten by our rotated copy of the older one.)
#[tokio::test]
async fn a_session_written_while_the_grant_is_in_flight_is_kept_and_used() {
    let f = fixture().await;
    let old = session("acc-old", "ref-old", -60, None);
    f.store.write(&old).expect("write");
    let mut login = session("acc-login", "ref-login", 3600, None);
    login.session_id = "sess-other-login".into();
    f.grant(
        "ref-old",
        f.meanwhile(Some(login.clone()), granted("acc-new", "ref-new")),
        1,
    )
    .await;
    let used = f.refresher().run(&old).await.expect("the login's session");
    assert_eq!(tokens(&used), ("acc-login", "ref-login"));
    let stored = f.stored().expect("kept");
    assert_eq!(tokens(&stored), ("acc-login", "ref-login"));
    assert_eq!(stored.session_id, "sess-other-login");

    // The same session id with another refresh token (a login that reused the id) is kept too.
    let f = fixture().await;
    f.store.write(&old).expect("write");
    let relogin = session("acc-re", "ref-re", -60, None);
    f.grant(
        "ref-old",
        f.meanwhile(Some(relogin), granted("acc-new", "ref-new")),
        1,
    )
    .await;
    let used = f.refresher().run(&old).await.expect("kept");
    assert_eq!(tokens(&used), ("acc-re", "ref-re"));
    assert_eq!(tokens(&f.stored().expect("kept")), ("acc-re", "ref-re"));

    // Logged out meanwhile: nothing is written back.
    let f = fixture().await;
    f.store.write(&old).expect("write");
    f.grant(
        "ref-old",
        f.meanwhile(None, granted("acc-new", "ref-new")),
        1,
    )
    .await;
    let err = f.refresher().run(&old).await.expect_err("logged out");
    assert_error(&err, 4, "auth_required", "No valid access token");
    assert!(f.stored().is_none(), "the logout stands");
    assert!(!f.store.salt_path().exists(), "no salt written back");
}
