//! Failure handling: backoff, dead letters, operator retry, unknown kinds, panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use oxaps_jobs::{
    Clock, JobError, JobOutcome, JobStatus, ListFilter, NewJob, Registry, WorkerConfig, handler_fn,
};
use serde_json::json;

use crate::common::{TestDb, dual_test, enqueue};

/// Fails with `error` until `healthy` is set, then succeeds.
fn flaky(healthy: &Arc<AtomicBool>, error: fn(&str) -> JobError) -> Registry {
    let healthy = Arc::clone(healthy);
    Registry::new().with(handler_fn("flaky", move |_| {
        let healthy = healthy.load(Ordering::SeqCst);
        async move {
            if healthy {
                Ok(Some(json!("ok")))
            } else {
                Err(error("ox unreachable"))
            }
        }
    }))
}

fn config() -> WorkerConfig {
    WorkerConfig {
        worker_id: "w".into(),
        backoff_base: Duration::from_secs(1),
        backoff_max: Duration::from_secs(3600),
        ..WorkerConfig::default()
    }
}

async fn transient_failures_back_off_then_die_then_revive(db: &TestDb) {
    let (queue, clock) = db.manual_queue();
    let healthy = Arc::new(AtomicBool::new(false));
    let registry = flaky(&healthy, |m| JobError::transient(m));
    let cfg = config();
    let id = enqueue(
        &queue,
        NewJob::new("flaky", "i/r/op", json!({})).max_attempts(4),
    )
    .await
    .id;

    let mut previous_delay = 0;
    for attempt in 1..=3 {
        let now = clock.now_ms();
        let outcome = queue.run_once_with(&registry, &cfg).await.unwrap().unwrap();
        let JobOutcome::Retry {
            run_after, error, ..
        } = outcome
        else {
            panic!("attempt {attempt}: expected a retry, got {outcome:?}");
        };
        assert_eq!(error, "ox unreachable");
        let delay = run_after - now;
        let ceiling = 1000 << (attempt - 1);
        assert!(
            delay > previous_delay,
            "backoff must grow: {delay} after {previous_delay}"
        );
        assert!(
            delay >= ceiling * 3 / 4 && delay <= ceiling,
            "attempt {attempt}: {delay} ms"
        );
        previous_delay = delay;

        let job = queue.get(id).await.unwrap().unwrap();
        assert_eq!(
            (job.status, job.attempts, job.run_after),
            (JobStatus::Pending, attempt, run_after)
        );
        assert_eq!(job.last_error.as_deref(), Some("ox unreachable"));
        // Not due yet.
        assert_eq!(queue.run_once_with(&registry, &cfg).await.unwrap(), None);
        clock.set(run_after);
    }

    let outcome = queue.run_once_with(&registry, &cfg).await.unwrap().unwrap();
    assert!(matches!(outcome, JobOutcome::Dead { .. }), "{outcome:?}");
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Dead, 4));
    assert_eq!(
        job.last_error.as_deref(),
        Some("gave up after 4 attempts: ox unreachable")
    );
    assert!(job.finished_at.is_some());
    clock.advance(Duration::from_secs(86_400));
    assert_eq!(
        queue.run_once_with(&registry, &cfg).await.unwrap(),
        None,
        "dead stays dead"
    );

    assert!(queue.retry(id).await.unwrap());
    assert!(
        !queue.retry(id).await.unwrap(),
        "only dead jobs are retried"
    );
    let job = queue.get(id).await.unwrap().unwrap();
    assert_eq!(
        (job.status, job.attempts, job.finished_at),
        (JobStatus::Pending, 0, None)
    );
    healthy.store(true, Ordering::SeqCst);
    let outcome = queue.run_once_with(&registry, &cfg).await.unwrap();
    assert_eq!(outcome, Some(JobOutcome::Succeeded { id }));
    assert_eq!(
        queue.get(id).await.unwrap().unwrap().result,
        Some(json!("ok"))
    );
}
dual_test!(transient_failures_back_off_then_die_then_revive);

async fn permanent_failure_is_a_visible_dead_letter(db: &TestDb) {
    let queue = db.queue();
    let healthy = Arc::new(AtomicBool::new(false));
    let registry = flaky(&healthy, |m| JobError::permanent(m));
    let job = NewJob::new("flaky", "i/r/perm", json!({}))
        .instance("i")
        .resource("r");
    let id = enqueue(&queue, job).await.id;

    let outcome = queue
        .run_once_with(&registry, &config())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        outcome,
        JobOutcome::Dead {
            id,
            error: "ox unreachable".into()
        }
    );
    let dead = queue
        .list(&ListFilter {
            status: Some(JobStatus::Dead),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].id, dead[0].attempts), (id, 1));
    assert_eq!(dead[0].last_error.as_deref(), Some("ox unreachable"));
    assert_eq!(queue.stats().await.unwrap().dead, 1);

    assert!(queue.retry(id).await.unwrap());
    healthy.store(true, Ordering::SeqCst);
    let outcome = queue.run_once_with(&registry, &config()).await.unwrap();
    assert_eq!(outcome, Some(JobOutcome::Succeeded { id }));
}
dual_test!(permanent_failure_is_a_visible_dead_letter);

async fn unknown_kind_is_permanent_and_panic_is_transient(db: &TestDb) {
    let queue = db.queue();
    let registry = Registry::new().with(handler_fn("boom", |_| async { panic!("boom at step 2") }));
    let unknown = enqueue(&queue, NewJob::new("nobody.handles.this", "k1", json!({})))
        .await
        .id;
    let outcome = queue
        .run_once_with(&registry, &config())
        .await
        .unwrap()
        .unwrap();
    let JobOutcome::Dead { id, error } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(id, unknown);
    assert!(error.contains("no handler registered for job kind `nobody.handles.this`"));

    let panicky = enqueue(&queue, NewJob::new("boom", "k2", json!({})))
        .await
        .id;
    let outcome = queue
        .run_once_with(&registry, &config())
        .await
        .unwrap()
        .unwrap();
    let JobOutcome::Retry { id, error, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(id, panicky);
    assert_eq!(error, "handler panicked: boom at step 2");
    let job = queue.get(panicky).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.lease_token, None);
}
dual_test!(unknown_kind_is_permanent_and_panic_is_transient);
