//! The HTTPS side of the endpoint.
//!
//! Like the PHP runtime's `SSLVerifyClient optional_no_ca`, the server asks every client for a
//! certificate but does not verify it against a CA during the handshake; the application layer
//! compares it with the controller certificate stored for the instance named in the request.
//! axum's own servers do not expose the peer certificate, so [`listener`] runs its own accept loop
//! (tokio-rustls + hyper-util) and puts a [`PeerCertificate`] into every request's extensions.

mod identity;
pub mod listener;

pub use identity::{ServerIdentity, load_or_generate};
pub use listener::PeerCertificate;

use std::sync::Arc;

/// The rustls server configuration: our identity, optional client certificates, h2 and http/1.1.
pub fn server_config(
    identity: &ServerIdentity,
) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
    let provider = aps::tls::provider();
    let mut config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(tls_peer::any_client_cert(&provider))
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
