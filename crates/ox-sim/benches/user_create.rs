//! User creates per second and latency percentiles through the `ox` client against an
//! in-process ox-sim on loopback (SQLite file database), with 0 ms and 20 ms added
//! latency at concurrency 1, 16 and 64.
//!
//! Run: `cargo bench -p ox-sim --bench user_create`. `OXSIM_BENCH_SCALE=0.1` shortens
//! every scenario (run counts are bounded either way).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use ox::{Context, Credentials, OxClient, OxConfig, RetryPolicy, User};
use ox_sim::{FaultConfig, OxSim, SimConfig};

const CID: i32 = 1;

struct Outcome {
    latency_ms: u64,
    concurrency: usize,
    creates: usize,
    errors: usize,
    elapsed: Duration,
    hist: Histogram<u64>,
}

fn new_user(i: usize) -> User {
    User {
        name: Some(format!("user{i}")),
        password: Some("secret".into()),
        display_name: Some(format!("User {i}")),
        given_name: Some("Bench".into()),
        sur_name: Some(format!("User{i}")),
        ..Default::default()
    }
    .with_primary_address(format!("user{i}@bench.example"))
}

async fn scenario(latency_ms: u64, concurrency: usize, total: usize) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = SimConfig::for_test("bench-secret");
    cfg.deterministic = false;
    cfg.db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let sim = OxSim::start(cfg).await.expect("start ox-sim");

    let mut oxcfg = OxConfig::new(sim.base_url());
    oxcfg.retry = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    oxcfg.pool_max_idle_per_host = concurrency.max(1) * 2;
    let client = OxClient::new(oxcfg).expect("ox client");

    let master = Credentials::new("oxadminmaster", "bench-secret");
    let admin = User {
        name: Some("oxadmin".into()),
        password: Some("adminpw".into()),
        display_name: Some("Bench Admin".into()),
        given_name: Some("Bench".into()),
        sur_name: Some("Admin".into()),
        ..Default::default()
    }
    .with_primary_address("admin@bench.example");
    let ctx = Context {
        id: Some(CID),
        name: Some("bench.example".into()),
        max_quota: Some(10_240),
        ..Default::default()
    };
    client
        .contexts()
        .create(&ctx, &admin, &master)
        .await
        .expect("create context");
    // Latency applies to the measured calls only.
    sim.faults()
        .set(FaultConfig {
            latency_ms,
            ..FaultConfig::default()
        })
        .expect("faults");

    let next = Arc::new(AtomicUsize::new(0));
    let auth = Credentials::new("oxadmin", "adminpw");
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        let auth = auth.clone();
        workers.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let mut errors = 0usize;
            let ctx = Context::with_id(CID);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t0 = Instant::now();
                match client.users().create(&ctx, &new_user(i), &auth).await {
                    Ok(_) => {
                        let us = u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX);
                        hist.record(us.max(1)).expect("record");
                    }
                    Err(e) => {
                        errors += 1;
                        eprintln!("create {i} failed: {e}");
                    }
                }
            }
            (hist, errors)
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    let mut errors = 0;
    for w in workers {
        let (h, e) = w.await.expect("worker");
        hist.add(&h).expect("merge");
        errors += e;
    }
    let elapsed = start.elapsed();
    sim.shutdown().await;
    Outcome {
        latency_ms,
        concurrency,
        creates: total - errors,
        errors,
        elapsed,
        hist,
    }
}

fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale).round() as usize).max(10)
}

fn main() {
    let scale: f64 = std::env::var("OXSIM_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // (added latency ms, concurrency, creates)
    let plan = [
        (0, 1, 1000),
        (0, 16, 4000),
        (0, 64, 4000),
        (20, 1, 100),
        (20, 16, 1000),
        (20, 64, 3000),
    ];
    println!("ox-sim user_create: ox client -> ox-sim (loopback, SQLite file, release build)");
    println!(
        "{:>10} {:>6} {:>8} {:>7} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "latency", "conc", "creates", "errors", "creates/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for (latency, conc, n) in plan {
        let o = rt.block_on(scenario(latency, conc, scaled(n, scale)));
        let ms = |q: f64| o.hist.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "{:>8}ms {:>6} {:>8} {:>7} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            o.latency_ms,
            o.concurrency,
            o.creates,
            o.errors,
            o.creates as f64 / o.elapsed.as_secs_f64(),
            ms(0.5),
            ms(0.9),
            ms(0.99),
            o.hist.max() as f64 / 1000.0,
        );
    }
}
