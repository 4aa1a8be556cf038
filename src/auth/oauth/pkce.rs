//! PKCE (RFC 7636) and the `state` value of the browser login: a code verifier of 32 random
//! bytes, base64url without padding (43 characters, §4.1), its S256 challenge
//! `BASE64URL(SHA256(verifier))` (§4.2), and a `state` made the same way (RFC 6749 §10.12:
//! unguessable, bound to this login).

use crate::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The verifier (secret until the token exchange) and its challenge (sent in the browser URL).
#[derive(Debug, Clone)]
pub struct Pkce {
    /// `code_verifier`.
    pub verifier: Secret,
    /// `code_challenge` (method S256).
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier and its challenge.
    pub fn new() -> Result<Pkce, String> {
        Ok(Pkce::from_bytes(&random_bytes()?))
    }

    /// The verifier made of `bytes` (RFC 7636 Appendix B shows 32 such octets).
    pub fn from_bytes(bytes: &[u8; 32]) -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        Pkce {
            challenge: challenge(&verifier),
            verifier: Secret::new(verifier),
        }
    }
}

/// `BASE64URL(SHA256(ASCII(verifier)))` without padding.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state`: 32 random bytes, base64url (43 characters).
pub fn new_state() -> Result<String, String> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes()?))
}

fn random_bytes() -> Result<[u8; 32], String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("the system random source failed: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: the octets, the verifier they encode to, and its S256 challenge.
    #[test]
    fn rfc_7636_appendix_b() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let p = Pkce::from_bytes(&octets);
        assert_eq!(
            p.verifier.expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn fresh_values_are_43_unreserved_characters_and_differ() {
        let (a, b) = (Pkce::new().expect("a"), Pkce::new().expect("b"));
        assert_ne!(a.verifier, b.verifier);
        let state = new_state().expect("state");
        for v in [a.verifier.expose(), a.challenge.as_str(), state.as_str()] {
            assert_eq!(v.len(), 43, "{v}");
            assert!(v
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
        assert_ne!(state, new_state().expect("state"));
    }
}
