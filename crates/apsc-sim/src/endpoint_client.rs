//! The controller's HTTP client towards application endpoints.
//!
//! Every request carries `APS-Controller-URI`, `APS-Instance-ID`, `APS-Transaction-ID`,
//! `APS-Request-Phase`, `APS-Version` and, when known, `APS-Identity-ID`; the TLS connection
//! presents the controller certificate and does not verify the endpoint (unless a fingerprint is
//! pinned). Every call is recorded in the journal.

use aps::headers::{self, RequestPhase};
use http::{HeaderMap, Method};
use serde_json::Value;

use crate::controller::Shared;
use crate::error::{SimError, SimResult};
use crate::journal::EndpointCall;
use crate::package::endpoint_url;

/// One request to an endpoint.
#[derive(Debug, Clone)]
pub struct EndpointRequest {
    /// Journal label (`provision`, `event`, ...).
    pub purpose: &'static str,
    /// `APS-Instance-ID`.
    pub instance_id: String,
    /// The endpoint base URL.
    pub base: String,
    /// HTTP method.
    pub method: Method,
    /// Path relative to the base (`user/<id>/onChange`).
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// JSON body.
    pub body: Option<Value>,
    /// `APS-Transaction-ID`.
    pub transaction_id: String,
    /// `APS-Request-Phase`.
    pub phase: RequestPhase,
    /// `APS-Identity-ID`.
    pub identity: Option<String>,
    /// Further headers (periodic tasks' `callInfo.headers`).
    pub headers: Vec<(String, String)>,
}

impl EndpointRequest {
    /// The full URL.
    pub fn url(&self) -> String {
        let url = endpoint_url(&self.base, &self.path);
        match &self.query {
            Some(q) if !q.is_empty() => format!("{url}?{q}"),
            _ => url,
        }
    }
}

/// An endpoint's answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body: JSON, `Null` when empty, a JSON string when not JSON.
    pub body: Value,
}

impl Reply {
    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Parses a response body: empty → `Null`, JSON → the value, anything else → a JSON string.
pub fn parse_body(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

impl Shared {
    /// Sends a request with the standard APS headers over the controller's client.
    pub(crate) async fn call_endpoint(&self, req: &EndpointRequest) -> SimResult<Reply> {
        let url = req.url();
        let mut builder = self
            .client
            .request(req.method.clone(), &url)
            .header(headers::CONTROLLER_URI, &self.rest_base)
            .header(headers::INSTANCE_ID, &req.instance_id)
            .header(headers::TRANSACTION_ID, &req.transaction_id)
            .header(headers::REQUEST_PHASE, req.phase.as_str())
            .header(headers::VERSION, &self.config.aps_version)
            .header(http::header::ACCEPT, "application/json");
        if let Some(identity) = &req.identity {
            builder = builder.header(headers::IDENTITY_ID, identity);
        }
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &req.body {
            builder = builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let result = async {
            let response = builder.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>(Reply {
                status,
                headers,
                body: parse_body(&bytes),
            })
        }
        .await;
        let mut call = EndpointCall {
            seq: 0,
            at: String::new(),
            purpose: req.purpose.to_owned(),
            method: req.method.to_string(),
            url: url.clone(),
            instance_id: req.instance_id.clone(),
            transaction_id: req.transaction_id.clone(),
            phase: req.phase.as_str().to_owned(),
            request_body: req.body.clone(),
            status: None,
            response_body: Value::Null,
            error: None,
        };
        match &result {
            Ok(reply) => {
                call.status = Some(reply.status);
                call.response_body = reply.body.clone();
            }
            Err(e) => call.error = Some(e.to_string()),
        }
        tracing::debug!(purpose = req.purpose, method = %req.method, %url, txn = %req.transaction_id, status = ?call.status, "endpoint call");
        self.with(|st| st.journal.record_endpoint(call));
        result.map_err(|e| SimError::Transport {
            url,
            message: error_chain(&e),
        })
    }
}

/// An error and its sources, joined with `: `.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_parse_leniently() {
        assert_eq!(parse_body(b""), Value::Null);
        assert_eq!(parse_body(b" \n"), Value::Null);
        assert_eq!(parse_body(br#"{"a":1}"#)["a"], 1);
        assert_eq!(parse_body(b"oops"), Value::from("oops"));
    }

    #[test]
    fn urls_carry_queries() {
        let req = EndpointRequest {
            purpose: "operation",
            instance_id: "i".into(),
            base: "https://h/ep/".into(),
            method: Method::GET,
            path: "user/u1/calc/special".into(),
            query: Some("a=1&b=2".into()),
            body: None,
            transaction_id: "t".into(),
            phase: RequestPhase::Sync,
            identity: None,
            headers: vec![],
        };
        assert_eq!(req.url(), "https://h/ep/user/u1/calc/special?a=1&b=2");
    }
}
