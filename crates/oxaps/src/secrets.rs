//! Secrets at rest: instance private keys and encrypted APS properties are sealed with
//! ChaCha20-Poly1305 under one 32-byte key before they reach the database.
//!
//! The key comes from configuration (`secret_key`, base64) or from `<data_dir>/secret.key`,
//! generated with mode 0600 on first start. Nodes sharing a database must share the key.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

/// Prefix marking a sealed value, so a plain value is never mistaken for one.
const PREFIX: &str = "enc:v1:";

/// Seals and opens secrets. `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
    /// SHA-256 of a label and the key: the root of [`SecretBox::derive`], so signing keys never
    /// reuse the sealing key itself.
    derive_root: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<key redacted>)")
    }
}

/// A secret could not be opened or the key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The key is not base64 of 32 bytes.
    #[error("secret key must be base64 of 32 bytes")]
    BadKey,
    /// The key file could not be read or written.
    #[error("secret key file {path}: {error}")]
    KeyFile {
        /// The file.
        path: String,
        /// What went wrong.
        error: String,
    },
    /// A sealed value is corrupt or was sealed under another key.
    #[error("a stored secret cannot be decrypted (wrong secret key?)")]
    Open,
}

impl SecretBox {
    /// A box from raw key bytes.
    pub fn from_key(key: [u8; 32]) -> Self {
        use sha2::Digest;
        let mut root = sha2::Sha256::new();
        root.update(b"oxaps/secret-box/derive/v1");
        root.update(key);
        SecretBox {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
            derive_root: root.finalize().into(),
        }
    }

    /// A 32-byte key for another purpose (e.g. `upsell` token signatures), derived from the
    /// secret key: the same on every node sharing the key, different per label.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.derive_root);
        h.update(label.as_bytes());
        h.finalize().into()
    }

    /// A box from a base64 key.
    pub fn from_base64(key: &str) -> Result<Self, SecretError> {
        let bytes = B64.decode(key.trim()).map_err(|_| SecretError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadKey)?;
        Ok(Self::from_key(key))
    }

    /// Loads the configured key, or the key file in `data_dir`, creating it (0600) when missing.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<Self, SecretError> {
        if let Some(key) = configured {
            return Self::from_base64(key);
        }
        let path = data_dir.join("secret.key");
        let file_err = |e: std::io::Error| SecretError::KeyFile {
            path: path.display().to_string(),
            error: e.to_string(),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(file_err)?;
                let mut key = [0u8; 32];
                rand::rng().fill_bytes(&mut key);
                crate::private_file::write(&path, B64.encode(key).as_bytes()).map_err(file_err)?;
                tracing::info!(path = %path.display(), "generated a new secret key; nodes sharing this database need the same key");
                Ok(Self::from_key(key))
            }
            Err(e) => Err(file_err(e)),
        }
    }

    /// Seals a plaintext into `enc:v1:<base64(nonce || ciphertext)>`.
    pub fn seal(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption with a fresh nonce and an in-memory buffer cannot fail.
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("{PREFIX}{}", B64.encode(out))
    }

    /// Opens a value sealed by [`SecretBox::seal`].
    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let data = sealed.strip_prefix(PREFIX).ok_or(SecretError::Open)?;
        let raw = B64.decode(data).map_err(|_| SecretError::Open)?;
        if raw.len() < 12 {
            return Err(SecretError::Open);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| SecretError::Open)?;
        String::from_utf8(plain).map_err(|_| SecretError::Open)
    }

    /// Whether a stored string is a sealed value.
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_depend_on_label_and_key_and_are_not_the_key() {
        let a = SecretBox::from_key([7; 32]);
        assert_eq!(
            a.derive("upsell"),
            SecretBox::from_key([7; 32]).derive("upsell")
        );
        assert_ne!(a.derive("upsell"), a.derive("other"));
        assert_ne!(
            a.derive("upsell"),
            SecretBox::from_key([8; 32]).derive("upsell")
        );
        assert_ne!(a.derive("upsell"), [7; 32]);
    }

    #[test]
    fn seal_open_round_trip_with_fresh_nonces() {
        let b = SecretBox::from_key([7; 32]);
        let a1 = b.seal("hunter2");
        let a2 = b.seal("hunter2");
        assert_ne!(a1, a2);
        assert!(SecretBox::is_sealed(&a1));
        assert!(!a1.contains("hunter2"));
        assert_eq!(b.open(&a1).unwrap(), "hunter2");
    }

    #[test]
    fn wrong_key_or_tampering_fails() {
        let sealed = SecretBox::from_key([1; 32]).seal("x");
        assert!(SecretBox::from_key([2; 32]).open(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert!(SecretBox::from_key([1; 32]).open(&tampered).is_err());
        assert!(SecretBox::from_key([1; 32]).open("plain").is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretBox::load_or_create(None, dir.path()).unwrap();
        let b = SecretBox::load_or_create(None, dir.path()).unwrap();
        assert_eq!(b.open(&a.seal("s")).unwrap(), "s");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(
            format!("{:?}", SecretBox::from_key([0; 32])),
            "SecretBox(<key redacted>)"
        );
    }

    #[test]
    fn bad_configured_key_is_rejected() {
        assert!(SecretBox::from_base64("short").is_err());
    }
}
