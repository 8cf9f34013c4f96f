//! The endpoint driven by apsc-sim, the controller simulator: installation with its certificates,
//! the async polling loop, links, event delivery and the call-back with the instance certificate.

use std::time::Duration;

use apsc_sim::{
    ClientCert, Controller, InstanceHandle, PackageSpec, RelationDef, ServiceSpec, SimConfig,
    SimHandle,
};
use oxaps::types::{CORE_APPLICATION, type_id};
use reqwest::Method;
use serde_json::json;

use crate::harness::{Backend, TestNode, backends, start};

async fn setup(backend: Backend) -> (TestNode, SimHandle, InstanceHandle) {
    let t = start(backend, |_| {}).await;
    let sim = Controller::start(SimConfig::default()).await.unwrap();
    let items = RelationDef {
        name: "items".into(),
        type_id: type_id("resource"),
        collection: true,
        required: false,
    };
    let package = sim
        .register_package(
            PackageSpec::new(
                "http://oxaps.org/app",
                ServiceSpec::new("globals", type_id("globals")).implements(CORE_APPLICATION),
            )
            .service(ServiceSpec::new("resource", type_id("resource")).relation(items)),
        )
        .unwrap();
    let instance = sim
        .install_instance(
            &t.node.endpoint_url(),
            &package,
            json!({"webmailUrl": "https://mail.example.com"}),
        )
        .await
        .unwrap();
    (t, sim, instance)
}

#[tokio::test]
async fn installation_and_call_back_with_the_instance_certificate() {
    for backend in backends() {
        let (t, sim, instance) = setup(backend).await;
        assert_eq!(instance.response["webmailUrl"], "https://mail.example.com");
        let row = t
            .node
            .app
            .store
            .instance(&instance.id)
            .await
            .unwrap()
            .expect("instance stored");
        assert_eq!(
            row.controller_uri.trim_end_matches('/'),
            sim.rest_base_url().trim_end_matches('/')
        );

        // The verify-controller job calls GET /aps/2/resources/<instance> with the instance identity.
        let job = t
            .node
            .app
            .queue
            .find_by_key(&format!("{0}/{0}/verify-controller", instance.id))
            .await
            .unwrap()
            .unwrap();
        let job = t
            .node
            .app
            .queue
            .wait_for(job.id, Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(
            job.status,
            oxaps_jobs::JobStatus::Succeeded,
            "{:?}",
            job.last_error
        );
        let call = sim
            .transaction_log()
            .into_iter()
            .find(|c| {
                c.method == "GET"
                    && c.path
                        .ends_with(&format!("/aps/2/resources/{}", instance.id))
            })
            .expect("call-back recorded by the controller");
        assert_eq!(
            call.instance.as_deref(),
            Some(instance.id.as_str()),
            "the controller recognised the instance certificate"
        );
        assert_eq!(call.status, 200);
        let check = t
            .node
            .app
            .store
            .instance(&instance.id)
            .await
            .unwrap()
            .unwrap()
            .controller_check
            .unwrap();
        assert!(check.starts_with("ok"), "{check}");
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn lifecycle_through_the_controller_with_async_polling_and_links() {
    for backend in backends() {
        let (t, sim, instance) = setup(backend).await;
        let r = sim
            .provision(
                &instance.id,
                "resource",
                json!({"aps": {"type": type_id("resource")}, "name": "sync one"}),
            )
            .await
            .unwrap();
        let sync_id = r.id().unwrap().to_owned();
        assert_eq!(r.aps.status.as_deref(), Some("aps:ready"));
        assert_eq!(r.props["provisionedBy"], "oxaps");

        let r = sim
            .provision(
                &instance.id,
                "resource",
                json!({"aps": {"type": type_id("resource")}, "name": "async one", "mode": "async"}),
            )
            .await
            .unwrap();
        let async_id = r.id().unwrap().to_owned();
        assert_eq!(r.aps.status.as_deref(), Some("aps:ready"));
        let calls: Vec<_> = sim
            .endpoint_calls()
            .into_iter()
            .filter(|c| c.url.ends_with("/resource") && c.method == "POST")
            .collect();
        let async_calls: Vec<_> = calls
            .iter()
            .filter(|c| {
                c.request_body
                    .as_ref()
                    .and_then(|b| b.get("mode"))
                    .is_some()
            })
            .collect();
        assert!(!async_calls.is_empty());
        assert_eq!(async_calls[0].phase, "sync");
        assert!(
            async_calls
                .iter()
                .all(|c| c.transaction_id == async_calls[0].transaction_id),
            "polls belong to one transaction"
        );
        if async_calls.len() > 1 {
            assert!(async_calls[1..].iter().all(|c| c.phase == "async"));
            assert_eq!(async_calls[0].status, Some(202));
        }

        let changed = sim
            .configure(&sync_id, json!({"name": "renamed"}))
            .await
            .unwrap();
        assert_eq!(changed.props["name"], "renamed");
        assert_eq!(
            sim.retrieve(&sync_id).await.unwrap().props["name"],
            "renamed"
        );

        sim.link(&sync_id, "items", &async_id).await.unwrap();
        let local = t
            .node
            .app
            .store
            .resource(&instance.id, &sync_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(local.body["itemsLinked"], json!([async_id]));
        sim.unlink(&sync_id, "items", &async_id).await.unwrap();
        let local = t
            .node
            .app
            .store
            .resource(&instance.id, &sync_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(local.body["itemsLinked"], json!([]));

        sim.unprovision(&async_id).await.unwrap();
        assert!(
            t.node
                .app
                .store
                .resource(&instance.id, &async_id)
                .await
                .unwrap()
                .is_none()
        );
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn failed_async_provisioning_is_reported_to_the_controller() {
    let (t, sim, instance) = setup(Backend::Sqlite).await;
    let err = sim
        .provision(&instance.id, "resource", json!({"aps": {"type": type_id("resource")}, "name": "x", "mode": "async", "failWith": "quota exceeded"}))
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(500), "{err}");
    assert!(err.aps_error().unwrap().message.contains("quota exceeded"));
    t.node.shutdown().await;
}

#[tokio::test]
async fn events_are_delivered_to_the_declared_handler() {
    for backend in backends() {
        let (t, sim, instance) = setup(backend).await;
        let r = sim
            .provision(
                &instance.id,
                "resource",
                json!({"aps": {"type": type_id("resource")}, "name": "listener"}),
            )
            .await
            .unwrap();
        let id = r.id().unwrap().to_owned();
        let account = sim
            .create_account(apsc_sim::AccountSpec::new("Example GmbH"))
            .unwrap();
        let account_id = account.id().unwrap().to_owned();
        sim.subscribe(&id, json!({"event": "http://aps-standard.org/core/events/changed", "source": {"id": account_id}, "handler": "onEvent"})).unwrap();
        sim.configure(&account_id, json!({"companyName": "Example AG"}))
            .await
            .unwrap();
        sim.wait_for_deliveries(Duration::from_secs(20))
            .await
            .unwrap();
        let local = t
            .node
            .app
            .store
            .resource(&instance.id, &id)
            .await
            .unwrap()
            .unwrap();
        let events = local.body["eventsReceived"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(events.len(), 1, "{:?}", sim.deliveries());
        assert_eq!(events[0]["source"]["id"], account_id);
        assert_eq!(
            events[0]["event"],
            "http://aps-standard.org/core/events/changed"
        );
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn the_simulated_controller_is_refused_without_its_certificate() {
    let (t, sim, instance) = setup(Backend::Sqlite).await;
    let url = format!("globals/{}", instance.id);
    let ok = sim
        .raw_request(sim.raw_request_for(&instance, Method::GET, &url))
        .await
        .unwrap();
    assert_eq!(ok.status, 200);
    let missing = sim
        .raw_request(
            sim.raw_request_for(&instance, Method::GET, &url)
                .without_header("APS-Instance-ID"),
        )
        .await
        .unwrap();
    assert_eq!(
        (missing.status, missing.body["message"].clone()),
        (500, json!("APS-Instance-Id header not set."))
    );
    let mut wrong = sim.raw_request_for(&instance, Method::GET, &url);
    wrong.client_cert = ClientCert::Custom(apsc_sim::self_signed_identity("intruder").unwrap());
    assert_eq!(sim.raw_request(wrong).await.unwrap().status, 403);
    let mut none = sim.raw_request_for(&instance, Method::GET, &url);
    none.client_cert = ClientCert::None;
    assert_eq!(sim.raw_request(none).await.unwrap().status, 403);
    t.node.shutdown().await;
}
