//! What went over the wire, kept for tests: every call the endpoint made to the REST API
//! ([`RestCall`]) and every call the controller made to an endpoint ([`EndpointCall`]).
//!
//! The private key in `aps.x509.self` of installation requests is replaced by `<redacted>`.

use serde::Serialize;
use serde_json::Value;

use crate::store::now_iso;

/// A call the endpoint (or anyone with a certificate) made to the REST API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestCall {
    /// Order of arrival.
    pub seq: u64,
    /// When it arrived.
    pub at: String,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// The calling instance (from its client certificate); `None` for the controller's own certificate.
    pub instance: Option<String>,
    /// `APS-Transaction-ID` sent by the caller.
    pub transaction_id: Option<String>,
    /// `APS-Resource-ID` (impersonation) sent by the caller.
    pub resource_id: Option<String>,
    /// The request body, when it was JSON.
    pub body: Option<Value>,
    /// The status answered.
    pub status: u16,
}

/// A call the controller made to an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointCall {
    /// Order of sending.
    pub seq: u64,
    /// When it was sent.
    pub at: String,
    /// Why: `install`, `provision`, `retrieve`, `configure`, `unprovision`, `link`, `unlink`,
    /// `upgrade`, `operation`, `event`, `periodic-task`, `raw`.
    pub purpose: String,
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// `APS-Instance-ID` sent.
    pub instance_id: String,
    /// `APS-Transaction-ID` sent.
    pub transaction_id: String,
    /// `APS-Request-Phase` sent.
    pub phase: String,
    /// Request body.
    pub request_body: Option<Value>,
    /// Status answered (`None` on transport errors).
    pub status: Option<u16>,
    /// Response body (JSON, or a JSON string with the raw text).
    pub response_body: Value,
    /// Transport error, if any.
    pub error: Option<String>,
}

/// Entries kept per log; older ones are dropped (a long `serve` session stays bounded).
pub const MAX_ENTRIES: usize = 20_000;

fn push_bounded<T>(log: &mut Vec<T>, item: T) {
    if log.len() >= MAX_ENTRIES {
        log.drain(..log.len() + 1 - MAX_ENTRIES);
    }
    log.push(item);
}

/// Both logs.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    seq: u64,
    rest: Vec<RestCall>,
    endpoint: Vec<EndpointCall>,
}

impl Journal {
    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Records a REST call (seq and time are filled in).
    pub fn record_rest(&mut self, mut call: RestCall) {
        call.seq = self.next();
        call.at = now_iso();
        push_bounded(&mut self.rest, call);
    }

    /// Records an endpoint call (seq and time are filled in; the instance key is redacted).
    pub fn record_endpoint(&mut self, mut call: EndpointCall) {
        call.seq = self.next();
        call.at = now_iso();
        if let Some(body) = call.request_body.as_mut() {
            redact(body);
        }
        push_bounded(&mut self.endpoint, call);
    }

    /// REST calls so far.
    pub fn rest(&self) -> &[RestCall] {
        &self.rest
    }

    /// Endpoint calls so far.
    pub fn endpoint(&self) -> &[EndpointCall] {
        &self.endpoint
    }
}

/// Replaces `aps.x509.self` with `<redacted>`.
pub fn redact(body: &mut Value) {
    if let Some(x509) = body
        .get_mut("aps")
        .and_then(|a| a.get_mut("x509"))
        .and_then(Value::as_object_mut)
        && x509.contains_key("self")
    {
        x509.insert("self".into(), Value::from("<redacted>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn logs_are_bounded() {
        let mut v: Vec<usize> = (0..MAX_ENTRIES).collect();
        push_bounded(&mut v, MAX_ENTRIES);
        assert_eq!(
            (v.len(), v[0], v[MAX_ENTRIES - 1]),
            (MAX_ENTRIES, 1, MAX_ENTRIES)
        );
    }

    #[test]
    fn installation_key_is_redacted() {
        let mut j = Journal::default();
        j.record_endpoint(EndpointCall {
            seq: 0,
            at: String::new(),
            purpose: "install".into(),
            method: "POST".into(),
            url: "u".into(),
            instance_id: "i".into(),
            transaction_id: "t".into(),
            phase: "sync".into(),
            request_body: Some(json!({"aps": {"x509": {"self": "KEY", "controller": "C"}}})),
            status: Some(200),
            response_body: Value::Null,
            error: None,
        });
        let call = &j.endpoint()[0];
        assert_eq!(
            call.request_body.as_ref().unwrap()["aps"]["x509"]["self"],
            "<redacted>"
        );
        assert_eq!(
            call.request_body.as_ref().unwrap()["aps"]["x509"]["controller"],
            "C"
        );
        assert_eq!(call.seq, 1);
    }
}
