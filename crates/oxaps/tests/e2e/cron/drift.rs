//! The tasks' effects: usage counters from OX, reconciliation with OX, the DNS check and the
//! expiry of purchase requests.

use ox::{Context, User};
use oxaps::store::{ResourceRow, ResourceStatus, Store};
use serde_json::{Value, json};

use super::{provision_cron, quiet_world, run_via_controller, stored};
use crate::harness::backends;
use crate::world::{World, link};

fn ox_id(r: &aps::Resource) -> i64 {
    r.props["oxUserId"].as_i64().unwrap()
}

fn notifications_mentioning(w: &World, text: &str) -> Vec<Value> {
    w.sim
        .notifications()
        .into_iter()
        .map(|n| n.body)
        .filter(|b| b.to_string().contains(text))
        .collect()
}

#[tokio::test]
async fn usage_sync_brings_ox_figures_to_the_controller_and_to_retrieve() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let profile = w.profile("basic", "webmail", 2048).await;
        let c = w.customer("usage.example", &profile).await;
        let a = w.user(&c, "ann@usage.example", json!({})).await;
        let b = w.user(&c, "bob@usage.example", json!({})).await;
        let cid = i64::from(c.context_id);
        assert!(
            w.ox.usage()
                .set_user_used_mb(cid, ox_id(&a), 120)
                .await
                .unwrap()
        );
        assert!(
            w.ox.usage()
                .set_user_used_mb(cid, ox_id(&b), 30)
                .await
                .unwrap()
        );
        assert!(w.ox.usage().set_context_used_mb(cid, 512).await.unwrap());
        let (_, tasks) = provision_cron(&w).await;
        let body = run_via_controller(&w, &tasks["usage-sync"]).await;
        assert_eq!(body["lastResult"], "ok", "{body}");

        // What the controller holds (pushed with update_own) ...
        let ann = w.sim.resource(a.id().unwrap()).unwrap();
        assert_eq!(ann.props["mailStorageMb"]["usage"], 120, "{:?}", ann.props);
        let bob = w.sim.resource(b.id().unwrap()).unwrap();
        assert_eq!(bob.props["mailStorageMb"]["usage"], 30);
        let tenant = w.sim.resource(&c.tenant_id).unwrap();
        assert_eq!(
            tenant.props["mailboxStorageMb"]["usage"], 150,
            "{:?}",
            tenant.props
        );
        assert_eq!(tenant.props["fileStorageMb"]["usage"], 512);
        assert_eq!(tenant.props["users"]["usage"], 2);
        // ... and what retrieve answers, from the store.
        let retrieved = w.sim.retrieve(&c.tenant_id).await.unwrap();
        assert_eq!(retrieved.props["mailboxStorageMb"]["usage"], 150);
        assert_eq!(retrieved.props["fileStorageMb"]["usage"], 512);
        assert_eq!(retrieved.props["users"]["usage"], 2);
        let ann = w.sim.retrieve(a.id().unwrap()).await.unwrap();
        assert_eq!(ann.props["mailStorageMb"]["usage"], 120);
        assert!(
            !ann.props.keys().any(|k| k.starts_with("_oxaps")),
            "bookkeeping stays in oxaps: {:?}",
            ann.props.keys().collect::<Vec<_>>()
        );

        // The store keeps what was pushed; a push that did not get through (no marker) is made
        // again by the next run although OX's figures did not change.
        let app = &w.node.node.app;
        let ann_id = a.id().unwrap();
        let mut ann_row = app
            .store
            .resource(&w.instance.id, ann_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            ann_row.body["_oxapsPushedUsage"]["mailStorageMb"]["usage"], 120,
            "{}",
            ann_row.body
        );
        ann_row
            .body
            .as_object_mut()
            .unwrap()
            .remove("_oxapsPushedUsage");
        let mut conn = app.store.pool().acquire().await.unwrap();
        Store::update_resource(
            &mut conn,
            &w.instance.id,
            ann_id,
            ann_row.status,
            &ann_row.body,
        )
        .await
        .unwrap();
        drop(conn);
        let cx = oxaps::cron::tasks::TaskCx {
            app: app.clone(),
            instance: app.store.instance(&w.instance.id).await.unwrap().unwrap(),
            crontask_id: tasks["usage-sync"].clone(),
            slot: 1,
        };
        let outcome = oxaps::cron::tasks::run(&cx, "usage-sync").await.unwrap();
        assert!(
            outcome.report.ends_with("1 changed counters pushed"),
            "{outcome:?}"
        );
        let ann_body = stored(&w, ann_id).await;
        assert_eq!(ann_body["_oxapsPushedUsage"]["mailStorageMb"]["usage"], 120);
    }
}

#[tokio::test]
async fn reconcile_repairs_a_deleted_user_and_reports_a_foreign_one() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let profile = w.profile("basic", "webmail", 1024).await;
        let c = w.customer("rec.example", &profile).await;
        let gone = w.user(&c, "gone@rec.example", json!({})).await;
        let kept = w.user(&c, "kept@rec.example", json!({})).await;
        let admin = w.tenant_admin(&c.tenant_id).await;
        let ox = w.ox_client();
        let users = ox.users();
        let ctx = Context::with_id(c.context_id);
        users
            .delete(&ctx, &User::by_id(ox_id(&gone) as i32), &admin)
            .await
            .unwrap();
        let foreign = User {
            name: Some("intruder".into()),
            password: Some("Secret-123".to_owned().into()),
            display_name: Some("Intruder".into()),
            given_name: Some("In".into()),
            sur_name: Some("Truder".into()),
            ..Default::default()
        }
        .with_primary_address("intruder@rec.example");
        users.create(&ctx, &foreign, &admin).await.unwrap();

        let (_, tasks) = provision_cron(&w).await;
        let body = run_via_controller(&w, &tasks["reconcile"]).await;
        assert_eq!(body["lastResult"], "partial", "{body}");
        let report = body["lastReport"].as_str().unwrap();
        assert!(report.contains("gone@rec.example"), "{report}");
        assert!(report.contains("intruder"), "{report}");
        assert!(!report.contains("kept@rec.example"), "{report}");

        // The deleted user exists again in OX under the same login, and oxaps knows its new id.
        let again = users
            .get_data(&ctx, &User::by_name("gone@rec.example"), &admin)
            .await
            .expect("re-created");
        let row = stored(&w, gone.id().unwrap()).await;
        assert_eq!(row["oxUserId"].as_i64(), again.id.map(i64::from));
        // The foreign user is still there, and reported once.
        users
            .get_data(&ctx, &User::by_name("intruder"), &admin)
            .await
            .expect("left alone");
        assert_eq!(notifications_mentioning(&w, "intruder").len(), 1);
        assert!(
            w.jobs_of(kept.id().unwrap())
                .await
                .iter()
                .all(|j| j.kind != "cron.repair"),
            "an intact user is not repaired"
        );
    }
}

#[tokio::test]
async fn dns_check_reports_a_removed_mx_record() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let profile = w.profile("basic", "webmail", 1024).await;
        let c = w.customer("dns.example", &profile).await;
        let mx = w
            .sim
            .dns_records(&c.zone_id)
            .into_iter()
            .find(|r| r.kind == "mx" && r.data.contains("mx1.provider.example"))
            .expect("MX record created");
        w.sim.unprovision(&mx.id).await.unwrap();
        let (_, tasks) = provision_cron(&w).await;
        let body = run_via_controller(&w, &tasks["dns-check"]).await;
        assert_eq!(body["lastResult"], "partial", "{body}");
        let report = body["lastReport"].as_str().unwrap();
        assert!(
            report.contains("MX dns.example -> mx1.provider.example is missing"),
            "{report}"
        );
        assert!(!report.contains("mx2"), "{report}");
        assert_eq!(
            notifications_mentioning(&w, "mx1.provider.example").len(),
            1
        );
    }
}

#[tokio::test]
async fn stale_purchase_requests_expire() {
    for backend in backends() {
        let w = quiet_world(backend).await;
        let profile = w.profile("basic", "webmail", 1024).await;
        let c = w.customer("exp.example", &profile).await;
        let app = &w.node.node.app;
        let recent = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        for (id, at) in [
            ("pr-old", "2020-01-01T00:00:00Z"),
            ("pr-new", recent.as_str()),
        ] {
            let row = ResourceRow {
                instance_id: w.instance.id.clone(),
                id: id.into(),
                service: "purchaserequest".into(),
                type_id: None,
                status: ResourceStatus::Ready,
                body: json!({"aps": {"id": id}, "state": "pending", "requestedAt": at,
                    "userLogin": "ann@exp.example", "tenant": link(&c.tenant_id)}),
                revision: 1,
                parent_id: Some(c.tenant_id.clone()),
                natural_key: None,
            };
            let mut conn = app.store.pool().acquire().await.unwrap();
            assert!(Store::insert_resource(&mut conn, &row).await.unwrap());
        }
        let (_, tasks) = provision_cron(&w).await;
        let body = run_via_controller(&w, &tasks["expire-requests"]).await;
        assert_eq!(body["lastResult"], "ok", "{body}");
        assert_eq!(stored(&w, "pr-old").await["state"], "expired");
        assert_eq!(stored(&w, "pr-new").await["state"], "pending");
        // The push to the controller is a durable job, enqueued with the change (once).
        let pushes: Vec<_> = w
            .jobs_of("pr-old")
            .await
            .into_iter()
            .filter(|j| j.kind == "cron.push")
            .collect();
        assert_eq!(pushes.len(), 1, "{pushes:?}");
        assert_eq!(pushes[0].payload["props"], json!({"state": "expired"}));
        assert!(w.jobs_of("pr-new").await.is_empty());
        let told = notifications_mentioning(&w, "pr-old");
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["accountId"], json!(c.account_id));
    }
}
