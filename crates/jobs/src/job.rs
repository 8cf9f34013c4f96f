//! Job records and the value types of the queue API.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Default attempt budget of a new job.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 10;

/// Lifecycle state of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for `run_after`, then claimable.
    Pending,
    /// Claimed by a worker holding a lease (claimable again once the lease expires).
    Running,
    /// Finished; `result` holds the handler's output.
    Succeeded,
    /// Dead letter: permanent failure or attempts exhausted. Stays visible; see `Queue::retry`.
    Dead,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [Self::Pending, Self::Running, Self::Succeeded, Self::Dead];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Dead => "dead",
        }
    }

    /// Succeeded or dead: the job will not run again unless an operator retries it.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Dead)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown job status `{s}`"))
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub dedup_key: String,
    pub payload: Value,
    pub instance_id: Option<String>,
    pub resource_id: Option<String>,
    pub status: JobStatus,
    pub priority: i32,
    /// Attempts started so far (incremented on every claim, including the current one).
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    /// Fencing token of the current lease (changes on every claim).
    pub lease_token: Option<String>,
    pub last_error: Option<String>,
    pub result: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// Column list matching [`Job::from_row`]; used by every statement returning jobs.
macro_rules! job_columns {
    () => {
        "id, kind, dedup_key, payload, instance_id, resource_id, status, priority, attempts, \
         max_attempts, run_after, locked_by, locked_until, lease_token, last_error, result, \
         created_at, updated_at, finished_at"
    };
}
pub(crate) use job_columns;

impl Job {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        let id: String = row.try_get("id")?;
        let corrupt = |detail: String| Error::CorruptRow {
            id: id.clone(),
            detail,
        };
        let payload: String = row.try_get("payload")?;
        let result: Option<String> = row.try_get("result")?;
        let status: String = row.try_get("status")?;
        Ok(Job {
            id: Uuid::parse_str(&id).map_err(|e| corrupt(format!("id: {e}")))?,
            kind: row.try_get("kind")?,
            dedup_key: row.try_get("dedup_key")?,
            payload: serde_json::from_str(&payload)
                .map_err(|e| corrupt(format!("payload: {e}")))?,
            instance_id: row.try_get("instance_id")?,
            resource_id: row.try_get("resource_id")?,
            status: status.parse().map_err(corrupt)?,
            priority: row.try_get("priority")?,
            attempts: row.try_get("attempts")?,
            max_attempts: row.try_get("max_attempts")?,
            run_after: row.try_get("run_after")?,
            locked_by: row.try_get("locked_by")?,
            locked_until: row.try_get("locked_until")?,
            lease_token: row.try_get("lease_token")?,
            last_error: row.try_get("last_error")?,
            result: result
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|e| corrupt(format!("result: {e}")))?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            finished_at: row.try_get("finished_at")?,
        })
    }
}

/// A job to enqueue. `dedup_key` identifies the side effect: enqueueing the same key again
/// returns the existing job (whatever its status) instead of creating a second one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: String,
    /// Compose as `<instance>/<resource>/<operation>[/<fingerprint>]`.
    pub dedup_key: String,
    pub payload: Value,
    pub instance_id: Option<String>,
    pub resource_id: Option<String>,
    /// Higher runs first.
    pub priority: i32,
    pub max_attempts: i32,
    /// Earliest start, unix ms; `None` = now.
    pub run_after: Option<i64>,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, dedup_key: impl Into<String>, payload: Value) -> Self {
        Self {
            kind: kind.into(),
            dedup_key: dedup_key.into(),
            payload,
            instance_id: None,
            resource_id: None,
            priority: 0,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            run_after: None,
        }
    }

    pub fn instance(mut self, instance_id: impl Into<String>) -> Self {
        self.instance_id = Some(instance_id.into());
        self
    }

    pub fn resource(mut self, resource_id: impl Into<String>) -> Self {
        self.resource_id = Some(resource_id.into());
        self
    }

    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    pub fn max_attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    pub fn run_after(mut self, unix_ms: i64) -> Self {
        self.run_after = Some(unix_ms);
        self
    }
}

/// What `Queue::enqueue` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    pub id: Uuid,
    pub status: JobStatus,
    /// `false` when a job with the same `dedup_key` already existed.
    pub created: bool,
}

/// Filter for `Queue::list`; `None` fields do not filter. Newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
    pub instance_id: Option<String>,
    pub resource_id: Option<String>,
    /// Maximum rows; `None` = [`ListFilter::DEFAULT_LIMIT`].
    pub limit: Option<u32>,
}

impl ListFilter {
    pub const DEFAULT_LIMIT: u32 = 100;
}

/// Counts per status plus queue lag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueStats {
    pub pending: u64,
    pub running: u64,
    pub succeeded: u64,
    pub dead: u64,
    /// How long the longest-waiting *ready* pending job (`run_after <= now`) has been
    /// ready, in ms; 0 when none is ready. Jobs deliberately delayed by backoff do not count.
    pub oldest_pending_age_ms: i64,
}

/// Result of running one claimed job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Succeeded {
        id: Uuid,
    },
    /// Transient failure; the job runs again at `run_after`.
    Retry {
        id: Uuid,
        run_after: i64,
        error: String,
    },
    /// Permanent failure or attempts exhausted (dead letter).
    Dead {
        id: Uuid,
        error: String,
    },
    /// The lease expired and another worker took the job over; this run's result was discarded.
    LostLease {
        id: Uuid,
    },
}

impl JobOutcome {
    pub fn id(&self) -> Uuid {
        match self {
            Self::Succeeded { id }
            | Self::Retry { id, .. }
            | Self::Dead { id, .. }
            | Self::LostLease { id } => *id,
        }
    }

    /// Metric label (`oxaps_jobs_completed_total{outcome}`).
    pub fn label(&self) -> &'static str {
        match self {
            Self::Succeeded { .. } => "succeeded",
            Self::Retry { .. } => "retry",
            Self::Dead { .. } => "dead",
            Self::LostLease { .. } => "lost_lease",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips() {
        for st in JobStatus::ALL {
            assert_eq!(st.as_str().parse::<JobStatus>(), Ok(st));
        }
        assert!("done".parse::<JobStatus>().is_err());
        assert!(JobStatus::Dead.is_terminal() && JobStatus::Succeeded.is_terminal());
        assert!(!JobStatus::Pending.is_terminal() && !JobStatus::Running.is_terminal());
    }

    #[test]
    fn new_job_builder_sets_fields() {
        let j = NewJob::new("k", "i/r/op", serde_json::json!({"a": 1}))
            .instance("i")
            .resource("r")
            .priority(5)
            .max_attempts(3)
            .run_after(42);
        assert_eq!(j.instance_id.as_deref(), Some("i"));
        assert_eq!(j.resource_id.as_deref(), Some("r"));
        assert_eq!((j.priority, j.max_attempts, j.run_after), (5, 3, Some(42)));
    }
}
