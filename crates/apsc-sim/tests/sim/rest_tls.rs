//! The REST API over mutual TLS: who gets in, and what is logged.

use serde_json::Value;

use crate::common::{fixture, rest, url};

#[tokio::test]
async fn rest_api_requires_a_client_certificate_from_its_ca() {
    let f = fixture().await;
    let versions = url(&f.sim, "aps");

    let anonymous = rest(&f.sim, None);
    assert!(
        anonymous.get(&versions).send().await.is_err(),
        "no client certificate"
    );

    let stranger = apsc_sim::self_signed_identity("stranger").unwrap();
    assert!(
        rest(&f.sim, Some(&stranger))
            .get(&versions)
            .send()
            .await
            .is_err(),
        "certificate from another CA"
    );

    let unbound = f.sim.issue_unbound_identity("nobody").unwrap();
    let response = rest(&f.sim, Some(&unbound))
        .get(&versions)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["code"].as_u64(), body["type"].as_str()),
        (Some(403), Some("Forbidden"))
    );

    for identity in [f.sim.controller_identity(), f.instance.identity()] {
        let response = rest(&f.sim, Some(&identity))
            .get(&versions)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn versions_document_trailing_slashes_and_error_bodies() {
    let f = fixture().await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let doc: Value = client
        .get(url(&f.sim, "aps/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["versions"]["7.4"]["version"], "7.4.0");
    assert_eq!(
        doc["versions"]["7.4"]["features"]["async"]["customOperation"],
        true
    );

    let response = client
        .get(url(&f.sim, "aps/2/resources/no-such-id"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["code"].as_u64(), body["type"].as_str()),
        (Some(404), Some("NotFound"))
    );

    let list = client
        .get(url(&f.sim, "aps/2/resources/"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert!(list.headers().get("content-range").is_some());

    let bad = client
        .get(url(&f.sim, "aps/2/resources?eq(a,1"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn rest_calls_are_logged_with_caller_and_transaction_id() {
    let f = fixture().await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let response = client
        .get(url(&f.sim, &format!("aps/2/resources/{}", f.instance.id)))
        .header("APS-Transaction-ID", "txn-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let log = f.sim.transaction_log();
    let entry = log
        .iter()
        .find(|c| c.transaction_id.as_deref() == Some("txn-123"))
        .expect("logged");
    assert_eq!(entry.instance.as_deref(), Some(f.instance.id.as_str()));
    assert_eq!(entry.method, "GET");
    assert_eq!(entry.path, format!("/aps/2/resources/{}", f.instance.id));
    assert_eq!(entry.status, 200);
}
