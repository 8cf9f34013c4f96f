//! The error taxonomy.
//!
//! Policy: every failure of a call ends up in exactly one [`OxError`] variant, chosen so that
//! callers can act on it without reading messages:
//!
//! | variant | typical cause | retried by the client |
//! |---|---|---|
//! | [`OxError::AlreadyExists`] | `Context 5 already exists!`, `User x already exists in this context`, `Member already exists in group` | no |
//! | [`OxError::NotFound`] | `No such user 5 in context 10`, `Context 5 does not exist` | no |
//! | [`OxError::InvalidData`] | InvalidDataException: `Illegal chars: "&"`, `primarymail must have the same value as email1` | no |
//! | [`OxError::InvalidCredentials`] | InvalidCredentialsException, `ContextID 5 does not belong to brand1`, HTTP 401/403 | no |
//! | [`OxError::QuotaExceeded`] | OXResellerException `Maximum number of contexts reached: ...` | no |
//! | [`OxError::Storage`] | StorageException (database trouble, may be deterministic) | no |
//! | [`OxError::Fault`] | any other SOAP fault | no |
//! | [`OxError::Transient`] | RemoteException `Missing ... instance.`, DatabaseUpdateException, HTTP 5xx/429/408 without a fault, timeouts, connection errors | yes, with backoff |
//! | [`OxError::Protocol`] | a response this client cannot read (wrong URL, not SOAP, wrong shape) | no |
//! | [`OxError::InvalidInput`] | local validation before sending | no |
//! | [`OxError::Config`] | bad client configuration | no |

use std::fmt;
use std::time::Duration;

use crate::fault::Fault;
use crate::validate::ValidationError;

/// What kind of object a fault is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A context (id or name).
    Context,
    /// A user (id or login name).
    User,
    /// A group.
    Group,
    /// A resource.
    Resource,
    /// A reseller admin (subadmin).
    Reseller,
    /// A group membership.
    Member,
    /// A mail address (primary address or alias).
    MailAddress,
    /// A display name (unique per context).
    DisplayName,
    /// Anything else (database, filestore, ...).
    Other,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Context => "context",
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
            ObjectKind::Resource => "resource",
            ObjectKind::Reseller => "reseller admin",
            ObjectKind::Member => "group member",
            ObjectKind::MailAddress => "mail address",
            ObjectKind::DisplayName => "display name",
            ObjectKind::Other => "object",
        })
    }
}

/// A failure that may go away by itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Transient {
    /// OX answered with a fault meaning its backend is (temporarily) unavailable.
    #[error("{0}")]
    Fault(Fault),
    /// An HTTP error status without a SOAP fault (proxy or servlet container error page).
    #[error("HTTP {status} without a SOAP fault")]
    Http {
        /// The HTTP status code.
        status: u16,
    },
    /// No complete answer within the per-call timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection could not be established (refused, DNS, TLS handshake).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The connection failed while the request or response was in flight.
    #[error("connection failed: {0}")]
    Network(String),
}

/// An error from an OX call. See the module documentation for the taxonomy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OxError {
    /// The object (or a unique attribute of it) already exists.
    #[error("OX: {what} already exists: {fault}")]
    AlreadyExists {
        /// What exists already.
        what: ObjectKind,
        /// The fault as OX sent it.
        fault: Fault,
    },
    /// The object does not exist.
    #[error("OX: {what} not found: {fault}")]
    NotFound {
        /// What was not found.
        what: ObjectKind,
        /// The fault as OX sent it.
        fault: Fault,
    },
    /// OX rejected the request data; the message is OX's own. Never retried.
    #[error("OX rejected the data: {0}")]
    InvalidData(Fault),
    /// The admin credentials were rejected, or do not cover the object (a subadmin acting on a
    /// context it does not own).
    #[error("OX rejected the credentials: {0}")]
    InvalidCredentials(Fault),
    /// A reseller restriction (`Subadmin.MaxContext`, `Context.MaxUser`, quota, ...) is reached.
    #[error("OX reseller restriction reached: {0}")]
    QuotaExceeded(Fault),
    /// OX reported a StorageException.
    #[error("OX storage error: {0}")]
    Storage(Fault),
    /// A SOAP fault that fits no other variant.
    #[error("OX fault: {0}")]
    Fault(Fault),
    /// OX is unreachable or temporarily unable to serve; retried with backoff.
    #[error("OX unavailable: {0}")]
    Transient(Transient),
    /// The response could not be understood.
    #[error("unexpected response from OX: {0}")]
    Protocol(String),
    /// The request was rejected locally and never sent.
    #[error("rejected before sending: {0}")]
    InvalidInput(#[from] ValidationError),
    /// The client configuration is unusable.
    #[error("OX client configuration: {0}")]
    Config(String),
}

impl OxError {
    /// Whether repeating the same call later may succeed. Only [`OxError::Transient`] is; the
    /// client retries those itself (see [`crate::RetryPolicy`]) before returning them.
    pub fn is_retryable(&self) -> bool {
        matches!(self, OxError::Transient(_))
    }

    /// Whether this is [`OxError::NotFound`] (a delete can treat that as success).
    pub fn is_not_found(&self) -> bool {
        matches!(self, OxError::NotFound { .. })
    }

    /// Whether this is [`OxError::AlreadyExists`] (a create can adopt the existing object).
    pub fn is_already_exists(&self) -> bool {
        matches!(self, OxError::AlreadyExists { .. })
    }

    /// The SOAP fault behind the error, if OX sent one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            OxError::AlreadyExists { fault, .. }
            | OxError::NotFound { fault, .. }
            | OxError::InvalidData(fault)
            | OxError::InvalidCredentials(fault)
            | OxError::QuotaExceeded(fault)
            | OxError::Storage(fault)
            | OxError::Fault(fault)
            | OxError::Transient(Transient::Fault(fault)) => Some(fault),
            _ => None,
        }
    }

    /// OX's `exceptionId` (`<n>-<k>`) for correlating with the OX server log.
    pub fn exception_id(&self) -> Option<&str> {
        self.fault().and_then(|f| f.exception_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_is_retryable() {
        let f = Fault::new("boom");
        assert!(OxError::Transient(Transient::Timeout(Duration::from_secs(1))).is_retryable());
        assert!(OxError::Transient(Transient::Fault(f.clone())).is_retryable());
        for e in [
            OxError::InvalidData(f.clone()),
            OxError::Storage(f.clone()),
            OxError::Fault(f.clone()),
            OxError::NotFound {
                what: ObjectKind::User,
                fault: f.clone(),
            },
            OxError::Protocol("x".into()),
        ] {
            assert!(!e.is_retryable(), "{e}");
        }
    }

    #[test]
    fn display_keeps_message_and_exception_id() {
        let mut f = Fault::new("No such user 5 in context 10");
        f.exception_id = Some("-592283074-2544".into());
        let e = OxError::NotFound {
            what: ObjectKind::User,
            fault: f,
        };
        assert_eq!(e.exception_id(), Some("-592283074-2544"));
        let shown = e.to_string();
        assert!(shown.contains("No such user 5 in context 10"), "{shown}");
        assert!(shown.contains("-592283074-2544"), "{shown}");
    }
}
