//! Admin REST API: authentication, statuses and OX's write semantics.

use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn rest_requires_basic_auth() {
    let ad = Ad::start(Some("")).await;
    let q = "/config/package?reseller=default&package=default";
    let body = Some("{\"a\":1}");
    assert_eq!(ad.rest_as("PUT", q, body, None).await.0, 401);
    assert_eq!(
        ad.rest_as("PUT", q, body, Some((REST_LOGIN, "nope")))
            .await
            .0,
        401
    );
    assert_eq!(
        ad.rest_as("PUT", q, body, Some(("x", REST_PW))).await.0,
        401
    );
    assert_eq!(ad.rest("PUT", q, body).await.0, 201);

    // Without configured REST credentials the API is closed.
    let t = T::new().await;
    let r = t
        .http
        .put(format!("{}/advertisement/v1{q}", t.sim.base_url()))
        .basic_auth("", Some(""))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn package_statuses_follow_ox_write_semantics() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 10, None).await;
    create_user(&ad.t, 10, "u1").await;
    let q = "/config/package?reseller=default&package=default";
    // no mapping + null -> IGNORED (200)
    assert_eq!(ad.rest("PUT", q, Some("null")).await.0, 200);
    assert_eq!(
        ad.served("u1@c10.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
    // no mapping + config -> CREATED (201)
    assert_eq!(ad.rest("PUT", q, Some("{\"v\":1}")).await.0, 201);
    assert_eq!(ad.served("u1@c10.example").await, Ok(json!({"v": 1})));
    // mapping + config -> UPDATED (200)
    assert_eq!(ad.rest("PUT", q, Some("[1,2]")).await.0, 200);
    assert_eq!(ad.served("u1@c10.example").await, Ok(json!([1, 2])));
    // mapping whose config row vanished -> CREATED again (re-pointed)
    ad.sql("DELETE FROM advertisement_config").await;
    assert_eq!(ad.rest("PUT", q, Some("{\"v\":3}")).await.0, 201);
    assert_eq!(ad.served("u1@c10.example").await, Ok(json!({"v": 3})));
    // mapping + null -> DELETED (204)
    assert_eq!(ad.rest("PUT", q, Some("null")).await.0, 204);
    assert_eq!(
        ad.served("u1@c10.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
    // DELETE answers 204 whether or not something existed
    assert_eq!(ad.rest("DELETE", q, None).await.0, 204);
    assert_eq!(ad.rest("PUT", q, Some("{\"v\":4}")).await.0, 201);
    assert_eq!(ad.rest("DELETE", q, None).await.0, 204);
    assert_eq!(
        ad.served("u1@c10.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
    // empty reseller and package mean "default"
    assert_eq!(
        ad.rest(
            "PUT",
            "/config/package?reseller=&package=",
            Some("{\"v\":5}")
        )
        .await
        .0,
        201
    );
    assert_eq!(
        ad.rest("PUT", "/config/package", Some("{\"v\":6}")).await.0,
        200
    );
    assert_eq!(ad.served("u1@c10.example").await, Ok(json!({"v": 6})));
    // not JSON -> 400
    assert_eq!(ad.rest("PUT", q, Some("{oops")).await.0, 400);
}

#[tokio::test]
async fn reseller_bulk_answers_per_item_statuses() {
    let ad = Ad::start(Some("")).await;
    let q = "/config/reseller?reseller=brandx";
    let statuses = |b: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(b).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["status"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, b) = ad
        .rest(
            "PUT",
            q,
            Some(r#"[{"package":"free","config":{"a":1}},{"package":"paid","config":null}]"#),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(statuses(&b), ["CREATED", "IGNORED"]);
    let (s, b) = ad
        .rest(
            "PUT",
            q,
            Some(r#"[{"package":"free","config":{"a":2}},{"package":"free","config":null},{"package":"x","config":[1]}]"#),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(statuses(&b), ["UPDATED", "DELETED", "CREATED"]);
    assert_eq!(ad.rest("PUT", q, Some("[]")).await, (200, "[]".to_string()));
    assert_eq!(ad.rest("PUT", q, Some(r#"{"package":"a"}"#)).await.0, 400);
    assert_eq!(ad.rest("PUT", q, Some("[1]")).await.0, 400);
    assert_eq!(ad.rest("PUT", q, Some(r#"[{"package":7}]"#)).await.0, 400);
    // The package written through the bulk call is the one the single call sees.
    ad.put_package("brandx", "x", json!([2]), 200).await;
}

#[tokio::test]
async fn preview_statuses_and_parameters() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 11, None).await;
    let uid = create_user(&ad.t, 11, "p1").await;
    let by_id = format!("/config/user?contextId=11&userId={uid}");
    assert_eq!(ad.rest("PUT", &by_id, Some("null")).await.0, 200);
    assert_eq!(ad.rest("PUT", &by_id, Some("{\"p\":1}")).await.0, 201);
    // ctxId is accepted as well
    let legacy = format!("/config/user?ctxId=11&userId={uid}");
    assert_eq!(ad.rest("PUT", &legacy, Some("{\"p\":2}")).await.0, 200);
    assert_eq!(ad.served("p1@c11.example").await, Ok(json!({"p": 2})));
    // by login name: the same preview
    let by_name = "/config/name?name=p1&contextId=11";
    assert_eq!(ad.rest("PUT", by_name, Some("{\"p\":3}")).await.0, 200);
    assert_eq!(ad.served("p1@c11.example").await, Ok(json!({"p": 3})));
    assert_eq!(ad.rest("DELETE", by_name, None).await.0, 204);
    assert_eq!(
        ad.served("p1@c11.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
    assert_eq!(ad.rest("DELETE", &by_id, None).await.0, 204);
    // unknown users and bad parameters
    assert_eq!(
        ad.rest("PUT", "/config/user?contextId=11&userId=99", Some("{}"))
            .await
            .0,
        404
    );
    assert_eq!(
        ad.rest("PUT", "/config/name?name=nobody&contextId=11", Some("{}"))
            .await
            .0,
        404
    );
    assert_eq!(
        ad.rest("PUT", "/config/user?contextId=x&userId=1", Some("{}"))
            .await
            .0,
        400
    );
    assert_eq!(
        ad.rest("PUT", "/config/user?userId=1", Some("{}")).await.0,
        400
    );
}
