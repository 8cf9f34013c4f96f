//! TLS plumbing: the REST API's server (client certificates required, signed by the simulator's
//! CA), the client the controller uses towards endpoints (presents the controller certificate,
//! does not verify the endpoint unless pinned), and an accept loop that hands each request the
//! peer's certificates as a [`PeerCertificates`] extension.
//!
//! [`server_config_any_client`] and [`serve`] are public so that tests can run a small endpoint
//! that asks for (but does not validate) client certificates, as the PHP runtime's Apache does
//! (`SSLVerifyClient optional_no_ca`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::ca::{Identity, fingerprint};
use crate::error::{SimError, SimResult};

/// The ring crypto provider every config here uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates the TLS peer presented (leaf first); empty when it presented none.
#[derive(Debug, Clone, Default)]
pub struct PeerCertificates(pub Vec<CertificateDer<'static>>);

impl PeerCertificates {
    /// SHA-256 (hex) of the leaf certificate.
    pub fn leaf_fingerprint(&self) -> Option<String> {
        self.0.first().map(|c| fingerprint(c))
    }
}

/// How a client decides whether to trust the server.
#[derive(Debug, Clone)]
pub enum ServerTrust {
    /// Accept any certificate (the real controller towards self-signed endpoints).
    AnyCertificate,
    /// Accept only the certificate with this SHA-256 (hex) fingerprint.
    Fingerprint(String),
    /// Verify the chain and name against this CA certificate (PEM).
    CaPem(String),
}

fn certs(pem: &str) -> SimResult<Vec<CertificateDer<'static>>> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(SimError::tls)
}

fn key(pem: &str) -> SimResult<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(SimError::tls)
}

fn roots(ca_pem: &str) -> SimResult<Arc<RootCertStore>> {
    let mut store = RootCertStore::empty();
    let certs = certs(ca_pem)?;
    if certs.is_empty() {
        return Err(SimError::Tls("no certificate in the CA PEM".into()));
    }
    for cert in certs {
        store.add(cert).map_err(SimError::tls)?;
    }
    Ok(Arc::new(store))
}

/// Server config of the REST API: TLS client authentication is mandatory and must chain to `ca_pem`.
pub fn server_config_requiring_ca(ca_pem: &str, server: &Identity) -> SimResult<Arc<ServerConfig>> {
    let provider = provider();
    let verifier = WebPkiClientVerifier::builder_with_provider(roots(ca_pem)?, provider.clone())
        .build()
        .map_err(SimError::tls)?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(SimError::tls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs(&server.cert_pem)?, key(&server.key_pem)?)
        .map_err(SimError::tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Server config that asks for a client certificate but accepts any (or none): what APS endpoints
/// do, leaving the comparison with the stored controller certificate to the application.
pub fn server_config_any_client(server: &Identity) -> SimResult<Arc<ServerConfig>> {
    let provider = provider();
    let verifier = tls_peer::any_client_cert(&provider);
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(SimError::tls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs(&server.cert_pem)?, key(&server.key_pem)?)
        .map_err(SimError::tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A rustls client config presenting `identity` (if any) and trusting servers as `trust` says.
/// Speaks HTTP/1.1 only, like the controller.
pub fn client_config(identity: Option<&Identity>, trust: &ServerTrust) -> SimResult<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(SimError::tls)?;
    let builder = match trust {
        ServerTrust::CaPem(pem) => builder.with_root_certificates(roots(pem)?),
        ServerTrust::AnyCertificate | ServerTrust::Fingerprint(_) => {
            let pin = match trust {
                ServerTrust::Fingerprint(f) => Some(f.to_ascii_lowercase().replace(':', "")),
                _ => None,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(match pin {
                    None => tls_peer::any_server_cert(&provider),
                    Some(pin) => tls_peer::checked_server_cert(
                        &provider,
                        Box::new(move |leaf| {
                            let seen = fingerprint(leaf);
                            (seen == pin).then_some(()).ok_or_else(|| {
                                format!(
                                    "endpoint certificate fingerprint {seen} does not match the pinned {pin}"
                                )
                            })
                        }),
                    ),
                })
        }
    };
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(certs(&id.cert_pem)?, key(&id.key_pem)?)
            .map_err(SimError::tls)?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A reqwest client over [`client_config`].
pub fn http_client(
    identity: Option<&Identity>,
    trust: &ServerTrust,
    timeout: Duration,
) -> SimResult<reqwest::Client> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(client_config(identity, trust)?)
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(SimError::tls)
}

/// Serves `router` over TLS on `listener` until `shutdown` turns true. Every request carries the
/// peer's certificates as a [`PeerCertificates`] extension. Failed handshakes (no certificate, a
/// stranger's certificate) are dropped before any HTTP is read.
pub async fn serve(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        let Ok((tcp, _remote)) = accepted else {
            continue;
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(tcp).await {
                Ok(tls) => tls,
                Err(e) => {
                    tracing::debug!(error = %e, "TLS handshake failed");
                    return;
                }
            };
            let peer = PeerCertificates(
                tls.get_ref()
                    .1
                    .peer_certificates()
                    .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
                    .unwrap_or_default(),
            );
            let service = tower::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(peer.clone());
                router.clone().oneshot(req)
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn =
                builder.serve_connection(TokioIo::new(tls), TowerToHyperService::new(service));
            tokio::select! {
                res = conn => if let Err(e) = res { tracing::debug!(error = %e, "connection ended with an error") },
                _ = stop.wait_for(|stop| *stop) => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca::{Ca, self_signed_identity};

    #[test]
    fn rest_verifier_accepts_instance_certs_and_rejects_strangers() {
        let ca = Ca::generate(&[]).unwrap();
        let restored = Ca::restore(
            ca.ca_pem().to_owned(),
            &ca.ca_key_pem(),
            ca.controller().clone(),
        )
        .unwrap();
        let verifier =
            WebPkiClientVerifier::builder_with_provider(roots(ca.ca_pem()).unwrap(), provider())
                .build()
                .unwrap();
        let now = rustls::pki_types::UnixTime::now();
        for id in [
            ca.issue_instance("i1").unwrap(),
            restored.issue_instance("i2").unwrap(),
            ca.controller().clone(),
        ] {
            assert!(
                verifier
                    .verify_client_cert(&id.cert_der().unwrap(), &[], now)
                    .is_ok(),
                "{id:?}"
            );
        }
        let stranger = self_signed_identity("stranger").unwrap();
        assert!(
            verifier
                .verify_client_cert(&stranger.cert_der().unwrap(), &[], now)
                .is_err()
        );
    }

    #[test]
    fn configs_build() {
        let id = self_signed_identity("x").unwrap();
        assert!(server_config_any_client(&id).is_ok());
        assert!(client_config(Some(&id), &ServerTrust::Fingerprint("AB:cd".into())).is_ok());
        assert!(client_config(None, &ServerTrust::CaPem(id.cert_pem.clone())).is_ok());
        assert!(client_config(None, &ServerTrust::CaPem("garbage".into())).is_err());
    }
}
