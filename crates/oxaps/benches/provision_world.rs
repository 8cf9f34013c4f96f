//! Benchmark of the whole provisioning path: 100 tenants with 100 users each, provisioned through
//! apsc-sim (the controller), oxaps (a separate `oxaps serve` process) and ox-sim (OX), all on this
//! machine. Reports total time, users per second, the endpoint's own latency (p50/p99 from its
//! Prometheus histogram), oxaps's peak RSS, and the ratio of oxaps's time to the floor: the same OX
//! calls issued directly by the `ox` client at the same concurrency.
//!
//! `cargo bench -p oxaps --bench provision_world` (OXAPS_BENCH_TENANTS / OXAPS_BENCH_USERS change
//! the size, OXAPS_BENCH_CONCURRENCY the number of operations in flight).

#[path = "../tests/e2e/reliability/node_process.rs"]
#[allow(dead_code)]
mod node_process;

use std::time::{Duration, Instant};

use apsc_sim::{AccountSpec, Controller, ServiceUserSpec, SubscriptionSpec};
use futures::StreamExt;
use ox::{Context, Credentials, OxClient, OxConfig, User};
use ox_sim::OxSim;
use serde_json::{Value, json};

const MASTER: &str = "bench-master";

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn link(id: &str) -> Value {
    json!({"aps": {"id": id}})
}

async fn provision(
    sim: &apsc_sim::SimHandle,
    instance: &str,
    service: &str,
    mut body: Value,
) -> aps::Resource {
    body["aps"] = json!({"type": oxaps::types::type_id(service)});
    sim.provision(instance, service, body)
        .await
        .unwrap_or_else(|e| panic!("{service}: {e}"))
}

/// p50 and p99 (seconds) of a Prometheus histogram from its cumulative buckets.
fn quantiles(metrics: &str, name: &str, filter: &str) -> (f64, f64) {
    let mut buckets: Vec<(f64, f64)> = metrics
        .lines()
        .filter(|l| l.starts_with(&format!("{name}_bucket")) && l.contains(filter))
        .filter_map(|l| {
            let le = l.split("le=\"").nth(1)?.split('"').next()?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, l.rsplit(' ').next()?.parse().ok()?))
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets.last().map(|b| b.1).unwrap_or(0.0);
    let at = |q: f64| {
        buckets
            .iter()
            .find(|b| b.1 >= q * total)
            .map(|b| b.0)
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// The same OX calls oxaps makes, issued directly: per tenant a context lookup and create, per user
/// a lookup, a create by access combination, the rights and the quota.
async fn floor(tenants: usize, users: usize, concurrency: usize) -> Duration {
    let ox = OxSim::start(ox_sim::SimConfig::for_test(MASTER))
        .await
        .unwrap();
    let client = OxClient::new(OxConfig::new(ox.base_url())).unwrap();
    let master = Credentials::new("oxadminmaster", MASTER);
    let started = Instant::now();
    let contexts: Vec<(i32, Credentials)> = futures::stream::iter(0..tenants)
        .map(|t| {
            let (client, master) = (client.clone(), master.clone());
            async move {
                let name = format!("floor-{t}");
                client.contexts().list(&name, &master).await.unwrap();
                let admin = User {
                    name: Some("oxadmin".into()),
                    password: Some("pw-floor-admin".into()),
                    display_name: Some(format!("admin {t}")),
                    given_name: Some("A".into()),
                    sur_name: Some("B".into()),
                    ..Default::default()
                }
                .with_primary_address(format!("oxadmin@{name}.invalid"));
                let ctx = Context {
                    name: Some(name.clone()),
                    max_quota: Some(-1),
                    login_mappings: vec![name.clone(), format!("t{t}.example")],
                    ..Default::default()
                };
                let created = client
                    .contexts()
                    .create_module_access_by_name(&ctx, &admin, "all", &master)
                    .await
                    .unwrap();
                (
                    created.id.unwrap(),
                    Credentials::new("oxadmin", "pw-floor-admin"),
                )
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    futures::stream::iter(
        contexts
            .iter()
            .enumerate()
            .flat_map(|(t, c)| (0..users).map(move |u| (t, u, c))),
    )
    .map(|(t, u, (cid, admin))| {
        let client = client.clone();
        async move {
            let ctx = Context::with_id(*cid);
            let login = format!("u{u}@t{t}.example");
            let _ = client
                .users()
                .get_data(&ctx, &User::by_name(login.clone()), admin)
                .await;
            let user = User {
                name: Some(login.clone()),
                password: Some("pw".into()),
                display_name: Some(login.clone()),
                given_name: Some("G".into()),
                sur_name: Some("S".into()),
                max_quota: Some(100),
                ..Default::default()
            }
            .with_primary_address(login);
            let id = client
                .users()
                .create_by_module_access_name(&ctx, &user, "webmail", admin)
                .await
                .unwrap()
                .id
                .unwrap();
            client
                .users()
                .change_by_module_access_name(&ctx, &User::by_id(id), "webmail", admin)
                .await
                .unwrap();
            client
                .users()
                .change(
                    &ctx,
                    &User {
                        id: Some(id),
                        max_quota: Some(100),
                        mail_enabled: Some(true),
                        ..Default::default()
                    },
                    admin,
                )
                .await
                .unwrap();
        }
    })
    .buffer_unordered(concurrency)
    .collect::<Vec<_>>()
    .await;
    let elapsed = started.elapsed();
    ox.shutdown().await;
    elapsed
}

#[tokio::main]
async fn main() {
    let (tenants, users, concurrency) = (
        env_or("OXAPS_BENCH_TENANTS", 100),
        env_or("OXAPS_BENCH_USERS", 100),
        env_or("OXAPS_BENCH_CONCURRENCY", 16),
    );
    let dir = tempfile::tempdir().unwrap();
    let ox = OxSim::start(ox_sim::SimConfig::for_test(MASTER))
        .await
        .unwrap();
    let node = node_process::NodeProcess::start(
        &format!("sqlite://{}", dir.path().join("bench.db").display()),
        dir.path(),
        "YmVuY2htYXJrLWtleS1vZi10aGlydHktdHdvLWJ5dGU=",
    )
    .await;
    let sim = Controller::start(apsc_sim::SimConfig {
        time_scale: 0.01,
        max_async_attempts: 1_000_000,
        ..Default::default()
    })
    .await
    .unwrap();
    let pkg = sim.register_package(oxaps::cli::demo::package()).unwrap();
    let instance = sim.install_instance(&node.endpoint, &pkg, json!({"oxSoapUrl": ox.base_url(), "oxMasterLogin": "oxadminmaster", "oxMasterPassword": MASTER})).await.unwrap();
    let profile = provision(&sim, &instance.id, "profile", json!({"name": "Basic", "accessCombination": "webmail", "mailQuotaMb": 100, "globals": link(&instance.id)})).await;
    let profile = profile.id().unwrap().to_owned();

    let started = Instant::now();
    let customers: Vec<(usize, String, String)> = futures::stream::iter(0..tenants)
        .map(|t| {
            let (sim, instance) = (sim.clone(), instance.id.clone());
            async move {
                let account = sim.create_account(AccountSpec::new(format!("Bench {t}"))).unwrap().id().unwrap().to_owned();
                let sub = sim.create_subscription(&account, SubscriptionSpec::new("OX", 1)).unwrap();
                let tenant = provision(&sim, &instance, "tenant", json!({"account": link(&account), "subscription": link(sub.id().unwrap()), "globals": link(&instance)})).await;
                let tenant = tenant.id().unwrap().to_owned();
                provision(&sim, &instance, "domain", json!({"name": format!("t{t}.example"), "tenant": link(&tenant)})).await;
                (t, account, tenant)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let users_started = Instant::now();
    futures::stream::iter(customers.iter().flat_map(|c| (0..users).map(move |u| (u, c))))
        .map(|(u, (t, account, tenant))| {
            let (sim, instance, profile) = (sim.clone(), instance.id.clone(), profile.clone());
            async move {
                let login = format!("u{u}@t{t}.example");
                let su = sim.create_service_user(account, ServiceUserSpec::new(&login, "G", "S")).unwrap();
                provision(&sim, &instance, "user", json!({"login": login, "tenant": link(tenant), "profile": link(&profile), "user": link(su.id().unwrap())})).await;
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await;
    let total = started.elapsed();
    let users_time = users_started.elapsed();
    let metrics = node.metrics().await;
    let (p50, p99) = quantiles(
        &metrics,
        "oxaps_request_duration_seconds",
        "service=\"user\",operation=\"provision\"",
    );
    let rss = peak_rss_mb(node.pid());
    let floor = floor(tenants, users, concurrency).await;
    let n = (tenants * users) as f64;
    println!("provision_world: {tenants} tenants x {users} users, concurrency {concurrency}");
    println!(
        "  total {:.1} s (users {:.1} s): {:.0} users/s",
        total.as_secs_f64(),
        users_time.as_secs_f64(),
        n / users_time.as_secs_f64()
    );
    println!(
        "  endpoint latency, user provision requests (histogram buckets): p50 <= {:.3} s, p99 <= {:.3} s",
        p50, p99
    );
    println!("  oxaps peak RSS {rss:.1} MiB");
    println!(
        "  floor (same OX calls, ox client direct): {:.1} s; ratio oxaps/floor {:.2}",
        floor.as_secs_f64(),
        total.as_secs_f64() / floor.as_secs_f64()
    );
}
