//! rustls verifiers for peers that are known by their certificate rather than by a CA: the APS
//! controller and the endpoint trust each other's certificates by fingerprint or by what
//! installation recorded, and OX often runs behind a self-signed certificate.
//!
//! Every verifier here skips (or replaces) the PKI check of the leaf certificate but always
//! verifies the handshake signature, so the peer provably holds the certificate's private key.
//! One implementation for the endpoint, the controller client, the OX client and the simulators.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// Checks a peer's leaf certificate instead of a CA chain; the `Err` text becomes the TLS error.
pub type LeafCheck = Box<dyn Fn(&CertificateDer<'_>) -> Result<(), String> + Send + Sync>;

/// A server verifier that accepts any certificate (TLS still proves key possession).
pub fn any_server_cert(provider: &CryptoProvider) -> Arc<dyn ServerCertVerifier> {
    Arc::new(ServerLeaf {
        algs: provider.signature_verification_algorithms,
        check: None,
    })
}

/// A server verifier that accepts the certificates `check` accepts (e.g. a pinned fingerprint).
pub fn checked_server_cert(
    provider: &CryptoProvider,
    check: LeafCheck,
) -> Arc<dyn ServerCertVerifier> {
    Arc::new(ServerLeaf {
        algs: provider.signature_verification_algorithms,
        check: Some(check),
    })
}

/// A client verifier that asks for a certificate and accepts any, or none (Apache's
/// `SSLVerifyClient optional_no_ca`): the application decides what the certificate means.
pub fn any_client_cert(provider: &CryptoProvider) -> Arc<dyn ClientCertVerifier> {
    Arc::new(AnyClient {
        algs: provider.signature_verification_algorithms,
    })
}

struct ServerLeaf {
    algs: WebPkiSupportedAlgorithms,
    check: Option<LeafCheck>,
}

impl fmt::Debug for ServerLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerLeaf")
            .field("checked", &self.check.is_some())
            .finish()
    }
}

impl ServerCertVerifier for ServerLeaf {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(check) = &self.check {
            check(end_entity).map_err(rustls::Error::General)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

#[derive(Debug)]
struct AnyClient {
    algs: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClient {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf() -> CertificateDer<'static> {
        let cert = rcgen::generate_simple_self_signed(vec!["peer.example".into()]).unwrap();
        cert.cert.der().clone()
    }

    fn verify(v: &dyn ServerCertVerifier, cert: &CertificateDer<'_>) -> Result<(), rustls::Error> {
        v.verify_server_cert(
            cert,
            &[],
            &ServerName::try_from("peer.example").unwrap(),
            &[],
            UnixTime::now(),
        )
        .map(drop)
    }

    #[test]
    fn any_server_cert_accepts_a_self_signed_leaf() {
        let provider = rustls::crypto::ring::default_provider();
        assert!(verify(any_server_cert(&provider).as_ref(), &leaf()).is_ok());
    }

    #[test]
    fn a_leaf_check_decides_and_its_reason_is_the_error() {
        let provider = rustls::crypto::ring::default_provider();
        let good = leaf();
        let expected = good.as_ref().to_vec();
        let v = checked_server_cert(
            &provider,
            Box::new(move |c| {
                (c.as_ref() == expected.as_slice())
                    .then_some(())
                    .ok_or_else(|| "not the pinned certificate".to_owned())
            }),
        );
        assert!(verify(v.as_ref(), &good).is_ok());
        let err = verify(v.as_ref(), &leaf()).unwrap_err();
        assert!(
            err.to_string().contains("not the pinned certificate"),
            "{err}"
        );
    }

    #[test]
    fn clients_are_asked_but_not_required() {
        let provider = rustls::crypto::ring::default_provider();
        let v = any_client_cert(&provider);
        assert!(v.offer_client_auth());
        assert!(!v.client_auth_mandatory());
        assert!(v.verify_client_cert(&leaf(), &[], UnixTime::now()).is_ok());
    }
}
