//! The resource model against ox-sim in on-premise mode, driven by apsc-sim.

use ox::{Context, User};
use serde_json::json;

use crate::harness::{Backend, backends};
use crate::world::{World, link};

#[tokio::test]
async fn tenant_domain_and_user_lifecycle() {
    for backend in backends() {
        let w = World::start(backend).await;
        let basic = w.profile("Basic", "webmail", 512).await;
        let pro = w.profile("Pro", "groupware_premium", 4096).await;
        let c = w.customer("example.com", &basic).await;
        let ox = w.ox_client();

        // The context exists with the domain as a login mapping.
        let ctx = ox
            .contexts()
            .get_data(&Context::with_id(c.context_id), &w.master())
            .await
            .unwrap();
        assert!(
            ctx.login_mappings.iter().any(|m| m == "example.com"),
            "{:?}",
            ctx.login_mappings
        );
        // DNS: two MX, SPF and two CNAMEs in the customer's zone.
        let records = w.sim.dns_records(&c.zone_id);
        assert_eq!(records.len(), 5, "{records:?}");

        let u = w.user(&c, "ada@example.com", json!({})).await;
        let ox_id = u.props["oxUserId"].as_i64().unwrap() as i32;
        assert_eq!(u.aps.status.as_deref(), Some("aps:ready"));
        assert!(u.props.get("password").is_some(), "generated password");
        let admin = w.tenant_admin(&c.tenant_id).await;
        let ctx_ref = Context::with_id(c.context_id);
        let got = ox
            .users()
            .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
            .await
            .unwrap();
        assert_eq!(got.name.as_deref(), Some("ada@example.com"));
        assert_eq!(got.primary_email.as_deref(), Some("ada@example.com"));
        assert_eq!(got.max_quota, Some(512));
        assert_eq!(
            ox.users()
                .get_access_combination_name(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .as_deref(),
            Some("webmail")
        );

        // Disable: mail off, no portal; enable again restores the profile's rights.
        w.sim
            .configure(u.id().unwrap(), json!({"status": "disabled"}))
            .await
            .unwrap();
        let got = ox
            .users()
            .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
            .await
            .unwrap();
        assert_eq!(got.mail_enabled, Some(false));
        assert!(
            ox.users()
                .get_module_access(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .denied_portal
        );
        w.sim
            .configure(
                u.id().unwrap(),
                json!({"status": "enabled", "displayName": "Ada L."}),
            )
            .await
            .unwrap();
        let got = ox
            .users()
            .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
            .await
            .unwrap();
        assert_eq!(
            (got.mail_enabled, got.display_name.as_deref()),
            (Some(true), Some("Ada L."))
        );

        // Disabled again: the same state as two steps ago is a new change, not a repeat.
        w.sim
            .configure(
                u.id().unwrap(),
                json!({"status": "disabled", "displayName": "Ada L."}),
            )
            .await
            .unwrap();
        assert_eq!(
            ox.users()
                .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .mail_enabled,
            Some(false)
        );
        w.sim
            .configure(u.id().unwrap(), json!({"status": "enabled"}))
            .await
            .unwrap();
        assert_eq!(
            ox.users()
                .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .mail_enabled,
            Some(true)
        );

        // Manage profile: switch to Pro; OX rights and quota follow.
        w.sim.link(u.id().unwrap(), "profile", &pro).await.unwrap();
        w.settle().await;
        assert_eq!(
            ox.users()
                .get_access_combination_name(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .as_deref(),
            Some("groupware_premium")
        );
        assert_eq!(
            ox.users()
                .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .max_quota,
            Some(4096)
        );

        // Changing a profile re-applies it to its users, as a job.
        w.sim
            .configure(
                &pro,
                json!({"mailQuotaMb": 8192, "accessCombination": "groupware_standard"}),
            )
            .await
            .unwrap();
        w.settle().await;
        assert_eq!(
            ox.users()
                .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .max_quota,
            Some(8192)
        );
        assert_eq!(
            ox.users()
                .get_access_combination_name(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap()
                .as_deref(),
            Some("groupware_standard")
        );

        // A profile in use cannot be removed; an unused one can.
        let err = w.sim.unprovision(&pro).await.unwrap_err();
        assert_eq!(err.endpoint_status(), Some(409), "{err}");
        assert!(
            err.aps_error()
                .unwrap()
                .message
                .contains("still assigned to 1 user")
        );

        // Calls to OX and to the controller are counted for the operator.
        let metrics = oxaps::telemetry::metrics().render();
        assert!(
            metrics.contains("oxaps_outbound_calls_total{target=\"ox\",outcome=\"ok\"}"),
            "{metrics}"
        );
        assert!(
            metrics.contains("oxaps_outbound_calls_total{target=\"controller\",outcome=\"ok\"}")
        );

        // The tenant counts its users per profile.
        let t = w.sim.retrieve(&c.tenant_id).await.unwrap();
        assert_eq!(t.props["users"]["usage"], 1);

        // Delete the user, the domain (its records go, the mapping goes), then the tenant (context goes).
        w.sim.unprovision(u.id().unwrap()).await.unwrap();
        assert!(
            ox.users()
                .get_data(&ctx_ref, &User::by_id(ox_id), &admin)
                .await
                .unwrap_err()
                .is_not_found()
        );
        w.sim.unprovision(&pro).await.unwrap();
        w.sim.unprovision(&c.domain_id).await.unwrap();
        assert!(w.sim.dns_records(&c.zone_id).is_empty());
        let ctx = ox.contexts().get_data(&ctx_ref, &w.master()).await.unwrap();
        assert!(!ctx.login_mappings.iter().any(|m| m == "example.com"));
        w.sim.unprovision(&c.tenant_id).await.unwrap();
        assert!(!ox.contexts().exists(&ctx_ref, &w.master()).await.unwrap());
        w.node.node.shutdown().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_leaves_nothing_in_ox() {
    let w = World::start(Backend::Sqlite).await;
    let basic = w.profile("Basic", "webmail", 512).await;
    let c = w.customer("example.org", &basic).await;
    let ox = w.ox_client();
    let before = ox.contexts().list("*", &w.master()).await.unwrap().len();

    let cases = [
        (
            json!({"login": "ada@not-ours.example"}),
            "not a domain of this subscription",
        ),
        (json!({"login": "bad name@example.org"}), "not valid for OX"),
        (json!({"login": "no-domain"}), "must be an address"),
        (
            json!({"login": "x@example.org", "displayName": "x".repeat(2049)}),
            "at most 2048",
        ),
        (
            json!({"login": "y@example.org", "profile": link(&c.tenant_id)}),
            "does not exist",
        ),
    ];
    for (extra, expected) in cases {
        let su = w
            .sim
            .create_service_user(
                &c.account_id,
                apsc_sim::ServiceUserSpec::new("z@example.org", "Z", "Z"),
            )
            .unwrap();
        let mut body = json!({"tenant": link(&c.tenant_id), "profile": link(&c.profile_id), "user": link(su.id().unwrap())});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let err = w.try_provision("user", body).await.unwrap_err();
        assert_eq!(err.endpoint_status(), Some(400), "{err}");
        let message = err.aps_error().unwrap().message.clone();
        assert!(
            message.contains(expected),
            "{expected:?} not in {message:?}"
        );
    }
    let admin = w.tenant_admin(&c.tenant_id).await;
    let users = ox
        .users()
        .list_all(&Context::with_id(c.context_id), &admin)
        .await
        .unwrap();
    assert_eq!(users.len(), 1, "only the context admin: {users:?}");
    assert_eq!(
        ox.contexts().list("*", &w.master()).await.unwrap().len(),
        before
    );

    let err = w
        .try_provision(
            "domain",
            json!({"name": "bad_domain", "tenant": link(&c.tenant_id)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400));
    let err = w
        .try_provision(
            "domain",
            json!({"name": "example.org", "tenant": link(&c.tenant_id)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(409), "a domain twice: {err}");
    let err = w.try_provision("profile", json!({"name": "Odd", "accessCombination": "platinum", "globals": link(&w.instance.id)})).await.unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400));
    w.node.node.shutdown().await;
}
