//! Crash recovery and fencing: a worker killed mid-job, a late completion after a lease
//! takeover, lease renewal, and the reaper for jobs that keep killing their worker.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oxaps_jobs::{Clock, JobOutcome, JobStatus, NewJob, Queue, Registry, WorkerConfig, handler_fn};
use serde_json::json;
use tokio::sync::Notify;

use crate::common::{TestDb, dual_test, enqueue, eventually, signalled};

/// The first call blocks until released; every call returns `{"call": n}`.
#[derive(Default)]
struct Gate {
    entered: Notify,
    release: Notify,
    calls: AtomicUsize,
}

fn gated_registry(gate: &Arc<Gate>) -> Arc<Registry> {
    let gate = Arc::clone(gate);
    Arc::new(Registry::new().with(handler_fn("gated", move |_job| {
        let gate = Arc::clone(&gate);
        async move {
            let call = gate.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if call == 1 {
                gate.entered.notify_one();
                gate.release.notified().await;
            }
            Ok(Some(json!({ "call": call })))
        }
    })))
}

fn config(worker: &str, lease: Duration) -> WorkerConfig {
    WorkerConfig {
        worker_id: worker.into(),
        lease,
        ..WorkerConfig::default()
    }
}

/// Worker A runs the job in a task of its own (as the Worker runtime does).
fn spawn_run(
    queue: &Queue,
    registry: &Arc<Registry>,
    cfg: WorkerConfig,
) -> tokio::task::JoinHandle<Option<JobOutcome>> {
    let (queue, registry) = (queue.clone(), Arc::clone(registry));
    tokio::spawn(async move { queue.run_once_with(&registry, &cfg).await.unwrap() })
}

async fn killed_worker_job_is_taken_over_after_lease_expiry(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    let gate = Arc::new(Gate::default());
    let registry = gated_registry(&gate);
    let lease = Duration::from_secs(30);
    let id = enqueue(&queue, NewJob::new("gated", "i1/r1/create", json!({})))
        .await
        .id;

    let a = spawn_run(&queue, &registry, config("A", lease));
    signalled(&gate.entered, "worker A entered the handler").await;
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Running);
    assert_eq!(job.locked_by.as_deref(), Some("A"));
    assert_eq!(job.attempts, 1);

    a.abort(); // the process dies mid-run
    assert!(a.await.unwrap_err().is_cancelled());

    // The lease is still valid: nobody may take the job yet.
    let b = config("B", lease);
    assert_eq!(queue.run_once_with(&registry, &b).await.unwrap(), None);
    clock.advance(lease + Duration::from_millis(1));
    let outcome = queue.run_once_with(&registry, &b).await.unwrap();
    assert_eq!(outcome, Some(JobOutcome::Succeeded { id }));

    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(job.attempts, 2);
    assert_eq!(job.result, Some(json!({ "call": 2 })));
    assert_eq!((job.locked_by, job.lease_token), (None, None));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 2);
}
dual_test!(killed_worker_job_is_taken_over_after_lease_expiry);

async fn late_completion_after_takeover_is_fenced(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    let gate = Arc::new(Gate::default());
    let registry = gated_registry(&gate);
    let lease = Duration::from_secs(30);
    let id = enqueue(&queue, NewJob::new("gated", "i1/r2/create", json!({})))
        .await
        .id;

    let a = spawn_run(&queue, &registry, config("A", lease));
    signalled(&gate.entered, "worker A entered the handler").await;
    // A stalls past its lease (no heartbeat: the lease is far longer than the test), B takes over.
    clock.advance(lease * 2);
    let b = queue
        .run_once_with(&registry, &config("B", lease))
        .await
        .unwrap();
    assert_eq!(b, Some(JobOutcome::Succeeded { id }));

    gate.release.notify_one();
    assert_eq!(a.await.unwrap(), Some(JobOutcome::LostLease { id }));
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Succeeded);
    assert_eq!(
        job.result,
        Some(json!({ "call": 2 })),
        "B's result must survive"
    );
}
dual_test!(late_completion_after_takeover_is_fenced);

async fn heartbeat_keeps_the_lease(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    let gate = Arc::new(Gate::default());
    let registry = gated_registry(&gate);
    let lease = Duration::from_millis(300); // heartbeat every 100 ms of real time
    let id = enqueue(&queue, NewJob::new("gated", "i1/r3/create", json!({})))
        .await
        .id;

    let a = spawn_run(&queue, &registry, config("A", lease));
    signalled(&gate.entered, "worker A entered the handler").await;
    clock.advance(Duration::from_secs(10)); // the original lease is long expired...
    let renewed_until = clock.now_ms() + 300;
    eventually("heartbeat renews the lease", || async {
        queue.get(id).await.unwrap().unwrap().locked_until == Some(renewed_until)
    })
    .await;
    // ...but renewed, so B finds nothing to take over.
    let b = queue
        .run_once_with(&registry, &config("B", lease))
        .await
        .unwrap();
    assert_eq!(b, None);

    gate.release.notify_one();
    assert_eq!(a.await.unwrap(), Some(JobOutcome::Succeeded { id }));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}
dual_test!(heartbeat_keeps_the_lease);

async fn expired_lease_on_final_attempt_is_dead(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    let gate = Arc::new(Gate::default());
    let registry = gated_registry(&gate);
    let lease = Duration::from_secs(30);
    let job = NewJob::new("gated", "i1/r4/create", json!({})).max_attempts(1);
    let id = enqueue(&queue, job).await.id;

    let a = spawn_run(&queue, &registry, config("A", lease));
    signalled(&gate.entered, "worker A entered the handler").await;
    a.abort();
    assert!(a.await.unwrap_err().is_cancelled());

    clock.advance(lease * 2);
    assert_eq!(
        queue
            .run_once_with(&registry, &config("B", lease))
            .await
            .unwrap(),
        None
    );
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Dead);
    let err = job.last_error.unwrap();
    assert!(err.contains("lease of worker A expired"), "{err}");
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}
dual_test!(expired_lease_on_final_attempt_is_dead);
