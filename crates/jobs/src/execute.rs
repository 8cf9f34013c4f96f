//! Running one claimed job: handler lookup, heartbeat, panic capture, retry decision and the
//! fenced completion write.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use serde_json::Value;
use tracing::Instrument;

use crate::backoff::Backoff;
use crate::clock::duration_ms;
use crate::error::Result;
use crate::job::{Job, JobOutcome};
use crate::lease::Completion;
use crate::queue::Queue;
use crate::registry::{JobError, JobHandler, Registry};
use crate::worker::WorkerConfig;

impl Queue {
    /// Claims and runs exactly one job with [`WorkerConfig::default`] timings (tests, CLI).
    /// `None` when nothing is runnable.
    pub async fn run_once(
        &self,
        registry: &Registry,
        worker_id: &str,
    ) -> Result<Option<JobOutcome>> {
        let config = WorkerConfig {
            worker_id: worker_id.to_owned(),
            ..WorkerConfig::default()
        };
        self.run_once_with(registry, &config).await
    }

    /// [`Queue::run_once`] with explicit lease and backoff settings.
    pub async fn run_once_with(
        &self,
        registry: &Registry,
        config: &WorkerConfig,
    ) -> Result<Option<JobOutcome>> {
        self.reap_expired().await?;
        match self.claim(&config.worker_id, config.lease).await? {
            Some(job) => self.execute(registry, job, config).await.map(Some),
            None => Ok(None),
        }
    }

    /// Runs a job this worker has just claimed and records the outcome.
    pub(crate) async fn execute(
        &self,
        registry: &Registry,
        job: Job,
        config: &WorkerConfig,
    ) -> Result<JobOutcome> {
        let span = tracing::info_span!(
            "job",
            job_id = %job.id,
            kind = %job.kind,
            attempt = job.attempts,
            worker = %config.worker_id,
            instance_id = job.instance_id.as_deref().unwrap_or(""),
            resource_id = job.resource_id.as_deref().unwrap_or("")
        );
        async {
            let started = std::time::Instant::now();
            let result = match registry.get(&job.kind) {
                Some(handler) => self.run_with_heartbeat(handler, &job, config.lease).await,
                None => Err(JobError::Permanent(format!(
                    "no handler registered for job kind `{}`",
                    job.kind
                ))),
            };
            crate::metrics::record_duration(&job.kind, started.elapsed());
            let backoff = Backoff::new(config.backoff_base, config.backoff_max);
            let (completion, mut outcome) = self.decide(&job, result, &backoff);
            if !self.complete(&job, completion).await? {
                tracing::warn!("lease lost: another worker took the job over; result discarded");
                outcome = JobOutcome::LostLease { id: job.id };
            }
            match &outcome {
                JobOutcome::Succeeded { .. } => tracing::debug!("job succeeded"),
                JobOutcome::Retry {
                    run_after, error, ..
                } => {
                    tracing::info!(run_after, error = %error, "job failed transiently; will retry");
                }
                JobOutcome::Dead { error, .. } => tracing::warn!(error = %error, "job dead"),
                JobOutcome::LostLease { .. } => {}
            }
            crate::metrics::record_outcome(&job.kind, &outcome);
            Ok(outcome)
        }
        .instrument(span)
        .await
    }

    fn decide(
        &self,
        job: &Job,
        result: Result<Option<Value>, JobError>,
        backoff: &Backoff,
    ) -> (Completion, JobOutcome) {
        let id = job.id;
        match result {
            Ok(value) => (Completion::Succeeded(value), JobOutcome::Succeeded { id }),
            Err(JobError::Permanent(error)) => (
                Completion::Dead(error.clone()),
                JobOutcome::Dead { id, error },
            ),
            Err(JobError::Transient(e)) if job.attempts >= job.max_attempts => {
                let error = format!("gave up after {} attempts: {e}", job.attempts);
                (
                    Completion::Dead(error.clone()),
                    JobOutcome::Dead { id, error },
                )
            }
            Err(JobError::Transient(error)) => {
                let delay = duration_ms(backoff.delay(job.attempts));
                let run_after = self.now_ms().saturating_add(delay);
                let completion = Completion::Retry {
                    run_after,
                    error: error.clone(),
                };
                (
                    completion,
                    JobOutcome::Retry {
                        id,
                        run_after,
                        error,
                    },
                )
            }
        }
    }

    /// Runs the handler, renewing the lease every `lease / 3` concurrently with it. A panic is
    /// a transient failure. A lost lease stops the heartbeat; the run goes on (dropping it
    /// mid-side-effect would be no safer) and its completion will be fenced off.
    async fn run_with_heartbeat(
        &self,
        handler: &dyn JobHandler,
        job: &Job,
        lease: Duration,
    ) -> Result<Option<Value>, JobError> {
        let run = AssertUnwindSafe(handler.run(job)).catch_unwind();
        let period = (lease / 3).max(Duration::from_millis(10));
        let heartbeat = async {
            let start = tokio::time::Instant::now() + period;
            let mut beat = tokio::time::interval_at(start, period);
            beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                beat.tick().await;
                match self.renew(job, lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!("lease lost while the job was running");
                        return futures::future::pending::<()>().await;
                    }
                    Err(e) => tracing::warn!(error = %e, "lease renewal failed; retrying"),
                }
            }
        };
        tokio::select! {
            result = run => result.unwrap_or_else(|panic| {
                Err(JobError::Transient(format!("handler panicked: {}", panic_message(&*panic))))
            }),
            () = heartbeat => Err(JobError::Transient("heartbeat ended unexpectedly".into())),
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn panic_messages_are_extracted() {
        let a: Box<dyn std::any::Any + Send> = Box::new("static");
        let b: Box<dyn std::any::Any + Send> = Box::new(String::from("owned"));
        let c: Box<dyn std::any::Any + Send> = Box::new(7_u8);
        assert_eq!(panic_message(&*a), "static");
        assert_eq!(panic_message(&*b), "owned");
        assert_eq!(panic_message(&*c), "non-string panic payload");
    }
}
