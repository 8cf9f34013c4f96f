//! HTTP(S) transport: one pooled `reqwest::Client` with a rustls (ring) configuration.

use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{OxError, Transient};

/// How the client trusts OX's certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Accept any server certificate, for OX test setups with self-signed certificates. The
    /// connection is still encrypted, but not authenticated: never enable in production.
    pub accept_invalid_certs: bool,
    /// Extra trusted CA certificates (PEM text, may hold several), added to the platform's
    /// trust store.
    pub extra_roots_pem: Vec<String>,
}

/// Connection settings of the HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
    pub user_agent: String,
    pub tls: TlsOptions,
    pub https: bool,
}

/// Builds the pooled HTTP client. HTTP/1.1 with keep-alive, as OX's servlet container speaks.
pub(crate) fn http_client(settings: &HttpSettings) -> Result<reqwest::Client, OxError> {
    let tls = tls_config(&settings.tls, settings.https)?;
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .http1_only()
        .connect_timeout(settings.connect_timeout)
        .pool_idle_timeout(settings.pool_idle_timeout)
        .pool_max_idle_per_host(settings.pool_max_idle_per_host)
        .tcp_keepalive(Duration::from_secs(60))
        .tcp_nodelay(true)
        .user_agent(settings.user_agent.clone())
        .build()
        .map_err(|e| OxError::Config(format!("HTTP client: {e}")))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration for the given options.
pub(crate) fn tls_config(opts: &TlsOptions, https: bool) -> Result<rustls::ClientConfig, OxError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| OxError::Config(format!("TLS: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = if opts.accept_invalid_certs {
        tls_peer::any_server_cert(&provider)
    } else {
        let mut extra = Vec::new();
        for pem in &opts.extra_roots_pem {
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                extra.push(
                    cert.map_err(|e| OxError::Config(format!("TLS: extra root certificate: {e}")))?,
                );
            }
        }
        match rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone()) {
            Ok(v) => Arc::new(v),
            // Plain-HTTP base URL: TLS is never used, so a missing trust store does not matter.
            Err(_) if !https => tls_peer::any_server_cert(&provider),
            Err(e) => return Err(OxError::Config(format!("TLS trust store: {e}"))),
        }
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Maps a reqwest failure to the error taxonomy (all transport failures are transient).
pub(crate) fn transport_error(e: &reqwest::Error, timeout: Duration) -> OxError {
    if e.is_timeout() {
        return OxError::Transient(Transient::Timeout(timeout));
    }
    let detail = error_chain(e);
    if let Some(tls) = certificate_error(e) {
        return OxError::Config(format!(
            "TLS: OX's certificate is not trusted ({tls}); add its CA to tls.extra_roots_pem"
        ));
    }
    if e.is_connect() {
        OxError::Transient(Transient::Connect(detail))
    } else if e.is_builder() {
        OxError::Config(detail)
    } else {
        OxError::Transient(Transient::Network(detail))
    }
}

/// A certificate verification failure somewhere in the error chain. rustls errors arrive
/// wrapped in (possibly nested) `io::Error`s, whose `source()` skips the wrapped error, so the
/// wrapped errors are searched too.
fn certificate_error(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    fn search(e: &(dyn std::error::Error + 'static), depth: usize) -> Option<String> {
        if depth > 16 {
            return None;
        }
        if let Some(r @ rustls::Error::InvalidCertificate(_)) = e.downcast_ref::<rustls::Error>() {
            return Some(r.to_string());
        }
        let wrapped = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        if let Some(found) = wrapped.and_then(|inner| search(inner, depth + 1)) {
            return Some(found);
        }
        e.source().and_then(|s| search(s, depth + 1))
    }
    search(e, 0)
}

/// The error and its sources, joined (reqwest's own message is just "error sending request").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_extra_root_is_a_config_error() {
        let opts = TlsOptions {
            extra_roots_pem: vec![
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n".into(),
            ],
            ..Default::default()
        };
        assert!(matches!(tls_config(&opts, true), Err(OxError::Config(_))));
    }

    #[test]
    fn accept_invalid_builds() {
        let opts = TlsOptions {
            accept_invalid_certs: true,
            ..Default::default()
        };
        let cfg = tls_config(&opts, true).unwrap();
        assert_eq!(cfg.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }
}
