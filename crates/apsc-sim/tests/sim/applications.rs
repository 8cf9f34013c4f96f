//! `/aps/2/application(s)`: an application's own resources without call-backs, and retrieve.

use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{Reply, fixture, rest, tenant, url};

#[tokio::test]
async fn own_resources_are_managed_without_call_backs() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let before = f.ep.requests().len();

    let registered: Value = client
        .post(url(&f.sim, &format!("aps/2/applications/{}/user/", f.instance.id)))
        .json(&json!({"tenant": {"aps": {"id": tenant_id}}, "login": "imported", "quota": {"limit": 10}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = registered["aps"]["id"].as_str().unwrap().to_owned();
    assert_eq!(registered["aps"]["status"], "aps:ready");
    assert_eq!(registered["aps"]["package"]["id"], f.package.id.as_str());
    assert_eq!(f.sim.linked(&tenant_id, "users"), vec![id.clone()]);

    let revision = registered["aps"]["revision"].as_i64().unwrap();
    let updated: Value = client
        .put(url(&f.sim, &format!("aps/2/application/user/{id}")))
        .json(&json!({"quota": {"usage": 3}, "aps": {"status": "aps:ready"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["quota"], json!({"limit": 10, "usage": 3}));
    assert_eq!(updated["aps"]["revision"].as_i64(), Some(revision + 1));

    let own: Value = client
        .get(url(&f.sim, "aps/2/application/user"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own.as_array().unwrap().len(), 1);
    let roots: Value = client
        .get(url(&f.sim, "aps/2/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(roots[0]["aps"]["id"], f.instance.id.as_str());
    assert_eq!(
        f.ep.requests().len(),
        before,
        "no call back to the endpoint"
    );

    f.ep.on(
        Method::GET,
        "user/*",
        vec![Reply::ok(
            json!({"quota": {"usage": 7}, "aps": {"id": "ignored"}}),
        )],
    );
    let retrieved = f.sim.retrieve(&id).await.unwrap();
    assert_eq!(retrieved.props["quota"], json!({"limit": 10, "usage": 7}));
    assert_eq!(retrieved.id(), Some(id.as_str()));

    let foreign = client
        .post(url(&f.sim, "aps/2/applications/some-other-instance/user/"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let gone = client
        .delete(url(
            &f.sim,
            &format!("aps/2/applications/{}/user/{id}", f.instance.id),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);
    assert!(f.sim.resource(&id).is_none());
    assert!(f.ep.requests_to(&Method::DELETE, "user/*").is_empty());
}
