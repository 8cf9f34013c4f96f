//! Links: over REST, and made by the panel (with link notifications to the endpoint).

use apsc_sim::{AccountSpec, ServiceUserSpec};
use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{Reply, USER, fixture, rest, tenant, url};

#[tokio::test]
async fn links_over_rest_and_relation_listing() {
    let f = fixture().await;
    let (account, _, tenant_id) = tenant(&f).await;
    let user = f
        .sim
        .provision(
            &f.instance.id,
            "user",
            json!({"tenant": {"aps": {"id": tenant_id}}, "login": "u1"}),
        )
        .await
        .unwrap();
    let user = user.id().unwrap().to_owned();
    let su = f
        .sim
        .create_service_user(&account, ServiceUserSpec::new("u1@acme.test", "U", "One"))
        .unwrap();
    let su = su.id().unwrap().to_owned();
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let get = |path: String| {
        let client = client.clone();
        let u = url(&f.sim, &path);
        async move {
            client
                .get(u)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };

    let users = get(format!("aps/2/resources/{tenant_id}/users")).await;
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["aps"]["id"], user.as_str());
    let back = get(format!("aps/2/resources/{user}/tenant")).await;
    assert_eq!(back[0]["aps"]["id"], tenant_id.as_str());

    let linked = client
        .post(url(&f.sim, &format!("aps/2/resources/{user}/serviceUser")))
        .json(&json!({"aps": {"id": su}}))
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), 200);
    assert_eq!(
        get(format!("aps/2/resources/{user}/serviceUser")).await[0]["aps"]["id"],
        su.as_str()
    );
    assert_eq!(
        f.sim.resource_json(&user).unwrap()["serviceUser"]["aps"]["id"],
        su.as_str()
    );
    let found = get(format!("aps/2/resources?linkedWith({su})")).await;
    assert_eq!(
        found.as_array().unwrap().len(),
        2,
        "the user and the account"
    );
    let found = get(format!(
        "aps/2/resources?implementing({USER}),linkedWith({su})"
    ))
    .await;
    assert_eq!(found[0]["aps"]["id"], user.as_str());
    assert_eq!(
        f.sim.linked(&su, "services"),
        vec![user.clone()],
        "back link of the service user"
    );
    assert!(
        f.ep.requests_to(&Method::POST, "user/*").is_empty(),
        "the instance's own link is not notified back"
    );

    let unlinked = client
        .delete(url(
            &f.sim,
            &format!("aps/2/resources/{user}/serviceUser/{su}"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unlinked.status(), 204);
    assert_eq!(
        get(format!("aps/2/resources/{user}/serviceUser")).await,
        json!([])
    );
    let again = client
        .delete(url(
            &f.sim,
            &format!("aps/2/resources/{user}/serviceUser/{su}"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn links_made_by_the_panel_notify_the_endpoint() {
    let f = fixture().await;
    let (account, _, tenant_id) = tenant(&f).await;
    let user = f
        .sim
        .provision(
            &f.instance.id,
            "user",
            json!({"tenant": {"aps": {"id": tenant_id}}, "login": "u1"}),
        )
        .await
        .unwrap();
    let user = user.id().unwrap().to_owned();
    let su = f
        .sim
        .create_service_user(&account, ServiceUserSpec::new("u1@acme.test", "U", "One"))
        .unwrap();
    let su = su.id().unwrap().to_owned();

    f.sim.link(&user, "serviceUser", &su).await.unwrap();
    let notes =
        f.ep.requests_to(&Method::POST, &format!("user/{user}/serviceUser"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].body["aps"]["id"], su.as_str());
    assert_eq!(
        notes[0].header("aps-instance-id"),
        Some(f.instance.id.as_str())
    );
    f.sim.unlink(&user, "serviceUser", &su).await.unwrap();
    assert_eq!(
        f.ep.requests_to(&Method::DELETE, &format!("user/{user}/serviceUser/{su}"))
            .len(),
        1
    );
    assert!(f.sim.linked(&user, "serviceUser").is_empty());

    f.ep.on(
        Method::POST,
        "user/*",
        vec![Reply::error(400, "no such user")],
    );
    let err = f.sim.link(&user, "serviceUser", &su).await.unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400));
    assert!(
        f.sim.linked(&user, "serviceUser").is_empty(),
        "refused link is undone"
    );

    f.ep.on(
        Method::POST,
        "user/*",
        vec![Reply::error(501, "not implemented")],
    );
    f.sim.link(&user, "serviceUser", &su).await.unwrap();
    assert_eq!(
        f.sim.linked(&user, "serviceUser"),
        vec![su.clone()],
        "501 is an accepted answer"
    );

    let other = f.sim.create_account(AccountSpec::new("Other")).unwrap();
    f.sim
        .link(&su, "organization", other.id().unwrap())
        .await
        .unwrap();
    assert_eq!(f.sim.linked(other.id().unwrap(), "users"), vec![su.clone()]);
    assert!(
        f.sim.linked(&account, "users").is_empty(),
        "single relations are re-pointed"
    );
}
