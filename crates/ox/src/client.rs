//! The client: configuration, the connection pool, and the one generic call path.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use tracing::Instrument;

use crate::call::Call;
use crate::error::OxError;
use crate::response::{Returns, parse_response};
use crate::retry::RetryPolicy;
use crate::service::Service;
use crate::transport::{HttpSettings, TlsOptions, http_client, transport_error};

/// Client configuration. Only `base_url` is required; the rest has production defaults.
#[derive(Debug, Clone)]
pub struct OxConfig {
    /// Base URL of the OX server, e.g. `https://ox.example.com`. Services are called at
    /// `<base_url>/webservices/<Service>`; the address inside OX's WSDL is never used (it
    /// advertises port 80 even behind HTTPS).
    pub base_url: String,
    /// Per-call timeout, from connecting until the whole response is read (default 60 s; OX
    /// context creation can take several seconds).
    pub timeout: Duration,
    /// TCP/TLS connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
    /// Certificate trust.
    pub tls: TlsOptions,
    /// Idle keep-alive connections kept per host (default 64).
    pub pool_max_idle_per_host: usize,
    /// How long an idle connection is kept (default 30 s, below common servlet-container
    /// keep-alive timeouts, so the pool rarely hands out a connection the server just closed).
    pub pool_idle_timeout: Duration,
    /// Larger responses are refused (default 64 MiB; `listAll` of a big context is the largest).
    pub max_response_bytes: usize,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl OxConfig {
    /// Defaults for everything but the base URL.
    pub fn new(base_url: impl Into<String>) -> Self {
        OxConfig {
            base_url: base_url.into(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            tls: TlsOptions::default(),
            pool_max_idle_per_host: 64,
            pool_idle_timeout: Duration::from_secs(30),
            max_response_bytes: 64 << 20,
            user_agent: concat!("oxaps-ox/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A client for one OX server. Cheap to clone: clones share the connection pool, so use one
/// per OX server for the whole process, concurrently from as many tasks as you like (there is
/// no lock on the call path).
#[derive(Clone)]
pub struct OxClient {
    inner: Arc<Inner>,
    timeout: Duration,
    retry: RetryPolicy,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    endpoints: Vec<String>,
    max_response_bytes: usize,
}

impl std::fmt::Debug for OxClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OxClient")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl OxClient {
    /// Builds the client (and its TLS configuration and connection pool).
    pub fn new(config: OxConfig) -> Result<Self, OxError> {
        let url = url::Url::parse(&config.base_url)
            .map_err(|e| OxError::Config(format!("base URL {:?}: {e}", config.base_url)))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(OxError::Config(format!(
                    "base URL scheme {other:?} is not http(s)"
                )));
            }
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(OxError::Config(
                "base URL must not have a query or fragment".into(),
            ));
        }
        if config.retry.max_attempts == 0 {
            return Err(OxError::Config(
                "retry.max_attempts must be at least 1".into(),
            ));
        }
        let base = config.base_url.trim_end_matches('/').to_owned();
        let endpoints = Service::ALL
            .iter()
            .map(|s| format!("{base}/webservices/{}", s.name()))
            .collect();
        let http = http_client(&HttpSettings {
            connect_timeout: config.connect_timeout,
            pool_idle_timeout: config.pool_idle_timeout,
            pool_max_idle_per_host: config.pool_max_idle_per_host,
            user_agent: config.user_agent.clone(),
            tls: config.tls.clone(),
            https,
        })?;
        Ok(OxClient {
            inner: Arc::new(Inner {
                http,
                base_url: base,
                endpoints,
                max_response_bytes: config.max_response_bytes,
            }),
            timeout: config.timeout,
            retry: config.retry,
        })
    }

    /// A clone (same pool) with another per-call timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        OxClient {
            timeout,
            ..self.clone()
        }
    }

    /// A clone (same pool) with another retry policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        OxClient {
            retry,
            ..self.clone()
        }
    }

    /// The URL a service is called at.
    pub fn endpoint(&self, service: Service) -> &str {
        self.inner
            .endpoints
            .get(service.index())
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Sends a call, retrying transient failures per the retry policy, and returns the
    /// `<return>` values. Runs in a tracing span `ox` with the service, the operation and the
    /// context id; bodies (which contain passwords) are never logged.
    pub async fn execute(&self, call: Call) -> Result<Returns, OxError> {
        let service = call.service();
        let op = call.op();
        let span = tracing::info_span!(
            "ox",
            service = service.name(),
            op,
            ctx_id = call.traced_context_id(),
            attempts = tracing::field::Empty,
        );
        let body = call.into_body()?;
        async move {
            let mut attempt = 1;
            loop {
                let started = std::time::Instant::now();
                let result = self.send_once(service, op, body.clone()).await;
                let outcome = match &result {
                    Ok(_) => "ok",
                    Err(e) if e.is_retryable() => "transient",
                    Err(_) => "error",
                };
                metrics::counter!("oxaps_outbound_calls_total", "target" => "ox", "outcome" => outcome).increment(1);
                metrics::histogram!("oxaps_outbound_call_duration_seconds", "target" => "ox").record(started.elapsed().as_secs_f64());
                match result {
                    Err(e) if e.is_retryable() && attempt < self.retry.max_attempts => {
                        let delay = self.retry.delay(attempt);
                        tracing::warn!(attempt, ?delay, error = %e, "transient OX failure, retrying");
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                    }
                    other => {
                        tracing::Span::current().record("attempts", attempt);
                        if let Err(e) = &other {
                            tracing::debug!(attempt, error = %e, "OX call failed");
                        }
                        return other;
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn send_once(&self, service: Service, op: &str, body: Bytes) -> Result<Returns, OxError> {
        let mut response = self
            .inner
            .http
            .post(self.endpoint(service))
            .header(CONTENT_TYPE, "text/xml; charset=UTF-8")
            .header("SOAPAction", format!("\"urn:{op}\""))
            .timeout(self.timeout)
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error(&e, self.timeout))?;
        let status = response.status().as_u16();
        let mut buf = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(&e, self.timeout))?
        {
            if buf.len() + chunk.len() > self.inner.max_response_bytes {
                return Err(OxError::Protocol(format!(
                    "{op}: response larger than {} bytes",
                    self.inner.max_response_bytes
                )));
            }
            buf.extend_from_slice(&chunk);
        }
        parse_response(status, &buf, op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_use_the_configured_base() {
        let c = OxClient::new(OxConfig::new("http://ox.example.com:8009/")).unwrap();
        assert_eq!(
            c.endpoint(Service::User),
            "http://ox.example.com:8009/webservices/OXUserService"
        );
        assert_eq!(
            c.endpoint(Service::ResellerContext),
            "http://ox.example.com:8009/webservices/OXResellerContextService"
        );
        let c = OxClient::new(OxConfig::new("https://gw.example.com/ox")).unwrap();
        assert_eq!(
            c.endpoint(Service::Reseller),
            "https://gw.example.com/ox/webservices/OXResellerService"
        );
    }

    #[test]
    fn bad_configs_are_rejected() {
        for url in ["ftp://x", "not a url", "http://x/?q=1"] {
            assert!(
                matches!(OxClient::new(OxConfig::new(url)), Err(OxError::Config(_))),
                "{url}"
            );
        }
        let mut cfg = OxConfig::new("http://x");
        cfg.retry.max_attempts = 0;
        assert!(OxClient::new(cfg).is_err());
    }
}
