//! A resource's life through the framework: sync and async (202) provisioning, configure,
//! links, event handlers, unprovision; repeats make no second job.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{backends, start};
use crate::raw_controller::{Cert, RawController};

async fn installed(backend: crate::harness::Backend) -> (crate::harness::TestNode, RawController) {
    let t = start(backend, |_| {}).await;
    let c = RawController::new();
    assert_eq!(
        c.json(Method::POST, &t.url("globals"), &c.install_body())
            .await
            .status,
        StatusCode::OK
    );
    (t, c)
}

fn item(id: &str, extra: Value) -> Value {
    let mut v = json!({"aps": {"id": id, "type": "http://oxaps.org/types/resource/1.0"}, "name": "Room 1", "secret": "s3cr3t"});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    v
}

/// Polls with phase async as the controller does until the answer is not 202.
async fn poll(
    c: &RawController,
    method: Method,
    url: &str,
    body: &Value,
) -> crate::raw_controller::Answer {
    for _ in 0..200 {
        let a = c
            .send(
                Cert::Controller,
                method.clone(),
                url,
                Some(serde_json::to_vec(body).unwrap()),
                &[("APS-Request-Phase", "async")],
            )
            .await;
        if a.status != StatusCode::ACCEPTED {
            return a;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("operation still accepted after 200 polls");
}

#[tokio::test]
async fn sync_lifecycle_with_links_and_events() {
    for backend in backends() {
        let (t, c) = installed(backend).await;
        let a = c
            .json(
                Method::POST,
                &t.url("resource"),
                &item("r1", json!({"vendorField": 7})),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["vendorField"], 7);
        assert_eq!(a.body["provisionedBy"], "oxaps");
        let stored: String = sqlx::query_scalar("SELECT body FROM resources WHERE id = 'r1'")
            .fetch_one(t.node.app.store.pool())
            .await
            .unwrap();
        assert!(
            !stored.contains("s3cr3t"),
            "encrypted property sealed at rest"
        );
        assert_eq!(c.get(&t.url("resource/r1")).await.body["secret"], "s3cr3t");

        let put = c
            .json(
                Method::PUT,
                &t.url("resource/r1"),
                &item("r1", json!({"name": "Room 2"})),
            )
            .await;
        assert_eq!(
            (put.status, put.body["name"].clone()),
            (StatusCode::OK, json!("Room 2"))
        );

        let link = c
            .json(
                Method::POST,
                &t.url("resource/r1/items"),
                &json!({"aps": {"id": "other-1"}}),
            )
            .await;
        assert_eq!(link.status, StatusCode::OK);
        assert_eq!(link.body, json!({}));
        assert_eq!(
            c.get(&t.url("resource/r1")).await.body["itemsLinked"],
            json!(["other-1"])
        );
        let unlink = c
            .send(
                Cert::Controller,
                Method::DELETE,
                &t.url("resource/r1/items/other-1"),
                None,
                &[],
            )
            .await;
        assert_eq!(unlink.status, StatusCode::OK);
        assert_eq!(
            c.get(&t.url("resource/r1")).await.body["itemsLinked"],
            json!([])
        );
        let undeclared = c
            .json(
                Method::POST,
                &t.url("resource/r1/owners"),
                &json!({"aps": {"id": "x"}}),
            )
            .await;
        assert_eq!(undeclared.status, StatusCode::NOT_FOUND);

        let event = json!({"event": "http://aps-standard.org/core/events/changed", "source": {"id": "u1", "type": "t"}, "serial": 3});
        for _ in 0..2 {
            let e = c
                .json(Method::POST, &t.url("resource/r1/onEvent"), &event)
                .await;
            assert_eq!(e.status, StatusCode::NO_CONTENT);
        }
        assert_eq!(
            c.get(&t.url("resource/r1")).await.body["eventsReceived"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "redelivery recorded once"
        );

        let del = c
            .send(
                Cert::Controller,
                Method::DELETE,
                &t.url("resource/r1"),
                None,
                &[],
            )
            .await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        assert_eq!(
            c.get(&t.url("resource/r1")).await.status,
            StatusCode::NOT_FOUND
        );
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn async_provisioning_answers_202_then_200_and_never_makes_a_second_job() {
    for backend in backends() {
        let (t, c) = installed(backend).await;
        let body = item("r-async", json!({"mode": "async"}));
        let jobs_before = t.count("jobs").await;
        let first = c.json(Method::POST, &t.url("resource"), &body).await;
        assert!(
            matches!(first.status, StatusCode::ACCEPTED | StatusCode::OK),
            "{}",
            first.status
        );
        if first.status == StatusCode::ACCEPTED {
            assert_eq!(first.headers["aps-retry-timeout"], "1");
            assert!(
                first.headers["aps-info"]
                    .to_str()
                    .unwrap()
                    .contains("r-async")
            );
        }
        // The controller repeats the sync request too (timeouts); both must land on the same job.
        let repeat = c.json(Method::POST, &t.url("resource"), &body).await;
        assert!(repeat.status.is_success());
        let done = poll(&c, Method::POST, &t.url("resource"), &body).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.body["aps"]["id"], "r-async");
        assert_eq!(t.count("jobs").await, jobs_before + 1);
        let status: String =
            sqlx::query_scalar("SELECT status FROM resources WHERE id = 'r-async'")
                .fetch_one(t.node.app.store.pool())
                .await
                .unwrap();
        assert_eq!(status, "ready");
        t.node.shutdown().await;
    }
}

#[tokio::test]
async fn failed_async_provisioning_reports_500_with_the_reason() {
    for backend in backends() {
        let (t, c) = installed(backend).await;
        let body = item(
            "r-bad",
            json!({"mode": "async", "failWith": "OX refused the context name"}),
        );
        let _ = c.json(Method::POST, &t.url("resource"), &body).await;
        let done = poll(&c, Method::POST, &t.url("resource"), &body).await;
        assert_eq!(done.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(done.body["type"], "Exception");
        assert!(
            done.body["message"]
                .as_str()
                .unwrap()
                .contains("OX refused the context name"),
            "{}",
            done.body
        );
        let dead = t
            .node
            .app
            .queue
            .list(&oxaps_jobs::ListFilter {
                status: Some(oxaps_jobs::JobStatus::Dead),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(dead.len(), 1, "the failure stays visible as a dead letter");
        t.node.shutdown().await;
    }
}
