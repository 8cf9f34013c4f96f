//! The worker runtime: keeps up to `concurrency` jobs running, claims when woken in-process
//! (`Queue::notify_enqueued`), when a job finishes, or every `poll_interval`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use uuid::Uuid;

use crate::error::Result;
use crate::job::JobOutcome;
use crate::queue::Queue;
use crate::registry::Registry;

/// Worker settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Recorded in `locked_by`; make it unique per process (node name + pid works).
    pub worker_id: String,
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// Lease length; renewed every `lease / 3` while a handler runs. A crashed worker's job is
    /// taken over after at most this long.
    pub lease: Duration,
    /// Claim attempt (and reaper run) interval when not woken.
    pub poll_interval: Duration,
    /// First retry delay after a transient failure.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        let suffix = Uuid::new_v4().simple().to_string();
        Self {
            worker_id: format!("worker-{}-{}", std::process::id(), &suffix[..8]),
            concurrency: 4,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(3600),
        }
    }
}

/// Runs jobs from a [`Queue`] with the handlers of a [`Registry`].
#[derive(Debug)]
pub struct Worker {
    queue: Queue,
    registry: Arc<Registry>,
    config: Arc<WorkerConfig>,
}

impl Worker {
    pub fn new(queue: Queue, registry: Arc<Registry>, config: WorkerConfig) -> Self {
        Self {
            queue,
            registry,
            config: Arc::new(config),
        }
    }

    /// Runs until `shutdown` resolves, then stops claiming and waits for the running jobs to
    /// finish (their outcomes are written normally). Database errors are logged and retried
    /// at the next poll; they never stop the worker.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let concurrency = self.config.concurrency.max(1);
        let mut wake = self.queue.inner.enqueued.subscribe();
        let mut tick = tokio::time::interval(self.config.poll_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut running: JoinSet<Result<JobOutcome>> = JoinSet::new();
        // Whether the last claim round found work: then claim all free slots at once.
        let mut busy = false;
        tokio::pin!(shutdown);
        tracing::info!(worker = %self.config.worker_id, concurrency, "job worker started");
        loop {
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                Some(joined) = running.join_next(), if !running.is_empty() => {
                    log_joined(joined);
                    while let Some(joined) = running.try_join_next() {
                        log_joined(joined);
                    }
                }
                _ = wake.changed() => {}
                _ = tick.tick() => {
                    if let Err(e) = self.queue.reap_expired().await {
                        tracing::warn!(error = %e, "job reaper failed");
                    }
                }
            }
            busy = self.fill(&mut running, concurrency, busy).await;
        }
        tracing::info!(
            worker = %self.config.worker_id,
            running = running.len(),
            "job worker stopping; waiting for running jobs"
        );
        while let Some(joined) = running.join_next().await {
            log_joined(joined);
        }
    }

    /// Claims jobs until all slots are busy or nothing is runnable; returns whether the queue
    /// still had work. An idle worker probes with one claim; while jobs keep coming, the free
    /// slots are claimed concurrently so that on PostgreSQL their commits share a WAL flush
    /// instead of waiting for one fsync each.
    async fn fill(
        &self,
        running: &mut JoinSet<Result<JobOutcome>>,
        concurrency: usize,
        busy: bool,
    ) -> bool {
        let mut burst = if busy { concurrency } else { 1 };
        while running.len() < concurrency {
            let n = burst.min(concurrency - running.len());
            let claims =
                (0..n).map(|_| self.queue.claim(&self.config.worker_id, self.config.lease));
            let mut exhausted = false;
            for claimed in futures::future::join_all(claims).await {
                match claimed {
                    Ok(Some(job)) => {
                        let queue = self.queue.clone();
                        let registry = Arc::clone(&self.registry);
                        let config = Arc::clone(&self.config);
                        running.spawn(async move { queue.execute(&registry, job, &config).await });
                    }
                    Ok(None) => exhausted = true,
                    Err(e) => {
                        tracing::warn!(error = %e, "job claim failed; retrying at next poll");
                        exhausted = true;
                    }
                }
            }
            if exhausted {
                return false;
            }
            burst = concurrency;
        }
        true
    }
}

fn log_joined(joined: std::result::Result<Result<JobOutcome>, tokio::task::JoinError>) {
    match joined {
        Ok(Ok(_)) => {}
        // The outcome write failed: the lease will expire and the job will run again.
        Ok(Err(e)) => tracing::error!(error = %e, "recording a job outcome failed"),
        Err(e) => tracing::error!(error = %e, "job task failed"),
    }
}
