//! Domains, subdomains, shared domains and shared subdomains against ox-sim, driven by apsc-sim:
//! login mappings of the tenant's context, DNS records in the customer's zone, catch-alls.

use std::collections::BTreeSet;

use ox::{Context, User};
use serde_json::{Value, json};

use crate::harness::{Backend, backends};
use crate::world::{Customer, World, link};

const A_RECORD: &str = "http://aps-standard.org/types/dns/record/a/1.0";
const DNS_RECORD: &str = "http://aps-standard.org/types/dns/record/1.0";

async fn mappings(w: &World, context_id: i32) -> BTreeSet<String> {
    let ctx = w
        .ox_client()
        .contexts()
        .get_data(&Context::with_id(context_id), &w.master())
        .await
        .unwrap();
    ctx.login_mappings.into_iter().collect()
}

/// The zone's records as `kind name data`.
fn records(w: &World, zone_id: &str) -> BTreeSet<String> {
    w.sim
        .dns_records(zone_id)
        .into_iter()
        .map(|r| format!("{} {} {}", r.kind, r.source_fqn, r.data))
        .collect()
}

/// The records a mail domain `name` gets from the world's globals.
fn mail_records(name: &str) -> BTreeSet<String> {
    [
        format!("mx {name}. mx1.provider.example."),
        format!("mx {name}. mx2.provider.example."),
        format!("txt {name}. v=spf1 include:_spf.provider.example ~all"),
        format!("cname autoconfig.{name}. autodiscover.provider.example."),
        format!("cname autodiscover.{name}. autodiscover.provider.example."),
    ]
    .into_iter()
    .collect()
}

fn union(sets: &[&BTreeSet<String>]) -> BTreeSet<String> {
    sets.iter().flat_map(|s| s.iter().cloned()).collect()
}

async fn zone(w: &World, c: &Customer, name: &str) -> String {
    let z = w.sim.create_dns_zone(&c.account_id, name).unwrap();
    z.id().unwrap().to_owned()
}

async fn catch_all(w: &World, id: &str) -> Value {
    w.sim.retrieve(id).await.unwrap().props["catchAll"].clone()
}

#[tokio::test]
async fn domains_and_subdomains_with_catch_all_and_dns() {
    for backend in backends() {
        let w = World::start(backend).await;
        let basic = w.profile("Basic", "webmail", 512).await;
        let c = w.customer("example.com", &basic).await;
        // A record of the customer's own, which no removal may touch.
        let www = json!({"aps": {"type": A_RECORD}, "zone": link(&c.zone_id), "source": "www", "address": "192.0.2.80"});
        w.sim.create_resource(www).unwrap();
        let own = records(&w, &c.zone_id);
        let domain_records = mail_records("example.com");
        assert_eq!(own.len(), 6, "{own:?}");
        assert!(own.is_superset(&domain_records), "{own:?}");
        let ada = w.user(&c, "ada@example.com", json!({})).await;
        let alias = json!({"address": "info@example.com", "user": link(ada.id().unwrap())});
        w.provision("emailaddress", alias).await;

        // Edit the domain: the catch-all becomes a mailbox of the tenant (a login, an alias).
        for (given, stored) in [
            ("Ada@Example.com", "ada@example.com"),
            ("info@example.com", "info@example.com"),
        ] {
            w.sim
                .configure(&c.domain_id, json!({"catchAll": given}))
                .await
                .unwrap();
            assert_eq!(catch_all(&w, &c.domain_id).await, stored);
        }

        // A subdomain with a catch-all in its domain: mapping and records named for it.
        let sales = w
            .provision("subdomain", json!({"label": "Sales", "catchAll": "ada@example.com", "domain": link(&c.domain_id)}))
            .await;
        assert_eq!(sales.aps.status.as_deref(), Some("aps:ready"));
        assert_eq!(sales.props["name"], "sales.example.com");
        let sales_records = mail_records("sales.example.com");
        let support = w
            .provision(
                "subdomain",
                json!({"label": "support", "domain": link(&c.domain_id)}),
            )
            .await;
        let support_records = mail_records("support.example.com");
        assert_eq!(
            records(&w, &c.zone_id),
            union(&[&own, &sales_records, &support_records])
        );
        let m = mappings(&w, c.context_id).await;
        for name in ["example.com", "sales.example.com", "support.example.com"] {
            assert!(m.contains(name), "{name} not in {m:?}");
        }

        // A domain of its own zone inside the first one, added with a catch-all there.
        let shop_zone = zone(&w, &c, "shop.example.com").await;
        let shop = w
            .provision("domain", json!({"name": "shop.example.com", "catchAll": "ada@example.com", "tenant": link(&c.tenant_id), "zone": link(&shop_zone)}))
            .await;
        assert_eq!(catch_all(&w, shop.id().unwrap()).await, "ada@example.com");
        assert_eq!(records(&w, &shop_zone), mail_records("shop.example.com"));

        // A user on the subdomain, then the subdomain's catch-all moves to that user.
        let bob = w.user(&c, "bob@sales.example.com", json!({})).await;
        let bob_ox = bob.props["oxUserId"].as_i64().unwrap() as i32;
        let admin = w.tenant_admin(&c.tenant_id).await;
        let ctx = Context::with_id(c.context_id);
        let got = w
            .ox_client()
            .users()
            .get_data(&ctx, &User::by_id(bob_ox), &admin)
            .await
            .unwrap();
        assert_eq!(got.name.as_deref(), Some("bob@sales.example.com"));
        w.sim
            .configure(
                sales.id().unwrap(),
                json!({"catchAll": "bob@sales.example.com"}),
            )
            .await
            .unwrap();
        assert_eq!(
            catch_all(&w, sales.id().unwrap()).await,
            "bob@sales.example.com"
        );

        // Remove the user and the subdomain: exactly its records and its mapping go.
        w.sim.unprovision(bob.id().unwrap()).await.unwrap();
        w.sim.unprovision(sales.id().unwrap()).await.unwrap();
        assert_eq!(records(&w, &c.zone_id), union(&[&own, &support_records]));
        let m = mappings(&w, c.context_id).await;
        assert!(!m.contains("sales.example.com"), "{m:?}");
        assert!(m.contains("support.example.com"), "{m:?}");

        // Remove the domain: its remaining subdomain goes with it; the customer's record and the
        // other domain stay.
        w.sim.unprovision(&c.domain_id).await.unwrap();
        let left: BTreeSet<String> = ["a www.example.com. 192.0.2.80".to_owned()].into();
        assert_eq!(records(&w, &c.zone_id), left);
        let m = mappings(&w, c.context_id).await;
        for gone in ["example.com", "support.example.com"] {
            assert!(!m.contains(gone), "{gone} in {m:?}");
        }
        assert!(m.contains("shop.example.com"), "{m:?}");
        assert_eq!(records(&w, &shop_zone), mail_records("shop.example.com"));
        // The controller may still remove the subdomain later: nothing left to do.
        w.sim.unprovision(support.id().unwrap()).await.unwrap();

        // Removing the tenant removes the last domain's records and the context.
        w.sim.unprovision(&c.tenant_id).await.unwrap();
        assert!(records(&w, &shop_zone).is_empty());
        assert_eq!(records(&w, &c.zone_id), left);
        assert!(
            !w.ox_client()
                .contexts()
                .exists(&ctx, &w.master())
                .await
                .unwrap()
        );
        w.node.node.shutdown().await;
    }
}

#[tokio::test]
async fn shared_domain_gives_tenants_a_login_domain() {
    for backend in backends() {
        let w = World::start(backend).await;
        let basic = w.profile("Basic", "webmail", 512).await;
        let shared = w
            .provision(
                "shareddomain",
                json!({"name": "Mail.Provider.Example.", "globals": link(&w.instance.id)}),
            )
            .await;
        assert_eq!(shared.props["name"], "mail.provider.example");
        let c = w.customer_without_domain("Acme", &basic).await;
        let sub = w
            .provision("sharedsubdomain", json!({"label": "acme", "tenant": link(&c.tenant_id), "shareddomain": link(shared.id().unwrap())}))
            .await;
        assert_eq!(sub.props["name"], "acme.mail.provider.example");
        assert!(
            mappings(&w, c.context_id)
                .await
                .contains("acme.mail.provider.example")
        );
        // The provider's DNS: oxaps created no record anywhere.
        let any_record = format!("implementing({DNS_RECORD})");
        assert_eq!(w.sim.resources(&any_record).unwrap(), Vec::<Value>::new());

        // A user logs in on the shared subdomain and becomes its catch-all.
        let eve = w
            .user(&c, "eve@acme.mail.provider.example", json!({}))
            .await;
        let admin = w.tenant_admin(&c.tenant_id).await;
        let got = w
            .ox_client()
            .users()
            .get_data(
                &Context::with_id(c.context_id),
                &User::by_id(eve.props["oxUserId"].as_i64().unwrap() as i32),
                &admin,
            )
            .await
            .unwrap();
        assert_eq!(got.name.as_deref(), Some("eve@acme.mail.provider.example"));
        w.sim
            .configure(
                sub.id().unwrap(),
                json!({"catchAll": "eve@acme.mail.provider.example"}),
            )
            .await
            .unwrap();
        assert_eq!(
            catch_all(&w, sub.id().unwrap()).await,
            "eve@acme.mail.provider.example"
        );

        // Another tenant: the same label is taken, another one is fine.
        let d = w.customer_without_domain("Beta", &basic).await;
        let body = |label: &str| json!({"label": label, "tenant": link(&d.tenant_id), "shareddomain": link(shared.id().unwrap())});
        let err = w
            .try_provision("sharedsubdomain", body("ACME"))
            .await
            .unwrap_err();
        assert_eq!(err.endpoint_status(), Some(409), "{err}");
        let beta = w.provision("sharedsubdomain", body("beta")).await;

        // The shared domain cannot go while tenants use it.
        let err = w.sim.unprovision(shared.id().unwrap()).await.unwrap_err();
        assert_eq!(err.endpoint_status(), Some(409), "{err}");
        let message = err.aps_error().unwrap().message.clone();
        assert!(message.contains("acme.mail.provider.example"), "{message}");
        w.sim.retrieve(shared.id().unwrap()).await.unwrap();

        for id in [eve.id().unwrap(), sub.id().unwrap(), beta.id().unwrap()] {
            w.sim.unprovision(id).await.unwrap();
        }
        assert!(
            !mappings(&w, c.context_id)
                .await
                .contains("acme.mail.provider.example")
        );
        assert!(
            !mappings(&w, d.context_id)
                .await
                .contains("beta.mail.provider.example")
        );
        w.sim.unprovision(shared.id().unwrap()).await.unwrap();
        w.node.node.shutdown().await;
    }
}

#[tokio::test]
async fn bad_domain_input_is_refused_and_changes_nothing() {
    let w = World::start(Backend::Sqlite).await;
    let basic = w.profile("Basic", "webmail", 512).await;
    let a = w.customer("example.org", &basic).await;
    let b = w.customer("example.info", &basic).await;
    w.user(&a, "ada@example.org", json!({})).await;
    let sales = w
        .provision(
            "subdomain",
            json!({"label": "sales", "domain": link(&a.domain_id)}),
        )
        .await;
    let shared = w
        .provision(
            "shareddomain",
            json!({"name": "shared.example", "globals": link(&w.instance.id)}),
        )
        .await;
    let sd = shared.id().unwrap().to_owned();
    w.provision(
        "sharedsubdomain",
        json!({"label": "acme", "tenant": link(&a.tenant_id), "shareddomain": link(&sd)}),
    )
    .await;
    let snapshot = || async {
        (
            mappings(&w, a.context_id).await,
            mappings(&w, b.context_id).await,
            records(&w, &a.zone_id),
            records(&w, &b.zone_id),
            w.node.count("resources").await,
        )
    };
    let brand = json!({"name": "reseller1", "globals": link(&w.instance.id)});
    let brand = w.provision("brand", brand).await;
    let reserved = json!({"name": "reseller1.example", "globals": link(&w.instance.id), "brand": link(brand.id().unwrap())});
    let reserved = w.provision("shareddomain", reserved).await;
    let before = snapshot().await;

    let sub = |label: &str, catch_all: &str| {
        let body = json!({"label": label, "catchAll": catch_all, "domain": link(&a.domain_id)});
        ("subdomain", body)
    };
    let dom = |name: &str, catch_all: &str| {
        let body = json!({"name": name, "catchAll": catch_all, "tenant": link(&b.tenant_id)});
        ("domain", body)
    };
    let shared_dom = |name: &str| {
        let body = json!({"name": name, "globals": link(&w.instance.id)});
        ("shareddomain", body)
    };
    let shared_sub = |label: &str, catch_all: &str| {
        let body = json!({"label": label, "catchAll": catch_all, "tenant": link(&b.tenant_id), "shareddomain": link(&sd)});
        ("sharedsubdomain", body)
    };
    let long = "x".repeat(2049);
    let not_a_domain = json!({"label": "x", "domain": link(&a.tenant_id)});
    let other_brand = json!({"label": "x", "tenant": link(&b.tenant_id), "shareddomain": link(reserved.id().unwrap())});
    let cases = [
        (sub("bad_label", ""), 400, "not a valid subdomain"),
        (sub("a.b", ""), 400, "not a valid subdomain"),
        (sub("-x", ""), 400, "not a valid subdomain"),
        (sub("autodiscover", ""), 400, "reserved"),
        (sub(&"x".repeat(64), ""), 400, "at most 63"),
        (sub("sales", ""), 409, "already in use"),
        (sub("x", "ada@example.info"), 400, "must be an address in"),
        (sub("x", "nobody@example.org"), 400, "not a mailbox"),
        (sub("x", &long), 400, "at most 2048"),
        (("subdomain", not_a_domain), 400, "does not exist"),
        (dom("example.org", ""), 409, "already in use"),
        (dom("sales.example.org", ""), 409, "already in use"),
        (dom("x.shared.example", ""), 409, "shared domain"),
        (dom("bad_domain", ""), 400, "not a valid domain"),
        (
            dom("new.example.info", "ada@example.org"),
            400,
            "must be an address in",
        ),
        (dom("new.example.info", &long), 400, "at most 2048"),
        (shared_dom("bad..name"), 400, "not a valid domain"),
        (shared_dom("info"), 400, "not a valid domain"),
        (shared_dom("Shared.Example"), 409, "already in use"),
        (shared_dom("example.info"), 409, "already in use"),
        (shared_sub("acme", ""), 409, "already in use"),
        (shared_sub("a b", ""), 400, "not a valid subdomain"),
        (
            shared_sub("beta", "x@beta.shared.example"),
            400,
            "not a mailbox",
        ),
        (
            shared_sub("beta", "ada@example.org"),
            400,
            "must be an address in",
        ),
        (("sharedsubdomain", other_brand), 400, "another brand"),
    ];
    for ((service, body), status, expected) in cases {
        let err = w.try_provision(service, body.clone()).await.unwrap_err();
        assert_eq!(
            err.endpoint_status(),
            Some(status),
            "{service} {body}: {err}"
        );
        let message = err.aps_error().unwrap().message.clone();
        assert!(
            message.contains(expected),
            "{service} {body}: {expected:?} not in {message:?}"
        );
    }
    // Changes: a catch-all that is not a mailbox or outside, a new label.
    for change in [
        json!({"catchAll": "nobody@example.org"}),
        json!({"catchAll": "ada@example.info"}),
        json!({"label": "renamed"}),
    ] {
        let err = w
            .sim
            .configure(sales.id().unwrap(), change.clone())
            .await
            .unwrap_err();
        assert_eq!(err.endpoint_status(), Some(400), "{change}: {err}");
    }
    // Moving a subdomain to another customer's domain.
    let err = w
        .sim
        .link(sales.id().unwrap(), "domain", &b.domain_id)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    let err = w
        .sim
        .configure(&a.domain_id, json!({"catchAll": "nobody@example.org"}))
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    assert_eq!(catch_all(&w, &a.domain_id).await, "");
    w.settle().await;
    assert_eq!(
        snapshot().await,
        before,
        "a refused request changed something"
    );
    w.node.node.shutdown().await;
}
