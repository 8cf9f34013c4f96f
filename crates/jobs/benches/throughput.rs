//! Throughput of no-op jobs: enqueue (one transaction per job, as the connector does), drain by
//! workers, and end-to-end latency (enqueue+commit+notify -> completion seen by `wait_for`).
//!
//!   cargo bench -p oxaps-jobs --bench throughput
//!   OXAPS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p oxaps-jobs --bench throughput
//!
//! OXAPS_BENCH_JOBS sets the job count per phase (default 5000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use oxaps_jobs::{JobStatus, NewJob, Queue, Registry, Worker, WorkerConfig, handler_fn};
use serde_json::json;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Connection};
use tokio::sync::oneshot;

const PRODUCERS: usize = 8;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), BoxError> {
    sqlx::any::install_default_drivers();
    let jobs: usize = std::env::var("OXAPS_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);

    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let pool = connect(&url, None).await?;
    bench("sqlite (WAL, temp file)", &pool, jobs).await?;
    pool.close().await;

    match std::env::var("OXAPS_TEST_POSTGRES_URL") {
        Ok(url) => {
            let schema = format!("jobs_bench_{}", uuid::Uuid::new_v4().simple());
            admin(&url, &format!("CREATE SCHEMA {schema}")).await?;
            let pool = connect(&url, Some(schema.clone())).await?;
            let result = bench("postgres", &pool, jobs).await;
            pool.close().await;
            admin(&url, &format!("DROP SCHEMA {schema} CASCADE")).await?;
            result?;
        }
        Err(_) => println!("postgres: skipped (OXAPS_TEST_POSTGRES_URL not set)"),
    }
    Ok(())
}

async fn connect(url: &str, pg_schema: Option<String>) -> Result<AnyPool, BoxError> {
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .after_connect(move |conn, _| {
            let sql = match &pg_schema {
                Some(schema) => format!("SET search_path TO {schema}"),
                None => "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; \
                         PRAGMA synchronous = NORMAL;"
                    .to_owned(),
            };
            Box::pin(async move {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(conn).await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    oxaps_jobs::migrate(&pool).await?;
    Ok(pool)
}

async fn admin(url: &str, sql: &str) -> Result<(), BoxError> {
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

fn worker_config(id: &str, concurrency: usize) -> WorkerConfig {
    WorkerConfig {
        worker_id: id.to_owned(),
        concurrency,
        lease: Duration::from_secs(60),
        poll_interval: Duration::from_millis(50),
        ..WorkerConfig::default()
    }
}

fn start_worker(
    queue: &Queue,
    registry: &Arc<Registry>,
    cfg: WorkerConfig,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let worker = Worker::new(queue.clone(), Arc::clone(registry), cfg);
    (
        stop,
        tokio::spawn(worker.run(async {
            let _ = stopped.await;
        })),
    )
}

async fn stop_workers(
    workers: Vec<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
) -> Result<(), BoxError> {
    for (stop, handle) in workers {
        let _ = stop.send(());
        handle.await?;
    }
    Ok(())
}

async fn bench(label: &str, pool: &AnyPool, jobs: usize) -> Result<(), BoxError> {
    let queue = Queue::new(pool.clone())?;
    let registry = Arc::new(Registry::new().with(handler_fn("noop", |_| async { Ok(None) })));
    println!("== {label}: {jobs} no-op jobs per phase");

    // 1. Enqueue: one transaction per job, PRODUCERS concurrent tasks.
    let started = Instant::now();
    produce(&queue, "a", jobs, None).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  enqueue   {:>8.0} jobs/s  ({PRODUCERS} producers, 1 tx/job, {secs:.2} s)",
        jobs as f64 / secs
    );

    // 2. Drain the backlog.
    for (nodes, concurrency) in [(1, 8), (2, 8)] {
        if nodes > 1 {
            produce(&queue, &format!("b{nodes}"), jobs, None).await?;
        }
        let started = Instant::now();
        let workers: Vec<_> = (0..nodes)
            .map(|n| {
                start_worker(
                    &Queue::new(pool.clone()).expect("dialect"),
                    &registry,
                    worker_config(&format!("n{n}"), concurrency),
                )
            })
            .collect();
        loop {
            let stats = queue.stats().await?;
            if stats.pending == 0 && stats.running == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        stop_workers(workers).await?;
        println!(
            "  complete  {:>8.0} jobs/s  ({nodes} worker(s) x concurrency {concurrency}, {secs:.2} s)",
            jobs as f64 / secs
        );
    }

    // 3. End to end: producers enqueue, commit, notify and wait for each job.
    let workers = vec![start_worker(&queue, &registry, worker_config("e2e", 8))];
    let started = Instant::now();
    let hist = produce(&queue, "c", jobs, Some(Duration::from_secs(30))).await?;
    let secs = started.elapsed().as_secs_f64();
    stop_workers(workers).await?;
    println!(
        "  e2e       {:>8.0} jobs/s  latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({PRODUCERS} producers, 1 worker x 8)",
        jobs as f64 / secs,
        hist.value_at_quantile(0.5) as f64 / 1000.0,
        hist.value_at_quantile(0.99) as f64 / 1000.0,
        hist.max() as f64 / 1000.0
    );
    let stats = queue.stats().await?;
    assert_eq!(
        stats.succeeded as usize,
        jobs * 3,
        "every job succeeded exactly once"
    );
    Ok(())
}

/// Enqueues `jobs` jobs from PRODUCERS tasks, one transaction each; with `wait`, each producer
/// also waits for its job to finish and the enqueue->done latency (us) is recorded.
async fn produce(
    queue: &Queue,
    prefix: &str,
    jobs: usize,
    wait: Option<Duration>,
) -> Result<Histogram<u64>, BoxError> {
    let mut tasks = Vec::new();
    for p in 0..PRODUCERS {
        let queue = queue.clone();
        let prefix = prefix.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new(3)?;
            for i in (p..jobs).step_by(PRODUCERS) {
                let t = Instant::now();
                let mut tx = queue.pool().begin().await?;
                let job = NewJob::new("noop", format!("bench/{prefix}/{i}"), json!({ "i": i }));
                let id = queue.enqueue(&mut tx, job).await?.id;
                tx.commit().await?;
                queue.notify_enqueued();
                if let Some(timeout) = wait {
                    let job = queue.wait_for(id, timeout).await?;
                    assert_eq!(job.status, JobStatus::Succeeded);
                    hist.record(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX))?;
                }
            }
            Ok::<_, BoxError>(hist)
        }));
    }
    let mut total = Histogram::<u64>::new(3)?;
    for t in tasks {
        total.add(t.await??)?;
    }
    Ok(total)
}
