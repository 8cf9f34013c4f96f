//! Writes of the periodic work onto the resource as it is NOW: the change is applied to the row
//! read just before the write, which is a compare-and-set on its revision and status
//! ([`Store::update_resource_at`]); when another writer (a configure, a decision, an unprovision)
//! came in between, the row is read again and the change applied again. A status read earlier
//! is never written back.

use oxaps_jobs::{JobError, NewJob};
use serde_json::Value;

use crate::app::App;
use crate::store::{ResourceRow, ResourceStatus, Store};

/// How often the write is tried before giving up with a transient error.
const ATTEMPTS: usize = 8;

/// What to write onto the current row, and the jobs to enqueue in the same transaction.
pub struct Write {
    /// The status to store.
    pub status: ResourceStatus,
    /// The body to store.
    pub body: Value,
    /// Jobs enqueued with the write (notifications, pushes): all or nothing.
    pub jobs: Vec<NewJob>,
}

impl Write {
    /// The current status kept, a new body, no jobs.
    pub fn body(row: &ResourceRow, body: Value) -> Self {
        Write {
            status: row.status,
            body,
            jobs: Vec::new(),
        }
    }

    /// Adds a job enqueued with the write.
    pub fn with_job(mut self, job: NewJob) -> Self {
        self.jobs.push(job);
        self
    }
}

/// Applies `change` to the current row of `id` and writes the result; `change` answers `None`
/// to write nothing (the row no longer qualifies). Returns the written row's new body, `None`
/// when the row is gone or nothing was written.
pub async fn update_row<F>(
    app: &App,
    instance_id: &str,
    id: &str,
    mut change: F,
) -> Result<Option<Value>, JobError>
where
    F: FnMut(&ResourceRow) -> Result<Option<Write>, JobError>,
{
    for _ in 0..ATTEMPTS {
        let Some(row) = app
            .store
            .resource(instance_id, id)
            .await
            .map_err(JobError::transient)?
        else {
            return Ok(None);
        };
        let Some(write) = change(&row)? else {
            return Ok(None);
        };
        let mut tx = app
            .store
            .pool()
            .begin()
            .await
            .map_err(JobError::transient)?;
        if !Store::update_resource_at(&mut tx, &row, write.status, &write.body)
            .await
            .map_err(JobError::transient)?
        {
            // Someone wrote in between: read again.
            drop(tx);
            continue;
        }
        let mut created = false;
        for job in write.jobs {
            created |= app
                .queue
                .enqueue(&mut tx, job)
                .await
                .map_err(JobError::transient)?
                .created;
        }
        tx.commit().await.map_err(JobError::transient)?;
        if created {
            app.queue.notify_enqueued();
        }
        return Ok(Some(write.body));
    }
    Err(JobError::transient(format!(
        "resource {id} kept changing while being written"
    )))
}
