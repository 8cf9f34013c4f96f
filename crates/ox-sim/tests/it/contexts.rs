//! OXContextService rules with raw SOAP envelopes.

use crate::common::*;

#[tokio::test]
async fn create_get_exists_and_duplicates() {
    let t = T::new().await;
    let r = create_context(&t, 10).await;
    assert_eq!(r.ret_i64("id"), 10);
    assert_eq!(r.ret_text("enabled"), "true");
    assert_eq!(r.ret_text("usedQuota"), "0");
    assert_eq!(r.ret_values("loginMappings"), vec!["c10.example"]);

    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(10), master()),
        )
        .await;
    assert_eq!(get.ret_text("name"), "ctx10");
    assert_eq!(get.ret_text("maxQuota"), "1000");

    let dup = t.call("OXContextService", &format!(
        "<s:create><s:ctx><d:id>10</d:id></s:ctx><s:admin_user>{}</s:admin_user>{}</s:create>",
        user_fields("a", "A", "a@x.example"), master())).await;
    assert_eq!(dup.message(), "Context 10 already exists!");
    assert_eq!(dup.detail_name(), "ContextExistsException");

    let dup_name = t.fault("OXContextService", &format!(
        "<s:create><s:ctx><d:id>11</d:id><d:name>ctx10</d:name></s:ctx><s:admin_user>{}</s:admin_user>{}</s:create>",
        user_fields("a", "A", "a@x.example"), master())).await;
    assert_eq!(dup_name, "Context ctx10 already exists!");

    let clash = t.fault("OXContextService", &format!(
        "<s:create><s:ctx><d:id>12</d:id><d:loginMappings>c10.example</d:loginMappings></s:ctx>\
         <s:admin_user>{}</s:admin_user>{}</s:create>",
        user_fields("a", "A", "a@x.example"), master())).await;
    assert!(clash.contains("c10.example"), "{clash}");

    let exists = t
        .ok(
            "OXContextService",
            &format!("<s:exists>{}{}</s:exists>", ctx(10), master()),
        )
        .await;
    assert_eq!(exists.ret().text, "true");
    let exists = t
        .ok(
            "OXContextService",
            &format!("<s:exists>{}{}</s:exists>", ctx(99), master()),
        )
        .await;
    assert_eq!(exists.ret().text, "false");
    let missing = t
        .call(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(99), master()),
        )
        .await;
    assert_eq!(missing.message(), "Context 99 does not exist");
    assert_eq!(missing.detail_name(), "NoSuchContextException");
}

#[tokio::test]
async fn only_the_master_admin_manages_contexts() {
    let t = T::new().await;
    create_context(&t, 20).await;
    let r = t
        .call(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(20), admin(20)),
        )
        .await;
    assert_eq!(r.message(), "Authentication failed");
    assert_eq!(r.detail_name(), "InvalidCredentialsException");
    let r = t
        .call(
            "OXContextService",
            &format!("<s:listAll>{}</s:listAll>", auth("oxadminmaster", "wrong")),
        )
        .await;
    assert_eq!(r.message(), "Authentication failed");
}

#[tokio::test]
async fn list_change_disable_enable_delete() {
    let t = T::new().await;
    create_context(&t, 30).await;
    create_context(&t, 31).await;
    let all = t
        .ok(
            "OXContextService",
            &format!("<s:listAll>{}</s:listAll>", master()),
        )
        .await;
    assert_eq!(all.returns().len(), 2);
    let some = t
        .ok(
            "OXContextService",
            &format!(
                "<s:list><s:search_pattern>*31*</s:search_pattern>{}</s:list>",
                master()
            ),
        )
        .await;
    assert_eq!(some.returns().len(), 1);

    t.ok(
        "OXContextService",
        &format!(
            "<s:change><s:ctx><d:id>30</d:id><d:loginMappings>new.example</d:loginMappings>\
         <d:maxQuota>2048</d:maxQuota><d:name>renamed</d:name><d:userAttributes><d:entries>\
         <d:key>taxonomy</d:key><d:value><d:entries><d:key>types</d:key><d:value>a,b</d:value>\
         </d:entries></d:value></d:entries></d:userAttributes></s:ctx>{}</s:change>",
            master()
        ),
    )
    .await;
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(30), master()),
        )
        .await;
    assert_eq!(get.ret_text("name"), "renamed");
    assert_eq!(get.ret_text("maxQuota"), "2048");
    assert_eq!(get.ret_values("loginMappings"), vec!["new.example"]);
    assert!(
        get.body
            .contains("<ns4:key>types</ns4:key><ns4:value>a,b</ns4:value>"),
        "{}",
        get.body
    );

    let u = create_user(&t, 30, "keepme").await;
    let r = t
        .ok(
            "OXContextService",
            &format!("<s:disable>{}{}</s:disable>", ctx(30), master()),
        )
        .await;
    assert!(
        r.body.contains("<ns0:disableResponse"),
        "void ops answer an empty wrapper: {}",
        r.body
    );
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(30), master()),
        )
        .await;
    assert_eq!(get.ret_text("enabled"), "false");
    let user = t
        .ok(
            "OXUserService",
            &format!(
                "<s:getData>{}<s:user><d:id>{u}</d:id></s:user>{}</s:getData>",
                ctx(30),
                admin(30)
            ),
        )
        .await;
    assert_eq!(user.ret_text("name"), "keepme");
    t.ok(
        "OXContextService",
        &format!("<s:enable>{}{}</s:enable>", ctx(30), master()),
    )
    .await;
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(30), master()),
        )
        .await;
    assert_eq!(get.ret_text("enabled"), "true");

    t.ok(
        "OXContextService",
        &format!("<s:delete>{}{}</s:delete>", ctx(30), master()),
    )
    .await;
    let gone = t
        .fault(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(30), master()),
        )
        .await;
    assert_eq!(gone, "Context 30 does not exist");
    // Its mapping is free again.
    t.ok("OXContextService", &format!(
        "<s:change><s:ctx><d:id>31</d:id><d:loginMappings>new.example</d:loginMappings></s:ctx>{}</s:change>",
        master())).await;
}

#[tokio::test]
async fn quota_rules() {
    let t = T::new().await;
    create_context(&t, 40).await;
    let q = |module: &str, value: &str| {
        format!(
            "<s:changeQuota>{}<s:module>{module}</s:module><s:quotaValue>{value}</s:quotaValue>{}</s:changeQuota>",
            ctx(40),
            master()
        )
    };
    assert_eq!(
        t.fault("OXContextService", &q("infostore", "")).await,
        "Missing quota value."
    );
    assert_eq!(
        t.fault("OXContextService", &q("infostore", "ten")).await,
        "Invalid quota value."
    );
    assert!(
        t.fault("OXContextService", &q("bogus", "1"))
            .await
            .contains("bogus")
    );
    t.ok("OXContextService", &q("calendar,task", "100")).await;
    t.ok("OXContextService", &q("infostore", "0")).await;
    let list = t
        .ok(
            "OXContextService",
            &format!("<s:listQuota>{}{}</s:listQuota>", ctx(40), master()),
        )
        .await;
    assert_eq!(list.returns().len(), 3);
    t.ok("OXContextService", &q("calendar", "-1")).await;
    let list = t
        .ok(
            "OXContextService",
            &format!("<s:listQuota>{}{}</s:listQuota>", ctx(40), master()),
        )
        .await;
    let modules: Vec<String> = list
        .returns()
        .iter()
        .map(|r| r.child("module").unwrap().text.clone())
        .collect();
    assert_eq!(modules, vec!["infostore", "task"]);
}

#[tokio::test]
async fn capabilities_access_and_admin_id() {
    let t = T::new().await;
    create_context(&t, 50).await;
    t.ok("OXContextService", &format!(
        "<s:changeCapabilities>{}<s:capsToAdd>\"Drive\", SPAM</s:capsToAdd><s:capsToRemove>webmail</s:capsToRemove>\
         <s:capsToDrop/>{}</s:changeCapabilities>", ctx(50), master())).await;
    t.ok(
        "OXContextService",
        &format!(
            "<s:changeCapabilities>{}<s:capsToDrop>spam</s:capsToDrop>{}</s:changeCapabilities>",
            ctx(50),
            master()
        ),
    )
    .await;
    let caps = t
        .ok(
            "OXContextService",
            &format!(
                "<s:getContextCapabilities>{}{}</s:getContextCapabilities>",
                ctx(50),
                master()
            ),
        )
        .await;
    assert_eq!(caps.ret().text, "drive,-webmail");

    let id = t
        .ok(
            "OXContextService",
            &format!("<s:getAdminId>{}{}</s:getAdminId>", ctx(50), master()),
        )
        .await;
    assert_eq!(id.ret().text, "2");
    let name = t
        .ok(
            "OXContextService",
            &format!(
                "<s:getAccessCombinationName>{}{}</s:getAccessCombinationName>",
                ctx(50),
                master()
            ),
        )
        .await;
    assert_eq!(name.ret().text, "all");
    t.ok("OXContextService", &format!(
        "<s:changeModuleAccessByName>{}<s:access_combination_name>webmail</s:access_combination_name>{}\
         </s:changeModuleAccessByName>", ctx(50), master())).await;
    let name = t
        .ok(
            "OXContextService",
            &format!(
                "<s:getAccessCombinationName>{}{}</s:getAccessCombinationName>",
                ctx(50),
                master()
            ),
        )
        .await;
    assert_eq!(name.ret().text, "webmail");
    let bad = t.fault("OXContextService", &format!(
        "<s:changeModuleAccessByName>{}<s:access_combination_name>nope</s:access_combination_name>{}\
         </s:changeModuleAccessByName>", ctx(50), master())).await;
    assert_eq!(bad, "No such access combination name \"nope\"");
}

#[tokio::test]
async fn create_module_access_by_name_and_context_usage() {
    let t = T::new().await;
    let r = t.ok("OXContextService", &format!(
        "<s:createModuleAccessByName><s:ctx><d:id>60</d:id></s:ctx><s:admin_user>{}</s:admin_user>\
         <s:access_combination_name>pim</s:access_combination_name>{}</s:createModuleAccessByName>",
        user_fields("admin60", "Admin", "admin@c60.example").replace("<d:password>pw", "<d:password>adminpw"),
        master())).await;
    assert_eq!(r.ret_text("name"), "60", "name defaults to the id");
    let name = t
        .ok(
            "OXContextService",
            &format!(
                "<s:getAccessCombinationName>{}{}</s:getAccessCombinationName>",
                ctx(60),
                master()
            ),
        )
        .await;
    assert_eq!(name.ret().text, "pim");
    assert!(t.sim.usage().set_context_used_mb(60, 321).await.unwrap());
    assert!(!t.sim.usage().set_context_used_mb(61, 1).await.unwrap());
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(60), master()),
        )
        .await;
    assert_eq!(get.ret_text("usedQuota"), "321");
}
