//! Reliability under faults: transient OX faults and latency, SIGKILLed nodes, every request
//! delivered twice, two nodes on one PostgreSQL. Each run ends with the invariant checker.
//!
//! `OXAPS_TEST_RELIABILITY_USERS` sets the run size (default 500 users).

mod checker;
mod node_process;
mod task_manager;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use apsc_sim::{
    AccountSpec, Controller, InstanceHandle, ServiceUserSpec, SimHandle, SubscriptionSpec,
};
use futures::StreamExt;
use ox_sim::{FaultConfig, LatencyDistribution, OxSim, OxSimHandle};
use oxaps::store::Store;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Backend, database_url};
use crate::world::{MASTER_PASSWORD, link, package};
use node_process::NodeProcess;
use task_manager::Endpoints;

const SECRET_KEY: &str = "b3hhcHMtcmVsaWFiaWxpdHktdGVzdC1rZXktMzJieXQ=";
const DEADLINE: Duration = Duration::from_secs(300);

fn users_to_provision() -> usize {
    std::env::var("OXAPS_TEST_RELIABILITY_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

struct Run {
    ox: OxSimHandle,
    sim: SimHandle,
    instance: InstanceHandle,
    nodes: Vec<NodeProcess>,
    store: Store,
    account_id: String,
    tenant_id: String,
    profile_id: String,
    context_id: i32,
    /// Requests re-sent by the task manager (connection errors and 202 polls).
    resends: AtomicU32,
    _dir: tempfile::TempDir,
}

async fn setup(backend: Backend, node_count: usize) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(backend, dir.path()).await;
    let ox = OxSim::start(ox_sim::SimConfig {
        master_account_override: true,
        ..ox_sim::SimConfig::for_test(MASTER_PASSWORD)
    })
    .await
    .unwrap();
    let mut nodes = Vec::new();
    for n in 0..node_count {
        nodes
            .push(NodeProcess::start(&url, &dir.path().join(format!("node{n}")), SECRET_KEY).await);
    }
    let store = Store::open(&url).await.unwrap();
    let sim = Controller::start(apsc_sim::SimConfig {
        time_scale: 0.01,
        max_async_attempts: 1_000_000,
        ..Default::default()
    })
    .await
    .unwrap();
    let pkg = sim.register_package(package()).unwrap();
    let settings = json!({"oxSoapUrl": ox.base_url(), "oxMasterLogin": "oxadminmaster", "oxMasterPassword": MASTER_PASSWORD});
    let instance = sim
        .install_instance(&nodes[0].endpoint, &pkg, settings)
        .await
        .unwrap();
    let provision = |service: &'static str, body: Value| {
        let (sim, id) = (sim.clone(), instance.id.clone());
        async move {
            let mut body = body;
            body["aps"] = json!({"type": oxaps::types::type_id(service)});
            sim.provision(&id, service, body).await.unwrap()
        }
    };
    let profile = provision("profile", json!({"name": "Basic", "accessCombination": "webmail", "mailQuotaMb": 100, "globals": link(&instance.id)})).await;
    let account = sim
        .create_account(AccountSpec::new("Reliable Ltd"))
        .unwrap();
    let account_id = account.id().unwrap().to_owned();
    let sub = sim
        .create_subscription(&account_id, SubscriptionSpec::new("OX", 1))
        .unwrap();
    let tenant = provision("tenant", json!({"account": link(&account_id), "subscription": link(sub.id().unwrap()), "globals": link(&instance.id)})).await;
    provision(
        "domain",
        json!({"name": "reliable.example", "tenant": link(tenant.id().unwrap())}),
    )
    .await;
    Run {
        context_id: tenant.props["contextId"].as_i64().unwrap() as i32,
        tenant_id: tenant.id().unwrap().to_owned(),
        profile_id: profile.id().unwrap().to_owned(),
        account_id,
        ox,
        sim,
        instance,
        nodes,
        store,
        resends: AtomicU32::new(0),
        _dir: dir,
    }
}

impl Run {
    fn endpoints(&self) -> Endpoints {
        Endpoints(self.nodes.iter().map(|n| n.endpoint.clone()).collect())
    }

    /// Provisions `count` users through the task manager, `copies` deliveries of each request at
    /// once; returns APS id → login of every user the controller ended up with.
    async fn provision_users(
        &self,
        endpoints: Endpoints,
        count: usize,
        copies: usize,
    ) -> BTreeMap<String, String> {
        let results = futures::stream::iter(0..count)
            .map(|i| {
                let endpoints = endpoints.clone();
                async move {
                    let login = format!("user{i}@reliable.example");
                    let su = self.sim.create_service_user(&self.account_id, ServiceUserSpec::new(&login, "R", "U")).unwrap();
                    let id = uuid::Uuid::new_v4().to_string();
                    let body = json!({"aps": {"id": id, "type": oxaps::types::type_id("user")}, "login": login, "displayName": format!("User {i}"),
                        "tenant": link(&self.tenant_id), "profile": link(&self.profile_id), "user": link(su.id().unwrap())});
                    let tx = uuid::Uuid::new_v4().to_string();
                    let sends = (0..copies).map(|_| {
                        let task = task_manager::Task { method: Method::POST, path: "user", body: Some(body.clone()), transaction: &tx };
                        task_manager::run(&self.sim, &self.instance, &endpoints, task, DEADLINE)
                    });
                    let mut resends = 0;
                    for outcome in futures::future::join_all(sends).await {
                        assert_eq!(outcome.status, 200, "{login}: {}", outcome.body);
                        assert_eq!(outcome.body["aps"]["id"], id.as_str());
                        assert_eq!(outcome.body["login"], login.as_str());
                        resends += outcome.sends - 1;
                    }
                    self.resends.fetch_add(resends, Ordering::SeqCst);
                    (id, login)
                }
            })
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await;
        results.into_iter().collect()
    }

    /// Waits until no job is pending or running (across processes, through the database).
    async fn settle(&self) {
        let queue = oxaps_jobs::Queue::new(self.store.pool().clone()).unwrap();
        loop {
            let mut open = Vec::new();
            for status in [
                oxaps_jobs::JobStatus::Pending,
                oxaps_jobs::JobStatus::Running,
            ] {
                open.extend(
                    queue
                        .list(&oxaps_jobs::ListFilter {
                            status: Some(status),
                            limit: Some(1000),
                            ..Default::default()
                        })
                        .await
                        .unwrap(),
                );
            }
            if open.is_empty() {
                return;
            }
            for job in open {
                queue
                    .wait_for(job.id, Duration::from_secs(60))
                    .await
                    .unwrap();
            }
        }
    }

    async fn check(&self, expected: &BTreeMap<String, String>) {
        self.ox.faults().reset();
        self.settle().await;
        let dead = oxaps_jobs::Queue::new(self.store.pool().clone())
            .unwrap()
            .list(&oxaps_jobs::ListFilter {
                status: Some(oxaps_jobs::JobStatus::Dead),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            dead.is_empty(),
            "dead jobs: {:?}",
            dead.iter()
                .map(|j| (&j.dedup_key, &j.last_error))
                .collect::<Vec<_>>()
        );
        let ox = ox::OxClient::new(ox::OxConfig::new(self.ox.base_url())).unwrap();
        let master = ox::Credentials::new("oxadminmaster", MASTER_PASSWORD);
        checker::check_users(
            &self.store,
            &self.instance.id,
            &ox,
            &master,
            self.context_id,
            expected,
        )
        .await;
    }
}

fn flaky_ox() -> FaultConfig {
    FaultConfig {
        latency_ms: 1,
        jitter_ms: 4,
        distribution: LatencyDistribution::Exponential,
        transient_ratio: 0.2,
        drop_after_ratio: 0.03,
        ..FaultConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transient_ox_faults_and_latency_create_each_user_exactly_once() {
    let run = setup(Backend::Sqlite, 1).await;
    run.ox.faults().set(flaky_ox()).unwrap();
    let expected = run
        .provision_users(run.endpoints(), users_to_provision(), 1)
        .await;
    run.check(&expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkilled_node_recovers_without_losing_or_duplicating_users() {
    let mut run = setup(Backend::Sqlite, 1).await;
    run.ox.faults().set(flaky_ox()).unwrap();
    let endpoints = run.endpoints();
    let mut node = run.nodes.pop().unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let kills = Arc::new(AtomicU32::new(0));
    let killer = {
        let (done, kills) = (done.clone(), kills.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let pause = 300 + rand::random::<u64>() % 900;
                tokio::time::sleep(Duration::from_millis(pause)).await;
                let before = node.pid();
                node.restart().await;
                assert_ne!(node.pid(), before, "a new process after the kill");
                kills.fetch_add(1, Ordering::SeqCst);
            }
            node
        })
    };
    let expected = run
        .provision_users(endpoints, users_to_provision(), 1)
        .await;
    done.store(true, Ordering::SeqCst);
    run.nodes.push(killer.await.unwrap());
    assert!(
        kills.load(Ordering::SeqCst) >= 1,
        "the node was killed during the run"
    );
    run.check(&expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_request_delivered_twice_at_once_creates_one_user() {
    let run = setup(Backend::Sqlite, 1).await;
    let expected = run
        .provision_users(run.endpoints(), users_to_provision() / 2, 2)
        .await;
    run.check(&expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgres_share_the_work() {
    if std::env::var("OXAPS_TEST_POSTGRES_URL").is_err() {
        eprintln!("skipped: OXAPS_TEST_POSTGRES_URL not set");
        return;
    }
    let run = setup(Backend::Postgres, 2).await;
    run.ox.faults().set(flaky_ox()).unwrap();
    let expected = run
        .provision_users(run.endpoints(), users_to_provision() / 2, 2)
        .await;
    run.check(&expected).await;
    for node in &run.nodes {
        let metrics = node.metrics().await;
        let succeeded: f64 = metrics
            .lines()
            .filter(|l| {
                l.starts_with("oxaps_jobs_completed_total") && l.contains("outcome=\"succeeded\"")
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        assert!(
            succeeded > 0.0,
            "node {} ran no job:\n{metrics}",
            node.endpoint
        );
    }
}
