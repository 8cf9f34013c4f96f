//! rustls client configuration for the APS bus: present an identity (the instance certificate when
//! calling the controller, the controller certificate when calling an endpoint) and choose how to
//! trust the server.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

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
            .with_custom_certificate_verifier(match pinned(trust) {
                None => tls_peer::any_server_cert(&provider),
                Some(pin) => tls_peer::checked_server_cert(
                    &provider,
                    Box::new(move |leaf| {
                        (pem::fingerprint(leaf.as_ref()) == pin)
                            .then_some(())
                            .ok_or_else(|| {
                                "server certificate does not match the pinned fingerprint".into()
                            })
                    }),
                ),
            }),
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
