//! The customer control panel in a real browser: a world (a customer with a domain, a free
//! profile that upgrades to a paid one, an OX user and a group), the package's files from
//! `oxaps::package::files`, apsc-sim's preview of them, and the browser flows
//! (`tests/browser/run.mjs`: headless Debian chromium via playwright-core) run against it.
//! Screenshots go to `target/screenshots/`.
//!
//! Without `/usr/bin/chromium` or `tests/browser/node_modules/playwright-core` the test is
//! skipped with a notice, unless `OXAPS_TEST_REQUIRE_BROWSER=1` (CI), which makes that a failure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use apsc_sim::{PreviewSpec, ServiceUserSpec};
use serde_json::json;

use crate::harness::Backend;
use crate::world::{World, link};

const CHROMIUM: &str = "/usr/bin/chromium";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// `None` when the browser tests can run; otherwise what is missing.
fn missing_tools() -> Option<String> {
    let chromium = std::env::var("OXAPS_TEST_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    if !Path::new(&chromium).exists() {
        return Some(format!("{chromium} (apt-get install chromium)"));
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        return Some(format!(
            "playwright-core (npm ci in {})",
            browser_dir().display()
        ));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_panel_flows_in_a_browser() {
    if let Some(missing) = missing_tools() {
        assert!(
            std::env::var("OXAPS_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "OXAPS_TEST_REQUIRE_BROWSER=1 but {missing} is missing"
        );
        eprintln!("SKIPPED control_panel_flows_in_a_browser: {missing} is missing");
        return;
    }
    let w = World::start(Backend::Sqlite).await;
    let free = w.profile("Free", "webmail", 1024).await;
    let paid = w.profile("Paid", "groupware_premium", 10240).await;
    w.sim.link(&free, "upgradeTo", &paid).await.unwrap();
    let c = w.customer("example.com", &free).await;
    let ada = w.user(&c, "ada@example.com", json!({})).await;
    let group = w
        .provision(
            "group",
            json!({"name": "Sales", "displayName": "Sales team", "tenant": link(&c.tenant_id)}),
        )
        .await;
    w.sim
        .link(group.id().unwrap(), "members", ada.id().unwrap())
        .await
        .unwrap();
    let mut admin = ServiceUserSpec::new("admin@example.com", "Alex", "Admin");
    admin.is_account_admin = true;
    let admin = w.sim.create_service_user(&c.account_id, admin).unwrap();
    w.settle().await;

    let files = oxaps::package::files(&Default::default()).expect("package files");
    let preview = w
        .sim
        .start_preview(PreviewSpec {
            files,
            account_id: c.account_id.clone(),
            user_id: admin.id().unwrap().to_owned(),
            locale: "en".into(),
        })
        .await
        .unwrap();
    eprintln!("control panel preview: {}", preview.url);

    let world = json!({
        "accountId": c.account_id,
        "tenantId": c.tenant_id,
        "domainId": c.domain_id,
        "domain": "example.com",
        "freeProfileId": free,
        "paidProfileId": paid,
        "existingUserId": ada.id(),
        "existingLogin": "ada@example.com",
        "groupId": group.id(),
        "adminUserId": admin.id(),
    });
    let screenshots = std::env::var("OXAPS_TEST_SCREENSHOTS").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/screenshots")
            .display()
            .to_string()
    });
    let mut node = tokio::process::Command::new("node");
    node.arg(browser_dir().join("run.mjs"))
        .current_dir(browser_dir())
        .env("OXAPS_TEST_PREVIEW_URL", &preview.url)
        .env("OXAPS_TEST_WORLD", world.to_string())
        .env("OXAPS_TEST_SCREENSHOTS", &screenshots)
        .kill_on_drop(true);
    // The world keeps serving while node runs: the run is awaited on this runtime.
    let status = tokio::time::timeout(Duration::from_secs(600), node.status())
        .await
        .expect("the browser flows did not finish within 10 minutes")
        .expect("running node");
    assert!(
        status.success(),
        "browser flows failed ({status}); see the output above and the FAILED-*.png in {screenshots}"
    );
}

/// The preview is a customer's session: it reaches the customer's resources, not the provider's
/// secrets, other APIs or other accounts, and only from its own origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_is_a_customer_session() {
    let w = World::start(Backend::Sqlite).await;
    let free = w.profile("Free", "webmail", 1024).await;
    let c = w.customer("example.com", &free).await;
    let other = w.customer("other.example", &free).await;
    let mut admin = ServiceUserSpec::new("admin@example.com", "Alex", "Admin");
    admin.is_account_admin = true;
    let admin = w.sim.create_service_user(&c.account_id, admin).unwrap();
    w.settle().await;
    let preview = w
        .sim
        .start_preview(PreviewSpec {
            files: oxaps::package::files(&Default::default()).expect("package files"),
            account_id: c.account_id.clone(),
            user_id: admin.id().unwrap().to_owned(),
            locale: "en".into(),
        })
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(aps::tls::client_config(None, &aps::tls::ServerTrust::Any).unwrap())
        .build()
        .unwrap();
    let get = |path: &str| http.get(format!("{}{}", preview.url, path.trim_start_matches('/')));

    // The customer's own resources are there.
    let tenant = get(&format!("/aps/2/resources/{}", c.tenant_id))
        .send()
        .await
        .unwrap();
    assert_eq!(tenant.status(), 200);
    let tenant: serde_json::Value = tenant.json().await.unwrap();
    assert_eq!(tenant["aps"]["id"], c.tenant_id.as_str());
    assert!(
        tenant.get("adminPassword").is_none(),
        "encrypted properties never reach the browser: {tenant}"
    );

    // Provider-only APIs are closed.
    for path in [
        "/aps/2/applications",
        "/aps/2/services/periodic-task-manager/tasks",
    ] {
        let r = get(path).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    // Another account's resources cannot be changed.
    let r = http
        .put(format!(
            "{}aps/2/resources/{}",
            preview.url, other.tenant_id
        ))
        .json(&json!({"fileQuotaMb": 1}))
        .send()
        .await
        .unwrap();
    assert!(
        r.status() == 403 || r.status() == 404,
        "changing another account's tenant: {}",
        r.status()
    );
    // A page on another origin cannot use the session.
    let r = http
        .post(format!("{}aps/2/resources", preview.url))
        .header("Origin", "http://evil.example")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = get("/aps/2/resources")
        .header("Host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "DNS rebinding: a foreign Host");
}
