//! Job handlers and the kind -> handler registry.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::job::Job;

/// How a handler run failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth retrying later (timeouts, 5xx, connection refused, lock contention).
    #[error("transient: {0}")]
    Transient(String),
    /// Retrying cannot help (validation, 4xx, unknown kind); the job goes to the dead letters.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl JobError {
    pub fn transient(msg: impl fmt::Display) -> Self {
        Self::Transient(msg.to_string())
    }

    pub fn permanent(msg: impl fmt::Display) -> Self {
        Self::Permanent(msg.to_string())
    }

    pub fn message(&self) -> &str {
        match self {
            Self::Transient(m) | Self::Permanent(m) => m,
        }
    }
}

/// Executes jobs of one kind. Runs at least once per job and possibly more than once (after a
/// lease expiry or a crash between the side effect and the completion write), so it must be
/// idempotent: look the target object up, adopt it if it already matches, and only then create.
pub trait JobHandler: Send + Sync + 'static {
    /// The `kind` this handler executes.
    fn kind(&self) -> &'static str;

    /// Performs the side effect; `Ok(Some(v))` is stored as the job's result.
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Option<Value>, JobError>>;
}

/// Maps job kinds to handlers.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: BTreeMap<&'static str, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `handler` for its kind; returns the handler it replaced, if any.
    pub fn register(&mut self, handler: impl JobHandler) -> Option<Arc<dyn JobHandler>> {
        self.handlers.insert(handler.kind(), Arc::new(handler))
    }

    /// Builder form of [`Registry::register`].
    pub fn with(mut self, handler: impl JobHandler) -> Self {
        self.register(handler);
        self
    }

    pub fn get(&self, kind: &str) -> Option<&dyn JobHandler> {
        self.handlers.get(kind).map(|h| h.as_ref())
    }

    /// Registered kinds, sorted.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("kinds", &self.handlers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A handler from a closure taking the job by value (handy in tests and small jobs).
pub fn handler_fn<F, Fut>(kind: &'static str, f: F) -> impl JobHandler
where
    F: Fn(Job) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Value>, JobError>> + Send + 'static,
{
    FnHandler { kind, f }
}

struct FnHandler<F> {
    kind: &'static str,
    f: F,
}

impl<F, Fut> JobHandler for FnHandler<F>
where
    F: Fn(Job) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Value>, JobError>> + Send + 'static,
{
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Option<Value>, JobError>> {
        Box::pin((self.f)(job.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_maps_kinds_and_replaces_duplicates() {
        let mut r = Registry::new()
            .with(handler_fn("b", |_| async { Ok(None) }))
            .with(handler_fn("a", |_| async { Ok(None) }));
        assert_eq!(r.kinds().collect::<Vec<_>>(), vec!["a", "b"]);
        assert!(r.get("a").is_some());
        assert!(r.get("zzz").is_none());
        assert!(
            r.register(handler_fn("a", |_| async { Ok(None) }))
                .is_some()
        );
        assert_eq!(format!("{r:?}"), r#"Registry { kinds: ["a", "b"] }"#);
    }

    #[test]
    fn job_error_messages() {
        assert_eq!(JobError::transient("x").to_string(), "transient: x");
        assert_eq!(JobError::permanent("y").message(), "y");
    }
}
