//! The OX side of an instance: a client for the instance's OX (from its globals settings) and the
//! credentials to use. Clients are cached per instance and URL; settings are re-read per call so a
//! configure takes effect at once.

use std::time::Duration;

use aps::Resource;
use ox::{Credentials, OxClient, OxConfig, OxError};
use serde_json::Value;

/// How contexts are created: by the master admin, or by a brand's reseller subadmin (OX Cloud).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OxMode {
    /// On-premise OX: OXContextService with the master admin.
    OnPremise,
    /// OX Cloud: OXReseller*Service with the brand's subadmin.
    Cloud,
}

/// The OX connection settings of an instance, from its globals resource (secrets opened).
#[derive(Clone)]
pub struct OxSettings {
    /// Base URL of the SOAP API (without `/webservices`).
    pub soap_url: String,
    /// The master admin.
    pub master: Credentials,
    /// The provisioning mode.
    pub mode: OxMode,
}

impl std::fmt::Debug for OxSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OxSettings")
            .field("soap_url", &self.soap_url)
            .field("master", &self.master.login)
            .field("mode", &self.mode)
            .finish()
    }
}

impl OxSettings {
    /// The settings in a globals resource; `None` when no OX connection is configured.
    pub fn from_globals(globals: &Resource) -> Result<Option<OxSettings>, String> {
        let get = |name: &str| {
            globals
                .props
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(soap_url) = get("oxSoapUrl") else {
            return Ok(None);
        };
        let login = get("oxMasterLogin").ok_or("oxMasterLogin is required with oxSoapUrl")?;
        let password =
            get("oxMasterPassword").ok_or("oxMasterPassword is required with oxSoapUrl")?;
        let mode = match get("oxMode").unwrap_or("onpremise") {
            "cloud" => OxMode::Cloud,
            _ => OxMode::OnPremise,
        };
        let soap_url = soap_url
            .trim_end_matches('/')
            .trim_end_matches("/webservices")
            .to_owned();
        Ok(Some(OxSettings {
            soap_url,
            master: Credentials::new(login, password),
            mode,
        }))
    }

    /// A client for these settings.
    pub fn client(&self, timeout: Duration) -> Result<OxClient, OxError> {
        let mut config = OxConfig::new(self.soap_url.clone());
        config.timeout = timeout;
        OxClient::new(config)
    }
}

/// Checks that OX answers and accepts the master credentials: a search that matches nothing,
/// of contexts (on-premise) or of subadmins (OX Cloud, where the "master" may itself be a
/// subadmin that creates the brands). Returns a message for the provider when it does not.
pub async fn verify(settings: &OxSettings, timeout: Duration) -> Result<(), String> {
    let client = settings
        .client(timeout)
        .map_err(|e| format!("OX SOAP URL {} is not usable: {e}", settings.soap_url))?;
    let client = client.with_retry(ox::RetryPolicy::none());
    const PROBE: &str = "oxaps-connection-check-*";
    let answer = match settings.mode {
        OxMode::OnPremise => client
            .contexts()
            .list(PROBE, &settings.master)
            .await
            .map(drop),
        OxMode::Cloud => client
            .resellers()
            .list(PROBE, &settings.master)
            .await
            .map(drop),
    };
    match answer {
        Ok(()) => Ok(()),
        Err(e @ OxError::InvalidCredentials(_)) => Err(format!(
            "OX rejected the master admin credentials ({}): {e}",
            settings.master.login
        )),
        Err(e) if e.is_retryable() => Err(format!(
            "OX at {} cannot be reached: {e}",
            settings.soap_url
        )),
        Err(e) => Err(format!(
            "OX at {} answered unexpectedly: {e}",
            settings.soap_url
        )),
    }
}
