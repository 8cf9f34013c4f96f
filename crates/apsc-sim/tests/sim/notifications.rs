//! The notification manager.

use apsc_sim::type_ids::NOTIFICATION_MANAGER;
use serde_json::{Value, json};

use crate::common::{fixture, rest, url};

#[tokio::test]
async fn notification_manager_crud_over_both_paths() {
    let f = fixture().await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let found: Value = client
        .get(url(
            &f.sim,
            &format!("aps/2/resources?implementing({NOTIFICATION_MANAGER})"),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let nm = found[0]["aps"]["id"].as_str().unwrap().to_owned();
    assert_eq!(nm, f.sim.notification_manager_id());

    let body = json!({"status": "inProgress", "message": {"message": "Creating __name__", "keys": {"name": "x"}}, "accountId": "acc-1"});
    let created: Value = client
        .post(url(
            &f.sim,
            "aps/2/services/notification-manager/notifications",
        ))
        .header("APS-Transaction-ID", "t-1")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["message"]["keys"]["name"], "x");

    let via_resource = url(&f.sim, &format!("aps/2/resources/{nm}/notifications"));
    let second: Value = client
        .post(&via_resource)
        .json(&json!({"status": "ready", "message": {"message": "hi"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed: Value = client
        .get(&via_resource)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let item = url(
        &f.sim,
        &format!("aps/2/services/notification-manager/notifications/{id}"),
    );
    let updated: Value = client
        .put(&item)
        .json(&json!({"status": "ready"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (updated["status"].as_str(), updated["accountId"].as_str()),
        (Some("ready"), Some("acc-1"))
    );
    assert_eq!(client.delete(&item).send().await.unwrap().status(), 204);
    assert_eq!(client.get(&item).send().await.unwrap().status(), 404);

    let stored = f.sim.notifications();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, second["id"].as_str().unwrap());
    assert_eq!(stored[0].instance.as_deref(), Some(f.instance.id.as_str()));
    assert!(
        f.sim
            .transaction_log()
            .iter()
            .any(|c| c.transaction_id.as_deref() == Some("t-1") && c.status == 200)
    );
}
