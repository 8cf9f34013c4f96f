//! The application: what every request and job shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aps::controller::{ClientOptions, ControllerClient};
use aps::pem::Identity;
use aps::tls::ServerTrust;
use oxaps_jobs::Queue;

use crate::config::Config;
use crate::ox_link::OxSettings;
use crate::secrets::SecretBox;
use crate::services::Registry;
use crate::store::{InstanceRow, Store};

/// Shared state of one oxaps node.
pub struct App {
    /// The configuration it was started with.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// Seals secrets at rest.
    pub secrets: SecretBox,
    /// The durable job queue (same database).
    pub queue: Queue,
    /// The APS services by route.
    pub services: Registry,
    /// The base path, normalised.
    pub base_path: String,
    controller_trust: ServerTrust,
    controllers: Mutex<HashMap<(String, String), ControllerClient>>,
    ox_clients: Mutex<HashMap<String, ox::OxClient>>,
}

/// Why an instance's OX cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OxUnavailable {
    /// The globals resource names no OX.
    NotConfigured,
    /// Anything else (storage, a bad URL).
    Other(String),
}

impl App {
    /// Builds the application over an opened store.
    pub fn new(
        config: Config,
        store: Store,
        secrets: SecretBox,
        services: Registry,
    ) -> Result<Arc<App>, String> {
        let queue = Queue::new(store.pool().clone()).map_err(|e| e.to_string())?;
        let controller_trust = match &config.controller.ca_file {
            Some(path) => ServerTrust::Ca(
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            ),
            None => ServerTrust::Any,
        };
        let base_path = config.normalized_base_path();
        Ok(Arc::new(App {
            config,
            store,
            secrets,
            queue,
            services,
            base_path,
            controller_trust,
            controllers: Mutex::new(HashMap::new()),
            ox_clients: Mutex::new(HashMap::new()),
        }))
    }

    /// A controller client acting as `instance` (cached per instance and controller URI).
    pub fn controller(&self, instance: &InstanceRow) -> Result<ControllerClient, String> {
        let key = (instance.id.clone(), instance.controller_uri.clone());
        if let Some(client) = self
            .controllers
            .lock()
            .map_err(|_| "controller cache poisoned")?
            .get(&key)
        {
            return Ok(client.clone());
        }
        let key_pem = self
            .secrets
            .open(&instance.instance_key_sealed)
            .map_err(|e| e.to_string())?;
        let identity = Identity {
            cert_pem: instance.instance_cert_pem.clone(),
            key_pem,
        };
        let options = ClientOptions {
            trust: self.controller_trust.clone(),
            timeout: Duration::from_secs(self.config.controller.timeout_secs),
            attempts: self.config.controller.attempts,
            ..ClientOptions::default()
        };
        let client = ControllerClient::new(&instance.controller_uri, &identity, options)
            .map_err(|e| e.to_string())?;
        self.controllers
            .lock()
            .map_err(|_| "controller cache poisoned")?
            .insert(key, client.clone());
        Ok(client)
    }

    /// The OX client and settings of an instance, from its globals resource (read each time, so a
    /// configure applies at once; clients are cached per URL and share their connection pool).
    pub async fn ox(&self, instance_id: &str) -> Result<(ox::OxClient, OxSettings), OxUnavailable> {
        let other = |e: &dyn std::fmt::Display| OxUnavailable::Other(e.to_string());
        let row = self
            .store
            .resource(instance_id, instance_id)
            .await
            .map_err(|e| other(&e))?
            .ok_or(OxUnavailable::NotConfigured)?;
        let mut globals: aps::Resource = serde_json::from_value(row.body).map_err(|e| other(&e))?;
        if let Some(def) = crate::types::of("globals") {
            crate::services::sealing::open(&def, &self.secrets, &mut globals.props)
                .map_err(|e| other(&e))?;
        }
        let settings = OxSettings::from_globals(&globals)
            .map_err(|e| other(&e))?
            .ok_or(OxUnavailable::NotConfigured)?;
        let mut cache = self
            .ox_clients
            .lock()
            .map_err(|_| OxUnavailable::Other("OX client cache poisoned".into()))?;
        let client = match cache.get(&settings.soap_url) {
            Some(c) => c.clone(),
            None => {
                let c = settings
                    .client(Duration::from_secs(self.config.ox_timeout_secs))
                    .map_err(|e| other(&e))?;
                cache.insert(settings.soap_url.clone(), c.clone());
                c
            }
        };
        Ok((client, settings))
    }

    /// Forgets cached clients of an instance (after uninstall).
    pub fn forget_controller(&self, instance_id: &str) {
        if let Ok(mut map) = self.controllers.lock() {
            map.retain(|(id, _), _| id != instance_id);
        }
    }
}
