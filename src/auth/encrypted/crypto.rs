//! The encryption layout of spec-kitty-cli 3.1+ `session.json` (its
//! `auth/secure_storage/file_fallback.py`): key = scrypt(`"<hostname>:<uid>"`, the 16-byte
//! `session.salt`, N = 2^14, r = 8, p = 1, 32 bytes); AES-256-GCM with a fresh random 12-byte
//! nonce per write and no associated data; the file is
//! `{"version": 2, "nonce": "<hex>", "ciphertext": "<hex of ciphertext + tag>"}`.

use aes_gcm::aead::{Aead, Generate, KeyInit};
use aes_gcm::{Aes256Gcm, Key};

/// The 12-byte GCM nonce.
type Nonce = aes_gcm::Nonce<aes_gcm::aead::consts::U12>;
use serde::{Deserialize, Serialize};

/// The only file format version 3.1+ reads and writes.
pub const FORMAT_VERSION: i64 = 2;
/// Length of the GCM tag at the end of the ciphertext.
const TAG_LEN: usize = 16;
/// Length of `session.salt`.
pub const SALT_LEN: usize = 16;

/// A derived AES-256 key (kept in memory only for one command).
#[derive(Clone)]
pub struct SessionKey(Key<Aes256Gcm>);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

/// The on-disk JSON envelope of `session.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Blob {
    /// Format version (2).
    pub version: serde_json::Value,
    /// 12-byte nonce, hex.
    pub nonce: String,
    /// Ciphertext followed by the 16-byte GCM tag, hex.
    pub ciphertext: String,
}

/// The scrypt password: `"<hostname>:<uid>"` as Python's `socket.gethostname()` and
/// `os.getuid()` give them (uid 0 where there is none, as on Windows).
pub fn host_identity() -> String {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    format!("{host}:{}", uid())
}

#[cfg(unix)]
fn uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

#[cfg(not(unix))]
fn uid() -> u32 {
    0
}

/// Derive the key from `identity` (see [`host_identity`]) and the salt.
pub fn derive_key(identity: &str, salt: &[u8]) -> Result<SessionKey, String> {
    if salt.len() != SALT_LEN {
        return Err(format!(
            "the salt has {} bytes; expected {SALT_LEN}",
            salt.len()
        ));
    }
    let params = scrypt::Params::new(14, 8, 1).map_err(|e| format!("scrypt parameters: {e}"))?;
    let mut key = Key::<Aes256Gcm>::default();
    scrypt::scrypt(identity.as_bytes(), salt, &params, &mut key)
        .map_err(|e| format!("scrypt: {e}"))?;
    Ok(SessionKey(key))
}

/// Decrypt a `session.json` envelope; the error says why in words, and whether the file is
/// damaged (malformed, truncated) or merely made with another key (another host or user).
pub fn open(key: &SessionKey, blob: &Blob) -> Result<Vec<u8>, super::Unreadable> {
    let damaged = super::Unreadable::damaged;
    if blob.version.as_i64() != Some(FORMAT_VERSION) {
        return Err(damaged(format!(
            "unsupported session file format version {}; expected {FORMAT_VERSION}",
            blob.version
        )));
    }
    let nonce =
        hex::decode(&blob.nonce).map_err(|e| damaged(format!("the nonce is not hex: {e}")))?;
    let nonce = Nonce::try_from(nonce.as_slice())
        .map_err(|_| damaged(format!("the nonce has {} bytes; expected 12", nonce.len())))?;
    let ciphertext = hex::decode(&blob.ciphertext)
        .map_err(|e| damaged(format!("the ciphertext is not hex (truncated?): {e}")))?;
    if ciphertext.len() <= TAG_LEN {
        return Err(damaged(format!(
            "the ciphertext has {} bytes, too short to hold a session and its {TAG_LEN}-byte tag (truncated)",
            ciphertext.len()
        )));
    }
    Aes256Gcm::new(&key.0)
        .decrypt(&nonce, ciphertext.as_slice())
        .map_err(|_| super::Unreadable {
            why: "authentication failed (it was written on another host or by another user, or it is damaged)"
                .to_owned(),
            cause: super::Cause::Foreign,
        })
}

/// Encrypt `plaintext` with a fresh random nonce.
pub fn seal(key: &SessionKey, plaintext: &[u8]) -> Result<Blob, String> {
    seal_with_nonce(key, &Nonce::generate(), plaintext)
}

/// Encrypt with a given nonce (only [`seal`] and the fixed test vector use this).
fn seal_with_nonce(key: &SessionKey, nonce: &Nonce, plaintext: &[u8]) -> Result<Blob, String> {
    let ciphertext = Aes256Gcm::new(&key.0)
        .encrypt(nonce, plaintext)
        .map_err(|_| "encryption failed".to_owned())?;
    Ok(Blob {
        version: FORMAT_VERSION.into(),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/session32/vector.json was made by spec-kitty-cli 3.2.7's own
    /// `FileFallbackStorage.write` (`scripts/interop/driver.py vector`) with a fixed
    /// salt, nonce, host identity and plaintext.
    fn vector() -> serde_json::Value {
        serde_json::from_str(include_str!(
            "../../../tests/fixtures/session32/vector.json"
        ))
        .expect("vector json")
    }

    fn field<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
        v[key].as_str().expect(key)
    }

    #[test]
    fn python_vector_decrypts_and_re_encrypts_byte_for_byte() {
        let v = vector();
        let salt = hex::decode(field(&v, "salt_hex")).expect("salt");
        let key = derive_key(field(&v, "identity"), &salt).expect("key");
        assert_eq!(hex::encode(key.0), field(&v, "key_hex"), "scrypt key");
        let blob: Blob = serde_json::from_value(v["session_json"].clone()).expect("blob");
        let plain = open(&key, &blob).expect("decrypts");
        assert_eq!(plain, field(&v, "plaintext").as_bytes());
        let nonce_bytes = hex::decode(&blob.nonce).expect("nonce");
        let nonce = Nonce::try_from(nonce_bytes.as_slice()).expect("12 bytes");
        let again = seal_with_nonce(&key, &nonce, &plain).expect("seal");
        assert_eq!(again.ciphertext, blob.ciphertext);
        assert_eq!(again.nonce, blob.nonce);
    }

    #[test]
    fn wrong_identity_tampering_and_other_versions_are_refused() {
        let v = vector();
        let salt = hex::decode(field(&v, "salt_hex")).expect("salt");
        let blob: Blob = serde_json::from_value(v["session_json"].clone()).expect("blob");
        let other = derive_key("another-host:1000", &salt).expect("key");
        assert!(open(&other, &blob)
            .expect_err("other host")
            .why
            .contains("another host"));
        let key = derive_key(field(&v, "identity"), &salt).expect("key");
        let mut tampered = blob.clone();
        let last = tampered.ciphertext.pop().expect("char");
        tampered
            .ciphertext
            .push(if last == '0' { '1' } else { '0' });
        assert!(open(&key, &tampered).is_err());
        let mut v1 = blob.clone();
        v1.version = 1.into();
        assert!(open(&key, &v1).expect_err("v1").why.contains("version 1"));
        assert!(derive_key("x", &[0; 8])
            .expect_err("short salt")
            .contains("8 bytes"));
    }

    #[test]
    fn fresh_nonces_differ_and_round_trip() {
        let key = derive_key("h:1", &[7; SALT_LEN]).expect("key");
        let a = seal(&key, b"{}").expect("seal");
        let b = seal(&key, b"{}").expect("seal");
        assert_ne!(a.nonce, b.nonce);
        assert_eq!(a.nonce.len(), 24);
        assert_eq!(open(&key, &a).expect("open"), b"{}");
    }
}
