//! Errors of the simulator's library API.
//!
//! An endpoint that answers an operation with a code the controller does not accept is reported as
//! [`SimError::Endpoint`] carrying the status and the endpoint's body (parsed as the APS error body
//! `{code, type, message}` when it has that shape), exactly what the real controller shows the
//! person who started the operation.

use aps::ErrorBody;
use serde_json::Value;

/// The phase in which an endpoint answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The first request (`APS-Request-Phase: sync`).
    Sync,
    /// A repetition after 202 (`APS-Request-Phase: async`).
    Async,
}

/// Everything the simulator's API can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The endpoint answered with a status the operation does not accept.
    #[error("endpoint answered {status} in the {phase:?} phase: {}", message_of(.aps_error, .body))]
    Endpoint {
        /// The HTTP status.
        status: u16,
        /// The phase of the failing request.
        phase: Phase,
        /// The body, parsed as JSON when possible (a JSON string otherwise).
        body: Box<Value>,
        /// The body as an APS error, when it has that shape.
        aps_error: Option<Box<ErrorBody>>,
        /// The asynchronous task, when the failure ended one.
        task_id: Option<String>,
    },
    /// The async loop reached its attempt limit while the endpoint kept answering 202.
    #[error("task {task_id} still pending after {attempts} attempts")]
    PollLimit {
        /// The task.
        task_id: String,
        /// Requests sent, the sync one included.
        attempts: u32,
    },
    /// The endpoint could not be reached or its answer not read.
    #[error("transport error talking to {url}: {message}")]
    Transport {
        /// The request URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A resource, instance, package, task or subscription that does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A request that is wrong in itself.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A certificate or TLS configuration problem.
    #[error("tls: {0}")]
    Tls(String),
    /// Waiting for something took too long.
    #[error("timeout: {0}")]
    Timeout(String),
    /// Reading or writing the state directory.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

fn message_of(aps_error: &Option<Box<ErrorBody>>, body: &Value) -> String {
    match aps_error {
        Some(e) => format!("{} {}", e.kind, e.message),
        None => body.to_string(),
    }
}

impl SimError {
    /// The HTTP status an endpoint answered with, for [`SimError::Endpoint`].
    pub fn endpoint_status(&self) -> Option<u16> {
        match self {
            SimError::Endpoint { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The APS error body an endpoint answered with, for [`SimError::Endpoint`].
    pub fn aps_error(&self) -> Option<&ErrorBody> {
        match self {
            SimError::Endpoint { aps_error, .. } => aps_error.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn endpoint(
        status: u16,
        phase: Phase,
        body: Value,
        task_id: Option<String>,
    ) -> Self {
        let aps_error = serde_json::from_value::<ErrorBody>(body.clone())
            .ok()
            .map(Box::new);
        SimError::Endpoint {
            status,
            phase,
            body: Box::new(body),
            aps_error,
            task_id,
        }
    }

    pub(crate) fn tls(e: impl std::fmt::Display) -> Self {
        SimError::Tls(e.to_string())
    }
}

/// Result alias of the simulator.
pub type SimResult<T> = Result<T, SimError>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoint_error_parses_aps_body() {
        let e = SimError::endpoint(
            409,
            Phase::Sync,
            json!({"code": 409, "type": "Conflict", "message": "dup"}),
            None,
        );
        assert_eq!(e.endpoint_status(), Some(409));
        assert_eq!(e.aps_error().map(|b| b.message.as_str()), Some("dup"));
        assert!(e.to_string().contains("Conflict dup"));
    }

    #[test]
    fn endpoint_error_keeps_other_bodies() {
        let e = SimError::endpoint(500, Phase::Async, json!("boom"), Some("t".into()));
        assert!(e.aps_error().is_none());
        assert!(e.to_string().contains("boom"));
    }
}
