//! The controller's task manager, as OSA runs it: a provisioning request is re-sent unchanged (same
//! APS id, same transaction) until the endpoint gives a definite answer — on connection errors, on
//! 202 (then in the async phase) — so a crashed or restarting endpoint sees the same request again.

use std::time::Duration;

use apsc_sim::{InstanceHandle, RawRequest, SimHandle};
use reqwest::Method;
use serde_json::Value;

/// The final answer of one operation.
#[derive(Debug)]
pub struct Outcome {
    pub status: u16,
    pub body: Value,
    /// Requests sent, including retries and polls.
    pub sends: u32,
}

/// Where requests go: several bases model nodes behind a load balancer (one is picked per send).
#[derive(Clone)]
pub struct Endpoints(pub Vec<String>);

impl Endpoints {
    fn pick(&self, n: u32) -> &str {
        &self.0[n as usize % self.0.len()]
    }
}

/// One request as the controller's task holds it.
pub struct Task<'a> {
    pub method: Method,
    pub path: &'a str,
    pub body: Option<Value>,
    /// The transaction: every re-send carries the same `APS-Transaction-ID`.
    pub transaction: &'a str,
}

/// Sends `task` until a definite answer (not 202, not a transport error), for at most `deadline`.
pub async fn run(
    sim: &SimHandle,
    instance: &InstanceHandle,
    endpoints: &Endpoints,
    task: Task<'_>,
    deadline: Duration,
) -> Outcome {
    let path = task.path;
    let template: RawRequest = {
        let mut r = sim
            .raw_request_for(instance, task.method, path)
            .with_header("APS-Transaction-ID", task.transaction);
        r.body = task.body;
        r
    };
    let started = std::time::Instant::now();
    let mut phase = "sync";
    let mut sends = 0u32;
    loop {
        assert!(
            started.elapsed() < deadline,
            "{path}: no definite answer after {sends} sends in {deadline:?}"
        );
        sends += 1;
        let mut req = template.clone().with_header("APS-Request-Phase", phase);
        req.url = format!("{}{}", endpoints.pick(sends), path.trim_start_matches('/'));
        match sim.raw_request(req).await {
            Ok(resp) if resp.status == 202 => phase = "async",
            Ok(resp) => {
                return Outcome {
                    status: resp.status,
                    body: resp.body,
                    sends,
                };
            }
            // Connection refused or cut: the endpoint is down or restarting; the task waits and retries.
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
