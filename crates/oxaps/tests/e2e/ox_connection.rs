//! The instance's OX connection: checked at install and when its settings change.

use ox_sim::{OxSim, SimConfig};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{Backend, start};
use crate::raw_controller::RawController;

fn with_ox(c: &RawController, url: &str, password: &str) -> serde_json::Value {
    let mut body = c.install_body();
    body["oxSoapUrl"] = json!(url);
    body["oxMasterLogin"] = json!("oxadminmaster");
    body["oxMasterPassword"] = json!(password);
    body
}

#[tokio::test]
async fn install_checks_the_ox_connection_and_seals_the_master_password() {
    let ox = OxSim::start(SimConfig::for_test("master-secret"))
        .await
        .unwrap();
    let t = start(Backend::Sqlite, |_| {}).await;

    let c = RawController::new();
    let a = c
        .json(
            Method::POST,
            &t.url("globals"),
            &with_ox(&c, &ox.base_url(), "wrong"),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .contains("OX rejected the master admin credentials"),
        "{}",
        a.body
    );
    assert_eq!(t.count("instances").await, 0);

    let a = c
        .json(
            Method::POST,
            &t.url("globals"),
            &with_ox(&c, "http://127.0.0.1:9", "master-secret"),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .contains("cannot be reached"),
        "{}",
        a.body
    );

    let a = c
        .json(
            Method::POST,
            &t.url("globals"),
            &with_ox(
                &c,
                &format!("{}/webservices/", ox.base_url()),
                "master-secret",
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let stored: String = sqlx::query_scalar("SELECT body FROM resources WHERE service = 'globals'")
        .fetch_one(t.node.app.store.pool())
        .await
        .unwrap();
    assert!(
        !stored.contains("master-secret"),
        "the master password is sealed at rest"
    );
    assert_eq!(
        c.get(&t.url(&format!("globals/{}", c.instance_id)))
            .await
            .body["oxMasterPassword"],
        "master-secret"
    );

    // A configure that changes the OX settings is checked too; one that leaves them alone is not.
    let mut changed = with_ox(&c, &ox.base_url(), "not-the-password");
    changed["aps"] = json!({"id": c.instance_id});
    let a = c
        .json(
            Method::PUT,
            &t.url(&format!("globals/{}", c.instance_id)),
            &changed,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    t.node.shutdown().await;
    ox.shutdown().await;
}
