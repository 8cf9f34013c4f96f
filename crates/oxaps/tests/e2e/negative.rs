//! Requests the endpoint must refuse, with the exact APS errors, leaving no state behind.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{backends, start};
use crate::raw_controller::{Cert, RawController};

#[tokio::test]
async fn health_check_answers_as_the_deployment_guide_says() {
    let t = start(crate::harness::Backend::Sqlite, |c| {
        c.base_path = "/openxchange".into()
    })
    .await;
    let c = RawController::new();
    let a = c
        .send(
            Cert::None,
            Method::GET,
            &t.url("globals"),
            None,
            &[("APS-Instance-ID", ""), ("APS-Controller-URI", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        a.body,
        json!({"code": 500, "type": "Exception", "message": "APS-Instance-Id header not set."})
    );
    assert!(t.url("globals").contains("/openxchange/globals"));

    let a = c
        .send(Cert::None, Method::GET, &t.url("nothing/here"), None, &[])
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.body["type"], "RuntimeException");
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Not Found: No appropriate method found for url")
    );
    assert_eq!(a.headers["content-type"], "application/json");
    t.node.shutdown().await;
}

#[tokio::test]
async fn refused_requests_leave_no_state() {
    for backend in backends() {
        let t = start(backend, |c| c.max_body_bytes = 4096).await;
        let c = RawController::new();
        assert_eq!(
            c.json(Method::POST, &t.url("globals"), &c.install_body())
                .await
                .status,
            StatusCode::OK
        );
        let (resources, jobs) = (t.count("resources").await, t.count("jobs").await);
        let item = serde_json::to_vec(&json!({"aps": {"id": "r1", "type": "http://oxaps.org/types/resource/1.0"}, "name": "x"})).unwrap();
        let url = t.url("resource");

        let a = c
            .send(
                Cert::Controller,
                Method::POST,
                &url,
                Some(item.clone()),
                &[("APS-Controller-URI", "")],
            )
            .await;
        assert_eq!(
            (a.status.as_u16(), a.body["message"].as_str()),
            (500, Some("APS-Controller-URI header not set."))
        );

        let a = c
            .send(
                Cert::Controller,
                Method::POST,
                &url,
                Some(item.clone()),
                &[("aps-instance-id", "4b1d-not-installed")],
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::NOT_FOUND,
            "unknown instance: {}",
            a.body
        );

        let a = c
            .send(Cert::Other, Method::POST, &url, Some(item.clone()), &[])
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "wrong client certificate");
        let a = c
            .send(Cert::None, Method::POST, &url, Some(item.clone()), &[])
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "no client certificate");

        let a = c
            .send(
                Cert::Controller,
                Method::POST,
                &url,
                Some(b"{\"aps\": {".to_vec()),
                &[],
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert_eq!(a.body["code"], 400);
        assert!(
            a.body["message"]
                .as_str()
                .unwrap()
                .starts_with("Malformed JSON")
        );

        let big =
            serde_json::to_vec(&json!({"aps": {"id": "r2"}, "name": "x".repeat(5000)})).unwrap();
        let a = c
            .send(Cert::Controller, Method::POST, &url, Some(big), &[])
            .await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);

        let a = c
            .send(
                Cert::Controller,
                Method::POST,
                &t.url("mailinglist"),
                Some(item.clone()),
                &[],
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "unknown service");
        let a = c
            .send(
                Cert::Controller,
                Method::POST,
                &t.url("purchaserequest"),
                Some(item.clone()),
                &[],
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::BAD_REQUEST,
            "a purchase request without its required properties: {}",
            a.body
        );
        assert!(
            a.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            a.body
        );

        let a = c
            .send(
                Cert::Controller,
                Method::PATCH,
                &format!("{url}/r1"),
                Some(item),
                &[],
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "no such method");

        assert_eq!(t.count("resources").await, resources);
        assert_eq!(t.count("jobs").await, jobs);
        assert_eq!(t.count("instances").await, 1);
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn client_certificate_check_can_be_turned_off_for_development() {
    let t = start(crate::harness::Backend::Sqlite, |c| {
        c.check_client_cert = false
    })
    .await;
    let c = RawController::new();
    let body = serde_json::to_vec(&c.install_body()).unwrap();
    let a = c
        .send(Cert::None, Method::POST, &t.url("globals"), Some(body), &[])
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = c
        .send(
            Cert::Other,
            Method::GET,
            &t.url(&format!("globals/{}", c.instance_id)),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    t.node.shutdown().await;
}

#[tokio::test]
async fn properties_beyond_the_type_definition_are_refused_before_anything_is_stored() {
    let t = start(crate::harness::Backend::Sqlite, |_| {}).await;
    let c = RawController::new();
    assert_eq!(
        c.json(Method::POST, &t.url("globals"), &c.install_body())
            .await
            .status,
        StatusCode::OK
    );
    let jobs = t.count("jobs").await;
    let a = c
        .json(
            Method::POST,
            &t.url("resource"),
            &json!({"aps": {"id": "long"}, "name": "x".repeat(2049), "mode": "async"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        a.body["message"],
        "Invalid resource: name: is 2049 characters long; at most 2048 are allowed."
    );
    let a = c
        .json(
            Method::POST,
            &t.url("resource"),
            &json!({"aps": {"id": "typed"}, "name": 42}),
        )
        .await;
    assert_eq!(
        a.body["message"],
        "Invalid resource: name: must be a string."
    );
    assert_eq!(t.count("resources").await, 1, "only the globals resource");
    assert_eq!(t.count("jobs").await, jobs);
    t.node.shutdown().await;
}
