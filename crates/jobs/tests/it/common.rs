//! Test databases: a temp-file SQLite, and (when OXAPS_TEST_POSTGRES_URL is set) a fresh
//! PostgreSQL schema per test, selected through `search_path` and dropped afterwards.

use std::sync::Arc;
use std::time::Duration;

use oxaps_jobs::{ManualClock, NewJob, Queue};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Connection};
use uuid::Uuid;

pub const PG_ENV: &str = "OXAPS_TEST_POSTGRES_URL";

/// Runs `$scenario(&TestDb)` once on SQLite and once on PostgreSQL (skipped without the env var).
macro_rules! dual_test {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = crate::common::TestDb::sqlite().await;
                super::$scenario(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = crate::common::TestDb::postgres().await else {
                    return;
                };
                super::$scenario(&db).await;
                db.finish().await;
            }
        }
    };
}
pub(crate) use dual_test;

pub struct TestDb {
    pub pool: AnyPool,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("jobs.db").display());
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql("PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL;")
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .unwrap();
        oxaps_jobs::migrate(&pool).await.unwrap();
        TestDb {
            pool,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    /// `None` (and a note on stderr) when PostgreSQL tests are not configured.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(url) = std::env::var(PG_ENV) else {
            eprintln!("skipped: {PG_ENV} is not set");
            return None;
        };
        sqlx::any::install_default_drivers();
        let schema = format!("jobs_test_{}", Uuid::new_v4().simple());
        let mut admin = sqlx::AnyConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        let search_path = schema.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                let sql = format!("SET search_path TO {search_path}");
                Box::pin(async move {
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(conn).await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .unwrap();
        oxaps_jobs::migrate(&pool).await.unwrap();
        Some(TestDb {
            pool,
            _dir: None,
            pg_schema: Some((url, schema)),
        })
    }

    pub fn queue(&self) -> Queue {
        Queue::new(self.pool.clone()).unwrap()
    }

    /// A queue on a manual clock standing at the current wall time.
    pub fn manual_queue(&self) -> (Queue, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::starting_now());
        let queue = Queue::with_clock(self.pool.clone(), clock.clone()).unwrap();
        (queue, clock)
    }

    /// Closes the pool and drops the PostgreSQL schema.
    pub async fn finish(mut self) {
        self.pool.close().await;
        if let Some((url, schema)) = self.pg_schema.take() {
            drop_schema(&url, &schema).await;
        }
    }
}

impl Drop for TestDb {
    /// A failed test never reaches `finish`: drop the schema from a helper thread.
    fn drop(&mut self) {
        if let Some((url, schema)) = self.pg_schema.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(drop_schema(&url, &schema));
            })
            .join();
        }
    }
}

async fn drop_schema(url: &str, schema: &str) {
    let mut admin = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
}

/// Enqueues `job` in its own committed transaction.
pub async fn enqueue(queue: &Queue, job: NewJob) -> oxaps_jobs::Enqueued {
    let mut tx = queue.pool().begin().await.unwrap();
    let enq = queue.enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    queue.notify_enqueued();
    enq
}

/// Awaits `cond` (re-evaluated every 10 ms) for up to 10 s; panics with `what` otherwise.
pub async fn eventually<F, Fut>(what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Awaits a `Notify` (e.g. "handler entered") for up to 10 s.
pub async fn signalled(n: &tokio::sync::Notify, what: &str) {
    tokio::time::timeout(Duration::from_secs(10), n.notified())
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for: {what}"));
}
