//! Hosted domains (DNS zones) and their records, created and deleted by the endpoint.

use apsc_sim::AccountSpec;
use apsc_sim::type_ids::{DNS_RECORD, dns_record, pa_dns_record};
use serde_json::{Value, json};

use crate::common::{fixture, rest, url};

#[tokio::test]
async fn endpoint_manages_records_of_a_customer_zone() {
    let f = fixture().await;
    let account = f.sim.create_account(AccountSpec::new("ACME")).unwrap();
    let zone = f
        .sim
        .create_dns_zone(account.id().unwrap(), "acme.test.")
        .unwrap();
    let zone_id = zone.id().unwrap().to_owned();
    assert_eq!(zone.str_prop("name"), Some("acme.test"));
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let post = |path: String, body: Value| {
        let client = client.clone();
        let u = url(&f.sim, &path);
        async move { client.post(u).json(&body).send().await.unwrap() }
    };

    let mx = post(
        format!("aps/2/resources/{zone_id}/records"),
        json!({"aps": {"type": dns_record("mx")}, "source": "", "priority": 10, "exchange": "mx.ox.example."}),
    )
    .await;
    assert_eq!(mx.status(), 200);
    let mx: Value = mx.json().await.unwrap();
    assert_eq!(mx["zone"]["aps"]["id"], zone_id.as_str());
    let a = post("aps/2/resources".into(), json!({"aps": {"type": pa_dns_record("a")}, "zone": "acme.test", "source": "mail.acme.test.", "address": "192.0.2.10"})).await;
    assert_eq!(a.status(), 200);
    for body in [
        json!({"aps": {"type": pa_dns_record("cname")}, "zone": {"aps": {"id": zone_id}}, "source": "webmail", "cname": "ox.example."}),
        json!({"aps": {"type": pa_dns_record("txt")}, "zone": {"aps": {"id": zone_id}}, "source": "@", "txt_data": "v=spf1 include:ox.example ~all", "TTL": 300}),
    ] {
        assert_eq!(post("aps/2/resources".into(), body).await.status(), 200);
    }

    let records = f.sim.dns_records(&zone_id);
    let mut summary: Vec<(String, String, String)> = records
        .iter()
        .map(|r| (r.kind.clone(), r.source_fqn.clone(), r.data.clone()))
        .collect();
    summary.sort();
    assert_eq!(
        summary,
        [
            ("a".into(), "mail.acme.test.".into(), "192.0.2.10".into()),
            (
                "cname".into(),
                "webmail.acme.test.".into(),
                "ox.example.".into()
            ),
            ("mx".into(), "acme.test.".into(), "mx.ox.example.".into()),
            (
                "txt".into(),
                "acme.test.".into(),
                "v=spf1 include:ox.example ~all".into()
            ),
        ]
    );
    assert!(records.iter().all(|r| r.rr_state == "active"));
    let txt = records.iter().find(|r| r.kind == "txt").unwrap();
    assert_eq!(txt.resource["TTL"], 300);
    assert_eq!(
        records.iter().find(|r| r.kind == "a").unwrap().source,
        "mail"
    );

    let listed: Value = client
        .get(url(&f.sim, &format!("aps/2/resources/{zone_id}/records")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 4);
    let q = format!("aps/2/resources?implementing({DNS_RECORD}),linkedWith({zone_id})");
    let linked: Value = client
        .get(url(&f.sim, &q))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(linked.as_array().unwrap().len(), 4);
    let q = format!("aps/2/resources?implementing({})", dns_record("mx"));
    let only_mx: Value = client
        .get(url(&f.sim, &q))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(only_mx.as_array().unwrap().len(), 1);

    let mx_id = mx["aps"]["id"].as_str().unwrap();
    assert_eq!(
        client
            .delete(url(&f.sim, &format!("aps/2/resources/{mx_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(f.sim.dns_records(&zone_id).len(), 3);

    let no_zone = post(
        "aps/2/resources".into(),
        json!({"aps": {"type": pa_dns_record("a")}, "source": "x", "address": "192.0.2.1"}),
    )
    .await;
    assert_eq!(no_zone.status(), 400);
    let unknown = post(
        "aps/2/resources".into(),
        json!({"aps": {"type": pa_dns_record("a")}, "zone": "nope.test", "address": "192.0.2.1"}),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(f.sim.dns_records(&zone_id).len(), 3);
}
