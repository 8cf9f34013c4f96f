//! Header names of the APS bus. HTTP header names are case-insensitive; these constants are the
//! lower-case forms that `http::HeaderName` uses, and the canonical spellings are in the doc comments.

/// `APS-Controller-URI`: base URL of the controller's REST API. Mandatory on every request.
pub const CONTROLLER_URI: &str = "aps-controller-uri";
/// `APS-Instance-ID`: APS id of the receiving application instance. Mandatory on every request.
pub const INSTANCE_ID: &str = "aps-instance-id";
/// `APS-Transaction-ID`: echoed on call-backs that belong to the same operation.
pub const TRANSACTION_ID: &str = "aps-transaction-id";
/// `APS-Request-Phase`: `sync` on the first request, `async` when the controller polls after a 202.
pub const REQUEST_PHASE: &str = "aps-request-phase";
/// `APS-Identity-ID`: the user behind a UI-originated request.
pub const IDENTITY_ID: &str = "aps-identity-id";
/// `APS-Original-Identity-ID`: set when a vendor or reseller impersonates the customer.
pub const ORIGINAL_IDENTITY_ID: &str = "aps-original-identity-id";
/// `APS-Application-ID`: the calling application instance when another application calls.
pub const APPLICATION_ID: &str = "aps-application-id";
/// `APS-Actor-ID`: the security actor, when identifiable.
pub const ACTOR_ID: &str = "aps-actor-id";
/// `APS-Version`: the controller's APS API version, e.g. `7.3.0`.
pub const VERSION: &str = "aps-version";
/// `APS-Resource-ID`: on call-backs, act in the security context of this resource (impersonation).
pub const RESOURCE_ID: &str = "aps-resource-id";
/// `APS-Info`: response header with a task description shown in the controller's task list.
pub const INFO: &str = "aps-info";
/// `APS-Retry-Timeout`: response header, seconds until the controller repeats an accepted request.
pub const RETRY_TIMEOUT: &str = "aps-retry-timeout";

/// The value of [`REQUEST_PHASE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestPhase {
    /// The first delivery of a request.
    #[default]
    Sync,
    /// A repetition after the endpoint answered 202 Accepted.
    Async,
}

impl RequestPhase {
    /// Parses the header value; anything but `async` (case-insensitive) is the sync phase.
    pub fn parse(value: &str) -> Self {
        if value.trim().eq_ignore_ascii_case("async") {
            RequestPhase::Async
        } else {
            RequestPhase::Sync
        }
    }

    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestPhase::Sync => "sync",
            RequestPhase::Async => "async",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_parses_case_insensitively() {
        assert_eq!(RequestPhase::parse("ASYNC"), RequestPhase::Async);
        assert_eq!(RequestPhase::parse(" async "), RequestPhase::Async);
        assert_eq!(RequestPhase::parse("sync"), RequestPhase::Sync);
        assert_eq!(RequestPhase::parse(""), RequestPhase::Sync);
    }

    #[test]
    fn constants_are_valid_lowercase_header_names() {
        for name in [
            CONTROLLER_URI,
            INSTANCE_ID,
            TRANSACTION_ID,
            REQUEST_PHASE,
            IDENTITY_ID,
            ORIGINAL_IDENTITY_ID,
            APPLICATION_ID,
            ACTOR_ID,
            VERSION,
            RESOURCE_ID,
            INFO,
            RETRY_TIMEOUT,
        ] {
            assert_eq!(name, name.to_ascii_lowercase());
            assert!(
                http::HeaderName::from_lowercase(name.as_bytes()).is_ok(),
                "{name}"
            );
        }
    }
}
