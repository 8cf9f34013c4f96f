//! The error body of APS runtimes: `{"code": <status>, "type": "<Kind>", "message": "<text>"}`.
//!
//! The PHP runtime the OX package was written for, and the node runtime written as its drop-in,
//! answer errors in this shape; the controller shows `message` to whoever started the operation.

use serde::{Deserialize, Serialize};

/// The JSON body of an APS error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The HTTP status, repeated in the body.
    pub code: u16,
    /// The exception kind, e.g. `Exception`, `RuntimeException`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A message for the person who started the operation.
    pub message: String,
}

/// An error to answer an APS request with: an HTTP status, a kind and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {kind}: {message}")]
pub struct ApsError {
    /// HTTP status code.
    pub status: u16,
    /// Exception kind for the `type` field.
    pub kind: String,
    /// Human-readable message.
    pub message: String,
}

impl ApsError {
    /// An error with an explicit status and kind.
    pub fn new(status: u16, kind: impl Into<String>, message: impl Into<String>) -> Self {
        ApsError {
            status,
            kind: kind.into(),
            message: message.into(),
        }
    }
    /// 400 `BadRequest`: the request's content is wrong (validation, malformed JSON).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    /// 403 `Forbidden`: the caller is not who it must be.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }
    /// 404 `NotFound`: the instance or resource does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NotFound", message)
    }
    /// 409 `Conflict`: the request conflicts with existing state.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "Conflict", message)
    }
    /// 413 `PayloadTooLarge`.
    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(413, "PayloadTooLarge", message)
    }
    /// 500 `Exception`: the generic failure the PHP runtime reports.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "Exception", message)
    }
    /// 501 `NotImplemented`: a service or operation this endpoint does not provide yet.
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(501, "NotImplemented", message)
    }
    /// 503 `ServiceUnavailable`: try again later.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "ServiceUnavailable", message)
    }
    /// The JSON body for this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.status,
            kind: self.kind.clone(),
            message: self.message.clone(),
        }
    }
}

impl From<ErrorBody> for ApsError {
    fn from(body: ErrorBody) -> Self {
        ApsError {
            status: body.code,
            kind: body.kind,
            message: body.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_serialises_with_type_field_in_order() {
        let e = ApsError::internal("APS-Instance-Id header not set.");
        let json = serde_json::to_string(&e.body()).unwrap();
        assert_eq!(
            json,
            r#"{"code":500,"type":"Exception","message":"APS-Instance-Id header not set."}"#
        );
    }

    #[test]
    fn body_round_trips() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"code":404,"type":"RuntimeException","message":"x"}"#)
                .unwrap();
        assert_eq!(ApsError::from(body.clone()).body(), body);
    }
}
