//! SQL dialects and statements. Everything is portable between SQLite (>= 3.35: `RETURNING`,
//! `ON CONFLICT`) and PostgreSQL except the claim, which on PostgreSQL adds
//! `FOR UPDATE SKIP LOCKED` so concurrent workers never block on, or double-claim, a row.
//! Placeholders are `$n` in ascending order of first appearance (required by SQLite via `Any`).

use sqlx::AnyPool;

use crate::error::{Error, Result};
use crate::job::job_columns;

/// SQL dialect of the pool the queue runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Single node: SQLite serialises writers, so a plain `UPDATE … RETURNING` claim is atomic.
    Sqlite,
    /// Multi node: `FOR UPDATE SKIP LOCKED` claim.
    Postgres,
}

impl Dialect {
    /// Dialect from a database URL scheme.
    pub fn from_scheme(scheme: &str) -> Result<Self> {
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            other => Err(Error::UnsupportedDatabase(other.to_owned())),
        }
    }

    /// Dialect of an `AnyPool`, from its connect options (no connection needed).
    pub fn of_pool(pool: &AnyPool) -> Result<Self> {
        Self::from_scheme(pool.connect_options().database_url.scheme())
    }

    pub(crate) fn claim_sql(self) -> &'static str {
        match self {
            Self::Sqlite => CLAIM_SQLITE,
            Self::Postgres => CLAIM_POSTGRES,
        }
    }
}

/// Builds the claim statement. An expired lease of a crashed worker is taken first (rare and
/// already late), otherwise the best ready pending job. Each alternative is a `LIMIT 1` scan of
/// its own partial index, so the cost does not grow with the backlog or the history.
/// Binds: $1 worker id, $2 lease end, $3 lease token, $4 now.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, \
             lease_token = $3, attempts = attempts + 1, updated_at = $4 \
             WHERE id = COALESCE(\
               (SELECT id FROM jobs WHERE status = 'running' AND locked_until < $4 \
                  AND attempts < max_attempts ORDER BY locked_until, id LIMIT 1",
            $lock,
            "), (SELECT id FROM jobs WHERE status = 'pending' AND run_after <= $4 \
                  ORDER BY priority DESC, run_after, id LIMIT 1",
            $lock,
            ")) RETURNING ",
            job_columns!()
        )
    };
}

const CLAIM_SQLITE: &str = claim_sql!("");
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");

/// Binds: $1 id, $2 kind, $3 dedup_key, $4 payload, $5 instance_id, $6 resource_id,
/// $7 priority, $8 max_attempts, $9 run_after, $10 now.
pub(crate) const INSERT: &str = "INSERT INTO jobs (id, kind, dedup_key, payload, instance_id, \
     resource_id, status, priority, attempts, max_attempts, run_after, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, 0, $8, $9, $10, $10) \
     ON CONFLICT (dedup_key) DO NOTHING";

pub(crate) const ID_STATUS_BY_KEY: &str = "SELECT id, status FROM jobs WHERE dedup_key = $1";

pub(crate) const GET: &str = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1");

pub(crate) const FIND_BY_KEY: &str =
    concat!("SELECT ", job_columns!(), " FROM jobs WHERE dedup_key = $1");

/// Binds: $1 status, $2 kind, $3 instance_id, $4 resource_id, $5 limit.
pub(crate) const LIST: &str = concat!(
    "SELECT ",
    job_columns!(),
    " FROM jobs WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR kind = $2) \
     AND ($3 IS NULL OR instance_id = $3) AND ($4 IS NULL OR resource_id = $4) \
     ORDER BY created_at DESC, id LIMIT $5"
);

/// Binds: $1 now, $2 id.
pub(crate) const RETRY_DEAD: &str = "UPDATE jobs SET status = 'pending', attempts = 0, \
     run_after = $1, updated_at = $1, finished_at = NULL, locked_by = NULL, \
     locked_until = NULL, lease_token = NULL WHERE id = $2 AND status = 'dead'";

pub(crate) const COUNT_BY_STATUS: &str = "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status";

/// Binds: $1 now.
pub(crate) const OLDEST_READY: &str =
    "SELECT MIN(run_after) AS oldest FROM jobs WHERE status = 'pending' AND run_after <= $1";

/// Binds: $1 cutoff.
pub(crate) const PRUNE_SUCCEEDED: &str =
    "DELETE FROM jobs WHERE status = 'succeeded' AND finished_at < $1";

/// Heartbeat. Binds: $1 new lease end, $2 now, $3 id, $4 lease token.
pub(crate) const RENEW: &str = "UPDATE jobs SET locked_until = $1, updated_at = $2 \
     WHERE id = $3 AND lease_token = $4 AND status = 'running'";

/// Fenced completion. Binds: $1 result, $2 now, $3 id, $4 lease token.
pub(crate) const COMPLETE_SUCCEEDED: &str = "UPDATE jobs SET status = 'succeeded', result = $1, \
     locked_by = NULL, locked_until = NULL, lease_token = NULL, finished_at = $2, \
     updated_at = $2 WHERE id = $3 AND lease_token = $4 AND status = 'running'";

/// Fenced transient failure. Binds: $1 run_after, $2 error, $3 now, $4 id, $5 lease token.
pub(crate) const COMPLETE_RETRY: &str = "UPDATE jobs SET status = 'pending', run_after = $1, \
     last_error = $2, locked_by = NULL, locked_until = NULL, lease_token = NULL, \
     updated_at = $3 WHERE id = $4 AND lease_token = $5 AND status = 'running'";

/// Fenced dead letter. Binds: $1 error, $2 now, $3 id, $4 lease token.
pub(crate) const COMPLETE_DEAD: &str = "UPDATE jobs SET status = 'dead', last_error = $1, \
     locked_by = NULL, locked_until = NULL, lease_token = NULL, finished_at = $2, \
     updated_at = $2 WHERE id = $3 AND lease_token = $4 AND status = 'running'";

/// Dead-letters expired leases whose attempt budget is spent (a job that keeps killing its
/// worker must not be retried forever). Binds: $1 now.
pub(crate) const REAP_EXHAUSTED: &str = "UPDATE jobs SET status = 'dead', \
     last_error = 'lease of worker ' || COALESCE(locked_by, '?') || \
     ' expired during the final attempt (worker crashed or stalled)', \
     locked_by = NULL, locked_until = NULL, lease_token = NULL, finished_at = $1, \
     updated_at = $1 \
     WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts \
     RETURNING id, kind";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_dialect_from_scheme() {
        assert_eq!(Dialect::from_scheme("sqlite").ok(), Some(Dialect::Sqlite));
        assert_eq!(
            Dialect::from_scheme("postgres").ok(),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::from_scheme("postgresql").ok(),
            Some(Dialect::Postgres)
        );
        assert!(matches!(
            Dialect::from_scheme("mysql"),
            Err(Error::UnsupportedDatabase(s)) if s == "mysql"
        ));
    }

    #[test]
    fn only_postgres_claim_skips_locked_rows() {
        assert!(!Dialect::Sqlite.claim_sql().contains("SKIP LOCKED"));
        assert_eq!(
            Dialect::Postgres
                .claim_sql()
                .matches("FOR UPDATE SKIP LOCKED")
                .count(),
            2
        );
        assert!(Dialect::Sqlite.claim_sql().ends_with("finished_at"));
    }
}
