use crate::error::ErrorBody;

/// A failed call to the controller.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// The request never got an HTTP answer (connection, TLS, timeout).
    #[error("controller unreachable: {0}")]
    Transport(String),
    /// The controller answered with a non-success status.
    #[error("controller answered {status}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// The message from the APS error body, or the raw body text.
        message: String,
        /// The parsed APS error body, when the controller sent one.
        body: Option<ErrorBody>,
    },
    /// The answer could not be decoded.
    #[error("unexpected answer from controller: {0}")]
    Decode(String),
    /// The client could not be built (bad identity or URL).
    #[error("controller client configuration: {0}")]
    Config(String),
}

impl ControllerError {
    /// Whether repeating the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ControllerError::Transport(_) => true,
            ControllerError::Status { status, .. } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            ControllerError::Decode(_) | ControllerError::Config(_) => false,
        }
    }

    /// Whether the controller said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ControllerError::Status { status: 404, .. })
    }
}
