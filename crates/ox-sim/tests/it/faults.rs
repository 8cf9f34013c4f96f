//! Fault injection through the library handle and the control API.

use std::time::{Duration, Instant};

use ox_sim::{FaultConfig, TransientKind};
use serde_json::json;

use crate::common::*;

fn list_all() -> String {
    format!("<s:listAll>{}</s:listAll>", master())
}

#[tokio::test]
async fn latency_is_added() {
    let t = T::new().await;
    t.sim
        .faults()
        .set(FaultConfig {
            latency_ms: 120,
            ..FaultConfig::default()
        })
        .unwrap();
    let start = Instant::now();
    t.ok("OXContextService", &list_all()).await;
    assert!(start.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn transient_faults_remote_and_503() {
    let t = T::new().await;
    t.sim
        .faults()
        .set(FaultConfig {
            transient_ratio: 1.0,
            transient_kind: TransientKind::Remote,
            ..FaultConfig::default()
        })
        .unwrap();
    let r = t.call("OXUserService", &list_all()).await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.faultstring(),
        "Missing com.openexchange.admin.rmi.OXUserInterface instance."
    );
    assert_eq!(r.detail_name(), "RemoteException");
    t.sim
        .faults()
        .set(FaultConfig {
            transient_ratio: 1.0,
            transient_kind: TransientKind::Http503,
            ..FaultConfig::default()
        })
        .unwrap();
    let r = t.call("OXContextService", &list_all()).await;
    assert_eq!(r.status, 503);
    assert!(!r.body.contains("Fault"));
    assert_eq!(t.sim.stats().faults.get("injected_503"), Some(&1));
}

#[tokio::test]
async fn dropped_connections_before_and_after_processing() {
    let t = T::new().await;
    t.sim
        .faults()
        .set(FaultConfig {
            drop_ratio: 1.0,
            ..FaultConfig::default()
        })
        .unwrap();
    let url = t.url("OXContextService");
    let err = t
        .http
        .post(&url)
        .body(envelope(CORE, &list_all()))
        .send()
        .await;
    assert!(
        err.is_err(),
        "connection should be closed without a response"
    );

    t.sim
        .faults()
        .set(FaultConfig {
            drop_after_ratio: 1.0,
            ..FaultConfig::default()
        })
        .unwrap();
    let create = t.http.post(&url).body(envelope(CORE, &format!(
        "<s:create><s:ctx><d:id>7</d:id></s:ctx><s:admin_user>{}</s:admin_user>{}</s:create>",
        user_fields("a", "A", "a@x.example"), master()))).send().await;
    assert!(create.is_err());
    t.sim.faults().reset();
    // The dropped request was processed: the context exists.
    let exists = t
        .ok(
            "OXContextService",
            &format!("<s:exists>{}{}</s:exists>", ctx(7), master()),
        )
        .await;
    assert_eq!(exists.ret().text, "true");
}

#[tokio::test]
async fn slow_bodies_still_arrive_complete() {
    let t = T::new().await;
    create_context(&t, 8).await;
    t.sim
        .faults()
        .set(FaultConfig {
            slow_body_ms: 300,
            ..FaultConfig::default()
        })
        .unwrap();
    let start = Instant::now();
    let r = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(8), master()),
        )
        .await;
    assert!(start.elapsed() >= Duration::from_millis(250));
    assert_eq!(r.ret_text("name"), "ctx8");
}

#[tokio::test]
async fn control_api() {
    let t = T::new().await;
    let base = t.sim.base_url();
    let health = t
        .http
        .get(format!("{base}/__sim/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let put = t
        .http
        .put(format!("{base}/__sim/faults"))
        .json(&json!({"latency_ms": 5, "jitter_ms": 2, "transient_ratio": 0.0, "drop_ratio": 0.0, "slow_body_ms": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status().as_u16(), 200);
    assert_eq!(t.sim.faults().get().latency_ms, 5);
    let got: serde_json::Value = t
        .http
        .get(format!("{base}/__sim/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["jitter_ms"], 2);
    let bad = t
        .http
        .put(format!("{base}/__sim/faults"))
        .json(&json!({"drop_ratio": 3.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let del = t
        .http
        .delete(format!("{base}/__sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 204);
    assert_eq!(t.sim.faults().get(), FaultConfig::default());

    create_context(&t, 9).await;
    let uid = create_user(&t, 9, "q").await;
    let usage = t
        .http
        .put(format!("{base}/__sim/usage/user"))
        .json(&json!({"context_id": 9, "user_id": uid, "used_mb": 77}))
        .send()
        .await
        .unwrap();
    assert_eq!(usage.status().as_u16(), 204);
    let get = t
        .ok(
            "OXUserService",
            &format!(
                "<s:getData>{}<s:user><d:id>{uid}</d:id></s:user>{}</s:getData>",
                ctx(9),
                admin(9)
            ),
        )
        .await;
    assert_eq!(get.ret_text("usedQuota"), "77");
    let missing = t
        .http
        .put(format!("{base}/__sim/usage/user"))
        .json(&json!({"context_id": 9, "user_id": 999, "used_mb": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let cu = t
        .http
        .put(format!("{base}/__sim/usage/context"))
        .json(&json!({"context_id": 9, "used_mb": 500}))
        .send()
        .await
        .unwrap();
    assert_eq!(cu.status().as_u16(), 204);
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(9), master()),
        )
        .await;
    assert_eq!(get.ret_text("usedQuota"), "500");
    let stats: serde_json::Value = t
        .http
        .get(format!("{base}/__sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(stats["requests"]["OXContextService.getData"].as_u64() >= Some(1));
}
