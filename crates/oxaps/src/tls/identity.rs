//! The endpoint's own certificate: from configured PEM files, or a self-signed pair generated in the
//! data directory on first start (its SHA-256 fingerprint is logged so operators can pin it).

use std::path::Path;

use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Certificate chain and key of the endpoint.
pub struct ServerIdentity {
    /// Leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key.
    pub key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl ServerIdentity {
    /// SHA-256 of the leaf certificate, hex.
    pub fn fingerprint(&self) -> String {
        self.chain
            .first()
            .map(|c| aps::pem::fingerprint(c.as_ref()))
            .unwrap_or_default()
    }

    /// Parses PEM text.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, String> {
        let chain = aps::pem::certificates(cert_pem).map_err(|e| e.to_string())?;
        if chain.is_empty() {
            return Err("no certificate in TLS certificate file".into());
        }
        let key = aps::pem::private_key(key_pem).map_err(|e| e.to_string())?;
        Ok(ServerIdentity { chain, key })
    }
}

/// Loads the configured pair, or the generated pair in `data_dir` (creating it when missing).
pub fn load_or_generate(
    cert: Option<&Path>,
    key: Option<&Path>,
    data_dir: &Path,
) -> Result<ServerIdentity, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    if let (Some(cert), Some(key)) = (cert, key) {
        return ServerIdentity::from_pem(&read(cert)?, &read(key)?);
    }
    let cert_path = data_dir.join("tls-cert.pem");
    let key_path = data_dir.join("tls-key.pem");
    if cert_path.exists() && key_path.exists() {
        return ServerIdentity::from_pem(&read(&cert_path)?, &read(&key_path)?);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let (cert_pem, key_pem) = generate_self_signed()?;
    crate::private_file::write(&key_path, key_pem.as_bytes())
        .map_err(|e| format!("{}: {e}", key_path.display()))?;
    std::fs::write(&cert_path, cert_pem.as_bytes())
        .map_err(|e| format!("{}: {e}", cert_path.display()))?;
    let identity = ServerIdentity::from_pem(&cert_pem, &key_pem)?;
    tracing::info!(cert = %cert_path.display(), sha256 = %identity.fingerprint(), "generated a self-signed TLS certificate");
    Ok(identity)
}

fn generate_self_signed() -> Result<(String, String), String> {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
    let names = vec![host, "localhost".into(), "127.0.0.1".into()];
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "oxaps endpoint");
    params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(3650);
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok((cert.pem(), key.serialize_pem()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pair_is_reused_with_a_private_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_generate(None, None, dir.path()).unwrap();
        let b = load_or_generate(None, None, dir.path()).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls-key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn configured_files_win() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = generate_self_signed().unwrap();
        std::fs::write(dir.path().join("c.pem"), &c).unwrap();
        std::fs::write(dir.path().join("k.pem"), &k).unwrap();
        let id = load_or_generate(
            Some(&dir.path().join("c.pem")),
            Some(&dir.path().join("k.pem")),
            &dir.path().join("gen"),
        )
        .unwrap();
        assert_eq!(
            id.fingerprint(),
            aps::pem::first_cert_fingerprint(&c).unwrap()
        );
        assert!(!dir.path().join("gen").exists());
    }

    #[test]
    fn bad_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("c.pem"), "nope").unwrap();
        assert!(
            load_or_generate(
                Some(&dir.path().join("c.pem")),
                Some(&dir.path().join("c.pem")),
                dir.path()
            )
            .is_err()
        );
    }
}
