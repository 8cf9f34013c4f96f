//! HTTPS: trust via an extra CA, "accept invalid certs" for self-signed test setups, an
//! untrusted certificate as a non-retryable configuration error, and connection reuse.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::returns;
use ox::{Context, Credentials, OxClient, OxConfig, OxError, RetryPolicy, TlsOptions};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn pki(name: &str) -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, name);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        chain: vec![leaf.der().clone()],
        key: PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
    }
}

#[derive(Clone, Default)]
struct Counters {
    connections: Arc<AtomicUsize>,
    handshakes: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Counters {
    fn get(&self) -> (usize, usize, usize) {
        (
            self.connections.load(Ordering::SeqCst),
            self.handshakes.load(Ordering::SeqCst),
            self.requests.load(Ordering::SeqCst),
        )
    }
}

/// An HTTPS server answering every request with `body`.
async fn https_server(pki: &Pki, body: String) -> (String, Counters) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(pki.chain.clone(), pki.key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let counters = Counters::default();
    let c = counters.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            c.connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, body, c) = (acceptor.clone(), body.clone(), c.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                c.handshakes.fetch_add(1, Ordering::SeqCst);
                while read_request(&mut tls).await {
                    c.requests.fetch_add(1, Ordering::SeqCst);
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    if tls.write_all(head.as_bytes()).await.is_err()
                        || tls.write_all(body.as_bytes()).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (base, counters)
}

/// Reads one HTTP/1.1 request (headers plus Content-Length body); false at end of stream.
async fn read_request<S: AsyncReadExt + Unpin>(s: &mut S) -> bool {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).await.is_ok()
}

fn client(base: &str, tls: TlsOptions) -> Result<OxClient, OxError> {
    let mut cfg = OxConfig::new(base);
    cfg.tls = tls;
    cfg.retry = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    OxClient::new(cfg)
}

fn auth() -> Credentials {
    Credentials::new("oxadminmaster", "secret")
}

#[tokio::test]
async fn extra_ca_is_trusted_and_connections_are_reused() {
    let pki = pki("ox test CA");
    let (base, counters) = https_server(&pki, returns("exists", &["true"])).await;
    let c = client(
        &base,
        TlsOptions {
            extra_roots_pem: vec![pki.ca_pem.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    for _ in 0..10 {
        assert!(
            c.contexts()
                .exists(&Context::with_id(1), &auth())
                .await
                .unwrap()
        );
    }
    assert_eq!(
        counters.get(),
        (1, 1, 10),
        "keep-alive: one connection and TLS session for sequential calls"
    );
}

#[tokio::test]
async fn accept_invalid_certs_talks_to_self_signed_servers() {
    let pki = pki("self-signed");
    let (base, counters) = https_server(&pki, returns("exists", &["false"])).await;
    let c = client(
        &base,
        TlsOptions {
            accept_invalid_certs: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        !c.contexts()
            .exists(&Context::with_id(1), &auth())
            .await
            .unwrap()
    );
    assert_eq!(counters.get(), (1, 1, 1));
}

#[tokio::test]
async fn untrusted_certificate_is_a_config_error_and_not_retried() {
    let server_pki = pki("server CA");
    let other = pki("some other CA");
    let (base, counters) = https_server(&server_pki, returns("exists", &["true"])).await;
    let c = client(
        &base,
        TlsOptions {
            extra_roots_pem: vec![other.ca_pem.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    let err = c
        .contexts()
        .exists(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OxError::Config(m) if m.contains("certificate")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        counters.get(),
        (1, 0, 0),
        "one attempt, no handshake completed"
    );
}
