//! `oxaps serve`.

use crate::config::Config;
use crate::node::Node;

/// Runs a node until SIGINT or SIGTERM, then drains it.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let node = Node::start(config).await?;
    eprintln!(
        "oxaps endpoint: {}  (TLS SHA-256 {})",
        node.endpoint_url(),
        node.tls_fingerprint
    );
    eprintln!("admin:          http://{}/metrics", node.admin_addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    node.shutdown().await;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
