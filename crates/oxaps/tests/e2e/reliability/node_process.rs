//! An oxaps node as a separate OS process (`oxaps serve`), so tests can SIGKILL and restart it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `oxaps serve` process and how to start it again.
pub struct NodeProcess {
    child: Option<Child>,
    pub endpoint: String,
    admin: String,
    env: Vec<(String, String)>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl NodeProcess {
    /// Starts a node on `database_url` with `data_dir` and the shared `secret_key`.
    pub async fn start(
        database_url: &str,
        data_dir: &std::path::Path,
        secret_key: &str,
    ) -> NodeProcess {
        let (port, admin_port) = (free_port(), free_port());
        let env = vec![
            ("OXAPS_LISTEN", format!("127.0.0.1:{port}")),
            ("OXAPS_ADMIN_LISTEN", format!("127.0.0.1:{admin_port}")),
            ("OXAPS_DATABASE_URL", database_url.to_owned()),
            ("OXAPS_DATA_DIR", data_dir.display().to_string()),
            ("OXAPS_SECRET_KEY", secret_key.to_owned()),
            ("OXAPS_LOG", "error".to_owned()),
            ("OXAPS_SYNC_WAIT_MS", "200".to_owned()),
            ("OXAPS_RETRY_AFTER_SECS", "1".to_owned()),
            ("OXAPS_JOBS__POLL_MS", "50".to_owned()),
            ("OXAPS_JOBS__LEASE_SECS", "2".to_owned()),
            ("OXAPS_JOBS__BACKOFF_MS", "20".to_owned()),
            ("OXAPS_JOBS__BACKOFF_MAX_SECS", "1".to_owned()),
            // These runs check provisioning (every job ends, nothing dead, nothing twice); periodic
            // runs killed three times in a row would end dead by design. Periodic work has its
            // own tests (cron.rs), including several nodes.
            ("OXAPS_CRON__CREATE_AT_INSTALL", "false".to_owned()),
            ("OXAPS_CRON__ENABLED", "false".to_owned()),
        ];
        let mut node = NodeProcess {
            child: None,
            endpoint: format!("https://127.0.0.1:{port}/"),
            admin: format!("http://127.0.0.1:{admin_port}"),
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        };
        node.spawn().await;
        node
    }

    async fn spawn(&mut self) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxaps"));
        cmd.arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // Only this node's settings: nothing of the test run's own OXAPS_* environment.
        for (k, _) in std::env::vars() {
            if k.starts_with("OXAPS_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        self.child = Some(cmd.spawn().expect("oxaps starts"));
        self.wait_ready().await;
    }

    /// Waits until `/readyz` answers: the process is up and its database reachable.
    async fn wait_ready(&mut self) {
        let tls = aps::tls::client_config(None, &aps::tls::ServerTrust::Any).unwrap();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .build()
            .unwrap();
        for _ in 0..400 {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("oxaps exited before it was ready: {status}");
            }
            if let Ok(r) = client.get(format!("{}/readyz", self.admin)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("oxaps did not become ready");
    }

    /// The process id of the running node.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// The node's Prometheus metrics text.
    pub async fn metrics(&self) -> String {
        let tls = aps::tls::client_config(None, &aps::tls::ServerTrust::Any).unwrap();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .build()
            .unwrap();
        client
            .get(format!("{}/metrics", self.admin))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// SIGKILL: no drain, no cleanup, as a crash.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again with the same settings (same ports).
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
