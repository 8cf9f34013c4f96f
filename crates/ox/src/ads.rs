//! OX Display advertisement configuration: the admin REST API (`/advertisement/v1`, HTTP basic
//! auth, OX's `AdConfigRestService`) and the two UI calls that read back what a user is served
//! (`/ajax/login`, `/ajax/advertisement?action=get`). Bodies are JSON text, passed through as is.

use std::time::Duration;

use crate::client::OxConfig;
use crate::secret::Password;
use crate::transport::{HttpSettings, http_client};

/// A failure of an advertisement call.
#[derive(Debug, thiserror::Error)]
pub enum AdsError {
    /// Connection problems, timeouts and HTTP 5xx: worth retrying.
    #[error("OX advertisement API unavailable: {0}")]
    Transient(String),
    /// OX refused the request (4xx other than a tolerated one).
    #[error("OX advertisement API answered HTTP {status}: {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The body (OX's error), shortened.
        message: String,
    },
    /// The client cannot be built (URL, TLS).
    #[error("OX advertisement API client: {0}")]
    Config(String),
}

impl AdsError {
    /// Whether a retry may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, AdsError::Transient(_))
    }
}

/// What a write did, from OX's status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdsWrite {
    /// 201.
    Created,
    /// 200 (updated or ignored).
    Updated,
    /// 204 (deleted), or 404 on a delete (already gone).
    Deleted,
}

/// A client for one OX's advertisement API.
#[derive(Clone)]
pub struct AdsClient {
    http: reqwest::Client,
    base: String,
    login: String,
    password: Password,
    timeout: Duration,
}

impl std::fmt::Debug for AdsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdsClient")
            .field("base", &self.base)
            .field("login", &self.login)
            .finish()
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn shorten(s: &str) -> String {
    s.chars().take(300).collect()
}

impl AdsClient {
    /// A client for `config.base_url` (the OX server, without `/advertisement/v1`), the TLS
    /// and timeout settings of `config`, and the REST basic-auth credentials.
    pub fn new(
        config: &OxConfig,
        login: impl Into<String>,
        password: impl Into<Password>,
    ) -> Result<AdsClient, AdsError> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        let parsed =
            url::Url::parse(&base).map_err(|e| AdsError::Config(format!("{base}: {e}")))?;
        let http = http_client(&HttpSettings {
            connect_timeout: config.connect_timeout,
            pool_idle_timeout: config.pool_idle_timeout,
            pool_max_idle_per_host: config.pool_max_idle_per_host,
            user_agent: config.user_agent.clone(),
            tls: config.tls.clone(),
            https: parsed.scheme() == "https",
        })
        .map_err(|e| AdsError::Config(e.to_string()))?;
        Ok(AdsClient {
            http,
            base,
            login: login.into(),
            password: password.into(),
            timeout: config.timeout,
        })
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<(u16, String), AdsError> {
        let resp = req
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| AdsError::Transient(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = resp
            .text()
            .await
            .map_err(|e| AdsError::Transient(e.to_string()))?;
        if status >= 500 {
            return Err(AdsError::Transient(format!(
                "HTTP {status}: {}",
                shorten(&body)
            )));
        }
        Ok((status, body))
    }

    async fn write(
        &self,
        path: &str,
        q: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<AdsWrite, AdsError> {
        let url = format!("{}/advertisement/v1/config/{path}?{}", self.base, query(q));
        let req = match body {
            Some(b) => self
                .http
                .put(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_owned()),
            None => self.http.delete(url),
        };
        let req = req.basic_auth(&self.login, Some(self.password.expose()));
        let (status, text) = self.send(req).await?;
        match status {
            201 => Ok(AdsWrite::Created),
            200 => Ok(AdsWrite::Updated),
            204 => Ok(AdsWrite::Deleted),
            404 if body.is_none() => Ok(AdsWrite::Deleted),
            _ => Err(AdsError::Rejected {
                status,
                message: shorten(&text),
            }),
        }
    }

    /// `PUT /config/package?reseller=&package=` with a JSON configuration.
    pub async fn put_package(
        &self,
        reseller: &str,
        package: &str,
        config: &str,
    ) -> Result<AdsWrite, AdsError> {
        self.write(
            "package",
            &[("reseller", reseller), ("package", package)],
            Some(config),
        )
        .await
    }

    /// `DELETE /config/package?reseller=&package=`; a configuration that is gone is success.
    pub async fn delete_package(&self, reseller: &str, package: &str) -> Result<(), AdsError> {
        self.write(
            "package",
            &[("reseller", reseller), ("package", package)],
            None,
        )
        .await
        .map(drop)
    }

    /// `PUT /config/user?contextId=&userId=`: a preview for one user.
    pub async fn put_user(
        &self,
        context_id: i64,
        user_id: i64,
        config: &str,
    ) -> Result<AdsWrite, AdsError> {
        let (c, u) = (context_id.to_string(), user_id.to_string());
        self.write("user", &[("contextId", &c), ("userId", &u)], Some(config))
            .await
    }

    /// `DELETE /config/user?contextId=&userId=`: removes a user's preview; one that is gone (or
    /// whose user is gone) is success.
    pub async fn delete_user(&self, context_id: i64, user_id: i64) -> Result<(), AdsError> {
        let (c, u) = (context_id.to_string(), user_id.to_string());
        self.write("user", &[("contextId", &c), ("userId", &u)], None)
            .await
            .map(drop)
    }

    /// `PUT /config/reseller?reseller=` with `[{"package":..,"config":..|null}]` (JSON text);
    /// returns OX's per-item statuses as JSON text.
    pub async fn put_reseller(&self, reseller: &str, items: &str) -> Result<String, AdsError> {
        let url = format!(
            "{}/advertisement/v1/config/reseller?{}",
            self.base,
            query(&[("reseller", reseller)])
        );
        let req = self
            .http
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(items.to_owned())
            .basic_auth(&self.login, Some(self.password.expose()));
        match self.send(req).await? {
            (200, text) => Ok(text),
            (status, text) => Err(AdsError::Rejected {
                status,
                message: shorten(&text),
            }),
        }
    }

    /// `POST /ajax/login?action=login` as a user; returns OX's JSON answer (with `session`, or
    /// OX's error envelope).
    pub async fn ui_login(&self, name: &str, password: &str) -> Result<String, AdsError> {
        let url = format!("{}/ajax/login?action=login", self.base);
        let form = query(&[("name", name), ("password", password)]);
        let req = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form);
        ui_body(self.send(req).await?)
    }

    /// `GET /ajax/advertisement?action=get&session=`: OX's JSON envelope (`data` or `error`).
    pub async fn ui_advertisement(&self, session: &str) -> Result<String, AdsError> {
        let url = format!(
            "{}/ajax/advertisement?{}",
            self.base,
            query(&[("action", "get"), ("session", session)])
        );
        ui_body(self.send(self.http.get(url)).await?)
    }
}

fn ui_body((status, text): (u16, String)) -> Result<String, AdsError> {
    if status == 200 {
        Ok(text)
    } else {
        Err(AdsError::Rejected {
            status,
            message: shorten(&text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_encoded() {
        assert_eq!(
            query(&[("reseller", "a b&c"), ("package", "default")]),
            "reseller=a+b%26c&package=default"
        );
    }

    #[test]
    fn only_unavailability_is_transient() {
        assert!(AdsError::Transient("x".into()).is_transient());
        assert!(
            !AdsError::Rejected {
                status: 400,
                message: String::new()
            }
            .is_transient()
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let c = AdsClient::new(&OxConfig::new("http://127.0.0.1:1"), "rest", "s3cret").unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[tokio::test]
    async fn connection_refused_is_transient() {
        let mut cfg = OxConfig::new("http://127.0.0.1:1");
        cfg.timeout = Duration::from_secs(2);
        let c = AdsClient::new(&cfg, "rest", "pw").unwrap();
        let e = c.put_package("default", "webmail", "{}").await.unwrap_err();
        assert!(e.is_transient(), "{e}");
    }
}
