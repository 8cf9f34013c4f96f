//! Instance installation: headers, body, x509 bundle, failure and async variants.

use apsc_sim::{SimError, TaskStatus};
use axum::http::Method;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use serde_json::{Value, json};

use crate::common::{GLOBALS, Reply, TestEndpoint, fast_config, fixture, package_spec, rest, url};

/// Splits `aps.x509.self` at any `-----BEGIN ... PRIVATE KEY-----` marker.
fn split_bundle(bundle: &str) -> (&str, &str) {
    let mut from = 0;
    while let Some(i) = bundle[from..].find("-----BEGIN ") {
        let at = from + i;
        let line_end = bundle[at..].find('\n').map_or(bundle.len(), |n| at + n);
        if bundle[at..line_end].contains("PRIVATE KEY-----") {
            return (&bundle[..at], &bundle[at..]);
        }
        from = at + 1;
    }
    panic!("no private key marker in the bundle");
}

#[tokio::test]
async fn installation_sends_headers_body_and_a_matching_key_pair() {
    let f = fixture().await;
    let reqs = f.ep.requests_to(&Method::POST, "globals");
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(
        req.header("aps-controller-uri"),
        Some(f.sim.rest_base_url().as_str())
    );
    assert!(f.sim.rest_base_url().starts_with("https://"));
    assert_eq!(req.header("aps-instance-id"), Some(f.instance.id.as_str()));
    assert_eq!(req.header("aps-request-phase"), Some("sync"));
    assert_eq!(req.header("aps-version"), Some("7.4.0"));
    assert_eq!(req.header("aps-transaction-id").map(str::len), Some(36));
    assert_eq!(
        req.peer_fingerprint,
        Some(apsc_sim::ca::fingerprint_pem(&f.sim.controller_cert_pem()).unwrap())
    );

    let aps = &req.body["aps"];
    assert_eq!(aps["id"], f.instance.id.as_str());
    assert_eq!(aps["type"], GLOBALS);
    assert_eq!(aps["status"], "aps:provisioning");
    assert_eq!(
        aps["x509"]["controller"],
        f.sim.controller_cert_pem().as_str()
    );
    assert_eq!(req.body["apiUrl"], "https://ox.example/");

    let bundle = aps["x509"]["self"].as_str().unwrap();
    let (cert_pem, key_pem) = split_bundle(bundle);
    assert!(
        key_pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "PKCS#8 (documented deviation from RSA)"
    );
    assert_eq!(cert_pem.trim(), f.instance.self_cert_pem.trim());
    let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let signing = rustls::crypto::ring::sign::any_supported_type(&key).unwrap();
    rustls::sign::CertifiedKey::new(vec![cert.clone()], signing)
        .keys_match()
        .expect("key matches certificate");

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(f.sim.ca_pem().as_bytes()).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        roots.into(),
        apsc_sim::tls::provider(),
    )
    .build()
    .unwrap();
    verifier
        .verify_client_cert(&cert, &[], UnixTime::now())
        .expect("instance certificate chains to the CA");

    let root = f.sim.resource(&f.instance.id).unwrap();
    assert_eq!(root.aps.status.as_deref(), Some("aps:ready"));
    assert_eq!(root.str_prop("apiUrl"), Some("https://ox.example/"));
    assert_eq!(f.sim.instances().len(), 1);
    assert!(!format!("{:?}", f.instance).contains("PRIVATE KEY"));
    let logged = f.sim.endpoint_calls();
    assert_eq!(
        logged[0].request_body.as_ref().unwrap()["aps"]["x509"]["self"],
        "<redacted>"
    );

    let me = rest(&f.sim, Some(&f.instance.identity()));
    let own: Value = me
        .get(url(&f.sim, "aps/2/application"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["aps"]["id"], f.instance.id.as_str());
}

#[tokio::test]
async fn failed_installation_returns_the_endpoint_error_and_leaves_nothing() {
    let sim = apsc_sim::Controller::start(fast_config()).await.unwrap();
    let ep = TestEndpoint::start().await;
    ep.on(
        Method::POST,
        "globals",
        vec![Reply::error(400, "bad settings")],
    );
    let package = sim.register_package(package_spec()).unwrap();
    let err = sim
        .install_instance(&ep.base_url, &package, json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400));
    assert_eq!(
        err.aps_error().map(|e| e.message.as_str()),
        Some("bad settings")
    );
    assert!(matches!(
        err,
        SimError::Endpoint {
            phase: apsc_sim::Phase::Sync,
            ..
        }
    ));
    assert!(sim.instances().is_empty());
    assert!(
        sim.resources(&format!("implementing({GLOBALS})"))
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn asynchronous_installation_polls_with_the_same_request() {
    let sim = apsc_sim::Controller::start(fast_config()).await.unwrap();
    let ep = TestEndpoint::start().await;
    ep.on(
        Method::POST,
        "globals",
        vec![
            Reply::accepted(30, "preparing"),
            Reply::ok(json!({"ready": true})),
        ],
    );
    let package = sim.register_package(package_spec()).unwrap();
    let started = std::time::Instant::now();
    let instance = sim
        .install_instance(&ep.base_url, &package, json!({}))
        .await
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "30 s retry × 0.001 scale"
    );
    let reqs = ep.requests_to(&Method::POST, "globals");
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("aps-request-phase"), Some("sync"));
    assert_eq!(reqs[1].header("aps-request-phase"), Some("async"));
    assert_eq!(
        reqs[0].header("aps-transaction-id"),
        reqs[1].header("aps-transaction-id")
    );
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(instance.resource.props["ready"], true);
    assert_eq!(instance.resource.aps.status.as_deref(), Some("aps:ready"));
    let task = &sim.tasks()[0];
    assert_eq!(
        (task.status, task.attempts, task.info.as_deref()),
        (TaskStatus::Succeeded, 2, Some("preparing"))
    );
}
