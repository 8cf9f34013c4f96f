//! Metric names and recording (via the `metrics` facade; the application installs the
//! exporter).

use std::time::Duration;

use crate::job::{JobOutcome, JobStatus, QueueStats};

/// Counter, labels `kind`, `outcome` (succeeded | retry | dead | lost_lease).
pub const COMPLETED_TOTAL: &str = "oxaps_jobs_completed_total";
/// Histogram of handler run time in seconds, label `kind`.
pub const DURATION_SECONDS: &str = "oxaps_job_duration_seconds";
/// Gauge of jobs per `status`, refreshed by `Queue::export_gauges`.
pub const JOBS: &str = "oxaps_jobs";
/// Gauge of the queue lag (see `QueueStats::oldest_pending_age_ms`), in seconds.
pub const OLDEST_PENDING_AGE_SECONDS: &str = "oxaps_jobs_oldest_pending_age_seconds";

/// Registers descriptions (HELP texts) with the installed recorder.
pub fn describe() {
    metrics::describe_counter!(COMPLETED_TOTAL, "Job runs finished, by kind and outcome");
    metrics::describe_histogram!(
        DURATION_SECONDS,
        metrics::Unit::Seconds,
        "Job handler run time"
    );
    metrics::describe_gauge!(JOBS, "Jobs in the queue table, by status");
    metrics::describe_gauge!(
        OLDEST_PENDING_AGE_SECONDS,
        metrics::Unit::Seconds,
        "How long the longest-waiting ready job has waited"
    );
}

pub(crate) fn record_outcome(kind: &str, outcome: &JobOutcome) {
    metrics::counter!(
        COMPLETED_TOTAL,
        "kind" => kind.to_owned(),
        "outcome" => outcome.label()
    )
    .increment(1);
}

pub(crate) fn record_duration(kind: &str, elapsed: Duration) {
    metrics::histogram!(DURATION_SECONDS, "kind" => kind.to_owned()).record(elapsed.as_secs_f64());
}

/// Dead letters produced by the lease reaper (no handler ran, so no duration).
pub(crate) fn record_reaped(kind: &str) {
    metrics::counter!(COMPLETED_TOTAL, "kind" => kind.to_owned(), "outcome" => "dead").increment(1);
}

pub(crate) fn record_stats(stats: &QueueStats) {
    for status in JobStatus::ALL {
        let n = match status {
            JobStatus::Pending => stats.pending,
            JobStatus::Running => stats.running,
            JobStatus::Succeeded => stats.succeeded,
            JobStatus::Dead => stats.dead,
        };
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        metrics::gauge!(JOBS, "status" => status.as_str()).set(n as f64);
    }
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!(OLDEST_PENDING_AGE_SECONDS).set(stats.oldest_pending_age_ms as f64 / 1000.0);
}
