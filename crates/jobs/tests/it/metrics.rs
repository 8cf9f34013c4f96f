//! Metrics are emitted with the documented names and labels (captured by a test recorder).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use oxaps_jobs::{JobOutcome, NewJob, Registry, WorkerConfig, handler_fn};
use serde_json::json;
use tokio::sync::Notify;

use crate::common::{TestDb, dual_test, enqueue, signalled};

/// Last value (gauges), sum (counters) or sample count (histograms) per rendered key.
#[derive(Default)]
struct Capture(Mutex<BTreeMap<String, f64>>);

struct Cell(Arc<Capture>, String);

impl CounterFn for Cell {
    fn increment(&self, v: u64) {
        *self.0.0.lock().unwrap().entry(self.1.clone()).or_default() += v as f64;
    }
    fn absolute(&self, v: u64) {
        self.0.0.lock().unwrap().insert(self.1.clone(), v as f64);
    }
}

impl GaugeFn for Cell {
    fn increment(&self, v: f64) {
        *self.0.0.lock().unwrap().entry(self.1.clone()).or_default() += v;
    }
    fn decrement(&self, v: f64) {
        *self.0.0.lock().unwrap().entry(self.1.clone()).or_default() -= v;
    }
    fn set(&self, v: f64) {
        self.0.0.lock().unwrap().insert(self.1.clone(), v);
    }
}

impl HistogramFn for Cell {
    fn record(&self, _: f64) {
        *self.0.0.lock().unwrap().entry(self.1.clone()).or_default() += 1.0;
    }
}

struct TestRecorder(Arc<Capture>);

impl TestRecorder {
    fn cell(&self, key: &Key) -> Arc<Cell> {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        Arc::new(Cell(
            Arc::clone(&self.0),
            format!("{}{{{}}}", key.name(), labels.join(",")),
        ))
    }
}

impl Recorder for TestRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(key))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(key))
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(self.cell(key))
    }
}

fn capture() -> &'static Arc<Capture> {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Arc::new(Capture::default());
        metrics::set_global_recorder(TestRecorder(Arc::clone(&capture))).unwrap();
        oxaps_jobs::metrics::describe();
        capture
    })
}

fn value(key: &str) -> f64 {
    capture().0.lock().unwrap().get(key).copied().unwrap_or(0.0)
}

async fn outcomes_and_gauges_are_recorded(db: &TestDb) {
    capture();
    // A kind unique to this run, since tests share the global recorder.
    let kind: &'static str =
        Box::leak(format!("metrics-{}", uuid::Uuid::new_v4().simple()).into_boxed_str());
    let (queue, clock) = db.manual_queue();
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let registry = {
        let (entered, release) = (Arc::clone(&entered), Arc::clone(&release));
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        Arc::new(Registry::new().with(handler_fn(kind, move |_| {
            let (entered, release, calls) = (
                Arc::clone(&entered),
                Arc::clone(&release),
                Arc::clone(&calls),
            );
            async move {
                if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                    entered.notify_one();
                    release.notified().await;
                }
                Ok(None)
            }
        })))
    };
    let cfg = |w: &str| WorkerConfig {
        worker_id: w.into(),
        lease: Duration::from_secs(30),
        ..WorkerConfig::default()
    };
    let id = enqueue(&queue, NewJob::new(kind, format!("{kind}/1"), json!({})))
        .await
        .id;
    let a = {
        let (queue, registry, cfg) = (queue.clone(), Arc::clone(&registry), cfg("A"));
        tokio::spawn(async move { queue.run_once_with(&registry, &cfg).await.unwrap() })
    };
    signalled(&entered, "handler started").await;
    clock.advance(Duration::from_secs(60));
    assert_eq!(
        queue.run_once_with(&registry, &cfg("B")).await.unwrap(),
        Some(JobOutcome::Succeeded { id })
    );
    release.notify_one();
    assert_eq!(a.await.unwrap(), Some(JobOutcome::LostLease { id }));

    let counter = |outcome: &str| {
        value(&format!(
            "oxaps_jobs_completed_total{{kind={kind},outcome={outcome}}}"
        ))
    };
    assert_eq!(counter("succeeded"), 1.0);
    assert_eq!(counter("lost_lease"), 1.0);
    assert_eq!(counter("retry"), 0.0);
    assert_eq!(
        value(&format!("oxaps_job_duration_seconds{{kind={kind}}}")),
        2.0,
        "two runs timed"
    );

    // Gauges are process-global: keep the SQLite and PostgreSQL runs from interleaving here.
    static GAUGES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _serial = GAUGES.lock().await;
    let stats = queue.export_gauges().await.unwrap();
    assert_eq!(
        value("oxaps_jobs{status=succeeded}"),
        stats.succeeded as f64
    );
    assert!(stats.succeeded >= 1);
    assert_eq!(value("oxaps_jobs{status=dead}"), stats.dead as f64);
    assert_eq!(
        value("oxaps_jobs_oldest_pending_age_seconds{}"),
        stats.oldest_pending_age_ms as f64 / 1000.0
    );
}
dual_test!(outcomes_and_gauges_are_recorded);
