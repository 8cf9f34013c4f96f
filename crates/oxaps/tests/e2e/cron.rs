//! Periodic work: the cron and its crontasks, registration with the controller's periodic task
//! manager, delivery through it, exactly one run per slot across nodes, and the CLI.

mod drift;

use std::collections::BTreeMap;
use std::sync::Arc;

use oxaps::cron::RunBy;
use serde_json::{Value, json};

use crate::harness::{TestNode, backends};
use crate::world::{World, link};

/// A world whose node's own scheduler is off: runs happen only when a test asks.
pub(super) async fn quiet_world(backend: crate::harness::Backend) -> World {
    World::start_tweaked(backend, |c| c.cron.enabled = false).await
}

/// Provisions the instance's cron; returns its id and its crontasks by task name.
pub(super) async fn provision_cron(w: &World) -> (String, BTreeMap<String, String>) {
    let cron = w
        .provision("cron", json!({"globals": link(&w.instance.id)}))
        .await;
    w.settle().await;
    let id = cron.id().unwrap().to_owned();
    let tasks = w
        .node
        .node
        .app
        .store
        .children(&w.instance.id, &id, Some("crontask"))
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.body["task"].as_str().unwrap().to_owned(), r.id))
        .collect();
    (id, tasks)
}

/// The crontask as oxaps stores it.
pub(super) async fn stored(w: &World, id: &str) -> Value {
    w.node
        .node
        .app
        .store
        .resource(&w.instance.id, id)
        .await
        .unwrap()
        .unwrap()
        .body
}

/// Delivers a run through the controller's periodic task manager and waits for it.
pub(super) async fn run_via_controller(w: &World, crontask_id: &str) -> Value {
    let run = w.sim.run_task(crontask_id).await.unwrap();
    assert_eq!(run.status, Some(200), "{run:?}");
    w.settle().await;
    stored(w, crontask_id).await
}

#[tokio::test]
async fn cron_registers_its_tasks_and_runs_them_when_the_controller_calls() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let (cron_id, tasks) = provision_cron(&w).await;
        assert_eq!(
            tasks.keys().map(String::as_str).collect::<Vec<_>>(),
            vec![
                "dns-check",
                "expire-requests",
                "reconcile",
                "retry-failed",
                "usage-sync"
            ]
        );
        let periodic = w.sim.periodic_tasks();
        assert_eq!(periodic.len(), 5, "{periodic:?}");
        for id in tasks.values() {
            let t = periodic.iter().find(|t| t.uuid == *id).expect("registered");
            let info = t.call_info().unwrap();
            assert_eq!(info["resourceId"], json!(id));
            assert_eq!(
                (info["path"].as_str(), info["verb"].as_str()),
                (Some("/run"), Some("POST"))
            );
        }
        // The controller knows the crontasks as the cron's tasks.
        let linked = w.sim.linked(&cron_id, "tasks");
        assert_eq!(linked.len(), 5, "{linked:?}");

        let usage = &tasks["retry-failed"];
        let body = run_via_controller(&w, usage).await;
        assert_eq!(body["lastResult"], "ok", "{body}");
        assert_eq!(body["lastRunBy"], "controller");
        assert!(
            body["lastRunAt"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{body}"
        );
        assert!(body["lastDurationMs"].as_i64().is_some());
        let in_controller = w.sim.resource(usage).unwrap();
        assert_eq!(
            in_controller.props["lastResult"], "ok",
            "pushed with update_own"
        );
        assert_eq!(in_controller.props["lastRunAt"], body["lastRunAt"]);

        // A second delivery in the same slot is the same run.
        run_via_controller(&w, usage).await;
        assert_eq!(
            w.jobs_of(usage)
                .await
                .iter()
                .filter(|j| j.kind == "cron.run")
                .count(),
            1
        );

        // A new period updates the registration.
        w.sim
            .configure(usage, json!({"periodMinutes": 5}))
            .await
            .unwrap();
        w.settle().await;
        let t = w
            .sim
            .periodic_tasks()
            .into_iter()
            .find(|t| t.uuid == *usage)
            .unwrap();
        assert_eq!(t.schedule().unwrap()["period"], 300, "{:?}", t.body);

        // Removing the cron unregisters its periodic tasks.
        w.sim.unprovision(&cron_id).await.unwrap();
        w.settle().await;
        assert!(
            w.sim.periodic_tasks().is_empty(),
            "{:?}",
            w.sim.periodic_tasks()
        );
    }
}

#[tokio::test]
async fn each_slot_runs_once_across_two_nodes_the_controller_and_the_cli() {
    for backend in backends() {
        let w = World::start_tweaked(backend, |c| c.cron.tick_secs = 1).await;
        let mut config = oxaps::config::Config::for_test(w.node.dir.path(), &w.node.database_url);
        config.cron.tick_secs = 1;
        let second = oxaps::node::Node::start_with(config, oxaps::services::Registry::standard())
            .await
            .unwrap();
        let b = TestNode {
            node: second,
            dir: Arc::clone(&w.node.dir),
            database_url: w.node.database_url.clone(),
        };
        let (_, tasks) = provision_cron(&w).await;
        // Everyone asks for the current slot at once: both nodes' schedulers (running, and
        // called directly), the controller's delivery of every task.
        let (a_app, b_app) = (w.node.node.app.clone(), b.node.app.clone());
        let started = a_app.queue.now_ms();
        let deliveries = tasks.values().map(|id| w.sim.run_task(id));
        let (ta, tb, runs) = tokio::join!(
            oxaps::cron::scheduler::tick(&a_app, RunBy::Scheduler),
            oxaps::cron::scheduler::tick(&b_app, RunBy::Scheduler),
            futures::future::join_all(deliveries)
        );
        ta.unwrap();
        tb.unwrap();
        for r in runs {
            assert_eq!(r.unwrap().status, Some(200));
        }
        // The CLI asks too (a third process on the same database).
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oxaps"))
            .args(["cron", "run", "--json"])
            .env("OXAPS_DATABASE_URL", &w.node.database_url)
            .env("OXAPS_DATA_DIR", w.node.dir.path())
            .env("OXAPS_LOG", "warn")
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(cli.len(), 5);
        // The schedulers tick again (each node, explicitly): the slot's runs exist, so nothing
        // new is created unless the slot ended meanwhile.
        // Each task's period (they differ), for its slots.
        let mut periods = BTreeMap::new();
        for id in tasks.values() {
            periods.insert(id.clone(), oxaps::cron::period_ms(&stored(&w, id).await));
        }
        let before = a_app.queue.now_ms();
        let (ta, tb) = tokio::join!(
            oxaps::cron::scheduler::tick(&a_app, RunBy::Scheduler),
            oxaps::cron::scheduler::tick(&b_app, RunBy::Scheduler)
        );
        for key in [ta.unwrap(), tb.unwrap()].concat() {
            // `<instance>/<crontask>/run/<slot>`: only a slot begun since is new.
            let parts: Vec<&str> = key.split('/').collect();
            let slot: i64 = parts[3].parse().unwrap();
            let period = periods[parts[1]];
            assert!(
                slot > oxaps::cron::slot(before, period),
                "a second run of the slot: {key}"
            );
        }
        w.settle().await;
        let jobs = w
            .node
            .node
            .app
            .queue
            .list(&oxaps_jobs::ListFilter {
                kind: Some("cron.run".into()),
                limit: Some(1000),
                ..Default::default()
            })
            .await
            .unwrap();
        let ended = a_app.queue.now_ms();
        for id in tasks.values() {
            let period = periods[id];
            let (first, last) = (
                oxaps::cron::slot(started, period),
                oxaps::cron::slot(ended, period),
            );
            let mut per_slot = BTreeMap::<i64, usize>::new();
            for j in jobs.iter().filter(|j| j.resource_id.as_deref() == Some(id)) {
                assert_eq!(j.status, oxaps_jobs::JobStatus::Succeeded, "{j:?}");
                assert_eq!(j.attempts, 1, "ran once: {j:?}");
                *per_slot
                    .entry(j.payload["slot"].as_i64().unwrap())
                    .or_default() += 1;
            }
            // Every slot of the test has its one run (the first slot was asked for by all), and
            // no other slot has any.
            assert!(per_slot.contains_key(&first), "{id}: {per_slot:?}");
            assert!(
                per_slot
                    .iter()
                    .all(|(slot, n)| *n == 1 && (first..=last).contains(slot)),
                "exactly one run per slot: {id}: {per_slot:?}"
            );
        }
        b.node.shutdown().await;
    }
}

#[tokio::test]
async fn cron_run_on_the_command_line_runs_every_task_and_prints_results() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let (_, tasks) = provision_cron(&w).await;
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oxaps"))
            .args(["cron", "run", "--json"])
            .env("OXAPS_DATABASE_URL", &w.node.database_url)
            .env("OXAPS_DATA_DIR", w.node.dir.path())
            .env("OXAPS_LOG", "warn")
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let results: Vec<Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        assert_eq!(results.len(), 5, "{results:?}");
        for r in &results {
            assert_eq!(r["status"], "succeeded", "{r}");
            assert_eq!(r["result"], "ok", "{r}");
        }
        w.settle().await;
        let body = stored(&w, &tasks["usage-sync"]).await;
        assert_eq!(body["lastRunBy"], "cli", "{body}");
        // The table form, for a single task.
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oxaps"))
            .args(["cron", "run", "--task", "dns-check"])
            .env("OXAPS_DATABASE_URL", &w.node.database_url)
            .env("OXAPS_DATA_DIR", w.node.dir.path())
            .env("OXAPS_LOG", "warn")
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("dns-check") && stdout.contains("ok"),
            "{stdout}"
        );
        assert!(!stdout.contains("usage-sync"), "{stdout}");
    }
}

#[tokio::test]
async fn installing_an_instance_sets_up_its_periodic_tasks() {
    for backend in backends() {
        let w = World::start_tweaked(backend, |c| {
            c.cron.enabled = false;
            c.cron.create_at_install = true;
        })
        .await;
        w.settle().await;
        let crons = w
            .node
            .node
            .app
            .store
            .by_natural_key(&w.instance.id, "cron", "cron")
            .await
            .unwrap()
            .expect("the cron was created at install");
        let tasks = w
            .node
            .node
            .app
            .store
            .children(&w.instance.id, &crons.id, Some("crontask"))
            .await
            .unwrap();
        assert_eq!(tasks.len(), 5, "{tasks:?}");
        let periodic = w.sim.periodic_tasks();
        assert_eq!(periodic.len(), 5, "{periodic:?}");
        // Running the install job again (a retry after a lost answer, the local row not there
        // yet) asks the controller and creates no second cron.
        let app = &w.node.node.app;
        let mut conn = app.store.pool().acquire().await.unwrap();
        assert!(
            oxaps::store::Store::delete_resource(&mut conn, &w.instance.id, &crons.id)
                .await
                .unwrap()
        );
        drop(conn);
        let mut again = oxaps::cron::install::job(&w.instance.id);
        again.dedup_key.push_str("/again");
        let mut conn = app.store.pool().acquire().await.unwrap();
        app.queue.enqueue(&mut conn, again).await.unwrap();
        drop(conn);
        app.queue.notify_enqueued();
        w.settle().await;
        let again = app
            .queue
            .find_by_key(&format!(
                "{}/again",
                oxaps::cron::install::job(&w.instance.id).dedup_key
            ))
            .await
            .unwrap()
            .expect("the second install job");
        assert_eq!(again.status, oxaps_jobs::JobStatus::Succeeded, "{again:?}");
        assert_eq!(
            again.result.as_ref().map(|r| r["created"].clone()),
            Some(json!(false)),
            "found through the controller: {again:?}"
        );
        let linked = w.sim.linked(&w.instance.id, "cron");
        assert_eq!(linked.len(), 1, "{linked:?}");
        assert_eq!(w.sim.periodic_tasks().len(), 5);
    }
}
