//! Two nodes sharing one database, as behind a load balancer: any node answers any request.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{backends, start, start_in};
use crate::raw_controller::{Cert, RawController};

#[tokio::test]
async fn polls_may_land_on_another_node() {
    for backend in backends() {
        let a = start(backend, |_| {}).await;
        // The second node shares the database and the secret key (same data directory).
        let b = start_in(a.dir.clone(), a.database_url.clone(), |_| {}).await;
        let c = RawController::new();
        assert_eq!(
            c.json(Method::POST, &a.url("globals"), &c.install_body())
                .await
                .status,
            StatusCode::OK
        );

        let body = json!({"aps": {"id": "shared-1"}, "name": "x", "mode": "async", "secret": "s"});
        let first = c.json(Method::POST, &a.url("resource"), &body).await;
        assert!(first.status.is_success());
        let mut done = None;
        for _ in 0..500 {
            let poll = c
                .send(
                    Cert::Controller,
                    Method::POST,
                    &b.url("resource"),
                    Some(serde_json::to_vec(&body).unwrap()),
                    &[("APS-Request-Phase", "async")],
                )
                .await;
            if poll.status != StatusCode::ACCEPTED {
                done = Some(poll);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let done = done.expect("operation finished");
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.body["secret"], "s", "node B opens what node A sealed");
        assert_eq!(
            a.count("jobs").await,
            2,
            "verify-controller + one provisioning job across both nodes"
        );
        let got = c.get(&b.url(&format!("globals/{}", c.instance_id))).await;
        assert_eq!(got.status, StatusCode::OK);
        a.node.shutdown().await;
        b.node.shutdown().await;
    }
}
