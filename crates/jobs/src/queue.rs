//! The queue handle: enqueue (inside the caller's transaction) and the operator API.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Row};
use tokio::sync::{Mutex, MutexGuard, Notify, watch};
use tokio::time::Instant;
use uuid::Uuid;

use crate::clock::{Clock, SystemClock, duration_ms};
use crate::error::{Error, Result};
use crate::job::{Enqueued, Job, JobStatus, ListFilter, NewJob, QueueStats};
use crate::sql::{self, Dialect};

/// Default polling interval of [`Queue::wait_for`] (catches completions on other nodes).
pub const DEFAULT_WAIT_POLL: Duration = Duration::from_millis(250);

/// Handle to the job table. Cheap to clone; clones share the in-process wake-ups.
#[derive(Clone)]
pub struct Queue {
    pub(crate) inner: Arc<Inner>,
    wait_poll: Duration,
}

pub(crate) struct Inner {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
    pub(crate) clock: Arc<dyn Clock>,
    /// Bumped by `notify_enqueued`; workers watch it (a watch never loses a wake-up).
    pub(crate) enqueued: watch::Sender<u64>,
    /// Woken on every completion written by this process (`wait_for`).
    pub(crate) completed: Notify,
    /// SQLite only: serialises this process's queue writes. SQLite admits one writer at a
    /// time; without this, concurrent claims and completions collide on the database lock and
    /// back off in SQLite's busy handler (sleeps of 1-100 ms), which caps throughput.
    sqlite_writer: Option<Mutex<()>>,
}

impl fmt::Debug for Queue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("dialect", &self.inner.dialect)
            .field("wait_poll", &self.wait_poll)
            .finish_non_exhaustive()
    }
}

impl Queue {
    /// A queue on `pool` using the system clock. Fails for databases other than SQLite and
    /// PostgreSQL. Does not migrate: call [`crate::migrate`] first.
    pub fn new(pool: AnyPool) -> Result<Self> {
        Self::with_clock(pool, Arc::new(SystemClock))
    }

    /// A queue reading time from `clock` (tests use [`crate::ManualClock`]).
    pub fn with_clock(pool: AnyPool, clock: Arc<dyn Clock>) -> Result<Self> {
        let dialect = Dialect::of_pool(&pool)?;
        let (enqueued, _) = watch::channel(0);
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                dialect,
                clock,
                enqueued,
                completed: Notify::new(),
                sqlite_writer: (dialect == Dialect::Sqlite).then(|| Mutex::new(())),
            }),
            wait_poll: DEFAULT_WAIT_POLL,
        })
    }

    /// Sets how often [`Queue::wait_for`] re-reads the row besides in-process wake-ups.
    pub fn with_wait_poll_interval(mut self, every: Duration) -> Self {
        self.wait_poll = every;
        self
    }

    /// Taken around every write the queue makes on its own pool (not around `enqueue`, which
    /// runs on the caller's connection).
    pub(crate) async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.inner.sqlite_writer {
            Some(m) => Some(m.lock().await),
            None => None,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Writes `job` on `conn` (pass `&mut *tx` to enqueue inside the transaction that makes
    /// the state change causing it; never commits). If a job with the same `dedup_key` exists,
    /// whatever its status, returns it with `created: false` and writes nothing.
    /// After committing, call [`Queue::notify_enqueued`] to wake local workers at once.
    pub async fn enqueue(&self, conn: &mut AnyConnection, job: NewJob) -> Result<Enqueued> {
        if job.max_attempts < 1 {
            return Err(Error::InvalidJob(format!(
                "max_attempts must be >= 1, got {}",
                job.max_attempts
            )));
        }
        if job.kind.is_empty() || job.dedup_key.is_empty() {
            return Err(Error::InvalidJob(
                "kind and dedup_key must not be empty".into(),
            ));
        }
        let payload = serde_json::to_string(&job.payload).map_err(|source| Error::Json {
            what: "payload",
            source,
        })?;
        let now = self.now_ms();
        let id = Uuid::new_v4();
        let inserted = sqlx::query(sql::INSERT)
            .bind(id.to_string())
            .bind(job.kind)
            .bind(job.dedup_key.clone())
            .bind(payload)
            .bind(job.instance_id)
            .bind(job.resource_id)
            .bind(job.priority)
            .bind(job.max_attempts)
            .bind(job.run_after.unwrap_or(now))
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if inserted == 1 {
            return Ok(Enqueued {
                id,
                status: JobStatus::Pending,
                created: true,
            });
        }
        let row = sqlx::query(sql::ID_STATUS_BY_KEY)
            .bind(job.dedup_key)
            .fetch_one(&mut *conn)
            .await?;
        let id: String = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let corrupt = |detail: String| Error::CorruptRow {
            id: id.clone(),
            detail,
        };
        Ok(Enqueued {
            id: Uuid::parse_str(&id).map_err(|e| corrupt(e.to_string()))?,
            status: status.parse().map_err(corrupt)?,
            created: false,
        })
    }

    /// Wakes this process's workers now (call after committing an enqueue). Workers on other
    /// nodes find the job at their next poll.
    pub fn notify_enqueued(&self) {
        self.inner.enqueued.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<Job>> {
        let row = sqlx::query(sql::GET)
            .bind(id.to_string())
            .fetch_optional(&self.inner.pool)
            .await?;
        row.as_ref().map(Job::from_row).transpose()
    }

    pub async fn find_by_key(&self, dedup_key: &str) -> Result<Option<Job>> {
        let row = sqlx::query(sql::FIND_BY_KEY)
            .bind(dedup_key.to_owned())
            .fetch_optional(&self.inner.pool)
            .await?;
        row.as_ref().map(Job::from_row).transpose()
    }

    /// Jobs matching `filter`, newest first.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<Job>> {
        let limit = filter.limit.unwrap_or(ListFilter::DEFAULT_LIMIT);
        let rows = sqlx::query(sql::LIST)
            .bind(filter.status.map(|s| s.as_str().to_owned()))
            .bind(filter.kind.clone())
            .bind(filter.instance_id.clone())
            .bind(filter.resource_id.clone())
            .bind(i64::from(limit))
            .fetch_all(&self.inner.pool)
            .await?;
        rows.iter().map(Job::from_row).collect()
    }

    /// Revives a dead job: pending now, attempts reset (last_error kept for the record).
    /// Returns `false` if the job is not dead (or does not exist).
    pub async fn retry(&self, id: Uuid) -> Result<bool> {
        let guard = self.write_guard().await;
        let changed = sqlx::query(sql::RETRY_DEAD)
            .bind(self.now_ms())
            .bind(id.to_string())
            .execute(&self.inner.pool)
            .await?
            .rows_affected()
            == 1;
        drop(guard);
        if changed {
            self.notify_enqueued();
        }
        Ok(changed)
    }

    pub async fn stats(&self) -> Result<QueueStats> {
        let mut stats = QueueStats::default();
        let rows = sqlx::query(sql::COUNT_BY_STATUS)
            .fetch_all(&self.inner.pool)
            .await?;
        for row in rows {
            let status: String = row.try_get("status")?;
            let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            match status.parse::<JobStatus>() {
                Ok(JobStatus::Pending) => stats.pending = n,
                Ok(JobStatus::Running) => stats.running = n,
                Ok(JobStatus::Succeeded) => stats.succeeded = n,
                Ok(JobStatus::Dead) => stats.dead = n,
                // The CHECK constraint rules this out; do not fail a monitoring call on it.
                Err(e) => tracing::warn!(error = %e, "job stats: unknown status"),
            }
        }
        let now = self.now_ms();
        let oldest: Option<i64> = sqlx::query(sql::OLDEST_READY)
            .bind(now)
            .fetch_one(&self.inner.pool)
            .await?
            .try_get("oldest")?;
        stats.oldest_pending_age_ms = oldest.map_or(0, |t| now.saturating_sub(t).max(0));
        Ok(stats)
    }

    /// Refreshes the `oxaps_jobs{status}` and oldest-pending-age gauges; returns the stats.
    pub async fn export_gauges(&self) -> Result<QueueStats> {
        let stats = self.stats().await?;
        crate::metrics::record_stats(&stats);
        Ok(stats)
    }

    /// Deletes succeeded jobs finished more than `older_than` ago (their keys become free).
    /// Dead jobs are never pruned. Returns the number of deleted rows.
    pub async fn prune_succeeded(&self, older_than: Duration) -> Result<u64> {
        let cutoff = self.now_ms().saturating_sub(duration_ms(older_than));
        let _guard = self.write_guard().await;
        Ok(sqlx::query(sql::PRUNE_SUCCEEDED)
            .bind(cutoff)
            .execute(&self.inner.pool)
            .await?
            .rows_affected())
    }

    /// Waits until the job is succeeded or dead, or `timeout` passes, and returns its latest
    /// state either way (check `job.status.is_terminal()`). Wakes on completions in this
    /// process and polls for completions on other nodes.
    pub async fn wait_for(&self, id: Uuid, timeout: Duration) -> Result<Job> {
        let deadline = Instant::now() + timeout;
        loop {
            // Register for the wake-up before reading, so a completion in between is not lost.
            let notified = self.inner.completed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let job = self.get(id).await?.ok_or(Error::NotFound(id))?;
            let now = Instant::now();
            if job.status.is_terminal() || now >= deadline {
                return Ok(job);
            }
            let next_poll = deadline.min(now + self.wait_poll);
            tokio::select! {
                () = &mut notified => {}
                () = tokio::time::sleep_until(next_poll) => {}
            }
        }
    }
}
