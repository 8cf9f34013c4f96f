//! Tenants follow their subscription: `changed` events disable and enable the OX context, and
//! redelivered, duplicated, stale or foreign events change nothing.

use serde_json::{Value, json};

use super::{context_enabled, set_subscription_disabled, subscription_of};
use crate::harness::Backend;
use crate::world::World;

#[tokio::test]
async fn subscription_events_are_idempotent() {
    let w = World::start(Backend::Sqlite).await;
    let basic = w.profile("Basic", "webmail", 512).await;
    let c = w.customer("events.example", &basic).await;
    let sub = subscription_of(&w, &c.tenant_id).await;
    let ours: Vec<_> = w
        .sim
        .subscriptions()
        .into_iter()
        .filter(|s| s.subscriber == c.tenant_id)
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0].handler, "onSubscriptionChange");
    assert_eq!(ours[0].source.id.as_deref(), Some(sub.as_str()));

    set_subscription_disabled(&w, &c, true).await;
    assert_eq!(context_enabled(&w, c.context_id).await, Some(false));
    let delivered = w.sim.deliveries();
    let disable_event = delivered.last().unwrap().notification.clone();
    let jobs = w.jobs_of(&c.tenant_id).await.len();

    // The same event again, twice at once: nothing more happens.
    let redeliver = |body: Value| {
        w.sim.call_operation(
            http::Method::POST,
            &c.tenant_id,
            "onSubscriptionChange",
            None,
            Some(body),
        )
    };
    let (a, b) = tokio::join!(
        redeliver(disable_event.clone()),
        redeliver(disable_event.clone())
    );
    a.unwrap();
    b.unwrap();
    w.settle().await;
    assert_eq!(w.jobs_of(&c.tenant_id).await.len(), jobs);
    assert_eq!(context_enabled(&w, c.context_id).await, Some(false));

    // Enabled; a late copy of the old "disable" event reads the current state and changes nothing.
    set_subscription_disabled(&w, &c, false).await;
    assert_eq!(context_enabled(&w, c.context_id).await, Some(true));
    let jobs = w.jobs_of(&c.tenant_id).await.len();
    redeliver(disable_event.clone()).await.unwrap();
    w.settle().await;
    assert_eq!(w.jobs_of(&c.tenant_id).await.len(), jobs);
    assert_eq!(context_enabled(&w, c.context_id).await, Some(true));

    // An event about another resource is ignored.
    let mut other = disable_event.clone();
    other["source"]["id"] = json!(c.account_id);
    redeliver(other).await.unwrap();
    w.settle().await;
    assert_eq!(w.jobs_of(&c.tenant_id).await.len(), jobs);

    // Disabled a second time: the same target state as before still gets its own job.
    set_subscription_disabled(&w, &c, true).await;
    assert_eq!(context_enabled(&w, c.context_id).await, Some(false));
    for d in w.sim.deliveries() {
        assert_eq!(d.attempts.last(), Some(&200), "{d:?}");
    }
    w.node.node.shutdown().await;
}
