//! Operator API: wait_for, stats, list, prune.

use std::sync::Arc;
use std::time::Duration;

use oxaps_jobs::{
    Clock, Error, JobError, JobStatus, ListFilter, NewJob, Queue, QueueStats, Registry, handler_fn,
};
use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::common::{TestDb, dual_test, enqueue, signalled};

fn registry() -> Registry {
    Registry::new()
        .with(handler_fn("ok", |job| async move { Ok(Some(job.payload)) }))
        .with(handler_fn("bad", |_| async {
            Err(JobError::permanent("rejected"))
        }))
}

async fn wait_for_wakes_on_local_completion(db: &TestDb) {
    // Polling disabled in effect: only the in-process Notify can end the wait early.
    let queue = db
        .queue()
        .with_wait_poll_interval(Duration::from_secs(3600));
    let id = enqueue(&queue, NewJob::new("ok", "i/r/w1", json!({"v": 1})))
        .await
        .id;
    let mut waiter = Box::pin(queue.wait_for(id, Duration::from_secs(30)));
    // Drive the waiter until it has read the pending row and parked.
    let parked = tokio::time::timeout(Duration::from_millis(200), &mut waiter).await;
    assert!(parked.is_err(), "wait_for returned for a pending job");
    queue.run_once(&registry(), "w").await.unwrap().unwrap();
    let job = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("wait_for was not woken by the completion")
        .unwrap();
    assert_eq!(
        (job.status, job.result),
        (JobStatus::Succeeded, Some(json!({"v": 1})))
    );
}
dual_test!(wait_for_wakes_on_local_completion);

async fn wait_for_sees_other_nodes_by_polling(db: &TestDb) {
    let node_a = db.queue();
    let node_b = Queue::new(db.pool.clone())
        .unwrap()
        .with_wait_poll_interval(Duration::from_millis(20));
    let id = enqueue(&node_a, NewJob::new("bad", "i/r/w2", json!({})))
        .await
        .id;
    let waiter = tokio::spawn(async move { node_b.wait_for(id, Duration::from_secs(30)).await });
    node_a.run_once(&registry(), "a").await.unwrap().unwrap();
    let job = waiter.await.unwrap().unwrap();
    assert_eq!(
        (job.status, job.last_error.as_deref()),
        (JobStatus::Dead, Some("rejected"))
    );
}
dual_test!(wait_for_sees_other_nodes_by_polling);

async fn wait_for_times_out_with_current_state(db: &TestDb) {
    let queue = db.queue();
    let id = enqueue(&queue, NewJob::new("ok", "i/r/w3", json!({})))
        .await
        .id;
    let job = queue.wait_for(id, Duration::from_millis(50)).await.unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    let missing = Uuid::new_v4();
    assert!(
        matches!(queue.wait_for(missing, Duration::from_millis(50)).await, Err(Error::NotFound(m)) if m == missing)
    );
}
dual_test!(wait_for_times_out_with_current_state);

async fn stats_list_and_prune(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    assert_eq!(queue.stats().await.unwrap(), QueueStats::default());
    let t0 = clock.now_ms();
    let reg = registry();
    // succeeded, dead
    enqueue(
        &queue,
        NewJob::new("ok", "inst-1/a/op", json!({}))
            .instance("inst-1")
            .priority(9),
    )
    .await;
    enqueue(
        &queue,
        NewJob::new("bad", "inst-1/b/op", json!({}))
            .instance("inst-1")
            .priority(8),
    )
    .await;
    queue.run_once(&reg, "w").await.unwrap().unwrap();
    queue.run_once(&reg, "w").await.unwrap().unwrap();
    // running (handler blocked)
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let blocking = {
        let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
        Arc::new(Registry::new().with(handler_fn("ok", move |_| {
            let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
            async move {
                entered.notify_one();
                release.notified().await;
                Ok(None)
            }
        })))
    };
    enqueue(
        &queue,
        NewJob::new("ok", "inst-2/c/op", json!({}))
            .instance("inst-2")
            .resource("c")
            .priority(7),
    )
    .await;
    let runner = {
        let (queue, blocking) = (queue.clone(), Arc::clone(&blocking));
        tokio::spawn(async move { queue.run_once(&blocking, "w").await })
    };
    signalled(&entered, "handler started").await;
    // pending: one ready, one scheduled for later
    enqueue(
        &queue,
        NewJob::new("ok", "inst-2/d/op", json!({})).instance("inst-2"),
    )
    .await;
    enqueue(
        &queue,
        NewJob::new("ok", "inst-2/e/op", json!({})).run_after(t0 + 60_000),
    )
    .await;
    clock.advance(Duration::from_secs(5));

    let expected = QueueStats {
        pending: 2,
        running: 1,
        succeeded: 1,
        dead: 1,
        oldest_pending_age_ms: 5_000,
    };
    assert_eq!(queue.stats().await.unwrap(), expected);

    let list = |filter: ListFilter| {
        let queue = queue.clone();
        async move {
            let mut keys: Vec<String> = queue
                .list(&filter)
                .await
                .unwrap()
                .into_iter()
                .map(|j| j.dedup_key)
                .collect();
            keys.sort();
            keys
        }
    };
    assert_eq!(
        list(ListFilter {
            instance_id: Some("inst-1".into()),
            ..Default::default()
        })
        .await,
        ["inst-1/a/op", "inst-1/b/op"]
    );
    assert_eq!(
        list(ListFilter {
            status: Some(JobStatus::Running),
            ..Default::default()
        })
        .await,
        ["inst-2/c/op"]
    );
    assert_eq!(
        list(ListFilter {
            resource_id: Some("c".into()),
            ..Default::default()
        })
        .await,
        ["inst-2/c/op"]
    );
    assert_eq!(
        list(ListFilter {
            kind: Some("bad".into()),
            ..Default::default()
        })
        .await,
        ["inst-1/b/op"]
    );
    assert_eq!(
        list(ListFilter {
            limit: Some(3),
            ..Default::default()
        })
        .await
        .len(),
        3
    );
    assert_eq!(list(ListFilter::default()).await.len(), 5);
    let found = queue.find_by_key("inst-1/b/op").await.unwrap().unwrap();
    assert_eq!(found.status, JobStatus::Dead);

    release.notify_one();
    runner.await.unwrap().unwrap().unwrap();
    // Prune: only succeeded jobs finished long enough ago; their keys become free again.
    assert_eq!(
        queue
            .prune_succeeded(Duration::from_secs(60))
            .await
            .unwrap(),
        0
    );
    clock.advance(Duration::from_secs(120));
    assert_eq!(
        queue
            .prune_succeeded(Duration::from_secs(60))
            .await
            .unwrap(),
        2
    );
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.succeeded, stats.dead, stats.pending), (0, 1, 2));
    assert!(
        enqueue(&queue, NewJob::new("ok", "inst-1/a/op", json!({})))
            .await
            .created
    );
}
dual_test!(stats_list_and_prune);
