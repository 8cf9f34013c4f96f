//! Leases: claim, heartbeat, fenced completion and the reaper of exhausted expired leases.
//! No database transaction stays open while a job runs; ownership is the `lease_token`.

use std::time::Duration;

use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use crate::clock::duration_ms;
use crate::error::{Error, Result};
use crate::job::Job;
use crate::queue::Queue;
use crate::sql;

/// How a claimed run ended, as written to the row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Completion {
    Succeeded(Option<Value>),
    Retry { run_after: i64, error: String },
    Dead(String),
}

impl Queue {
    /// Claims the next runnable job for `worker_id` with a lease of `lease`: an expired lease of
    /// a crashed worker first, else the best ready pending job. Returns the job as claimed
    /// (status running, `attempts` already counting this run, fresh `lease_token`).
    pub(crate) async fn claim(&self, worker_id: &str, lease: Duration) -> Result<Option<Job>> {
        let _guard = self.write_guard().await;
        let now = self.now_ms();
        let row = sqlx::query(self.inner.dialect.claim_sql())
            .bind(worker_id.to_owned())
            .bind(now.saturating_add(duration_ms(lease)))
            .bind(Uuid::new_v4().to_string())
            .bind(now)
            .fetch_optional(&self.inner.pool)
            .await?;
        row.as_ref().map(Job::from_row).transpose()
    }

    /// Extends the lease; `false` means it was lost (another worker owns the job now).
    pub(crate) async fn renew(&self, job: &Job, lease: Duration) -> Result<bool> {
        let _guard = self.write_guard().await;
        let now = self.now_ms();
        let renewed = sqlx::query(sql::RENEW)
            .bind(now.saturating_add(duration_ms(lease)))
            .bind(now)
            .bind(job.id.to_string())
            .bind(job.lease_token.clone())
            .execute(&self.inner.pool)
            .await?
            .rows_affected();
        Ok(renewed == 1)
    }

    /// Writes the outcome if `job`'s lease is still the current one; `false` = fenced off.
    pub(crate) async fn complete(&self, job: &Job, completion: Completion) -> Result<bool> {
        let now = self.now_ms();
        let id = job.id.to_string();
        let token = job.lease_token.clone();
        let query = match completion {
            Completion::Succeeded(result) => {
                let result = result
                    .map(|v| serde_json::to_string(&v))
                    .transpose()
                    .map_err(|source| Error::Json {
                        what: "result",
                        source,
                    })?;
                sqlx::query(sql::COMPLETE_SUCCEEDED)
                    .bind(result)
                    .bind(now)
                    .bind(id)
                    .bind(token)
            }
            Completion::Retry { run_after, error } => sqlx::query(sql::COMPLETE_RETRY)
                .bind(run_after)
                .bind(error)
                .bind(now)
                .bind(id)
                .bind(token),
            Completion::Dead(error) => sqlx::query(sql::COMPLETE_DEAD)
                .bind(error)
                .bind(now)
                .bind(id)
                .bind(token),
        };
        let guard = self.write_guard().await;
        let written = query.execute(&self.inner.pool).await?.rows_affected() == 1;
        drop(guard);
        if written {
            self.inner.completed.notify_waiters();
        }
        Ok(written)
    }

    /// Dead-letters running jobs whose lease expired during their final attempt. Returns how
    /// many. Workers call this on every poll tick; it is cheap (partial index on leases).
    pub async fn reap_expired(&self) -> Result<u64> {
        let guard = self.write_guard().await;
        let rows = sqlx::query(sql::REAP_EXHAUSTED)
            .bind(self.now_ms())
            .fetch_all(&self.inner.pool)
            .await?;
        drop(guard);
        for row in &rows {
            let id: String = row.try_get("id")?;
            let kind: String = row.try_get("kind")?;
            tracing::warn!(job_id = %id, kind = %kind, "job lease expired on its final attempt: dead");
            crate::metrics::record_reaped(&kind);
        }
        if !rows.is_empty() {
            self.inner.completed.notify_waiters();
        }
        Ok(rows.len() as u64)
    }
}
