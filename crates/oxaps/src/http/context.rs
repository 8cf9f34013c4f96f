//! The APS headers of a request, read once into a [`RequestContext`].

use aps::ApsError;
use aps::headers::{self, RequestPhase};
use http::HeaderMap;

/// What the controller told us about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// `APS-Instance-ID`.
    pub instance_id: String,
    /// `APS-Controller-URI`.
    pub controller_uri: String,
    /// `APS-Transaction-ID`, echoed on call-backs.
    pub transaction_id: Option<String>,
    /// `APS-Request-Phase`.
    pub phase: RequestPhase,
    /// `APS-Identity-ID`.
    pub identity_id: Option<String>,
    /// `APS-Version`.
    pub aps_version: Option<String>,
}

fn header(map: &HeaderMap, name: &str) -> Option<String> {
    map.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl RequestContext {
    /// Reads the headers; the two mandatory ones produce the PHP runtime's errors when missing.
    pub fn from_headers(map: &HeaderMap) -> Result<Self, ApsError> {
        let instance_id = header(map, headers::INSTANCE_ID)
            .ok_or_else(|| ApsError::internal("APS-Instance-Id header not set."))?;
        let controller_uri = header(map, headers::CONTROLLER_URI)
            .ok_or_else(|| ApsError::internal("APS-Controller-URI header not set."))?;
        if !is_plausible_id(&instance_id) {
            return Err(ApsError::bad_request(
                "APS-Instance-Id header is not a valid APS id.",
            ));
        }
        Ok(RequestContext {
            instance_id,
            controller_uri,
            transaction_id: header(map, headers::TRANSACTION_ID),
            phase: header(map, headers::REQUEST_PHASE)
                .map(|p| RequestPhase::parse(&p))
                .unwrap_or_default(),
            identity_id: header(map, headers::IDENTITY_ID),
            aps_version: header(map, headers::VERSION),
        })
    }
}

/// APS ids are UUIDs; accept any short token of id characters so tests and other controllers work.
pub fn is_plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        m
    }

    #[test]
    fn missing_instance_header_gives_the_php_runtime_message() {
        let e = RequestContext::from_headers(&map(&[("APS-Controller-URI", "https://c/")]))
            .unwrap_err();
        assert_eq!(
            e.body(),
            aps::ErrorBody {
                code: 500,
                kind: "Exception".into(),
                message: "APS-Instance-Id header not set.".into()
            }
        );
    }

    #[test]
    fn missing_controller_uri_is_an_error_too() {
        let e = RequestContext::from_headers(&map(&[("aps-instance-id", "i1")])).unwrap_err();
        assert_eq!(e.status, 500);
        assert!(e.message.contains("APS-Controller-URI"));
    }

    #[test]
    fn headers_are_case_insensitive_and_parsed() {
        let c = RequestContext::from_headers(&map(&[
            ("aPs-InStAnCe-Id", "0b3c-11"),
            ("APS-CONTROLLER-URI", "https://c:6308/"),
            ("aps-request-phase", "async"),
            ("APS-Transaction-ID", "tx1"),
        ]))
        .unwrap();
        assert_eq!(c.instance_id, "0b3c-11");
        assert_eq!(c.phase, RequestPhase::Async);
        assert_eq!(c.transaction_id.as_deref(), Some("tx1"));
    }

    #[test]
    fn hostile_instance_ids_are_rejected() {
        let e = RequestContext::from_headers(&map(&[
            ("aps-instance-id", "../../etc"),
            ("aps-controller-uri", "https://c/"),
        ]))
        .unwrap_err();
        assert_eq!(e.status, 400);
    }
}
