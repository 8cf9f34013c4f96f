//! Starting a simulated controller and the state its parts share.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use aps::resource::status;
use serde_json::Map;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::async_loop::TaskRecord;
use crate::ca::Ca;
use crate::config::SimConfig;
use crate::error::SimResult;
use crate::events::{DeliveryQueue, EventSubscription};
use crate::journal::Journal;
use crate::notifications::Notifications;
use crate::package::{InstanceRecord, Package};
use crate::periodic::PeriodicTasks;
use crate::platform::type_ids::{NOTIFICATION_MANAGER, PERIODIC_TASK_MANAGER};
use crate::store::{Store, StoredResource};
use crate::tls::{self, ServerTrust};
use crate::{handle::SimHandle, rest, snapshot};

/// Everything the controller knows, behind one lock (never held across an await).
#[derive(Debug, Default)]
pub(crate) struct State {
    pub store: Store,
    pub packages: BTreeMap<String, Package>,
    pub instances: BTreeMap<String, InstanceRecord>,
    pub subscriptions: Vec<EventSubscription>,
    pub deliveries: DeliveryQueue,
    pub notifications: Notifications,
    pub periodic: PeriodicTasks,
    pub tasks: Vec<TaskRecord>,
    pub journal: Journal,
    pub notification_manager: String,
    pub periodic_task_manager: String,
    pub strict_visibility: bool,
}

impl State {
    /// The instance whose certificate has this fingerprint.
    pub fn instance_by_fingerprint(&self, fingerprint: &str) -> Option<&InstanceRecord> {
        self.instances
            .values()
            .find(|i| i.cert_fingerprint == fingerprint)
    }

    fn ensure_singleton(&mut self, type_id: &str, current: &str) -> String {
        if !current.is_empty() && self.store.get(current).is_some() {
            return current.to_owned();
        }
        if let Some(r) = self.store.all().find(|r| r.type_id == type_id) {
            return r.id.clone();
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.store.insert(StoredResource {
            id: id.clone(),
            type_id: type_id.to_owned(),
            status: status::READY.to_owned(),
            revision: 0,
            modified: String::new(),
            subscription: None,
            owner_account: None,
            instance: None,
            package: None,
            props: Map::new(),
        });
        id
    }

    /// Makes sure the service singletons exist.
    pub fn ensure_singletons(&mut self) {
        self.notification_manager =
            self.ensure_singleton(NOTIFICATION_MANAGER, &self.notification_manager.clone());
        self.periodic_task_manager =
            self.ensure_singleton(PERIODIC_TASK_MANAGER, &self.periodic_task_manager.clone());
        self.store.drain_events();
    }
}

/// The parts of a running controller.
pub(crate) struct Shared {
    pub config: SimConfig,
    pub ca: Ca,
    pub rest_base: String,
    pub state: Mutex<State>,
    pub client: reqwest::Client,
    /// Deliveries queued and not yet finished.
    pub outstanding: watch::Sender<usize>,
    pub delivery_wakeup: Notify,
    pub scheduler_wakeup: Notify,
    pub shutdown: watch::Sender<bool>,
    pub dirty: AtomicBool,
}

impl Shared {
    /// Runs `f` on the state, then queues the events it raised for delivery.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let (result, queued) = {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let result = f(&mut st);
            let queued = st.queue_events();
            if queued > 0 {
                self.outstanding.send_modify(|n| *n += queued);
            }
            (result, queued)
        };
        if queued > 0 {
            self.delivery_wakeup.notify_one();
        }
        self.dirty.store(true, Ordering::Relaxed);
        result
    }

    /// Reads the state.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        let st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&st)
    }
}

/// Starts simulated controllers.
#[derive(Debug)]
pub struct Controller;

fn base_url(host: &str, port: u16) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("https://[{ip}]:{port}/"),
        _ => format!("https://{host}:{port}/"),
    }
}

impl Controller {
    /// Binds the REST API, creates (or loads from the state directory) the CA and controller
    /// certificate, and starts the event delivery and periodic task workers. The controller stops
    /// when the last [`SimHandle`] clone is dropped or [`SimHandle::shutdown`] is called.
    pub async fn start(config: SimConfig) -> SimResult<SimHandle> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let host = match (&config.public_host, addr.ip()) {
            (Some(h), _) => h.clone(),
            (None, ip) if ip.is_unspecified() => "127.0.0.1".to_owned(),
            (None, ip) => ip.to_string(),
        };
        let rest_base = base_url(&host, addr.port());
        let hosts: Vec<String> = config.public_host.iter().cloned().collect();
        let (ca, mut state) = match &config.state_dir {
            Some(dir) => snapshot::load_or_create(dir, &hosts)?,
            None => (Ca::generate(&hosts)?, State::default()),
        };
        state.ensure_singletons();
        state
            .periodic
            .rearm(std::time::Instant::now(), config.time_scale);
        state.strict_visibility = config.strict_visibility;
        let trust = match &config.endpoint_fingerprint {
            Some(f) => ServerTrust::Fingerprint(f.clone()),
            None => ServerTrust::AnyCertificate,
        };
        let client = tls::http_client(Some(ca.controller()), &trust, config.request_timeout)?;
        let server_config = tls::server_config_requiring_ca(ca.ca_pem(), ca.controller())?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            config,
            ca,
            rest_base,
            state: Mutex::new(state),
            client,
            outstanding: watch::channel(0).0,
            delivery_wakeup: Notify::new(),
            scheduler_wakeup: Notify::new(),
            shutdown,
            dirty: AtomicBool::new(true),
        });
        tokio::spawn(tls::serve(
            listener,
            server_config,
            rest::router(shared.clone()),
            shutdown_rx,
        ));
        tokio::spawn(shared.clone().deliver_events());
        tokio::spawn(shared.clone().run_scheduler());
        if shared.config.state_dir.is_some() {
            tokio::spawn(snapshot::writer(shared.clone()));
        }
        tracing::info!(url = %shared.rest_base, "APS controller simulator listening");
        Ok(SimHandle::new(shared))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(base_url("127.0.0.1", 6308), "https://127.0.0.1:6308/");
        assert_eq!(base_url("::1", 6308), "https://[::1]:6308/");
        assert_eq!(base_url("apsc.example", 6308), "https://apsc.example:6308/");
    }

    #[test]
    fn singletons_are_created_once() {
        let mut st = State::default();
        st.ensure_singletons();
        let nm = st.notification_manager.clone();
        st.ensure_singletons();
        assert_eq!(nm, st.notification_manager);
        assert_eq!(st.store.all().count(), 2);
    }
}
