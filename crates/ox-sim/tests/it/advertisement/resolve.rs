//! What users get through /ajax/login + /ajax/advertisement, per scheme and brand.

use serde_json::json;

use super::*;

#[tokio::test]
async fn login_and_error_envelopes() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 20, None).await;
    let uid = create_user(&ad.t, 20, "u").await;
    // wrong password, unknown user, unknown context
    for (n, p) in [
        ("u@c20.example", "bad"),
        ("x@c20.example", "pw"),
        ("u@nowhere", "pw"),
    ] {
        let r: serde_json::Value =
            ad.t.http
                .get(ad.url(&format!("/ajax/login?action=login&name={n}&password={p}")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(r["code"], "LGI-0006", "{n}: {r}");
        assert!(r.get("session").is_none());
    }
    // GET with query parameters works too; the context name works as the domain part
    let r: serde_json::Value =
        ad.t.http
            .get(ad.url("/ajax/login?action=login&name=u@ctx20&password=pw"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let session = r["session"].as_str().unwrap().to_string();
    assert_eq!(r["user_id"], uid);
    assert_eq!(r["context_id"], 20);
    let miss = ad.get(&session).await;
    assert_eq!(miss["code"], "ADVERTISEMENT-0002");
    assert_eq!(
        miss["error"],
        "No valid configurations available for user %s in context %s"
    );
    assert_eq!(miss["error_params"], json!([uid, 20]));
    assert_eq!(miss["category"], 1);
    assert!(miss.get("data").is_none());
    let expired = ad.get("nosuchsession").await;
    assert_eq!(expired["code"], "SES-0203");
}

#[tokio::test]
async fn feature_is_off_without_properties_file() {
    let ad = Ad::start(None).await;
    context(&ad.t, 21, None).await;
    create_user(&ad.t, 21, "u").await;
    ad.put_package("default", "default", json!({"x": 1}), 201)
        .await;
    assert_eq!(
        ad.served("u@c21.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
}

#[tokio::test]
async fn global_scheme_serves_default_package() {
    let ad = Ad::start(Some("# nothing configured: Global\n")).await;
    context(&ad.t, 22, None).await;
    user_with(&ad.t, 22, "a", "webmail").await;
    user_with(&ad.t, 22, "b", "groupware_premium").await;
    ad.put_package("default", "default", json!({"g": 1}), 201)
        .await;
    ad.put_package("default", "webmail", json!({"w": 1}), 201)
        .await;
    assert_eq!(ad.served("a@c22.example").await, Ok(json!({"g": 1})));
    assert_eq!(ad.served("b@c22.example").await, Ok(json!({"g": 1})));
}

#[tokio::test]
async fn access_combination_scheme_per_user() {
    let ad = Ad::start(Some(
        "com.openexchange.advertisement.default.packageScheme=AccessCombinations\n",
    ))
    .await;
    context(&ad.t, 23, None).await;
    user_with(&ad.t, 23, "free", "webmail").await;
    user_with(&ad.t, 23, "paid", "groupware_premium").await;
    user_with(&ad.t, 23, "mid", "pim").await;
    ad.put_package("default", "webmail", json!({"ads": "many"}), 201)
        .await;
    ad.put_package("default", "groupware_premium", json!({"ads": "none"}), 201)
        .await;
    assert_eq!(
        ad.served("free@c23.example").await,
        Ok(json!({"ads": "many"}))
    );
    assert_eq!(
        ad.served("paid@c23.example").await,
        Ok(json!({"ads": "none"}))
    );
    // No fallback to (default, default) for a package without a config.
    ad.put_package("default", "default", json!({"ads": "fallback"}), 201)
        .await;
    assert_eq!(
        ad.served("mid@c23.example").await,
        Err("ADVERTISEMENT-0002".into())
    );
}

#[tokio::test]
async fn brands_get_their_own_configs() {
    let ad = Ad::start(Some(
        "com.openexchange.advertisement.brand1.packageScheme=AccessCombinations\n\
         com.openexchange.advertisement.brand2.packageScheme=Global\n",
    ))
    .await;
    reseller(&ad.t, "brand1").await;
    reseller(&ad.t, "brand2").await;
    reseller_context(&ad.t, 30, "brand1").await;
    reseller_context(&ad.t, 31, "brand2").await;
    context(&ad.t, 32, None).await;
    user_with(&ad.t, 30, "u", "webmail").await;
    user_with(&ad.t, 30, "v", "groupware_premium").await;
    user_with(&ad.t, 31, "u", "webmail").await;
    user_with(&ad.t, 32, "u", "webmail").await;
    ad.put_package("brand1", "webmail", json!({"b": "1w"}), 201)
        .await;
    ad.put_package("brand1", "groupware_premium", json!({"b": "1p"}), 201)
        .await;
    ad.put_package("brand2", "default", json!({"b": "2"}), 201)
        .await;
    ad.put_package("default", "default", json!({"b": "none"}), 201)
        .await;
    assert_eq!(ad.served("u@c30.example").await, Ok(json!({"b": "1w"})));
    assert_eq!(ad.served("v@c30.example").await, Ok(json!({"b": "1p"})));
    assert_eq!(ad.served("u@c31.example").await, Ok(json!({"b": "2"})));
    assert_eq!(ad.served("u@c32.example").await, Ok(json!({"b": "none"})));
}

#[tokio::test]
async fn taxonomy_scheme_uses_first_configured_type() {
    let ad = Ad::start(Some(
        "com.openexchange.advertisement.default.packageScheme=TaxonomyTypes\n\
         com.openexchange.advertisement.default.taxonomy.types=freemail,paidmail\n",
    ))
    .await;
    context(&ad.t, 40, Some("freemail")).await;
    context(&ad.t, 41, Some("other, paidmail,freemail")).await;
    context(&ad.t, 42, Some("other")).await;
    for cid in [40, 41, 42] {
        create_user(&ad.t, cid, "u").await;
    }
    ad.put_package("default", "freemail", json!({"t": "free"}), 201)
        .await;
    ad.put_package("default", "paidmail", json!({"t": "paid"}), 201)
        .await;
    ad.put_package("default", "default", json!({"t": "default"}), 201)
        .await;
    assert_eq!(ad.served("u@c40.example").await, Ok(json!({"t": "free"})));
    // "first of the configured types" found: freemail is listed first in the properties
    assert_eq!(ad.served("u@c41.example").await, Ok(json!({"t": "free"})));
    assert_eq!(
        ad.served("u@c42.example").await,
        Ok(json!({"t": "default"}))
    );
}

#[tokio::test]
async fn preview_wins_for_that_user_only() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 50, None).await;
    let a = create_user(&ad.t, 50, "a").await;
    create_user(&ad.t, 50, "b").await;
    ad.put_package("default", "default", json!({"pkg": 1}), 201)
        .await;
    let q = format!("/config/user?contextId=50&userId={a}");
    assert_eq!(ad.rest("PUT", &q, Some("{\"preview\":1}")).await.0, 201);
    assert_eq!(ad.served("a@c50.example").await, Ok(json!({"preview": 1})));
    assert_eq!(ad.served("b@c50.example").await, Ok(json!({"pkg": 1})));
    assert_eq!(
        ad.rest(
            "PUT",
            "/config/name?name=b&contextId=50",
            Some("{\"preview\":2}")
        )
        .await
        .0,
        201
    );
    assert_eq!(ad.served("b@c50.example").await, Ok(json!({"preview": 2})));
    // rolling the preview out and deleting it: everybody gets the package
    ad.put_package("default", "default", json!({"preview": 1}), 200)
        .await;
    assert_eq!(ad.rest("DELETE", &q, None).await.0, 204);
    assert_eq!(ad.served("a@c50.example").await, Ok(json!({"preview": 1})));
    assert_eq!(ad.served("b@c50.example").await, Ok(json!({"preview": 2})));
}

#[tokio::test]
async fn cache_eviction_follows_ox() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 60, None).await;
    user_with(&ad.t, 60, "u", "webmail").await;
    let served = || ad.served("u@c60.example");
    ad.put_package("default", "default", json!({"v": 1}), 201)
        .await;
    assert_eq!(served().await, Ok(json!({"v": 1})));
    // A change behind the service's back is not seen: the value is cached.
    ad.sql("UPDATE advertisement_config SET config = '{\"v\":2}'")
        .await;
    assert_eq!(served().await, Ok(json!({"v": 1})));
    // set evicts its own key
    ad.put_package("default", "default", json!({"v": 3}), 200)
        .await;
    assert_eq!(served().await, Ok(json!({"v": 3})));
    // ... but not other keys
    ad.sql("UPDATE advertisement_config SET config = '{\"v\":4}'")
        .await;
    ad.put_package("default", "other", json!({"o": 1}), 201)
        .await;
    assert_eq!(served().await, Ok(json!({"v": 3})));
    // reload clears everything
    ad.reload().await;
    assert_eq!(served().await, Ok(json!({"v": 4})));
    // removeConfigurations clears everything, even for another reseller
    ad.sql("UPDATE advertisement_config SET config = '{\"v\":5}' WHERE reseller = 'default'")
        .await;
    assert_eq!(served().await, Ok(json!({"v": 4})));
    let (s, _) = ad
        .control(
            "/__sim/removeadvertisementconfigs",
            json!({"login": "oxadminmaster", "password": MASTER_PW, "reseller": "someone"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(served().await, Ok(json!({"v": 5})));
    assert!(ad.t.sim.ads_cache_len() >= 1);
}

#[tokio::test]
async fn reload_applies_a_changed_scheme() {
    let ad = Ad::start(Some("")).await;
    context(&ad.t, 70, None).await;
    user_with(&ad.t, 70, "u", "webmail").await;
    ad.put_package("default", "default", json!({"g": 1}), 201)
        .await;
    ad.put_package("default", "webmail", json!({"w": 1}), 201)
        .await;
    assert_eq!(ad.served("u@c70.example").await, Ok(json!({"g": 1})));
    std::fs::write(
        &ad.props,
        "com.openexchange.advertisement.default.packageScheme=AccessCombinations\n",
    )
    .unwrap();
    ad.reload().await;
    assert_eq!(ad.served("u@c70.example").await, Ok(json!({"w": 1})));
    // A broken file is refused and the old settings stay.
    std::fs::write(
        &ad.props,
        "com.openexchange.advertisement.default.packageScheme=Nope\n",
    )
    .unwrap();
    let (s, _) = ad.control("/__sim/reloadconfiguration", json!({})).await;
    assert_eq!(s, 500);
    assert_eq!(ad.served("u@c70.example").await, Ok(json!({"w": 1})));
}
