//! The controller's certificate authority: its CA, its own certificate, and one certificate plus
//! private key per application instance.
//!
//! Deviation from the real controller: it makes RSA keys and sends them as
//! `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1). rcgen with ring cannot generate RSA keys, so the
//! simulator makes ECDSA P-256 keys, serialised as PKCS#8 (`-----BEGIN PRIVATE KEY-----`).
//! Endpoints must split `aps.x509.self` at any `-----BEGIN ... PRIVATE KEY-----` marker.

use std::fmt;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::error::{SimError, SimResult};

/// A certificate and its private key, both PEM. `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The private key, PEM (PKCS#8).
    pub key_pem: String,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field(
                "fingerprint",
                &fingerprint_pem(&self.cert_pem).unwrap_or_default(),
            )
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

impl Identity {
    /// The certificate's DER bytes.
    pub fn cert_der(&self) -> SimResult<CertificateDer<'static>> {
        CertificateDer::from_pem_slice(self.cert_pem.as_bytes()).map_err(SimError::tls)
    }

    /// SHA-256 of the certificate's DER, lower-case hex.
    pub fn fingerprint(&self) -> SimResult<String> {
        fingerprint_pem(&self.cert_pem)
    }

    /// Certificate PEM followed by key PEM: the shape of `aps.x509.self`.
    pub fn bundle(&self) -> String {
        let mut s = self.cert_pem.clone();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&self.key_pem);
        s
    }
}

/// SHA-256 of DER bytes, lower-case hex.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// SHA-256 of the first certificate in a PEM text, lower-case hex.
pub fn fingerprint_pem(pem: &str) -> SimResult<String> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).map_err(SimError::tls)?;
    Ok(fingerprint(&der))
}

/// The controller's CA and its own certificate.
pub struct Ca {
    ca_cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
    controller: Identity,
}

impl fmt::Debug for Ca {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ca")
            .field("controller", &self.controller)
            .finish_non_exhaustive()
    }
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(&[
        (DnType::OrganizationName, "apsc-sim"),
        (DnType::CommonName, "APS Simulator CA"),
    ]);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = OffsetDateTime::now_utc() - Duration::days(1);
    params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
    params
}

fn dn(parts: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (ty, value) in parts {
        dn.push(ty.clone(), *value);
    }
    dn
}

fn random_serial() -> SerialNumber {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] &= 0x7f;
    SerialNumber::from_slice(&bytes)
}

fn leaf_params(
    sans: Vec<String>,
    parts: &[(DnType, &str)],
    server: bool,
) -> SimResult<CertificateParams> {
    let mut params = CertificateParams::new(sans).map_err(SimError::tls)?;
    params.distinguished_name = dn(parts);
    params.serial_number = Some(random_serial());
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    if server {
        params
            .extended_key_usages
            .push(ExtendedKeyUsagePurpose::ServerAuth);
    }
    params.use_authority_key_identifier_extension = true;
    params.not_before = OffsetDateTime::now_utc() - Duration::days(1);
    params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
    Ok(params)
}

impl Ca {
    /// A fresh CA and a controller certificate valid as TLS server (for `hosts`, plus `localhost`,
    /// `127.0.0.1` and `::1`) and as TLS client.
    pub fn generate(hosts: &[String]) -> SimResult<Ca> {
        let key = KeyPair::generate().map_err(SimError::tls)?;
        let params = ca_params();
        let ca_cert_pem = params.self_signed(&key).map_err(SimError::tls)?.pem();
        let issuer = Issuer::new(params, key);
        let mut sans: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        sans.extend(
            hosts
                .iter()
                .filter(|h| !sans.contains(h))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let params = leaf_params(
            sans,
            &[
                (DnType::OrganizationName, "apsc-sim"),
                (DnType::CommonName, "APS Controller"),
            ],
            true,
        )?;
        let controller_key = KeyPair::generate().map_err(SimError::tls)?;
        let cert = params
            .signed_by(&controller_key, &issuer)
            .map_err(SimError::tls)?;
        let controller = Identity {
            cert_pem: cert.pem(),
            key_pem: controller_key.serialize_pem(),
        };
        Ok(Ca {
            ca_cert_pem,
            issuer,
            controller,
        })
    }

    /// A CA restored from PEM files written by [`Ca::ca_key_pem`] and friends. The issuer is rebuilt
    /// from the key (same name, same key identifier), so new instance certificates chain to the
    /// stored CA certificate.
    pub fn restore(ca_cert_pem: String, ca_key_pem: &str, controller: Identity) -> SimResult<Ca> {
        let key = KeyPair::from_pem(ca_key_pem).map_err(SimError::tls)?;
        Ok(Ca {
            ca_cert_pem,
            issuer: Issuer::new(ca_params(), key),
            controller,
        })
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_cert_pem
    }

    /// The CA private key, PEM (for the state directory only).
    pub fn ca_key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    /// The controller's own certificate and key.
    pub fn controller(&self) -> &Identity {
        &self.controller
    }

    /// A new certificate and key for an application instance, signed by the CA, with the
    /// instance id as common name.
    pub fn issue_instance(&self, instance_id: &str) -> SimResult<Identity> {
        let params = leaf_params(
            vec![],
            &[
                (DnType::OrganizationName, "APS Application Instance"),
                (DnType::CommonName, instance_id),
            ],
            false,
        )?;
        let key = KeyPair::generate().map_err(SimError::tls)?;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(SimError::tls)?;
        Ok(Identity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }
}

/// A self-signed certificate and key from no CA the simulator knows: a stranger's identity, for
/// negative tests. Valid as TLS server for `localhost`/`127.0.0.1` and as client.
pub fn self_signed_identity(common_name: &str) -> SimResult<Identity> {
    let params = leaf_params(
        vec!["localhost".into(), "127.0.0.1".into()],
        &[(DnType::CommonName, common_name)],
        true,
    )?;
    let key = KeyPair::generate().map_err(SimError::tls)?;
    let cert = params.self_signed(&key).map_err(SimError::tls)?;
    Ok(Identity {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_bundle_has_cert_then_pkcs8_key() {
        let ca = Ca::generate(&[]).unwrap();
        let id = ca
            .issue_instance("6a1c5f1e-0000-4000-8000-000000000001")
            .unwrap();
        let bundle = id.bundle();
        let cert_at = bundle.find("-----BEGIN CERTIFICATE-----").unwrap();
        let key_at = bundle.find("-----BEGIN PRIVATE KEY-----").unwrap();
        assert!(cert_at < key_at);
        assert!(!format!("{id:?}").contains("PRIVATE"));
        assert_eq!(id.fingerprint().unwrap().len(), 64);
    }

    #[test]
    fn restored_ca_issues_certificates_with_the_same_issuer() {
        let ca = Ca::generate(&["sim.example".into()]).unwrap();
        let restored = Ca::restore(
            ca.ca_pem().to_owned(),
            &ca.ca_key_pem(),
            ca.controller().clone(),
        )
        .unwrap();
        let a = ca.issue_instance("a").unwrap();
        let b = restored.issue_instance("b").unwrap();
        assert_ne!(a.cert_pem, b.cert_pem);
        assert_eq!(restored.ca_pem(), ca.ca_pem());
    }
}
