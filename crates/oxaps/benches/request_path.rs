//! Benchmark of the APS request path: provisions per second and latency percentiles for a
//! store-only resource over mutual TLS on loopback (TLS, routing, controller authentication,
//! JSON, sealing one encrypted property, one INSERT, the reply).
//!
//! `cargo bench -p oxaps --bench request_path` (set OXAPS_TEST_POSTGRES_URL for the PostgreSQL
//! run; OXAPS_BENCH_REQUESTS and OXAPS_BENCH_CONCURRENCY change the load).

#[path = "../tests/e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../tests/e2e/raw_controller.rs"]
#[allow(dead_code)]
mod raw_controller;

use std::sync::Arc;
use std::time::Instant;

use hdrhistogram::Histogram;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(backend: harness::Backend, requests: usize, concurrency: usize) {
    let t = harness::start(backend, |c| {
        c.log = "warn".into();
    })
    .await;
    let c = Arc::new(raw_controller::RawController::new());
    assert_eq!(
        c.json(Method::POST, &t.url("globals"), &c.install_body())
            .await
            .status,
        StatusCode::OK
    );
    let url = Arc::new(t.url("resource"));
    // Warm up connections and caches.
    for i in 0..50 {
        let body = json!({"aps": {"id": format!("warm-{i}")}, "name": "warm", "secret": "s"});
        assert_eq!(
            c.json(Method::POST, &url, &body).await.status,
            StatusCode::OK
        );
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (c, url) = (c.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new(3).unwrap();
            for i in (worker..requests).step_by(concurrency) {
                let body = json!({"aps": {"id": format!("bench-{i}"), "type": "http://oxaps.org/types/resource/1.0"}, "name": format!("Room {i}"), "secret": "s3cr3t"});
                let t0 = Instant::now();
                let a = c.json(Method::POST, &url, &body).await;
                hist.record(t0.elapsed().as_micros() as u64).unwrap();
                assert_eq!(a.status, StatusCode::OK);
            }
            hist
        }));
    }
    let mut hist = Histogram::<u64>::new(3).unwrap();
    for task in tasks {
        hist.add(task.await.unwrap()).unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "request_path {:?}: {requests} provisions, concurrency {concurrency}: {:.0} provisions/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        backend,
        requests as f64 / elapsed.as_secs_f64(),
        hist.value_at_quantile(0.50) as f64 / 1000.0,
        hist.value_at_quantile(0.99) as f64 / 1000.0,
        hist.max() as f64 / 1000.0
    );
    t.node.shutdown().await;
}

#[tokio::main]
async fn main() {
    let requests = env_or("OXAPS_BENCH_REQUESTS", 5000);
    for backend in harness::backends() {
        for concurrency in [1, env_or("OXAPS_BENCH_CONCURRENCY", 16)] {
            run(backend, requests, concurrency).await;
        }
    }
}
