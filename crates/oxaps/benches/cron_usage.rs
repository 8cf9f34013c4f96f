//! Benchmark of the periodic work's two hot spots:
//!
//! 1. `retrieve` of a tenant with 1,000 users through the real request path (mutual TLS with the
//!    controller's certificate from apsc-sim, routing, authentication, the counter query, JSON):
//!    p50/p99 over OXAPS_BENCH_RETRIEVES (default 2,000) sequential requests on one connection.
//! 2. One `usage-sync` run over OXAPS_BENCH_TENANTS x OXAPS_BENCH_USERS (default 100 x 100)
//!    against ox-sim: wall time and users per second.
//!
//! Setup shortcut: tenants are provisioned through apsc-sim and oxaps (real OX contexts), but
//! their users are created directly in ox-sim with the `ox` client and inserted as stored rows,
//! which is much faster than provisioning 10,000 users through the controller. The controller
//! does not know those users, so their counter pushes are answered 404 (one round trip each, as
//! a successful push would be).
//!
//! `cargo bench -p oxaps --bench cron_usage`

use std::time::Instant;

use aps::tls::{ServerTrust, client_config};
use apsc_sim::{AccountSpec, Controller, SimConfig, SimHandle, SubscriptionSpec};
use futures::StreamExt;
use hdrhistogram::Histogram;
use ox::{Context, Credentials, OxClient, OxConfig, User};
use ox_sim::OxSim;
use oxaps::cron::tasks::{TaskCx, usage_sync};
use oxaps::store::{ResourceRow, ResourceStatus, Store};
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
    sim: &SimHandle,
    instance: &str,
    service: &str,
    mut body: Value,
) -> aps::Resource {
    body["aps"] = json!({"type": oxaps::types::type_id(service)});
    sim.provision(instance, service, body)
        .await
        .unwrap_or_else(|e| panic!("{service}: {e}"))
}

/// A tenant provisioned through the controller (with its OX context).
async fn tenant(sim: &SimHandle, instance: &str, n: usize) -> aps::Resource {
    let account = sim
        .create_account(AccountSpec::new(format!("Bench {n} Ltd")))
        .unwrap();
    let account_id = account.id().unwrap().to_owned();
    let sub = sim
        .create_subscription(&account_id, SubscriptionSpec::new("OX App Suite", 1))
        .unwrap();
    provision(
        sim,
        instance,
        "tenant",
        json!({"account": link(&account_id), "subscription": link(sub.id().unwrap()), "globals": link(instance)}),
    )
    .await
}

/// `count` users of a tenant: OX users created directly in its context (when `ox` is given)
/// and stored rows; sets each OX user's usage to `(i % 50) + 1` MB.
async fn users(
    app: &oxaps::app::App,
    oxsim: &ox_sim::OxSimHandle,
    ox: Option<&OxClient>,
    instance: &str,
    tenant: &aps::Resource,
    profile: &str,
    count: usize,
) {
    let tid = tenant.id().unwrap();
    let cid = tenant.props["contextId"].as_i64().unwrap();
    let admin = Credentials::new("oxadmin", tenant.props["adminPassword"].as_str().unwrap());
    let created: Vec<(usize, Option<i32>)> = futures::stream::iter(0..count)
        .map(|i| {
            let admin = admin.clone();
            async move {
                let login = format!("u{i}@t{tid}.example");
                let id = match ox {
                    Some(ox) => {
                        let user = User {
                            name: Some(login.clone()),
                            password: Some("Secret-123".to_owned().into()),
                            display_name: Some(format!("User {i}")),
                            given_name: Some("U".into()),
                            sur_name: Some(format!("{i}")),
                            ..Default::default()
                        }
                        .with_primary_address(login);
                        ox.users()
                            .create(&Context::with_id(cid as i32), &user, &admin)
                            .await
                            .unwrap()
                            .id
                    }
                    None => None,
                };
                (i, id)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut tx = app.store.pool().begin().await.unwrap();
    for (i, ox_id) in &created {
        let id = format!("{tid}-user-{i}");
        let mut body = json!({"aps": {"id": id, "type": oxaps::types::type_id("user")},
            "login": format!("u{i}@t{tid}.example"), "tenant": link(tid), "profile": link(profile)});
        if let Some(ox_id) = ox_id {
            body["oxUserId"] = json!(ox_id);
        }
        let row = ResourceRow {
            instance_id: instance.into(),
            id: id.clone(),
            service: "user".into(),
            type_id: Some(oxaps::types::type_id("user")),
            status: ResourceStatus::Ready,
            body,
            revision: 1,
            parent_id: Some(tid.into()),
            natural_key: Some(format!("u{i}@t{tid}.example")),
        };
        Store::insert_resource(&mut tx, &row).await.unwrap();
    }
    tx.commit().await.unwrap();
    for (i, ox_id) in created {
        if let Some(uid) = ox_id {
            oxsim
                .usage()
                .set_user_used_mb(cid, i64::from(uid), (i % 50) as i64 + 1)
                .await
                .unwrap();
        }
    }
    oxsim.usage().set_context_used_mb(cid, 1000).await.unwrap();
}

#[tokio::main]
async fn main() {
    let retrieves = env_or("OXAPS_BENCH_RETRIEVES", 2000);
    let tenants = env_or("OXAPS_BENCH_TENANTS", 100);
    let per_tenant = env_or("OXAPS_BENCH_USERS", 100);

    let oxsim = OxSim::start(ox_sim::SimConfig::for_test(MASTER))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/bench.db", dir.path().display());
    let mut config = oxaps::config::Config::for_test(dir.path(), &db);
    config.cron.enabled = false;
    config.log = "warn".into();
    let node = oxaps::node::Node::start(config).await.unwrap();
    let app = node.app.clone();
    let sim = Controller::start(SimConfig::default()).await.unwrap();
    let package = sim.register_package(oxaps::cli::demo::package()).unwrap();
    let globals = json!({"oxSoapUrl": oxsim.base_url(), "oxMasterLogin": "oxadminmaster", "oxMasterPassword": MASTER});
    let instance = sim
        .install_instance(&node.endpoint_url(), &package, globals)
        .await
        .unwrap();
    let profile = provision(
        &sim,
        &instance.id,
        "profile",
        json!({"name": "basic", "accessCombination": "webmail", "globals": link(&instance.id)}),
    )
    .await;
    let profile = profile.id().unwrap().to_owned();
    let ox = OxClient::new(OxConfig::new(oxsim.base_url())).unwrap();

    // (1) retrieve of a tenant with 1,000 users.
    let big = tenant(&sim, &instance.id, 0).await;
    users(&app, &oxsim, None, &instance.id, &big, &profile, 1000).await;
    let controller = sim.controller_identity();
    let controller = aps::pem::Identity {
        cert_pem: controller.cert_pem.clone(),
        key_pem: controller.key_pem.clone(),
    };
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(client_config(Some(&controller), &ServerTrust::Any).unwrap())
        .build()
        .unwrap();
    let url = format!("{}tenant/{}", node.endpoint_url(), big.id().unwrap());
    let get = || {
        let mut req = client.get(&url);
        for (k, v) in sim.aps_headers(&instance.id) {
            req = req.header(k, v);
        }
        req
    };
    for _ in 0..50 {
        assert!(get().send().await.unwrap().status().is_success());
    }
    let mut hist = Histogram::<u64>::new(3).unwrap();
    let started = Instant::now();
    for _ in 0..retrieves {
        let t0 = Instant::now();
        let resp = get().send().await.unwrap();
        assert!(resp.status().is_success());
        let body: Value = resp.json().await.unwrap();
        hist.record(t0.elapsed().as_micros() as u64).unwrap();
        assert_eq!(body["users"]["usage"], 1000);
    }
    println!(
        "cron_usage retrieve: tenant with 1000 users, {retrieves} sequential retrieves over mTLS: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        retrieves as f64 / started.elapsed().as_secs_f64(),
        hist.value_at_quantile(0.50) as f64 / 1000.0,
        hist.value_at_quantile(0.99) as f64 / 1000.0,
        hist.max() as f64 / 1000.0
    );
    // Leave the big tenant out of the sync: it has no OX users.
    let mut conn = app.store.pool().acquire().await.unwrap();
    Store::delete_resource(&mut conn, &instance.id, big.id().unwrap())
        .await
        .unwrap();
    sqlx::query("DELETE FROM resources WHERE parent_id = $1")
        .bind(big.id().unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);

    // (2) one usage sync of tenants x users.
    let setup = Instant::now();
    for n in 1..=tenants {
        let t = tenant(&sim, &instance.id, n).await;
        users(
            &app,
            &oxsim,
            Some(&ox),
            &instance.id,
            &t,
            &profile,
            per_tenant,
        )
        .await;
    }
    eprintln!(
        "setup: {tenants} tenants x {per_tenant} users in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let cx = TaskCx {
        app: app.clone(),
        instance: app.store.instance(&instance.id).await.unwrap().unwrap(),
        crontask_id: "bench".into(),
        slot: 0,
    };
    let started = Instant::now();
    let outcome = usage_sync::run(&cx).await.unwrap();
    let elapsed = started.elapsed();
    let total = tenants * per_tenant;
    println!(
        "cron_usage usage-sync: {tenants} tenants x {per_tenant} users ({total} users; {}) in {:.2} s: {:.0} users/s; result {} ({})",
        outcome.report,
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        outcome.result.as_str(),
        outcome.error.as_deref().unwrap_or("")
    );
    let started = Instant::now();
    let again = usage_sync::run(&cx).await.unwrap();
    println!(
        "cron_usage usage-sync again (nothing changed): {:.2} s ({})",
        started.elapsed().as_secs_f64(),
        again.report
    );
    node.shutdown().await;
}
