//! `/aps/2/resources` over REST: RQL, CRUD, revisions, impersonation.

use aps::rql;
use apsc_sim::type_ids::{CORE_USER, NOTIFICATION_MANAGER, PA_DNS_ZONE, PA_SERVICE_USER};
use apsc_sim::{AccountSpec, ServiceUserSpec};
use serde_json::{Value, json};

use crate::common::{Fixture, fixture, rest, url};

struct People {
    acme: String,
    other: String,
    b1: String,
}

fn people(f: &Fixture) -> People {
    let acme = f
        .sim
        .create_account(AccountSpec::new("ACME Corp & Co"))
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let other = f
        .sim
        .create_account(AccountSpec::new("Other"))
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    f.sim
        .create_service_user(&acme, ServiceUserSpec::new("a1@acme.test", "Ann", "One"))
        .unwrap();
    f.sim
        .create_service_user(&acme, ServiceUserSpec::new("a2@acme.test", "Al", "Two"))
        .unwrap();
    let b1 = f
        .sim
        .create_service_user(&other, ServiceUserSpec::new("b1@other.test", "Bo", "Three"))
        .unwrap();
    People {
        acme,
        other,
        b1: b1.id().unwrap().to_owned(),
    }
}

async fn query(f: &Fixture, q: &str, resource_id: Option<&str>) -> (Vec<Value>, String) {
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let mut req = client.get(url(&f.sim, &format!("aps/2/resources?{q}")));
    if let Some(id) = resource_id {
        req = req.header("APS-Resource-ID", id);
    }
    let response = req.send().await.unwrap();
    assert_eq!(response.status(), 200, "{q}");
    let range = response
        .headers()
        .get("content-range")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    (response.json().await.unwrap(), range)
}

fn logins(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["login"].as_str().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn rql_queries_over_rest_honour_the_type_hierarchy() {
    let f = fixture().await;
    let p = people(&f);
    let users = format!("implementing({CORE_USER})");
    assert_eq!(query(&f, &users, None).await.0.len(), 3);
    assert_eq!(
        query(
            &f,
            "implementing(http://aps-standard.org/types/core/contact/1.0)",
            None
        )
        .await
        .0
        .len(),
        3
    );
    let (one, _) = query(
        &f,
        &format!("implementing({PA_SERVICE_USER}),eq(email,a1@acme.test)"),
        None,
    )
    .await;
    assert_eq!(logins(&one), ["a1@acme.test"]);
    assert_eq!(
        query(&f, &format!("and({users},like(login,*@ACME.test))"), None)
            .await
            .0
            .len(),
        2
    );
    let (either, _) = query(
        &f,
        "or(eq(login,a1@acme.test),eq(login,b1@other.test))",
        None,
    )
    .await;
    assert_eq!(either.len(), 2);
    let (others, _) = query(&f, &format!("{users},not(like(login,*@acme.test))"), None).await;
    assert_eq!(logins(&others), ["b1@other.test"]);
    let (page, range) = query(&f, &format!("{users},sort(-login),limit(0,2)"), None).await;
    assert_eq!(logins(&page), ["b1@other.test", "a2@acme.test"]);
    assert_eq!(range, "items 0-1/3");
    let (selected, _) = query(
        &f,
        &format!("{users},eq(login,b1@other.test),select(login,organization)"),
        None,
    )
    .await;
    assert_eq!(selected[0]["organization"]["companyName"], "Other");
    assert!(selected[0].get("email").is_none() && selected[0]["aps"]["id"] == p.b1.as_str());
    assert_eq!(
        query(&f, &format!("{users},eq(aps.status,aps:ready)"), None)
            .await
            .0
            .len(),
        3
    );
    let (nm, _) = query(&f, &format!("implementing({NOTIFICATION_MANAGER})"), None).await;
    assert_eq!(nm[0]["aps"]["id"], f.sim.notification_manager_id().as_str());

    let built = rql::and([
        rql::implementing("http://aps-standard.org/types/core/account/1.0"),
        rql::eq("companyName", "ACME Corp & Co"),
    ]);
    let (acme, _) = query(&f, &built.to_string(), None).await;
    assert_eq!(acme.len(), 1);
    assert_eq!(acme[0]["aps"]["id"], p.acme.as_str());
    let fiql = query(&f, "companyName=eq=Other", None).await.0;
    assert_eq!(fiql[0]["aps"]["id"], p.other.as_str());
}

#[tokio::test]
async fn crud_bumps_revisions_and_statuses() {
    let f = fixture().await;
    let p = people(&f);
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let created: Value = client
        .post(url(&f.sim, "aps/2/resources"))
        .json(&json!({"aps": {"type": PA_DNS_ZONE}, "name": "acme.test", "account": {"aps": {"id": p.acme}}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["aps"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["aps"]["status"], "aps:ready");
    assert_eq!(created["account"]["aps"]["id"], p.acme.as_str());
    assert_eq!(created["records"]["aps"]["link"], "collection");
    assert!(created["aps"]["modified"].as_str().unwrap().ends_with('Z'));
    assert!(
        created["aps"]["schema"]
            .as_str()
            .unwrap()
            .starts_with("/aps/2/types/")
    );
    let before = created["aps"]["revision"].as_i64().unwrap();

    let updated: Value = client
        .put(url(&f.sim, &format!("aps/2/resources/{id}")))
        .json(&json!({"nameServers": ["ns1.acme.test"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["aps"]["revision"].as_i64(), Some(before + 1));
    assert_eq!(updated["nameServers"][0], "ns1.acme.test");
    let fetched: Value = client
        .get(url(&f.sim, &format!("aps/2/resources/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, updated);

    let deleted = client
        .delete(url(&f.sim, &format!("aps/2/resources/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let gone = client
        .get(url(&f.sim, &format!("aps/2/resources/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn impersonation_hides_other_accounts() {
    let f = fixture().await;
    let p = people(&f);
    let (mine, _) = query(&f, &format!("implementing({CORE_USER})"), Some(&p.acme)).await;
    assert_eq!(logins(&mine).len(), 2);
    assert!(logins(&mine).iter().all(|l| l.ends_with("@acme.test")));
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let foreign = client
        .get(url(&f.sim, &format!("aps/2/resources/{}", p.b1)))
        .header("APS-Resource-ID", &p.acme)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
    let own = client
        .get(url(&f.sim, &format!("aps/2/resources/{}", p.b1)))
        .header("APS-Resource-ID", &p.b1)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let unknown = client
        .get(url(&f.sim, "aps/2/resources"))
        .header("APS-Resource-ID", "no-such")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(
        f.sim
            .transaction_log()
            .iter()
            .any(|c| c.resource_id.as_deref() == Some(p.acme.as_str()))
    );
}
