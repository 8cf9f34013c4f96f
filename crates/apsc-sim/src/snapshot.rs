//! The optional state directory: the CA and controller certificate survive restarts (endpoints
//! keep trusting the controller certificate they stored), and a JSON snapshot of resources,
//! packages, instances, subscriptions, notifications and periodic tasks is written after changes.
//!
//! Files: `ca.pem`, `ca.key`, `controller.pem`, `controller.key` (keys mode 0600), `state.json`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::ca::{Ca, Identity};
use crate::controller::{Shared, State};
use crate::error::{SimError, SimResult};
use crate::events::EventSubscription;
use crate::notifications::Notifications;
use crate::package::{InstanceRecord, Package};
use crate::periodic::PeriodicTasks;
use crate::store::Store;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    store: Store,
    packages: Vec<Package>,
    instances: Vec<InstanceRecord>,
    subscriptions: Vec<(String, EventSubscription)>,
    notifications: Notifications,
    periodic: PeriodicTasks,
    notification_manager: String,
    periodic_task_manager: String,
}

fn write_file(path: &Path, contents: &str, secret: bool) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if secret {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = secret;
        let mut file = options.open(&tmp)?;
        std::io::Write::write_all(&mut file, contents.as_bytes())?;
    }
    std::fs::rename(tmp, path)
}

/// The paths of the CA certificate and the controller certificate in a state directory.
pub fn cert_paths(dir: &Path) -> (PathBuf, PathBuf) {
    (dir.join("ca.pem"), dir.join("controller.pem"))
}

fn read(dir: &Path, name: &str) -> SimResult<String> {
    Ok(std::fs::read_to_string(dir.join(name))?)
}

/// Loads the CA and state from `dir`, or creates them.
pub(crate) fn load_or_create(dir: &Path, hosts: &[String]) -> SimResult<(Ca, State)> {
    std::fs::create_dir_all(dir)?;
    let ca = if dir.join("ca.key").exists() {
        let controller = Identity {
            cert_pem: read(dir, "controller.pem")?,
            key_pem: read(dir, "controller.key")?,
        };
        Ca::restore(read(dir, "ca.pem")?, &read(dir, "ca.key")?, controller)?
    } else {
        let ca = Ca::generate(hosts)?;
        write_file(&dir.join("ca.pem"), ca.ca_pem(), false)?;
        write_file(&dir.join("ca.key"), &ca.ca_key_pem(), true)?;
        write_file(
            &dir.join("controller.pem"),
            &ca.controller().cert_pem,
            false,
        )?;
        write_file(&dir.join("controller.key"), &ca.controller().key_pem, true)?;
        ca
    };
    let mut state = State::default();
    let path = dir.join("state.json");
    if path.exists() {
        let snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .map_err(|e| SimError::BadRequest(format!("{}: {e}", path.display())))?;
        state.store = snap.store;
        state.packages = snap
            .packages
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        state.instances = snap
            .instances
            .into_iter()
            .map(|i| (i.id.clone(), i))
            .collect();
        state.subscriptions = snap
            .subscriptions
            .into_iter()
            .map(|(subscriber, mut s)| {
                s.subscriber = subscriber;
                s
            })
            .collect();
        state.notifications = snap.notifications;
        state.periodic = snap.periodic;
        state.notification_manager = snap.notification_manager;
        state.periodic_task_manager = snap.periodic_task_manager;
    }
    Ok((ca, state))
}

fn save(shared: &Shared, dir: &Path) -> SimResult<()> {
    let json = shared.read(|st| {
        let snap = Snapshot {
            store: st.store.clone(),
            packages: st.packages.values().cloned().collect(),
            instances: st.instances.values().cloned().collect(),
            subscriptions: st
                .subscriptions
                .iter()
                .map(|s| (s.subscriber.clone(), s.clone()))
                .collect(),
            notifications: st.notifications.clone(),
            periodic: st.periodic.clone(),
            notification_manager: st.notification_manager.clone(),
            periodic_task_manager: st.periodic_task_manager.clone(),
        };
        serde_json::to_string_pretty(&snap)
    });
    let json = json.map_err(|e| SimError::BadRequest(e.to_string()))?;
    Ok(write_file(&dir.join("state.json"), &json, false)?)
}

/// Writes the snapshot after changes (at most twice a second) and once more at shutdown.
pub(crate) async fn writer(shared: Arc<Shared>) {
    let Some(dir) = shared.config.state_dir.clone() else {
        return;
    };
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let stop = tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => false,
            _ = shutdown.wait_for(|s| *s) => true,
        };
        if shared.dirty.swap(false, Ordering::Relaxed)
            && let Err(e) = save(&shared, &dir)
        {
            tracing::warn!(error = %e, "could not write the state snapshot");
        }
        if stop {
            return;
        }
    }
}
