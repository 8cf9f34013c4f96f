use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::{debug, warn};

use super::error::ControllerError;
use crate::error::ErrorBody;
use crate::headers;
use crate::pem::Identity;
use crate::resource::Resource;
use crate::rql::Query;
use crate::tls::{ServerTrust, client_config};

/// How the client connects and retries.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// How to trust the controller's server certificate.
    pub trust: ServerTrust,
    /// Timeout of one HTTP exchange.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Attempts for transient failures (1 = no retry).
    pub attempts: u32,
    /// First backoff delay; doubles per attempt.
    pub backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            trust: ServerTrust::Any,
            timeout: Duration::from_secs(50),
            connect_timeout: Duration::from_secs(10),
            attempts: 4,
            backoff: Duration::from_millis(200),
        }
    }
}

/// A client of the controller's REST API, acting as one application instance.
#[derive(Clone)]
pub struct ControllerClient {
    http: reqwest::Client,
    base: String,
    transaction_id: Option<String>,
    resource_id: Option<String>,
    options: ClientOptions,
}

impl std::fmt::Debug for ControllerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControllerClient")
            .field("base", &self.base)
            .field("transaction_id", &self.transaction_id)
            .field("resource_id", &self.resource_id)
            .finish_non_exhaustive()
    }
}

impl ControllerClient {
    /// A client for the controller at `base_url` (the `APS-Controller-URI` value) that presents
    /// `identity` as its TLS client certificate.
    pub fn new(
        base_url: &str,
        identity: &Identity,
        options: ClientOptions,
    ) -> Result<Self, ControllerError> {
        let tls = client_config(Some(identity), &options.trust)
            .map_err(|e| ControllerError::Config(e.to_string()))?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ControllerError::Config(e.to_string()))?;
        let base = base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ControllerError::Config(format!(
                "controller URI is not an http(s) URL: {base_url}"
            )));
        }
        Ok(ControllerClient {
            http,
            base,
            transaction_id: None,
            resource_id: None,
            options,
        })
    }

    /// The controller's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// A copy that echoes `APS-Transaction-ID` on every call.
    pub fn in_transaction(&self, transaction_id: Option<&str>) -> Self {
        ControllerClient {
            transaction_id: transaction_id.map(str::to_owned),
            ..self.clone()
        }
    }

    /// A copy that acts in the security context of `resource_id` (`APS-Resource-ID`).
    pub fn impersonating(&self, resource_id: &str) -> Self {
        ControllerClient {
            resource_id: Some(resource_id.to_owned()),
            ..self.clone()
        }
    }

    /// Sends one request and decodes the JSON answer (`Value::Null` for an empty body), retrying
    /// transient failures.
    pub async fn request<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Value, ControllerError> {
        let body = match body {
            Some(b) => {
                Some(serde_json::to_vec(b).map_err(|e| ControllerError::Decode(e.to_string()))?)
            }
            None => None,
        };
        let url = format!("{}{}", self.base, path);
        let mut attempt = 1;
        loop {
            let started = std::time::Instant::now();
            let result = self.send_once(&method, &url, body.as_deref()).await;
            let outcome = match &result {
                Ok(_) => "ok",
                Err(e) if e.is_transient() => "transient",
                Err(_) => "error",
            };
            debug!(%method, path, outcome, attempt, elapsed_ms = started.elapsed().as_millis() as u64, "controller call");
            metrics::counter!("oxaps_outbound_calls_total", "target" => "controller", "outcome" => outcome).increment(1);
            metrics::histogram!("oxaps_outbound_call_duration_seconds", "target" => "controller")
                .record(started.elapsed().as_secs_f64());
            match result {
                Err(e) if e.is_transient() && attempt < self.options.attempts => {
                    let delay = self.options.backoff * 2u32.saturating_pow(attempt - 1);
                    warn!(%method, path, attempt, error = %e, "controller call failed, retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&[u8]>,
    ) -> Result<Value, ControllerError> {
        let mut req = self
            .http
            .request(method.clone(), url)
            .header("accept", "application/json");
        if let Some(tx) = &self.transaction_id {
            req = req.header(headers::TRANSACTION_ID, tx);
        }
        if let Some(rid) = &self.resource_id {
            req = req.header(headers::RESOURCE_ID, rid);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_vec());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ControllerError::Transport(error_chain(&e)))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ControllerError::Transport(error_chain(&e)))?;
        if !status.is_success() {
            return Err(status_error(status, &bytes));
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| ControllerError::Decode(e.to_string()))
    }

    /// Sends a request and decodes the answer into `T`.
    pub async fn request_as<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ControllerError> {
        let value = self.request(method, path, body).await?;
        serde_json::from_value(value).map_err(|e| ControllerError::Decode(e.to_string()))
    }

    /// `GET /aps` — the controller's API versions document.
    pub async fn versions(&self) -> Result<Value, ControllerError> {
        self.request::<()>(Method::GET, "/aps", None).await
    }

    /// `GET /aps/2/resources/<id>`.
    pub async fn get_resource(&self, id: &str) -> Result<Resource, ControllerError> {
        self.request_as::<_, ()>(Method::GET, &format!("/aps/2/resources/{}", seg(id)), None)
            .await
    }

    /// `GET /aps/2/resources?<rql>`.
    pub async fn query(&self, rql: &Query) -> Result<Vec<Resource>, ControllerError> {
        self.request_as::<_, ()>(Method::GET, &format!("/aps/2/resources?{rql}"), None)
            .await
    }

    /// `POST /aps/2/resources`: create a resource (the controller provisions it through its endpoint).
    pub async fn create_resource(&self, body: &Value) -> Result<Resource, ControllerError> {
        self.request_as(Method::POST, "/aps/2/resources", Some(body))
            .await
    }

    /// `POST /aps/2/resources/<parent>/<relation>`: create a resource linked to `parent`.
    pub async fn create_linked(
        &self,
        parent: &str,
        relation: &str,
        body: &Value,
    ) -> Result<Resource, ControllerError> {
        self.request_as(
            Method::POST,
            &format!("/aps/2/resources/{}/{}", seg(parent), seg(relation)),
            Some(body),
        )
        .await
    }

    /// `PUT /aps/2/resources/<id>`: configure a resource.
    pub async fn update_resource(
        &self,
        id: &str,
        body: &Value,
    ) -> Result<Resource, ControllerError> {
        self.request_as(
            Method::PUT,
            &format!("/aps/2/resources/{}", seg(id)),
            Some(body),
        )
        .await
    }

    /// `DELETE /aps/2/resources/<id>`.
    pub async fn delete_resource(&self, id: &str) -> Result<(), ControllerError> {
        self.request::<()>(
            Method::DELETE,
            &format!("/aps/2/resources/{}", seg(id)),
            None,
        )
        .await
        .map(drop)
    }

    /// `POST /aps/2/resources/<id>/<relation>` with `{"aps":{"id":<other>}}`.
    pub async fn link(&self, id: &str, relation: &str, other: &str) -> Result<(), ControllerError> {
        let body = serde_json::json!({"aps": {"id": other}});
        self.request(
            Method::POST,
            &format!("/aps/2/resources/{}/{}", seg(id), seg(relation)),
            Some(&body),
        )
        .await
        .map(drop)
    }

    /// `DELETE /aps/2/resources/<id>/<relation>/<other>`.
    pub async fn unlink(
        &self,
        id: &str,
        relation: &str,
        other: &str,
    ) -> Result<(), ControllerError> {
        let path = format!(
            "/aps/2/resources/{}/{}/{}",
            seg(id),
            seg(relation),
            seg(other)
        );
        self.request::<()>(Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    /// `GET /aps/2/resources/<id>/<relation>`: the resources linked through a relation.
    pub async fn linked(&self, id: &str, relation: &str) -> Result<Vec<Resource>, ControllerError> {
        self.request_as::<_, ()>(
            Method::GET,
            &format!("/aps/2/resources/{}/{}", seg(id), seg(relation)),
            None,
        )
        .await
    }

    /// `POST /aps/2/applications/<instance>/<service>/`: register a resource of this application
    /// without the controller calling the endpoint back.
    pub async fn register_own(
        &self,
        instance: &str,
        service: &str,
        body: &Value,
    ) -> Result<Resource, ControllerError> {
        let path = format!("/aps/2/applications/{}/{}/", seg(instance), seg(service));
        self.request_as(Method::POST, &path, Some(body)).await
    }

    /// `PUT /aps/2/applications/<instance>/<service>/<id>`: update this application's own resource
    /// (counters, readonly properties) without a call back.
    pub async fn update_own(
        &self,
        instance: &str,
        service: &str,
        id: &str,
        body: &Value,
    ) -> Result<Resource, ControllerError> {
        let path = format!(
            "/aps/2/applications/{}/{}/{}",
            seg(instance),
            seg(service),
            seg(id)
        );
        self.request_as(Method::PUT, &path, Some(body)).await
    }
}

fn status_error(status: StatusCode, bytes: &[u8]) -> ControllerError {
    let body: Option<ErrorBody> = serde_json::from_slice(bytes).ok();
    let message = match &body {
        Some(b) => b.message.clone(),
        None => String::from_utf8_lossy(bytes).chars().take(500).collect(),
    };
    ControllerError::Status {
        status: status.as_u16(),
        message,
        body,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// Percent-encodes one path segment.
pub(crate) fn seg(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
        assert_eq!(seg("0a1-b_c.d~"), "0a1-b_c.d~");
    }

    #[test]
    fn status_errors_carry_the_aps_message() {
        let e = status_error(
            StatusCode::NOT_FOUND,
            br#"{"code":404,"type":"NotFound","message":"gone"}"#,
        );
        assert!(e.is_not_found());
        assert!(!e.is_transient());
        assert_eq!(e.to_string(), "controller answered 404: gone");
        let e = status_error(StatusCode::SERVICE_UNAVAILABLE, b"busy");
        assert!(e.is_transient());
    }
}
