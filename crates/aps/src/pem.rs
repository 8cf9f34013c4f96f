//! PEM handling for instance installation: the controller sends `aps.x509.self` as the instance
//! certificate followed by its private key in one string, and `aps.x509.controller` as its own
//! certificate. The real controller writes `-----BEGIN RSA PRIVATE KEY-----`; any
//! `-----BEGIN ... PRIVATE KEY-----` block is accepted here (PKCS#1, PKCS#8, SEC1).

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

/// Why a PEM bundle could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    /// No certificate block was found.
    #[error("no certificate found in PEM data")]
    NoCertificate,
    /// No private key block was found.
    #[error("no private key found in PEM data")]
    NoPrivateKey,
    /// A block was present but could not be decoded.
    #[error("malformed PEM data: {0}")]
    Malformed(String),
}

/// An instance identity: certificate chain and private key, both PEM. `Debug` hides the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The certificate (chain), PEM.
    pub cert_pem: String,
    /// The private key, PEM. Never log it.
    pub key_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field(
                "cert_sha256",
                &first_cert_fingerprint(&self.cert_pem).unwrap_or_default(),
            )
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// Splits the `aps.x509.self` bundle into certificate and private key, checking both decode.
pub fn split_bundle(bundle: &str) -> Result<Identity, PemError> {
    let key_start = find_private_key_start(bundle).ok_or(PemError::NoPrivateKey)?;
    let cert_pem = bundle[..key_start].trim().to_owned();
    let key_pem = bundle[key_start..].trim().to_owned();
    // Certificates may also follow the key; collect every certificate block of the bundle.
    let certs = certificates(bundle)?;
    if certs.is_empty() {
        return Err(PemError::NoCertificate);
    }
    PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| PemError::Malformed(e.to_string()))?;
    let cert_pem = if cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        format!("{cert_pem}\n")
    } else {
        certs
            .iter()
            .map(|c| der_to_pem(c))
            .collect::<Vec<_>>()
            .join("")
    };
    Ok(Identity {
        cert_pem,
        key_pem: format!("{key_pem}\n"),
    })
}

fn find_private_key_start(bundle: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(pos) = bundle[offset..].find("-----BEGIN ") {
        let start = offset + pos;
        let line_end = bundle[start..]
            .find('\n')
            .map_or(bundle.len(), |e| start + e);
        if bundle[start..line_end].contains("PRIVATE KEY-----") {
            return Some(start);
        }
        offset = start + 1;
    }
    None
}

/// Every certificate in a PEM string, DER-encoded.
pub fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, PemError> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PemError::Malformed(e.to_string()))
}

/// The DER of the first certificate in a PEM string.
pub fn first_certificate(pem: &str) -> Result<CertificateDer<'static>, PemError> {
    certificates(pem)?
        .into_iter()
        .next()
        .ok_or(PemError::NoCertificate)
}

/// The private key in a PEM string.
pub fn private_key(pem: &str) -> Result<PrivateKeyDer<'static>, PemError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => PemError::NoPrivateKey,
        other => PemError::Malformed(other.to_string()),
    })
}

/// Lower-case hex SHA-256 of DER bytes: the certificate fingerprint operators compare.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// The fingerprint of the first certificate of a PEM string.
pub fn first_cert_fingerprint(pem: &str) -> Result<String, PemError> {
    Ok(fingerprint(first_certificate(pem)?.as_ref()))
}

/// Encodes DER as a PEM `CERTIFICATE` block.
pub fn der_to_pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["instance".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        (cert.pem(), key.serialize_pem())
    }

    #[test]
    fn splits_cert_followed_by_key() {
        let (cert, key) = identity();
        let id = split_bundle(&format!("{cert}{key}")).unwrap();
        assert_eq!(
            first_certificate(&id.cert_pem).unwrap(),
            first_certificate(&cert).unwrap()
        );
        assert!(id.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(!id.cert_pem.contains("PRIVATE KEY"));
    }

    #[test]
    fn accepts_rsa_marker_position() {
        let bundle = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            find_private_key_start(bundle),
            bundle.find("-----BEGIN RSA")
        );
    }

    #[test]
    fn missing_parts_are_reported() {
        let (cert, key) = identity();
        assert_eq!(split_bundle(&cert), Err(PemError::NoPrivateKey));
        assert_eq!(split_bundle(&key), Err(PemError::NoCertificate));
        assert!(split_bundle("garbage").is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let (cert, key) = identity();
        let id = split_bundle(&format!("{cert}{key}")).unwrap();
        let shown = format!("{id:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("PRIVATE"));
    }

    #[test]
    fn der_to_pem_round_trips() {
        let (cert, _) = identity();
        let der = first_certificate(&cert).unwrap();
        assert_eq!(first_certificate(&der_to_pem(der.as_ref())).unwrap(), der);
    }
}
