//! Durable, keyed job queue in the application's own SQL database (SQLite or PostgreSQL via
//! sqlx `Any`): a transactional outbox for side effects on external systems.
//!
//! - [`Queue::enqueue`] writes a job in the caller's transaction, deduplicated by `dedup_key`.
//! - [`Worker`] claims jobs with leases (no transaction held while running), renews them while
//!   the handler runs and fences completion by lease token: at-least-once execution, so
//!   handlers must be idempotent.
//! - Transient failures retry with exponential backoff; permanent failures and exhausted
//!   attempts become visible dead letters that [`Queue::retry`] revives.
//!
//! See `README.md` for the model and the multi-node guarantees.

mod backoff;
mod clock;
mod error;
mod execute;
mod job;
mod lease;
pub mod metrics;
mod migrate;
mod queue;
mod registry;
mod sql;
mod worker;

pub use backoff::Backoff;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use job::{
    DEFAULT_MAX_ATTEMPTS, Enqueued, Job, JobOutcome, JobStatus, ListFilter, NewJob, QueueStats,
};
pub use migrate::{FIRST_VERSION, migrate, migrator};
pub use queue::{DEFAULT_WAIT_POLL, Queue};
pub use registry::{JobError, JobHandler, Registry, handler_fn};
pub use sql::Dialect;
pub use worker::{Worker, WorkerConfig};
