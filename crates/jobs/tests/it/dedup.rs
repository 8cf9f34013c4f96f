//! Keyed enqueue: a repeated request never creates a second job.

use std::collections::HashSet;

use oxaps_jobs::{Error, JobStatus, ListFilter, NewJob, Registry, handler_fn};
use serde_json::json;

use crate::common::{TestDb, dual_test, enqueue};

async fn count_jobs(db: &TestDb) -> usize {
    db.queue()
        .list(&ListFilter {
            limit: Some(1000),
            ..ListFilter::default()
        })
        .await
        .unwrap()
        .len()
}

async fn repeated_enqueue_returns_the_existing_job(db: &TestDb) {
    let queue = db.queue();
    let job = || {
        NewJob::new(
            "ox.create_user",
            "inst/user-1/create",
            json!({"login": "a"}),
        )
    };
    let first = enqueue(&queue, job()).await;
    assert!(first.created);
    assert_eq!(first.status, JobStatus::Pending);

    let again = enqueue(&queue, job()).await;
    assert_eq!((again.id, again.created), (first.id, false));

    // Twice inside one transaction, too.
    let mut tx = queue.pool().begin().await.unwrap();
    let x = queue
        .enqueue(&mut tx, NewJob::new("k", "inst/user-2/create", json!(1)))
        .await;
    let y = queue
        .enqueue(&mut tx, NewJob::new("k", "inst/user-2/create", json!(2)))
        .await;
    tx.commit().await.unwrap();
    let (x, y) = (x.unwrap(), y.unwrap());
    assert!(x.created && !y.created);
    assert_eq!(x.id, y.id);
    let stored = queue.get(x.id).await.unwrap().unwrap();
    assert_eq!(stored.payload, json!(1), "the first payload wins");
    assert_eq!(count_jobs(db).await, 2);

    // Finished jobs keep their key: a replayed request sees the outcome, not a new job.
    let registry = Registry::new().with(handler_fn("ox.create_user", |_| async { Ok(None) }));
    queue.run_once(&registry, "w").await.unwrap().unwrap();
    let replay = enqueue(&queue, job()).await;
    assert_eq!(
        (replay.id, replay.status, replay.created),
        (first.id, JobStatus::Succeeded, false)
    );
    assert_eq!(count_jobs(db).await, 2);
}
dual_test!(repeated_enqueue_returns_the_existing_job);

async fn rolled_back_enqueue_leaves_nothing(db: &TestDb) {
    let queue = db.queue();
    let mut tx = queue.pool().begin().await.unwrap();
    let enq = queue
        .enqueue(&mut tx, NewJob::new("k", "inst/r/op", json!({})))
        .await
        .unwrap();
    assert!(enq.created);
    tx.rollback().await.unwrap();
    assert!(queue.get(enq.id).await.unwrap().is_none());
    assert!(queue.find_by_key("inst/r/op").await.unwrap().is_none());
    assert!(
        enqueue(&queue, NewJob::new("k", "inst/r/op", json!({})))
            .await
            .created
    );
}
dual_test!(rolled_back_enqueue_leaves_nothing);

async fn concurrent_enqueues_make_one_job(db: &TestDb) {
    let queue = db.queue();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let queue = queue.clone();
            tokio::spawn(async move {
                let mut tx = queue.pool().begin().await.unwrap();
                let job = NewJob::new("k", "inst/res-9/provision/abc", json!({ "task": i }));
                let enq = queue.enqueue(&mut tx, job).await.unwrap();
                tx.commit().await.unwrap();
                enq
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    assert_eq!(results.iter().filter(|e| e.created).count(), 1);
    let ids: HashSet<_> = results.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(count_jobs(db).await, 1);
}
dual_test!(concurrent_enqueues_make_one_job);

async fn invalid_jobs_are_rejected(db: &TestDb) {
    let queue = db.queue();
    let mut conn = queue.pool().acquire().await.unwrap();
    let zero = NewJob::new("k", "key", json!({})).max_attempts(0);
    assert!(matches!(
        queue.enqueue(&mut conn, zero).await,
        Err(Error::InvalidJob(_))
    ));
    let empty = NewJob::new("k", "", json!({}));
    assert!(matches!(
        queue.enqueue(&mut conn, empty).await,
        Err(Error::InvalidJob(_))
    ));
    drop(conn);
    assert_eq!(count_jobs(db).await, 0);
}
dual_test!(invalid_jobs_are_rejected);
