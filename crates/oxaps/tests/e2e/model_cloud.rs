//! OX Cloud mode against ox-sim, driven by apsc-sim: brands as reseller subadmins, tenants whose
//! contexts belong to them, the brands' restrictions, and tenants following their subscription.

mod events;
mod restrictions;

use std::time::Duration;

use ox::{Context, Credentials, ResellerAdmin, ResellerContext, User};
use serde_json::json;

use crate::harness::{Backend, backends};
use crate::world::{Customer, World, link};

pub(super) fn subadmin(brand: &aps::Resource) -> Credentials {
    Credentials::new(
        brand.props["subadminLogin"].as_str().unwrap(),
        brand.props["subadminPassword"].as_str().unwrap(),
    )
}

fn restrictions(admin: &ResellerAdmin) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = admin
        .restrictions
        .iter()
        .map(|r| (r.name.clone().unwrap(), r.value.clone().unwrap()))
        .collect();
    list.sort();
    list
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

pub(super) async fn subscription_of(w: &World, tenant_id: &str) -> String {
    w.sim.linked(tenant_id, "subscription").pop().unwrap()
}

/// Changes the subscription's `disabled` as the platform does, and waits until the event was
/// delivered and the job it caused has run.
pub(super) async fn set_subscription_disabled(w: &World, c: &Customer, disabled: bool) {
    let sub = subscription_of(w, &c.tenant_id).await;
    w.sim
        .configure(&sub, json!({"disabled": disabled}))
        .await
        .unwrap();
    w.sim
        .wait_for_deliveries(Duration::from_secs(30))
        .await
        .unwrap();
    w.settle().await;
}

/// A user of `c` with `profile`, provisioned without unwrapping the answer.
pub(super) async fn try_user(
    w: &World,
    c: &Customer,
    login: &str,
    profile: &str,
) -> Result<aps::Resource, apsc_sim::SimError> {
    let su = w
        .sim
        .create_service_user(
            &c.account_id,
            apsc_sim::ServiceUserSpec::new(login, "A", "B"),
        )
        .unwrap();
    w.try_provision("user", json!({"login": login, "tenant": link(&c.tenant_id), "profile": link(profile), "user": link(su.id().unwrap())}))
        .await
}

pub(super) async fn context_enabled(w: &World, context_id: i32) -> Option<bool> {
    w.ox_client()
        .contexts()
        .get_data(&Context::with_id(context_id), &w.master())
        .await
        .unwrap()
        .enabled
}

#[tokio::test]
async fn brand_is_an_ox_subadmin_kept_in_sync() {
    let w = World::start_cloud(Backend::Sqlite).await;
    let ox = w.ox_client();
    let b = w
        .brand(
            "Acme Hosting",
            json!({"displayName": "Acme", "maxContexts": 5, "maxUsers": 50,
                "maxUsersByCombination": [{"accessCombination": "webmail", "maxUsers": 20}]}),
        )
        .await;
    assert_eq!(b.aps.status.as_deref(), Some("aps:ready"));
    assert_eq!(b.props["subadminLogin"], "acme-hosting");
    let creds = subadmin(&b);
    assert!(creds.password.expose().len() >= 20, "generated password");
    let by_name = ResellerAdmin::by_name("acme-hosting");
    let got = ox
        .resellers()
        .get_data(&by_name, &w.master())
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Acme"));
    assert_eq!(
        restrictions(&got),
        pairs(&[
            ("Subadmin.CanCreateSubadmin", "false"),
            ("Subadmin.MaxContext", "5"),
            ("Subadmin.MaxOverallUser", "50"),
            ("Subadmin.MaxOverallUserByModuleaccess_webmail", "20"),
        ])
    );
    // The generated password is the subadmin's.
    ox.reseller_contexts().list("*", &creds).await.unwrap();

    // Changed: unlimited contexts (0), more users, a new display name.
    w.sim
        .configure(
            b.id().unwrap(),
            json!({"maxContexts": 0, "maxUsers": 60, "displayName": "Acme Ltd"}),
        )
        .await
        .unwrap();
    let got = ox
        .resellers()
        .get_data(&by_name, &w.master())
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Acme Ltd"));
    assert_eq!(
        restrictions(&got),
        pairs(&[
            ("Subadmin.CanCreateSubadmin", "false"),
            ("Subadmin.MaxOverallUser", "60"),
            ("Subadmin.MaxOverallUserByModuleaccess_webmail", "20"),
        ])
    );
    // Every limit removed.
    w.sim
        .configure(
            b.id().unwrap(),
            json!({"maxUsers": 0, "maxUsersByCombination": []}),
        )
        .await
        .unwrap();
    let got = ox
        .resellers()
        .get_data(&by_name, &w.master())
        .await
        .unwrap();
    assert_eq!(
        restrictions(&got),
        pairs(&[("Subadmin.CanCreateSubadmin", "false")])
    );
    // The controller cannot overwrite the readonly login.
    w.sim
        .configure(b.id().unwrap(), json!({"subadminLogin": "other"}))
        .await
        .unwrap();
    let stored = w.sim.retrieve(b.id().unwrap()).await.unwrap();
    assert_eq!(stored.props["subadminLogin"], "acme-hosting");

    // A name twice, and a name without letters.
    let err = w
        .try_provision(
            "brand",
            json!({"name": "ACME hosting", "globals": link(&w.instance.id)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(409), "{err}");
    let err = w
        .try_provision(
            "brand",
            json!({"name": "!!!", "globals": link(&w.instance.id)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");

    // Removed; removing what is already gone in OX succeeds too.
    w.sim.unprovision(b.id().unwrap()).await.unwrap();
    let err = ox
        .resellers()
        .get_data(&by_name, &w.master())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // An existing subadmin of that name is adopted, with our password and restrictions.
    let old = Credentials::new("preexisting", "old-password");
    ox.resellers()
        .create(
            &ResellerAdmin {
                name: Some("preexisting".into()),
                password: Some("old-password".into()),
                display_name: Some("Old".into()),
                ..Default::default()
            },
            &w.master(),
        )
        .await
        .unwrap();
    let b = w.brand("Preexisting", json!({"maxContexts": 2})).await;
    let got = ox
        .resellers()
        .get_data(&ResellerAdmin::by_name("preexisting"), &w.master())
        .await
        .unwrap();
    assert!(restrictions(&got).contains(&("Subadmin.MaxContext".into(), "2".into())));
    ox.reseller_contexts()
        .list("*", &subadmin(&b))
        .await
        .unwrap();
    assert!(ox.reseller_contexts().list("*", &old).await.is_err());
    assert_eq!(
        ox.resellers().list("*", &w.master()).await.unwrap().len(),
        1,
        "adopted, not duplicated"
    );
    // Gone from OX behind oxaps's back: removing the brand still succeeds.
    ox.resellers()
        .delete(&ResellerAdmin::by_name("preexisting"), &w.master())
        .await
        .unwrap();
    w.sim.unprovision(b.id().unwrap()).await.unwrap();
    assert!(
        w.jobs_of(b.id().unwrap())
            .await
            .iter()
            .all(|j| j.status == oxaps_jobs::JobStatus::Succeeded)
    );
    w.node.node.shutdown().await;
}

#[tokio::test]
async fn cloud_customer_lifecycle() {
    for backend in backends() {
        let w = World::start_cloud(backend).await;
        let ox = w.ox_client();
        let brand = w.brand("Cloud Brand", json!({"maxUsers": 10})).await;
        let creds = subadmin(&brand);
        let basic = w.profile("Basic", "webmail", 512).await;
        let pro = w.profile("Pro", "groupware_premium", 4096).await;

        // In OX Cloud mode a tenant needs its brand.
        let account = w
            .sim
            .create_account(apsc_sim::AccountSpec::new("No Brand Ltd"))
            .unwrap();
        let sub = w
            .sim
            .create_subscription(
                account.id().unwrap(),
                apsc_sim::SubscriptionSpec::new("OX", 1),
            )
            .unwrap();
        let err = w.try_provision("tenant", json!({"account": link(account.id().unwrap()), "subscription": link(sub.id().unwrap()), "globals": link(&w.instance.id)})).await.unwrap_err();
        assert_eq!(err.endpoint_status(), Some(400), "{err}");
        assert!(err.aps_error().unwrap().message.contains("brand"));

        let c = w
            .customer_of_brand("cloud.example", &basic, brand.id().unwrap())
            .await;
        // The context belongs to the brand's subadmin.
        let owner = ox
            .resellers()
            .get_data(&ResellerAdmin::by_name("cloud-brand"), &w.master())
            .await
            .unwrap();
        let rctx = ResellerContext::with_id(c.context_id);
        let got = ox
            .reseller_contexts()
            .get_data(&rctx, &creds)
            .await
            .unwrap();
        assert_eq!(got.sid.or(got.owner.and_then(|o| o.id)), owner.id);
        assert_eq!(got.customid.as_deref(), Some(c.tenant_id.as_str()));
        assert!(got.login_mappings.iter().any(|m| m == "cloud.example"));

        // A user, managed through the reseller user service as the subadmin.
        let u = w.user(&c, "ada@cloud.example", json!({})).await;
        let id = u.props["oxUserId"].as_i64().unwrap() as i32;
        let users = ox.reseller_users();
        let got = users
            .get_data(&rctx, &User::by_id(id), &creds)
            .await
            .unwrap();
        assert_eq!(got.name.as_deref(), Some("ada@cloud.example"));
        assert_eq!(got.max_quota, Some(512));
        let combination = || async {
            users
                .get_access_combination_name(&rctx, &User::by_id(id), &creds)
                .await
                .unwrap()
        };
        assert_eq!(combination().await.as_deref(), Some("webmail"));

        // Disable and enable the user.
        w.sim
            .configure(u.id().unwrap(), json!({"status": "disabled"}))
            .await
            .unwrap();
        let got = users
            .get_data(&rctx, &User::by_id(id), &creds)
            .await
            .unwrap();
        assert_eq!(got.mail_enabled, Some(false));
        w.sim
            .configure(
                u.id().unwrap(),
                json!({"status": "enabled", "displayName": "Ada C."}),
            )
            .await
            .unwrap();
        let got = users
            .get_data(&rctx, &User::by_id(id), &creds)
            .await
            .unwrap();
        assert_eq!(
            (got.mail_enabled, got.display_name.as_deref()),
            (Some(true), Some("Ada C."))
        );

        // Profile switch.
        w.sim.link(u.id().unwrap(), "profile", &pro).await.unwrap();
        w.settle().await;
        assert_eq!(combination().await.as_deref(), Some("groupware_premium"));

        // The subscription disabled disables the context; enabled again, enables it.
        assert_eq!(context_enabled(&w, c.context_id).await, Some(true));
        set_subscription_disabled(&w, &c, true).await;
        assert_eq!(context_enabled(&w, c.context_id).await, Some(false));
        let t = w.sim.retrieve(&c.tenant_id).await.unwrap();
        assert_eq!(t.props["disabled"], true);
        set_subscription_disabled(&w, &c, false).await;
        assert_eq!(context_enabled(&w, c.context_id).await, Some(true));

        // The brand cannot be removed while its tenant lives.
        let err = w.sim.unprovision(brand.id().unwrap()).await.unwrap_err();
        assert_eq!(err.endpoint_status(), Some(409), "{err}");
        let message = err.to_string();
        assert!(message.contains("still used by 1 tenant"), "{message}");
        ox.resellers()
            .get_data(&ResellerAdmin::by_name("cloud-brand"), &w.master())
            .await
            .unwrap();

        // Delete the user, the domain, the tenant: the context goes.
        w.sim.unprovision(u.id().unwrap()).await.unwrap();
        assert!(
            users
                .get_data(&rctx, &User::by_id(id), &creds)
                .await
                .unwrap_err()
                .is_not_found()
        );
        w.sim.unprovision(&c.domain_id).await.unwrap();
        w.sim.unprovision(&c.tenant_id).await.unwrap();
        assert!(
            !ox.contexts()
                .exists(&Context::with_id(c.context_id), &w.master())
                .await
                .unwrap()
        );

        // Now the brand goes: the refusal left nothing behind that blocks a new removal.
        assert!(
            w.jobs_of(brand.id().unwrap())
                .await
                .iter()
                .all(|j| !j.dedup_key.ends_with("/unprovision")
                    || j.status != oxaps_jobs::JobStatus::Dead)
        );
        w.sim.unprovision(brand.id().unwrap()).await.unwrap();
        w.settle().await;
        assert!(
            ox.resellers()
                .get_data(&ResellerAdmin::by_name("cloud-brand"), &w.master())
                .await
                .unwrap_err()
                .is_not_found()
        );
        w.node.node.shutdown().await;
    }
}
