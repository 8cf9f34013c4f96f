//! The asynchronous protocol, operation answers, custom operations and headers.

use std::time::{Duration, Instant};

use apsc_sim::{OpKind, Phase, SimConfig, SimError, TaskStatus};
use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{Fixture, Reply, USER, fast_config, fixture, fixture_with, rest, tenant, url};

/// Polls `cond` every 5 ms for at most 10 s.
pub async fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn status_of(f: &Fixture, id: &str) -> Option<String> {
    f.sim.resource(id).and_then(|r| r.aps.status)
}

#[tokio::test]
async fn provisioning_polls_with_the_same_request_until_done() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    // The second wait (1000 s × 0.001 = 1 s) leaves the test time to look at the pending state.
    f.ep.on(
        Method::POST,
        "user",
        vec![
            Reply::accepted(30, "creating mailbox"),
            Reply::accepted(1000, "still busy"),
            Reply::ok(json!({"mailbox": "ok"})),
        ],
    );
    let started = Instant::now();
    let (id, join) = f
        .sim
        .spawn_provision(
            &f.instance.id,
            "user",
            json!({"tenant": {"aps": {"id": tenant_id}}, "login": "u1"}),
        )
        .unwrap();
    f.ep.wait_for(&Method::POST, "user", 2).await;
    assert_eq!(status_of(&f, &id).as_deref(), Some("aps:provisioning"));
    let user = join.await.unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "1030 s of retry timeouts scaled by 0.001"
    );
    assert_eq!(user.aps.status.as_deref(), Some("aps:ready"));
    assert_eq!(user.str_prop("mailbox"), Some("ok"));
    let reqs = f.ep.requests_to(&Method::POST, "user");
    let phases: Vec<_> = reqs
        .iter()
        .map(|r| r.header("aps-request-phase").unwrap())
        .collect();
    assert_eq!(phases, ["sync", "async", "async"]);
    assert!(
        reqs.iter()
            .all(|r| r.header("aps-transaction-id") == reqs[0].header("aps-transaction-id"))
    );
    assert!(reqs.iter().all(|r| r.body == reqs[0].body));
    assert_eq!(reqs[0].body["aps"]["id"], id.as_str());
    assert_eq!(reqs[0].body["tenant"]["aps"]["id"], tenant_id.as_str());
    let task = f
        .sim
        .tasks()
        .into_iter()
        .find(|t| t.resource_id.as_deref() == Some(id.as_str()))
        .unwrap();
    assert_eq!(
        (task.kind, task.status, task.attempts),
        (OpKind::Provision, TaskStatus::Succeeded, 3)
    );
    assert_eq!(task.statuses, [202, 202, 200]);
    assert_eq!(
        (task.info.as_deref(), task.retry_timeout_secs),
        (Some("still busy"), 1000.0)
    );
}

#[tokio::test]
async fn failures_sync_and_async() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    let body = json!({"tenant": {"aps": {"id": tenant_id}}, "login": "u1"});

    f.ep.on(Method::POST, "user", vec![Reply::error(409, "login taken")]);
    let err = f
        .sim
        .provision(&f.instance.id, "user", body.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.aps_error().map(|e| (e.code, e.message.as_str())),
        Some((409, "login taken"))
    );
    assert!(
        f.sim
            .resources(&format!("implementing({USER})"))
            .unwrap()
            .is_empty(),
        "sync failure rolls back"
    );

    f.ep.on(
        Method::POST,
        "user",
        vec![
            Reply::accepted(1, "working"),
            Reply::error(500, "quota exceeded"),
        ],
    );
    let err = f
        .sim
        .provision(&f.instance.id, "user", body.clone())
        .await
        .unwrap_err();
    let SimError::Endpoint {
        status: 500,
        phase: Phase::Async,
        task_id: Some(task_id),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    let task = f.sim.task(task_id).unwrap();
    assert_eq!(task.status, TaskStatus::Failed);
    assert!(task.error.as_deref().unwrap().contains("quota exceeded"));
    let users = f.sim.resources(&format!("implementing({USER})")).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        users[0]["aps"]["status"], "aps:provisioning",
        "async failure leaves the resource provisioning"
    );

    f.ep.on(Method::GET, "user/*", vec![Reply::status(204, Value::Null)]);
    let id = users[0]["aps"]["id"].as_str().unwrap();
    assert_eq!(
        f.sim.retrieve(id).await.unwrap_err().endpoint_status(),
        Some(204),
        "retrieve must answer 200"
    );
}

#[tokio::test]
async fn the_attempt_limit_ends_a_task() {
    let f = fixture_with(SimConfig {
        max_async_attempts: 3,
        ..fast_config()
    })
    .await;
    f.ep.on(Method::POST, "tenant", vec![Reply::accepted(1, "forever")]);
    let err = f
        .sim
        .provision(&f.instance.id, "tenant", json!({"name": "t"}))
        .await
        .unwrap_err();
    let SimError::PollLimit {
        attempts: 3,
        task_id,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(f.sim.task(&task_id).unwrap().status, TaskStatus::Failed);
    assert_eq!(f.ep.requests_to(&Method::POST, "tenant").len(), 3);
}

#[tokio::test]
async fn rest_operations_return_after_the_sync_phase_and_finish_in_the_background() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    let client = rest(&f.sim, Some(&f.instance.identity()));

    f.ep.on(
        Method::POST,
        "user",
        vec![
            Reply::accepted(5, "creating"),
            Reply::ok(json!({"quota": 1})),
        ],
    );
    let created: Value = client
        .post(url(&f.sim, "aps/2/resources"))
        .json(&json!({"aps": {"type": USER}, "tenant": {"aps": {"id": tenant_id}}, "login": "u2"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["aps"]["status"], "aps:provisioning");
    let id = created["aps"]["id"].as_str().unwrap().to_owned();
    eventually("provisioned", || {
        status_of(&f, &id).as_deref() == Some("aps:ready")
    })
    .await;
    assert_eq!(f.sim.resource(&id).unwrap().props["quota"], 1);

    f.ep.on(
        Method::PUT,
        "user/*",
        vec![
            Reply::accepted(5, "configuring"),
            Reply::ok(json!({"quota": 5})),
        ],
    );
    let configuring: Value = client
        .put(url(&f.sim, &format!("aps/2/resources/{id}")))
        .json(&json!({"login": "u3"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(configuring["aps"]["status"], "aps:configuring");
    eventually("configured", || {
        status_of(&f, &id).as_deref() == Some("aps:ready")
    })
    .await;
    let user = f.sim.resource(&id).unwrap();
    assert_eq!(
        (user.str_prop("login"), &user.props["quota"]),
        (Some("u3"), &json!(5))
    );
    let put = &f.ep.requests_to(&Method::PUT, &format!("user/{id}"))[0];
    assert_eq!(
        put.body["login"], "u3",
        "configure sends the new full representation"
    );
    assert_eq!(put.body["aps"]["id"], id.as_str());

    f.ep.on(
        Method::DELETE,
        "user/*",
        vec![
            Reply::accepted(1000, "deleting"),
            Reply::status(204, Value::Null),
        ],
    );
    let deleted = client
        .delete(url(&f.sim, &format!("aps/2/resources/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(status_of(&f, &id).as_deref(), Some("aps:deleted"));
    eventually("unprovisioned", || f.sim.resource(&id).is_none()).await;
    let phases: Vec<_> =
        f.ep.requests_to(&Method::DELETE, "user/*")
            .iter()
            .map(|r| r.header("aps-request-phase").unwrap().to_owned())
            .collect();
    assert_eq!(phases, ["sync", "async"]);
}

#[tokio::test]
async fn custom_operations_upgrade_and_identity_header() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    f.ep.on(
        Method::GET,
        "tenant/*",
        vec![Reply::ok(json!({"answer": 42}))],
    );
    let out = f
        .sim
        .as_identity("user-7")
        .call_operation(
            Method::GET,
            &tenant_id,
            "calc/special",
            Some("a=1&b=2"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(out["answer"], 42);
    let req = &f
        .ep
        .requests_to(&Method::GET, &format!("tenant/{tenant_id}/calc/special"))[0];
    assert_eq!(
        (req.query.as_deref(), req.header("aps-identity-id")),
        (Some("a=1&b=2"), Some("user-7"))
    );

    let client = rest(&f.sim, Some(&f.instance.identity()));
    let forwarded: Value = client
        .get(url(
            &f.sim,
            &format!("aps/2/resources/{tenant_id}/calc/special?x=1"),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(forwarded["answer"], 42);
    assert_eq!(
        f.ep.requests_to(&Method::GET, "tenant/*")
            .last()
            .unwrap()
            .query
            .as_deref(),
        Some("x=1")
    );

    let stat = f
        .sim
        .call_static_operation(
            Method::POST,
            &f.instance.id,
            "tenant",
            "check",
            None,
            Some(json!({"n": 1})),
        )
        .await
        .unwrap();
    assert_eq!(stat, json!({}));
    assert_eq!(
        f.ep.requests_to(&Method::POST, "tenant/check")[0].body["n"],
        1
    );

    f.sim
        .upgrade_instance(&f.instance.id, "1.0-3")
        .await
        .unwrap();
    let up = &f
        .ep
        .requests_to(&Method::POST, &format!("globals/{}/upgrade", f.instance.id))[0];
    assert_eq!(up.query.as_deref(), Some("version=1.0-3"));

    f.ep.on(Method::GET, "tenant/*", vec![Reply::error(418, "teapot")]);
    let err = f
        .sim
        .call_operation(Method::GET, &tenant_id, "calc", None, None)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(418));
    let passed = client
        .get(url(&f.sim, &format!("aps/2/resources/{tenant_id}/calc")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        passed.status(),
        418,
        "the endpoint's error goes to the initiator"
    );
    let body: Value = passed.json().await.unwrap();
    assert_eq!(body["message"], "teapot");
}
