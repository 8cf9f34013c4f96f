//! Instance installation and the globals resource.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{backends, start};
use crate::raw_controller::{Cert, RawController};

#[tokio::test]
async fn install_stores_identity_sealed_and_echoes_the_resource() {
    for backend in backends() {
        let t = start(backend, |_| {}).await;
        let c = RawController::new();
        let a = c
            .json(Method::POST, &t.url("globals"), &c.install_body())
            .await;
        assert_eq!(a.status, StatusCode::OK, "{backend:?}: {}", a.body);
        assert_eq!(a.body["aps"]["id"], c.instance_id);
        assert_eq!(a.body["aps"]["type"], "http://oxaps.org/types/globals/1.0");
        assert_eq!(
            a.body["vendorExtension"],
            json!({"kept": true}),
            "unknown properties are kept"
        );
        assert!(
            a.body["aps"].get("x509").is_none(),
            "the private key is not echoed back"
        );

        let row = t
            .node
            .app
            .store
            .instance(&c.instance_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.controller_uri, c.controller_uri);
        assert!(
            !row.instance_key_sealed.contains("PRIVATE KEY"),
            "key sealed at rest"
        );
        assert_eq!(
            t.node.app.secrets.open(&row.instance_key_sealed).unwrap(),
            c.instance.key_pem
        );
        assert_eq!(
            aps::pem::first_certificate(&row.instance_cert_pem).unwrap(),
            aps::pem::first_certificate(&c.instance.cert_pem).unwrap()
        );

        // The same installation again is answered from the stored state; nothing is duplicated.
        let again = c
            .json(Method::POST, &t.url("globals/"), &c.install_body())
            .await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.body["webmailUrl"], "https://webmail.example.com");
        assert_eq!(t.count("instances").await, 1);
        assert_eq!(
            t.count("jobs").await,
            1,
            "one verify-controller job, not two"
        );
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn install_requires_the_controller_certificate_that_the_body_names() {
    for backend in backends() {
        let t = start(backend, |_| {}).await;
        let c = RawController::new();
        let body = serde_json::to_vec(&c.install_body()).unwrap();
        for cert in [Cert::Other, Cert::None] {
            let a = c
                .send(
                    cert,
                    Method::POST,
                    &t.url("globals"),
                    Some(body.clone()),
                    &[],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        }
        let mut broken = c.install_body();
        broken["aps"]["x509"]["self"] = json!(c.instance.cert_pem);
        let a = c.json(Method::POST, &t.url("globals"), &broken).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(
            a.body["message"].as_str().unwrap().contains("private key"),
            "{}",
            a.body
        );
        assert_eq!(t.count("instances").await, 0);
        assert_eq!(t.count("resources").await, 0);
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn globals_retrieve_configure_upgrade_and_uninstall() {
    for backend in backends() {
        let t = start(backend, |_| {}).await;
        let c = RawController::new();
        assert_eq!(
            c.json(Method::POST, &t.url("globals"), &c.install_body())
                .await
                .status,
            StatusCode::OK
        );
        let id = c.instance_id.clone();

        let got = c.get(&t.url(&format!("globals/{id}"))).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body["webmailUrl"], "https://webmail.example.com");

        let mut new = got.body.clone();
        new["webmailUrl"] = json!("https://mail.example.net");
        let put = c
            .json(Method::PUT, &t.url(&format!("globals/{id}")), &new)
            .await;
        assert_eq!(put.status, StatusCode::OK);
        assert_eq!(
            c.get(&t.url(&format!("globals/{id}/"))).await.body["webmailUrl"],
            "https://mail.example.net"
        );

        let up = c
            .send(
                Cert::Controller,
                Method::POST,
                &t.url(&format!("globals/{id}/upgrade?version=0.9-1")),
                None,
                &[],
            )
            .await;
        assert_eq!(up.status, StatusCode::OK);
        assert_eq!(
            t.node
                .app
                .store
                .instance(&id)
                .await
                .unwrap()
                .unwrap()
                .upgraded_from
                .as_deref(),
            Some("0.9-1")
        );

        let del = c
            .send(
                Cert::Controller,
                Method::DELETE,
                &t.url(&format!("globals/{id}")),
                None,
                &[],
            )
            .await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        assert_eq!(t.count("instances").await, 0);
        assert_eq!(t.count("resources").await, 0);
        let again = c
            .send(
                Cert::Controller,
                Method::DELETE,
                &t.url(&format!("globals/{id}")),
                None,
                &[],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::NO_CONTENT,
            "a repeated uninstall succeeds"
        );
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn installed_instances_survive_a_restart() {
    for backend in backends() {
        let t = start(backend, |_| {}).await;
        let c = RawController::new();
        assert_eq!(
            c.json(Method::POST, &t.url("globals"), &c.install_body())
                .await
                .status,
            StatusCode::OK
        );
        let (dir, url) = (t.dir.clone(), t.database_url.clone());
        t.node.abort();
        let t = crate::harness::start_in(dir, url, |_| {}).await;
        let got = c.get(&t.url(&format!("globals/{}", c.instance_id))).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.body);
        assert_eq!(got.body["webmailUrl"], "https://webmail.example.com");
        t.node.shutdown().await;
    }
}
