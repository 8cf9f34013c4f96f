//! The APS answer for an operation whose side effects run as a durable job.
//!
//! The first (sync) delivery enqueues the job in the same transaction as the state change, waits up
//! to `sync_wait_ms` for it, then answers 200 or 202. Every repeat, sync or async, finds the same job
//! by its key and reports: 200 when it succeeded, 500 with the reason when it failed for good, 202
//! while it is pending or running.

use std::time::Duration;

use aps::ApsError;
use aps::headers::RequestPhase;
use oxaps_jobs::JobStatus;

use super::{Call, Reply, internal};

/// Answers for the job with `dedup_key`: `done` builds the 200 reply once it has succeeded.
pub async fn job_reply<F, Fut>(
    call: &Call,
    dedup_key: &str,
    info: &str,
    done: F,
) -> Result<Reply, ApsError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Reply, ApsError>>,
{
    let queue = &call.app.queue;
    let mut job = queue
        .find_by_key(dedup_key)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            ApsError::internal(format!(
                "No operation is under way for this request ({dedup_key})."
            ))
        })?;
    let wait = Duration::from_millis(call.app.config.sync_wait_ms);
    if !job.status.is_terminal() && call.ctx.phase == RequestPhase::Sync && !wait.is_zero() {
        job = queue.wait_for(job.id, wait).await.map_err(internal)?;
    }
    match job.status {
        JobStatus::Succeeded => done().await,
        JobStatus::Dead => Err(ApsError::internal(format!(
            "{info} failed: {}",
            job.last_error.as_deref().unwrap_or("unknown error")
        ))),
        JobStatus::Pending | JobStatus::Running => {
            let detail = match (&job.last_error, job.attempts) {
                (Some(err), n) if n > 0 => format!("{info} (attempt {n}, last error: {err})"),
                _ => info.to_owned(),
            };
            Ok(Reply::Accepted {
                body: None,
                info: detail,
                retry_after: call.app.config.retry_after_secs,
            })
        }
    }
}
