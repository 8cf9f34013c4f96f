//! The invariant every reliability run must end in: each APS resource the controller holds maps to
//! exactly one OX object, and no OX object is orphaned.

use std::collections::BTreeMap;

use ox::{Context, Credentials, OxClient, User};
use oxaps::store::{ResourceStatus, Store};
use serde_json::Value;

/// Checks users: `expected` maps APS id → login of every user the controller provisioned.
pub async fn check_users(
    store: &Store,
    instance_id: &str,
    ox: &OxClient,
    master: &Credentials,
    context_id: i32,
    expected: &BTreeMap<String, String>,
) {
    // oxaps's own state: one ready row per APS user, nothing else.
    let rows = store.resources_of(instance_id, "user").await.unwrap();
    let mut by_id = BTreeMap::new();
    for row in &rows {
        assert_eq!(
            row.status,
            ResourceStatus::Ready,
            "user {} is {:?}",
            row.id,
            row.status
        );
        let ox_id = row
            .body
            .get("oxUserId")
            .and_then(Value::as_i64)
            .unwrap_or_else(|| panic!("user {} has no OX id", row.id));
        by_id.insert(
            row.id.clone(),
            (row.natural_key.clone().unwrap_or_default(), ox_id as i32),
        );
    }
    let ids: Vec<&String> = by_id.keys().collect();
    assert_eq!(
        ids,
        expected.keys().collect::<Vec<_>>(),
        "oxaps holds exactly the controller's users"
    );

    // OX: exactly these users (plus the context admin), each once, with the recorded id.
    let ctx = Context::with_id(context_id);
    let listed = ox.users().list_all(&ctx, master).await.unwrap();
    let mut ox_by_login = BTreeMap::new();
    for u in listed {
        let full = ox
            .users()
            .get_data(&ctx, &User::by_id(u.id.unwrap()), master)
            .await
            .unwrap();
        let name = full.name.unwrap_or_default();
        if full.context_admin == Some(true) || name == "oxadmin" {
            continue;
        }
        assert!(
            ox_by_login.insert(name.clone(), full.id.unwrap()).is_none(),
            "OX user {name} twice"
        );
    }
    let expected_logins: BTreeMap<&String, ()> = expected.values().map(|l| (l, ())).collect();
    let orphans: Vec<&String> = ox_by_login
        .keys()
        .filter(|l| !expected_logins.contains_key(l))
        .collect();
    assert!(
        orphans.is_empty(),
        "OX users no APS resource owns: {orphans:?}"
    );
    for (id, (login, ox_id)) in &by_id {
        assert_eq!(
            Some(login),
            expected.get(id),
            "user {id} has the login the controller sent"
        );
        assert_eq!(
            ox_by_login.get(login),
            Some(ox_id),
            "user {id} ({login}) maps to its OX user"
        );
    }
}
