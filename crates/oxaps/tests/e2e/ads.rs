//! OX Display advertisement configurations managed from APS, against ox-sim's advertisement
//! service (scheme `AccessCombinations` for the reseller `default`): package configurations per
//! profile, a preview on one user, its roll-out, and removal, checked through OX's UI API.

use http::Method;
use serde_json::{Value, json};

use crate::harness::backends;
use crate::world::{Customer, World, link};

const PROPERTIES: &str =
    "com.openexchange.advertisement.default.packageScheme=AccessCombinations\n";

fn cfg(v: &Value) -> String {
    v.to_string()
}

/// What the `servedConfig` operation of a profile reports for a user.
async fn served(w: &World, profile: &str, user: &str) -> Value {
    w.sim
        .call_operation(
            Method::GET,
            profile,
            "servedConfig",
            Some(&format!("userId={user}")),
            None,
        )
        .await
        .unwrap()
}

/// What ox-sim's UI API serves a user, asked directly (`/ajax/login`, `/ajax/advertisement`).
async fn ajax(w: &World, login: &str, password: &str) -> Value {
    let ui = ox::ads::AdsClient::new(&ox::OxConfig::new(w.ox.base_url()), "", "").unwrap();
    let session: Value =
        serde_json::from_str(&ui.ui_login(login, password).await.unwrap()).unwrap();
    let session = session["session"].as_str().expect("session");
    serde_json::from_str(&ui.ui_advertisement(session).await.unwrap()).unwrap()
}

async fn op(w: &World, profile: &str, name: &str, body: Value) -> Value {
    let out = w
        .sim
        .call_operation(Method::POST, profile, name, None, Some(body))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    w.settle().await;
    out
}

struct U {
    id: String,
    login: String,
    password: String,
}

async fn user(w: &World, c: &Customer, login: &str) -> U {
    let u = w.user(c, login, json!({})).await;
    U {
        id: u.id().unwrap().to_owned(),
        login: login.to_owned(),
        password: u.props["password"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn free_and_paid_profiles_preview_rollout_and_removal() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start_ads(backend, dir.path(), PROPERTIES).await;
        let free_ads = json!({"banner": "free", "slots": 3});
        let paid_ads = json!({"banner": "paid", "slots": 0});
        let preview = json!({"banner": "preview", "slots": 1});

        // Invalid configurations are refused before anything is stored.
        for bad in ["{not json", "42"] {
            let r = w
                .try_provision("profile", json!({"name": "Bad", "accessCombination": "webmail", "adConfig": bad, "globals": link(&w.instance.id)}))
                .await;
            assert!(r.is_err(), "{bad} accepted");
        }
        let long = cfg(&json!({"x": "y".repeat(2100)}));
        assert!(
            w.try_provision("profile", json!({"name": "Long", "accessCombination": "webmail", "adConfig": long, "globals": link(&w.instance.id)}))
                .await
                .is_err()
        );

        let free = w
            .provision("profile", json!({"name": "Free", "accessCombination": "webmail", "adConfig": cfg(&free_ads), "globals": link(&w.instance.id)}))
            .await;
        let free = free.id().unwrap().to_owned();
        let paid = w
            .provision("profile", json!({"name": "Paid", "accessCombination": "groupware_premium", "adConfig": cfg(&paid_ads), "globals": link(&w.instance.id)}))
            .await;
        let paid = paid.id().unwrap().to_owned();
        let c1 = w.customer("free-ads.example", &free).await;
        let c2 = w.customer("paid-ads.example", &paid).await;
        let ada = user(&w, &c1, "ada@free-ads.example").await;
        let bob = user(&w, &c1, "bob@free-ads.example").await;
        let cy = user(&w, &c2, "cy@paid-ads.example").await;

        // Each package serves its own configuration, through the operation and directly.
        assert_eq!(served(&w, &free, &ada.id).await["config"], free_ads);
        assert_eq!(served(&w, &paid, &cy.id).await["config"], paid_ads);
        assert_eq!(ajax(&w, &ada.login, &ada.password).await["data"], free_ads);
        assert_eq!(ajax(&w, &cy.login, &cy.password).await["data"], paid_ads);

        // A preview on ada wins for ada only.
        op(
            &w,
            &free,
            "setPreview",
            json!({"userId": ada.id, "config": preview}),
        )
        .await;
        assert_eq!(ajax(&w, &ada.login, &ada.password).await["data"], preview);
        assert_eq!(ajax(&w, &bob.login, &bob.password).await["data"], free_ads);
        assert_eq!(served(&w, &free, &bob.id).await["config"], free_ads);
        // A preview user must have the profile.
        assert!(
            w.sim
                .call_operation(
                    Method::POST,
                    &paid,
                    "setPreview",
                    None,
                    Some(json!({"userId": ada.id, "config": preview}))
                )
                .await
                .is_err()
        );

        // Roll-out: the preview becomes the package's configuration, for everyone in it.
        op(&w, &free, "rollOutPreview", json!({"userId": ada.id})).await;
        assert_eq!(ajax(&w, &bob.login, &bob.password).await["data"], preview);
        assert_eq!(ajax(&w, &ada.login, &ada.password).await["data"], preview);
        assert_eq!(ajax(&w, &cy.login, &cy.password).await["data"], paid_ads);
        let stored = w.sim.retrieve(&free).await.unwrap();
        assert_eq!(
            stored.props["adConfig"].as_str(),
            Some(cfg(&preview).as_str())
        );
        assert!(stored.props.get("adPreviews").is_none_or(Value::is_null));
        // Nothing left to roll out.
        assert!(
            w.sim
                .call_operation(
                    Method::POST,
                    &free,
                    "rollOutPreview",
                    None,
                    Some(json!({"userId": ada.id}))
                )
                .await
                .is_err()
        );

        // Removal: OX has no configuration for the package any more.
        op(&w, &free, "removePackageConfig", json!({})).await;
        let gone = served(&w, &free, &bob.id).await;
        assert_eq!(gone["config"], Value::Null);
        assert_eq!(gone["code"], "ADVERTISEMENT-0002");
        assert_eq!(
            ajax(&w, &ada.login, &ada.password).await["code"],
            "ADVERTISEMENT-0002"
        );
        assert_eq!(ajax(&w, &cy.login, &cy.password).await["data"], paid_ads);

        // Clearing a profile's configuration by configure deletes it too.
        w.sim
            .configure(&paid, json!({"adConfig": ""}))
            .await
            .unwrap();
        w.settle().await;
        assert_eq!(
            served(&w, &paid, &cy.id).await["code"],
            "ADVERTISEMENT-0002"
        );
        // And setting it again puts it back.
        w.sim
            .configure(&paid, json!({"adConfig": cfg(&paid_ads)}))
            .await
            .unwrap();
        w.settle().await;
        assert_eq!(served(&w, &paid, &cy.id).await["config"], paid_ads);
    }
}

#[tokio::test]
async fn taxonomy_types_scheme_follows_the_profiles() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let props = "com.openexchange.advertisement.default.packageScheme=TaxonomyTypes\n\
                     com.openexchange.advertisement.default.taxonomy.types=basic,plus\n";
        let w = World::start_ads(backend, dir.path(), props).await;
        let basic_ads = json!({"tier": "basic"});
        let plus_ads = json!({"tier": "plus"});
        let basic = w
            .provision("profile", json!({"name": "Basic", "accessCombination": "webmail", "adConfig": cfg(&basic_ads), "globals": link(&w.instance.id)}))
            .await;
        let basic = basic.id().unwrap().to_owned();
        let plus = w
            .provision("profile", json!({"name": "Plus", "accessCombination": "groupware_premium", "adConfig": cfg(&plus_ads), "globals": link(&w.instance.id)}))
            .await;
        let plus = plus.id().unwrap().to_owned();
        let c1 = w.customer("basic-tax.example", &basic).await;
        let c2 = w.customer("plus-tax.example", &plus).await;
        let ann = user(&w, &c1, "ann@basic-tax.example").await;
        let ben = user(&w, &c2, "ben@plus-tax.example").await;
        // No taxonomy type on the contexts yet: package "default", which has no configuration.
        assert_eq!(
            served(&w, &basic, &ann.id).await["code"],
            "ADVERTISEMENT-0002"
        );

        // Naming the taxonomy types puts them on the users' contexts and the configurations
        // under those packages.
        w.sim
            .configure(&basic, json!({"taxonomyType": "basic"}))
            .await
            .unwrap();
        w.sim
            .configure(&plus, json!({"taxonomyType": "plus"}))
            .await
            .unwrap();
        w.settle().await;
        let ctx = w
            .ox_client()
            .contexts()
            .get_data(&ox::Context::with_id(c1.context_id), &w.master())
            .await
            .unwrap();
        assert_eq!(
            ctx.user_attributes
                .as_ref()
                .and_then(|a| a.get("taxonomy", "types")),
            Some("basic")
        );
        assert_eq!(served(&w, &basic, &ann.id).await["config"], basic_ads);
        assert_eq!(ajax(&w, &ben.login, &ben.password).await["data"], plus_ads);

        // Dropping the type removes the attribute and the package's configuration.
        w.sim
            .configure(&plus, json!({"taxonomyType": ""}))
            .await
            .unwrap();
        w.settle().await;
        assert_eq!(
            ajax(&w, &ben.login, &ben.password).await["code"],
            "ADVERTISEMENT-0002"
        );
        assert_eq!(served(&w, &basic, &ann.id).await["config"], basic_ads);

        // A new customer's first user on a profile with a taxonomy type tags the new context.
        let c3 = w.customer("new-tax.example", &basic).await;
        let dee = user(&w, &c3, "dee@new-tax.example").await;
        assert_eq!(served(&w, &basic, &dee.id).await["config"], basic_ads);
    }
}

#[tokio::test]
async fn brand_configuration_is_the_resellers_global_package() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let props = "com.openexchange.advertisement.acme.packageScheme=Global\n";
        let w = World::start_ads_with(backend, dir.path(), props, json!({"oxMode": "cloud"})).await;
        let global = json!({"brand": "acme"});
        assert!(
            w.try_provision(
                "brand",
                json!({"name": "bad", "adConfig": "[1", "globals": link(&w.instance.id)})
            )
            .await
            .is_err()
        );
        let brand = w.brand("acme", json!({"adConfig": cfg(&global)})).await;
        let brand = brand.id().unwrap().to_owned();
        let profile = w.profile("Std", "webmail", 100).await;
        let c = w
            .customer_of_brand("acme-ads.example", &profile, &brand)
            .await;
        let eve = user(&w, &c, "eve@acme-ads.example").await;
        assert_eq!(served(&w, &profile, &eve.id).await["config"], global);
        assert_eq!(ajax(&w, &eve.login, &eve.password).await["data"], global);

        w.sim
            .configure(&brand, json!({"adConfig": ""}))
            .await
            .unwrap();
        w.settle().await;
        assert_eq!(
            served(&w, &profile, &eve.id).await["code"],
            "ADVERTISEMENT-0002"
        );
    }
}

/// `oxaps ads ...` against the database of a running node, as an operator without the panel.
#[tokio::test]
async fn operators_manage_configurations_with_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::start_ads(crate::harness::Backend::Sqlite, dir.path(), PROPERTIES).await;
    let profile = w
        .provision("profile", json!({"name": "Free", "accessCombination": "webmail", "adConfig": cfg(&json!({"v": 1})), "globals": link(&w.instance.id)}))
        .await;
    let profile = profile.id().unwrap().to_owned();
    let c = w.customer("cli-ads.example", &profile).await;
    let ada = user(&w, &c, "ada@cli-ads.example").await;
    // Async: the simulators run on this test's runtime and must answer the command meanwhile.
    let oxaps = async |args: &[&str]| {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oxaps"))
            .args(["ads"])
            .args(args)
            .env("OXAPS_DATABASE_URL", &w.node.database_url)
            .env("OXAPS_DATA_DIR", w.node.dir.path())
            .env("OXAPS_LOG", "error")
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "oxaps ads {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    oxaps(&["set", "--profile", &profile, "--json", r#"{"v": 2}"#]).await;
    assert_eq!(
        served(&w, &profile, &ada.id).await["config"],
        json!({"v": 2})
    );
    oxaps(&[
        "preview",
        "--profile",
        &profile,
        "--user",
        &ada.id,
        "--json",
        r#"{"v": 3}"#,
    ])
    .await;
    let shown = oxaps(&["served", "--profile", &profile, "--user", &ada.id]).await;
    assert!(shown.contains("\"v\": 3"), "{shown}");
    oxaps(&["rollout", "--profile", &profile, "--user", &ada.id]).await;
    assert_eq!(
        served(&w, &profile, &ada.id).await["config"],
        json!({"v": 3})
    );
    oxaps(&["remove", "--profile", &profile]).await;
    assert_eq!(
        served(&w, &profile, &ada.id).await["code"],
        "ADVERTISEMENT-0002"
    );
}
