//! rustls client configuration for the APS bus: present an identity (the instance certificate when
//! calling the controller, the controller certificate when calling an endpoint) and choose how to
//! trust the server.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::pem::{self, Identity, PemError};

/// How a client trusts the server it connects to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ServerTrust {
    /// Accept any certificate. What the APS runtimes do towards the controller (and the controller
    /// towards self-signed endpoints); the TLS session still encrypts.
    #[default]
    Any,
    /// Accept only a leaf certificate with this SHA-256 fingerprint (lower-case hex).
    Pinned(String),
    /// Verify against these CA certificates (PEM).
    Ca(String),
}

/// The process-wide crypto provider (ring).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds a client configuration with an optional client identity.
pub fn client_config(
    identity: Option<&Identity>,
    trust: &ServerTrust,
) -> Result<rustls::ClientConfig, PemError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| PemError::Malformed(e.to_string()))?;
    let builder = match trust {
        ServerTrust::Ca(ca_pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in pem::certificates(ca_pem)? {
                roots
                    .add(cert)
                    .map_err(|e| PemError::Malformed(e.to_string()))?;
            }
            builder.with_root_certificates(roots)
        }
        ServerTrust::Any | ServerTrust::Pinned(_) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinningVerifier {
                pin: pinned(trust),
                provider,
            })),
    };
    let mut config = match identity {
        Some(id) => {
            let chain = pem::certificates(&id.cert_pem)?;
            let key = pem::private_key(&id.key_pem)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| PemError::Malformed(e.to_string()))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn pinned(trust: &ServerTrust) -> Option<String> {
    match trust {
        ServerTrust::Pinned(fp) => Some(fp.to_ascii_lowercase().replace(':', "")),
        _ => None,
    }
}

#[derive(Debug)]
struct PinningVerifier {
    pin: Option<String>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match &self.pin {
            Some(pin) if *pin != pem::fingerprint(end_entity.as_ref()) => {
                Err(rustls::Error::General(
                    "server certificate does not match the pinned fingerprint".into(),
                ))
            }
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
