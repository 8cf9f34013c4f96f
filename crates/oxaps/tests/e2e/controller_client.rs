//! The controller client (`aps::controller`) against apsc-sim, acting as an installed instance.

use aps::controller::{
    ClientOptions, ControllerClient, EventSubscription, Notification, PeriodicTask, TaskCall,
    TaskSchedule,
};
use aps::pem::Identity;
use aps::rql;
use apsc_sim::platform::type_ids;
use apsc_sim::{AccountSpec, Controller, PackageSpec, ServiceSpec, SimConfig, SimHandle};
use oxaps::types::{CORE_APPLICATION, type_id};
use serde_json::json;

async fn client() -> (SimHandle, ControllerClient, String) {
    let t = crate::harness::start(crate::harness::Backend::Sqlite, |_| {}).await;
    let sim = Controller::start(SimConfig::default()).await.unwrap();
    let package = sim
        .register_package(PackageSpec::new(
            "http://oxaps.org/app",
            ServiceSpec::new("globals", type_id("globals")).implements(CORE_APPLICATION),
        ))
        .unwrap();
    let instance = sim
        .install_instance(&t.node.endpoint_url(), &package, json!({}))
        .await
        .unwrap();
    let identity = Identity {
        cert_pem: instance.self_cert_pem.clone(),
        key_pem: instance.self_key_pem.clone(),
    };
    let client =
        ControllerClient::new(&sim.rest_base_url(), &identity, ClientOptions::default()).unwrap();
    // The node is not needed for the client calls; keep it running until the test ends.
    std::mem::forget(t);
    (sim, client, instance.id)
}

#[tokio::test]
async fn typed_calls_with_transaction_echo_and_impersonation() {
    let (sim, client, instance_id) = client().await;
    let versions = client.versions().await.unwrap();
    assert!(versions.get("versions").is_some(), "{versions}");

    let account = sim
        .create_account(AccountSpec::new("Müller & Söhne (Berlin)"))
        .unwrap();
    let account_id = account.id().unwrap().to_owned();
    let q = rql::and([
        rql::implementing(type_ids::CORE_ACCOUNT),
        rql::eq("companyName", "Müller & Söhne (Berlin)"),
    ]);
    let found = client.query(&q).await.unwrap();
    assert_eq!(
        found.len(),
        1,
        "RQL with reserved characters round-trips: {q}"
    );
    assert_eq!(found[0].id(), Some(account_id.as_str()));

    let tx = client.in_transaction(Some("tx-42"));
    let me = tx.get_resource(&instance_id).await.unwrap();
    assert_eq!(me.id(), Some(instance_id.as_str()));
    let log = sim.transaction_log();
    let last = log
        .iter()
        .rev()
        .find(|c| c.path.ends_with(&instance_id))
        .unwrap();
    assert_eq!(last.transaction_id.as_deref(), Some("tx-42"));
    assert_eq!(last.instance.as_deref(), Some(instance_id.as_str()));

    let as_account = client.impersonating(&account_id);
    as_account.get_resource(&account_id).await.unwrap();
    assert!(
        sim.transaction_log()
            .iter()
            .any(|c| c.resource_id.as_deref() == Some(account_id.as_str())),
        "APS-Resource-ID sent"
    );

    let sub = client
        .subscribe(
            &instance_id,
            &EventSubscription {
                id: None,
                event: "http://aps-standard.org/core/events/changed".into(),
                source: json!({"type": type_ids::CORE_ACCOUNT}),
                relation: None,
                handler: "onAccountChange".into(),
            },
        )
        .await
        .unwrap();
    let sub_id = sub.id.clone().expect("the controller assigns an id");
    assert_eq!(client.subscriptions(&instance_id).await.unwrap().len(), 1);
    client.unsubscribe(&instance_id, &sub_id).await.unwrap();
    assert!(client.subscriptions(&instance_id).await.unwrap().is_empty());

    let n = Notification {
        status: "ready".into(),
        message: json!({"message": "OX App Suite is ready"}),
        details: None,
        account_id: Some(account_id.clone()),
        user_id: None,
        link: None,
        package_id: None,
    };
    client.send_notification(&n).await.unwrap();
    assert_eq!(sim.notifications().len(), 1);

    let task = PeriodicTask {
        task_uuid: uuid::Uuid::new_v4().to_string(),
        task_name: "usage sync".into(),
        task_description: None,
        call_info: TaskCall {
            resource_id: instance_id.clone(),
            path: "/syncUsage".into(),
            verb: "POST".into(),
            headers: None,
            entity: None,
        },
        schedule: TaskSchedule {
            period: 30,
            period_type: "MINUTES".into(),
            start_hour: None,
            start_minute: None,
        },
    };
    client.register_task(&task).await.unwrap();
    assert_eq!(
        client
            .tasks()
            .await
            .unwrap()
            .iter()
            .filter(|t| t.task_uuid == task.task_uuid)
            .count(),
        1
    );
    client.delete_task(&task.task_uuid).await.unwrap();

    let missing = client
        .get_resource("00000000-0000-0000-0000-000000000000")
        .await
        .unwrap_err();
    assert!(
        missing.is_not_found() && !missing.is_transient(),
        "{missing}"
    );
}

#[tokio::test]
async fn links_and_resource_crud() {
    let (sim, client, _instance) = client().await;
    let account = sim.create_account(AccountSpec::new("Links Inc")).unwrap();
    let account_id = account.id().unwrap().to_owned();
    let zone = client
        .create_resource(&json!({"aps": {"type": type_ids::PA_DNS_ZONE}, "name": "links.example", "account": {"aps": {"id": account_id}}}))
        .await;
    // Platform resources may also be created through the sim; either way the link calls must work.
    let zone_id = match zone {
        Ok(z) => z.id().unwrap().to_owned(),
        Err(_) => sim
            .create_dns_zone(&account_id, "links.example")
            .unwrap()
            .id()
            .unwrap()
            .to_owned(),
    };
    let updated = client
        .update_resource(&zone_id, &json!({"description": "mail zone"}))
        .await
        .unwrap();
    assert_eq!(updated.props.get("description"), Some(&json!("mail zone")));
    let user = sim
        .create_service_user(
            &account_id,
            apsc_sim::ServiceUserSpec::new("a@links.example", "A", "B"),
        )
        .unwrap();
    let user_id = user.id().unwrap().to_owned();
    client.link(&account_id, "users", &user_id).await.unwrap();
    assert!(
        client
            .linked(&account_id, "users")
            .await
            .unwrap()
            .iter()
            .any(|r| r.id() == Some(user_id.as_str()))
    );
    client.unlink(&account_id, "users", &user_id).await.unwrap();
    assert!(
        !client
            .linked(&account_id, "users")
            .await
            .unwrap()
            .iter()
            .any(|r| r.id() == Some(user_id.as_str()))
    );
}
