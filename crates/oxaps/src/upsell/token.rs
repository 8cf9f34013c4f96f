//! The per-user upsell token: `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`, with
//! payload `{"i": <instance id>, "c": <context id>, "l": <login>, "u": <user APS id>, "v": 2}` and
//! key = HMAC-SHA256(master key, `"upsell:" + instance id`).
//!
//! OX cannot compute signatures, so oxaps signs one token per OX user and puts it into the user's
//! upsell URL. Nothing is stored: the key derives from the node's secret key, so rotating that key
//! rotates every token. The user's APS id binds the token to one user resource: a login deleted
//! and created again gets a new id, so the old URL does not speak for the new person. Version 1
//! tokens (without `u`) are refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The token format version.
pub const VERSION: u8 = 2;

/// Who a token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The application instance.
    pub instance: String,
    /// The user's OX context id.
    pub context: i64,
    /// The user's login.
    pub login: String,
    /// The user's APS resource id.
    pub user: String,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    i: String,
    c: i64,
    l: String,
    /// Absent in version 1 tokens (refused as [`TokenError::Version`]).
    #[serde(default)]
    u: String,
    v: u8,
}

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not `<payload>.<signature>` in base64url, or the payload is not the expected JSON.
    #[error("the upsell token is malformed")]
    Malformed,
    /// A version this node does not know.
    #[error("the upsell token has an unknown version")]
    Version,
    /// The signature does not match (forged, altered, or signed under another key or instance).
    #[error("the upsell token's signature is not valid")]
    Signature,
}

/// The signing key of one instance, derived from the node's master key.
pub fn instance_key(master: &[u8; 32], instance: &str) -> [u8; 32] {
    let mut mac = new_mac(master);
    mac.update(b"upsell:");
    mac.update(instance.as_bytes());
    mac.finalize().into_bytes().into()
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// Signs a token for `claims`.
pub fn sign(master: &[u8; 32], claims: &Claims) -> String {
    let payload = Payload {
        i: claims.instance.clone(),
        c: claims.context,
        l: claims.login.clone(),
        u: claims.user.clone(),
        v: VERSION,
    };
    let json = serde_json::to_vec(&payload).unwrap_or_default();
    let encoded = B64URL.encode(json);
    let mut mac = new_mac(&instance_key(master, &claims.instance));
    mac.update(encoded.as_bytes());
    let signature = B64URL.encode(mac.finalize().into_bytes());
    format!("{encoded}.{signature}")
}

/// Checks a token's signature (in constant time) under the key of the instance it names and
/// returns its claims. Whether the claims fit the request is the caller's check.
pub fn verify(master: &[u8; 32], token: &str) -> Result<Claims, TokenError> {
    let (encoded, signature) = token.trim().split_once('.').ok_or(TokenError::Malformed)?;
    let signature = B64URL
        .decode(signature)
        .map_err(|_| TokenError::Malformed)?;
    let json = B64URL.decode(encoded).map_err(|_| TokenError::Malformed)?;
    let payload: Payload = serde_json::from_slice(&json).map_err(|_| TokenError::Malformed)?;
    let mut mac = new_mac(&instance_key(master, &payload.i));
    mac.update(encoded.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| TokenError::Signature)?;
    if payload.v != VERSION {
        return Err(TokenError::Version);
    }
    Ok(Claims {
        instance: payload.i,
        context: payload.c,
        login: payload.l,
        user: payload.u,
    })
}

/// The upsell signing root of this node: derived from the secret key
/// ([`crate::secrets::SecretBox::derive`]), so every node sharing the key signs alike and rotating
/// the key invalidates every token.
pub fn master_key(secrets: &crate::secrets::SecretBox) -> [u8; 32] {
    secrets.derive("upsell")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    fn claims(instance: &str) -> Claims {
        Claims {
            instance: instance.into(),
            context: 42,
            login: "ada@example.com".into(),
            user: "user-1".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_to_its_claims() {
        let t = sign(&KEY, &claims("inst-a"));
        assert_eq!(verify(&KEY, &t), Ok(claims("inst-a")));
        assert!(!t.contains('=') && !t.contains('+') && !t.contains('/'));
    }

    #[test]
    fn tampering_is_refused() {
        let t = sign(&KEY, &claims("inst-a"));
        let (payload, sig) = t.split_once('.').unwrap();
        // Another login with the original signature.
        let forged_payload =
            B64URL.encode(r#"{"i":"inst-a","c":42,"l":"eve@example.com","u":"user-1","v":2}"#);
        assert_eq!(
            verify(&KEY, &format!("{forged_payload}.{sig}")),
            Err(TokenError::Signature)
        );
        // A flipped signature byte.
        let mut raw = B64URL.decode(sig).unwrap();
        raw[0] ^= 1;
        let bad = format!("{payload}.{}", B64URL.encode(raw));
        assert_eq!(verify(&KEY, &bad), Err(TokenError::Signature));
        assert_eq!(verify(&KEY, "nonsense"), Err(TokenError::Malformed));
        assert_eq!(verify(&KEY, "a.b"), Err(TokenError::Malformed));
    }

    #[test]
    fn another_key_or_instance_does_not_verify() {
        let t = sign(&KEY, &claims("inst-a"));
        assert_eq!(verify(&[8; 32], &t), Err(TokenError::Signature));
        // A token of instance B re-labelled as instance A keeps B's signature: refused.
        let b = sign(&KEY, &claims("inst-b"));
        let (_, sig_b) = b.split_once('.').unwrap();
        let (payload_a, _) = t.split_once('.').unwrap();
        assert_eq!(
            verify(&KEY, &format!("{payload_a}.{sig_b}")),
            Err(TokenError::Signature)
        );
        assert_ne!(instance_key(&KEY, "inst-a"), instance_key(&KEY, "inst-b"));
    }

    #[test]
    fn a_version_1_token_is_refused_even_when_validly_signed() {
        let encoded = B64URL.encode(r#"{"i":"inst-a","c":42,"l":"ada@example.com","v":1}"#);
        let mut mac = new_mac(&instance_key(&KEY, "inst-a"));
        mac.update(encoded.as_bytes());
        let sig = B64URL.encode(mac.finalize().into_bytes());
        assert_eq!(
            verify(&KEY, &format!("{encoded}.{sig}")),
            Err(TokenError::Version)
        );
    }
}
