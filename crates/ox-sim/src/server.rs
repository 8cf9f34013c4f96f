//! Starting and stopping the simulator: a small accept loop (hyper-util) so that a
//! handler can make the connection close without a response (dropped connections).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::ads::{Ads, PropsError};
use crate::config::SimConfig;
use crate::domain::{self, Sim};
use crate::error::OxError;
use crate::faults::FaultState;
use crate::http::{self, AppState, DropConnection, Snapshot, Stats};
use crate::schema::{Schema, SchemaError};
use crate::soap::fault::ExceptionIds;
use crate::store::{Store, StoreError};

/// Errors while starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The built-in schema table is inconsistent.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The advertisement settings file is unreadable or invalid.
    #[error(transparent)]
    Ads(#[from] crate::ads::PropsError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Cause.
        source: std::io::Error,
    },
}

/// Entry point.
#[derive(Debug)]
pub struct OxSim;

impl OxSim {
    /// Opens the database, binds the listener and starts serving in the background.
    pub async fn start(cfg: SimConfig) -> Result<OxSimHandle, StartError> {
        let schema = Schema::load()?;
        let ads = Ads::new(cfg.ads_config.clone())?;
        let store = Store::open(&cfg.db_url).await?;
        let listener = TcpListener::bind(cfg.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: cfg.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: cfg.listen,
            source,
        })?;
        let state = Arc::new(AppState {
            faults: FaultState::new(cfg.faults.clone(), cfg.deterministic),
            stats: Stats::default(),
            ads,
            sim: Sim {
                schema,
                store,
                ids: ExceptionIds::new(cfg.deterministic),
                cfg,
            },
        });
        let (tx, rx) = watch::channel(false);
        let app = http::router(state.clone());
        let task = tokio::spawn(serve(listener, app, rx));
        tracing::info!(%addr, "ox-sim listening");
        Ok(OxSimHandle {
            addr,
            state,
            shutdown: tx,
            task: Some(task),
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let app = app.clone();
                    async move {
                        let resp = match app.oneshot(req.map(axum::body::Body::new)).await {
                            Ok(r) => r,
                            Err(e) => match e {},
                        };
                        if resp.extensions().get::<DropConnection>().is_some() {
                            return Err(Dropped);
                        }
                        Ok::<_, Dropped>(resp)
                    }
                });
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let builder = Builder::new(TokioExecutor::new());
                    let conn = builder.serve_connection(TokioIo::new(stream), svc);
                    if let Err(e) = watcher.watch(conn).await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                });
            }
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(5), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after 5s; shutting down anyway");
    }
}

/// A running simulator.
#[derive(Debug)]
pub struct OxSimHandle {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl OxSimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`; services are at `{base_url}/webservices/<Service>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Fault injection controls.
    pub fn faults(&self) -> &FaultState {
        &self.state.faults
    }

    /// Usage figure controls.
    pub fn usage(&self) -> Usage<'_> {
        Usage {
            sim: &self.state.sim,
        }
    }

    /// Re-reads the advertisement settings file and clears the advertisement cache
    /// (OX's `reloadconfiguration`).
    pub fn reload_configuration(&self) -> Result<(), PropsError> {
        self.state.ads.reload()
    }

    /// Number of entries in the advertisement cache.
    pub fn ads_cache_len(&self) -> usize {
        self.state.ads.cache_len()
    }

    /// Request and fault counters.
    pub fn stats(&self) -> Snapshot {
        self.state.stats.snapshot()
    }

    /// Stops accepting, lets open requests finish, closes the database.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.state.sim.store.close().await;
        tracing::info!(addr = %self.addr, "ox-sim stopped");
    }
}

impl Drop for OxSimHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Sets the usage figures `getData` reports (`usedQuota`, in MB).
#[derive(Debug)]
pub struct Usage<'a> {
    sim: &'a Sim,
}

impl Usage<'_> {
    /// A user's used mail quota. Returns false if there is no such user.
    pub async fn set_user_used_mb(&self, cid: i64, uid: i64, mb: i64) -> Result<bool, OxError> {
        domain::set_user_usage(self.sim, cid, uid, mb).await
    }

    /// A context's used storage. Returns false if there is no such context.
    pub async fn set_context_used_mb(&self, cid: i64, mb: i64) -> Result<bool, OxError> {
        domain::set_context_usage(self.sim, cid, mb).await
    }
}
