//! Errors that become SOAP faults, named after the Java exception OX would throw.

use std::fmt;

/// The Java exception class behind a fault; it names the fault detail element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// StorageException (also used for reseller restriction violations).
    Storage,
    /// InvalidCredentialsException.
    InvalidCredentials,
    /// InvalidDataException.
    InvalidData,
    /// NoSuchContextException.
    NoSuchContext,
    /// ContextExistsException.
    ContextExists,
    /// NoSuchUserException.
    NoSuchUser,
    /// NoSuchGroupException.
    NoSuchGroup,
    /// NoSuchResourceException.
    NoSuchResource,
    /// OXResellerException.
    OxReseller,
    /// java.rmi.RemoteException (no exception id appended).
    Remote,
}

impl Exception {
    /// The simple Java class name.
    pub fn name(self) -> &'static str {
        match self {
            Exception::Storage => "StorageException",
            Exception::InvalidCredentials => "InvalidCredentialsException",
            Exception::InvalidData => "InvalidDataException",
            Exception::NoSuchContext => "NoSuchContextException",
            Exception::ContextExists => "ContextExistsException",
            Exception::NoSuchUser => "NoSuchUserException",
            Exception::NoSuchGroup => "NoSuchGroupException",
            Exception::NoSuchResource => "NoSuchResourceException",
            Exception::OxReseller => "OXResellerException",
            Exception::Remote => "RemoteException",
        }
    }
}

/// A server-side fault (`soap:Server`) with OX's message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OxError {
    /// The exception class.
    pub exception: Exception,
    /// The Java message (without the `; exceptionId` suffix).
    pub message: String,
}

impl fmt::Display for OxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.exception.name(), self.message)
    }
}

impl std::error::Error for OxError {}

/// Result of a domain operation.
pub type OxResult<T> = Result<T, OxError>;

impl OxError {
    /// Builds an error of the given class.
    pub fn new(exception: Exception, message: impl Into<String>) -> Self {
        OxError {
            exception,
            message: message.into(),
        }
    }

    /// InvalidDataException.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Exception::InvalidData, message)
    }

    /// InvalidCredentialsException "Authentication failed".
    pub fn auth_failed() -> Self {
        Self::new(Exception::InvalidCredentials, "Authentication failed")
    }

    /// StorageException.
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(Exception::Storage, message)
    }

    /// NoSuchContextException "Context <id> does not exist".
    pub fn no_such_context(id: impl fmt::Display) -> Self {
        Self::new(
            Exception::NoSuchContext,
            format!("Context {id} does not exist"),
        )
    }

    /// NoSuchUserException "No such user <id> in context <cid>".
    pub fn no_such_user(user: impl fmt::Display, cid: i64) -> Self {
        Self::new(
            Exception::NoSuchUser,
            format!("No such user {user} in context {cid}"),
        )
    }

    /// NoSuchGroupException "No such group <id> in context <cid>".
    pub fn no_such_group(group: impl fmt::Display, cid: i64) -> Self {
        Self::new(
            Exception::NoSuchGroup,
            format!("No such group {group} in context {cid}"),
        )
    }

    /// NoSuchResourceException "No such resource <id> in context <cid>".
    pub fn no_such_resource(res: impl fmt::Display, cid: i64) -> Self {
        Self::new(
            Exception::NoSuchResource,
            format!("No such resource {res} in context {cid}"),
        )
    }

    /// OXResellerException.
    pub fn reseller(message: impl Into<String>) -> Self {
        Self::new(Exception::OxReseller, message)
    }
}

impl From<sqlx::Error> for OxError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        OxError::storage(format!("Database error: {e}"))
    }
}

impl From<serde_json::Error> for OxError {
    fn from(e: serde_json::Error) -> Self {
        tracing::error!(error = %e, "stored JSON is invalid");
        OxError::storage(format!("Invalid stored data: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_ox() {
        assert_eq!(
            OxError::no_such_user(7, 10).message,
            "No such user 7 in context 10"
        );
        assert_eq!(
            OxError::no_such_context(4711).message,
            "Context 4711 does not exist"
        );
        assert_eq!(
            OxError::auth_failed().exception.name(),
            "InvalidCredentialsException"
        );
    }
}
