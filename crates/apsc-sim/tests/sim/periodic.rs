//! The periodic task manager and its scheduler.

use apsc_sim::SimConfig;
use axum::http::Method;
use serde_json::{Value, json};

use crate::common::{fast_config, fixture, fixture_with, rest, tenant, url};

fn task(uuid: &str, resource: &str, period: u64, unit: &str) -> Value {
    json!({
        "taskUuid": uuid,
        "taskName": "syncUsage",
        "taskDescription": "Synchronise usage",
        "callInfo": {"resourceId": resource, "path": "/syncUsage", "verb": "POST", "headers": {"X-Task": "1"}, "entity": "{\"full\":true}"},
        "schedule": {"period": period, "periodType": unit}
    })
}

#[tokio::test]
async fn tasks_are_scheduled_run_on_demand_rescheduled_and_cancelled() {
    let f = fixture().await;
    let (_, _, tenant_id) = tenant(&f).await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let tasks = url(&f.sim, "aps/2/services/periodic-task-manager/tasks");
    let created: Value = client
        .post(&tasks)
        .json(&task("u-1", &tenant_id, 1, "DAYS"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["taskUuid"], "u-1");
    let listed: Value = client
        .get(format!("{tasks}?taskType=syncUsage"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        f.sim.run_due_tasks().await.is_empty(),
        "one day × 0.001 is not due yet"
    );

    let run = f.sim.run_task("u-1").await.unwrap();
    assert_eq!(run.status, Some(200));
    let calls =
        f.ep.requests_to(&Method::POST, &format!("tenant/{tenant_id}/syncUsage"));
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].header("x-task"), &calls[0].body),
        (Some("1"), &json!({"full": true}))
    );
    assert_eq!(
        calls[0].header("aps-transaction-id"),
        Some(run.transaction_id.as_str())
    );

    let item = format!("{tasks}/u-1");
    let schedule: Value = client
        .put(&item)
        .json(&json!({"period": 2, "periodType": "HOURS"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(schedule["period"], 2);
    let fetched: Value = client
        .get(&item)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["schedule"]["periodType"], "HOURS");
    assert_eq!(client.delete(&item).send().await.unwrap().status(), 204);
    assert!(f.sim.periodic_tasks().is_empty());
    assert!(f.sim.run_task("u-1").await.is_err());
    assert_eq!(f.sim.task_runs().len(), 1);
}

#[tokio::test]
async fn due_tasks_run_by_themselves_with_time_scaling() {
    let f = fixture_with(SimConfig {
        auto_run_periodic_tasks: true,
        ..fast_config()
    })
    .await;
    let (_, _, tenant_id) = tenant(&f).await;
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let ptm = f.sim.periodic_task_manager_id();
    let response = client
        .post(url(&f.sim, &format!("aps/2/resources/{ptm}/tasks")))
        .json(&task("u-2", &tenant_id, 10, "SECONDS"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let calls =
        f.ep.wait_for(&Method::POST, &format!("tenant/{tenant_id}/syncUsage"), 3)
            .await;
    assert!(calls.len() >= 3, "10 s period × 0.001 runs every 10 ms");
    crate::async_ops::eventually("three recorded runs", || {
        f.sim.periodic_tasks()[0].runs >= 3
    })
    .await;
    assert!(f.sim.task_runs().iter().all(|r| r.status == Some(200)));
}
