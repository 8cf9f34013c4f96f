//! Error type of the queue API (infrastructure failures, not job failures: see [`crate::JobError`]).

use uuid::Uuid;

/// Result alias for queue operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Failure of a queue operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database rejected or failed a statement.
    #[error("job queue database error: {0}")]
    Db(#[from] sqlx::Error),

    /// Applying the queue's schema migrations failed.
    #[error("job queue migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// The pool points at a database the queue has no SQL dialect for.
    #[error("job queue: unsupported database URL scheme `{0}` (supported: sqlite, postgres)")]
    UnsupportedDatabase(String),

    /// A job payload or result could not be (de)serialised.
    #[error("job queue: invalid JSON in {what}: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// A stored row holds a value the queue cannot interpret.
    #[error("job queue: corrupt row {id}: {detail}")]
    CorruptRow { id: String, detail: String },

    /// No job with this id.
    #[error("job {0} not found")]
    NotFound(Uuid),

    /// An enqueue parameter is out of range.
    #[error("job queue: invalid job: {0}")]
    InvalidJob(String),
}
