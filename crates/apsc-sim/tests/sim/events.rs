//! Event subscriptions and notification delivery.

use std::time::Duration;

use apsc_sim::type_ids::{CORE_USER, PA_SERVICE_USER};
use apsc_sim::{DeliveryOutcome, EventKind, ServiceUserSpec};
use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{Reply, USER, fixture, rest, tenant, url};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn subscriptions_over_rest_and_delivery() {
    let f = fixture().await;
    let (account, _, tenant_id) = tenant(&f).await;
    let su = f
        .sim
        .create_service_user(&account, ServiceUserSpec::new("a@acme.test", "A", "B"))
        .unwrap();
    let su = su.id().unwrap().to_owned();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();

    let client = rest(&f.sim, Some(&f.instance.identity()));
    let subs_url = url(
        &f.sim,
        &format!("aps/2/resources/{tenant_id}/aps/subscriptions"),
    );
    let created: Value = client
        .post(&subs_url)
        .json(&json!({"event": EventKind::Changed.uri(), "source": {"type": CORE_USER}, "handler": "onUserChange"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sub_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["source"], json!({"type": CORE_USER}));
    let listed: Value = client
        .get(&subs_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(f.sim.subscriptions()[0].subscriber, tenant_id);

    f.sim
        .configure(&su, json!({"givenName": "Ann"}))
        .await
        .unwrap();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    let got =
        f.ep.requests_to(&Method::POST, &format!("tenant/{tenant_id}/onUserChange"));
    assert_eq!(got.len(), 1);
    let n = &got[0].body;
    assert_eq!(n["event"], EventKind::Changed.uri());
    assert_eq!(n["source"], json!({"id": su, "type": PA_SERVICE_USER}));
    assert_eq!(n["subscription"], sub_id.as_str());
    assert!(n["time"].as_str().unwrap().ends_with('Z') && n["serial"].as_u64().unwrap() > 0);
    assert_eq!(
        got[0].header("aps-instance-id"),
        Some(f.instance.id.as_str())
    );
    assert!(got[0].header("aps-transaction-id").is_some());
    assert_eq!(
        f.sim.deliveries().last().unwrap().outcome,
        DeliveryOutcome::Delivered
    );

    let removed = client
        .delete(format!("{subs_url}/{sub_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    f.sim
        .configure(&su, json!({"givenName": "Anna"}))
        .await
        .unwrap();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    assert_eq!(
        f.ep.requests_to(&Method::POST, &format!("tenant/{tenant_id}/onUserChange"))
            .len(),
        1
    );

    let other = rest(&f.sim, Some(&f.sim.issue_unbound_identity("x").unwrap()));
    assert_eq!(other.get(&subs_url).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn link_events_carry_the_relation() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    for (event, handler) in [
        (EventKind::Linked, "onUsersLinked"),
        (EventKind::Unlinked, "onUsersUnlinked"),
    ] {
        f.sim.subscribe(&tenant_id, json!({"event": event.uri(), "source": {"id": tenant_id}, "relation": "users", "handler": handler})).unwrap();
    }
    f.sim.subscribe(&tenant_id, json!({"event": EventKind::Linked.uri(), "source": {"id": tenant_id}, "relation": "other", "handler": "never"})).unwrap();
    let user = f
        .sim
        .provision(
            &f.instance.id,
            "user",
            json!({"tenant": {"aps": {"id": tenant_id}}, "login": "u"}),
        )
        .await
        .unwrap();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    let linked =
        f.ep.requests_to(&Method::POST, &format!("tenant/{tenant_id}/onUsersLinked"));
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].body["source"]["id"], tenant_id.as_str());
    f.sim.unprovision(user.id().unwrap()).await.unwrap();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    assert_eq!(
        f.ep.requests_to(
            &Method::POST,
            &format!("tenant/{tenant_id}/onUsersUnlinked")
        )
        .len(),
        1
    );
    assert!(f.ep.requests_to(&Method::POST, "tenant/*/never").is_empty());
    assert!(
        f.sim
            .resources(&format!("implementing({USER})"))
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn redelivery_on_202_and_bounded_retries_on_errors() {
    let f = fixture().await;
    let (account, _, tenant_id) = tenant(&f).await;
    let su = f
        .sim
        .create_service_user(&account, ServiceUserSpec::new("a@acme.test", "A", "B"))
        .unwrap();
    let su = su.id().unwrap().to_owned();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    let changed = EventKind::Changed.uri();
    f.sim
        .subscribe(
            &tenant_id,
            json!({"event": changed, "source": {"id": su}, "handler": "onBusy"}),
        )
        .unwrap();
    f.sim
        .subscribe(
            &tenant_id,
            json!({"event": changed, "source": {"id": su}, "handler": "onBroken"}),
        )
        .unwrap();
    f.ep.on(
        Method::POST,
        "tenant/*/onBusy",
        vec![
            Reply::accepted(1, "later"),
            Reply::accepted(1, "later"),
            Reply::status(204, Value::Null),
        ],
    );
    f.ep.on(
        Method::POST,
        "tenant/*/onBroken",
        vec![Reply::error(500, "broken")],
    );

    f.sim
        .configure(&su, json!({"givenName": "Ann"}))
        .await
        .unwrap();
    f.sim.wait_for_deliveries(WAIT).await.unwrap();
    let deliveries = f.sim.deliveries();
    let busy = deliveries.iter().find(|d| d.handler == "onBusy").unwrap();
    assert_eq!(
        (busy.attempts.as_slice(), busy.outcome),
        (&[202, 202, 204][..], DeliveryOutcome::Delivered)
    );
    let broken = deliveries.iter().find(|d| d.handler == "onBroken").unwrap();
    assert_eq!(
        broken.attempts,
        vec![500; 11],
        "first attempt plus 10 retries"
    );
    assert_eq!(broken.outcome, DeliveryOutcome::Dropped);
    let sent = f.ep.requests_to(&Method::POST, "tenant/*/onBusy");
    assert!(
        sent.iter().all(|r| r.body == sent[0].body),
        "the same notification is redelivered"
    );
}
