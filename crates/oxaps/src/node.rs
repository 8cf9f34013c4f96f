//! One running oxaps node: the HTTPS endpoint, the admin listener and the job workers, started
//! together and stopped together. `oxaps serve`, `oxaps demo` and the tests all start nodes here.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use oxaps_jobs::{Worker, WorkerConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::Config;
use crate::secrets::SecretBox;
use crate::services::Registry;
use crate::store::Store;
use crate::{admin, http, jobs, tls};

/// A running node.
pub struct Node {
    /// The application state.
    pub app: Arc<App>,
    /// Where the APS endpoint listens.
    pub endpoint_addr: SocketAddr,
    /// Where the admin listener listens.
    pub admin_addr: SocketAddr,
    /// SHA-256 fingerprint of the endpoint's TLS certificate.
    pub tls_fingerprint: String,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starting failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(String);

impl Node {
    /// Opens the store, then starts listeners and workers with the standard services.
    pub async fn start(config: Config) -> Result<Node, StartError> {
        Self::start_with(config, Registry::standard()).await
    }

    /// Starts a node with a custom service registry (tests add probe services).
    pub async fn start_with(config: Config, services: Registry) -> Result<Node, StartError> {
        let err = |what: &str, e: &dyn std::fmt::Display| StartError(format!("{what}: {e}"));
        crate::telemetry::metrics();
        if !config.check_client_cert {
            tracing::warn!(
                "client certificate check is OFF: anyone reaching the endpoint can act as the controller (development only)"
            );
        }
        let secrets = SecretBox::load_or_create(config.secret_key.as_deref(), &config.data_dir)
            .map_err(|e| err("secret key", &e))?;
        let store = Store::open(&config.database_url)
            .await
            .map_err(|e| err("database", &e))?;
        let identity = tls::load_or_generate(
            config.tls_cert.as_deref(),
            config.tls_key.as_deref(),
            &config.data_dir,
        )
        .map_err(|e| err("TLS identity", &e))?;
        let tls_config = tls::server_config(&identity).map_err(|e| err("TLS configuration", &e))?;
        let app = App::new(config.clone(), store, secrets, services)
            .map_err(|e| err("application", &e))?;

        let endpoint = TcpListener::bind(config.listen)
            .await
            .map_err(|e| err(&format!("listen on {}", config.listen), &e))?;
        let admin_listener = TcpListener::bind(config.admin_listen)
            .await
            .map_err(|e| err(&format!("admin listen on {}", config.admin_listen), &e))?;
        let endpoint_addr = endpoint.local_addr().map_err(|e| err("listen", &e))?;
        let admin_addr = admin_listener
            .local_addr()
            .map_err(|e| err("admin listen", &e))?;
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();

        let shutdown = wait_for_stop(stopped.clone());
        tasks.push(tokio::spawn(tls::listener::serve(
            endpoint,
            tls_config,
            http::router(app.clone()),
            shutdown,
        )));

        let admin_router = admin::router(app.clone());
        let shutdown = wait_for_stop(stopped.clone());
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(admin_listener, admin_router)
                .with_graceful_shutdown(shutdown)
                .await;
        }));

        tasks.push(tokio::spawn(housekeeping(
            app.clone(),
            wait_for_stop(stopped.clone()),
        )));
        tasks.push(tokio::spawn(crate::cron::scheduler::run(
            app.clone(),
            wait_for_stop(stopped.clone()),
        )));

        let worker = Worker::new(
            app.queue.clone(),
            Arc::new(jobs::registry(&app)),
            worker_config(&config),
        );
        let shutdown = wait_for_stop(stopped);
        tasks.push(tokio::spawn(worker.run(shutdown)));

        tracing::info!(%endpoint_addr, %admin_addr, base_path = %app.base_path, tls_sha256 = %identity.fingerprint(), "oxaps node started");
        Ok(Node {
            app,
            endpoint_addr,
            admin_addr,
            tls_fingerprint: identity.fingerprint(),
            stop,
            tasks,
        })
    }

    /// The endpoint URL the controller uses (`https://<addr><base>`).
    pub fn endpoint_url(&self) -> String {
        format!("https://{}{}", self.endpoint_addr, self.app.base_path)
    }

    /// Stops listeners and workers, waiting for running jobs and connections to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    }

    /// Stops at once without draining, as a crash would (tests).
    pub fn abort(self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn worker_config(config: &Config) -> WorkerConfig {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "oxaps".into());
    WorkerConfig {
        worker_id: format!(
            "{host}-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ),
        concurrency: config.jobs.concurrency,
        lease: Duration::from_secs(config.jobs.lease_secs),
        poll_interval: Duration::from_millis(config.jobs.poll_ms),
        backoff_base: Duration::from_millis(config.jobs.backoff_ms),
        backoff_max: Duration::from_secs(config.jobs.backoff_max_secs),
    }
}

/// Prunes succeeded jobs past their retention, hourly (any node may do it; it is idempotent).
async fn housekeeping(app: Arc<App>, shutdown: impl std::future::Future<Output = ()>) {
    let retain = Duration::from_secs(app.config.jobs.retain_succeeded_days * 86_400);
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = tick.tick() => match app.queue.prune_succeeded(retain).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(pruned = n, "pruned succeeded jobs"),
                Err(e) => tracing::warn!(error = %e, "pruning jobs failed"),
            },
            _ = &mut shutdown => return,
        }
    }
}

async fn wait_for_stop(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}
