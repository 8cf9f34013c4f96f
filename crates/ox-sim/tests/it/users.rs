//! OXUserService rules with raw SOAP envelopes.

use ox_sim::SimConfig;

use crate::common::*;

fn create(cid: i64, fields: &str) -> String {
    format!(
        "<s:create>{}<s:usrdata>{fields}</s:usrdata>{}</s:create>",
        ctx(cid),
        admin(cid)
    )
}

fn get(cid: i64, user: &str) -> String {
    format!(
        "<s:getData>{}<s:user>{user}</s:user>{}</s:getData>",
        ctx(cid),
        admin(cid)
    )
}

#[tokio::test]
async fn create_fills_aliases_sender_and_defaults() {
    let t = T::new().await;
    create_context(&t, 10).await;
    let r = t
        .ok(
            "OXUserService",
            &create(10, &user_fields("jdoe", "John Doe", "j@c10.example")),
        )
        .await;
    let id = r.ret_i64("id");
    assert_eq!(id, 3, "group users=1, admin=2, first user=3");
    assert_eq!(r.ret_values("aliases"), vec!["j@c10.example"]);
    assert_eq!(r.ret_text("defaultSenderAddress"), "j@c10.example");
    assert_eq!(r.ret_text("contextadmin"), "false");
    assert!(
        r.ret().child("password").unwrap().nil,
        "password is never returned"
    );

    let mut fields = user_fields("jane", "Jane", "jane@c10.example");
    fields.push_str("<d:aliases>other@c10.example</d:aliases><d:defaultSenderAddress>send@c10.example</d:defaultSenderAddress>");
    let r = t.ok("OXUserService", &create(10, &fields)).await;
    assert_eq!(
        r.ret_values("aliases"),
        vec!["jane@c10.example", "other@c10.example", "send@c10.example"]
    );
    let by_name = t
        .ok("OXUserService", &get(10, "<d:name>jane</d:name>"))
        .await;
    assert_eq!(by_name.ret_text("defaultSenderAddress"), "send@c10.example");
    assert_eq!(by_name.ret_text("language"), "en_US");
}

#[tokio::test]
async fn create_validation_messages() {
    let t = T::new().await;
    create_context(&t, 11).await;
    create_user(&t, 11, "taken").await;
    let cases = [
        (
            user_fields("bad name!", "X1", "x1@c11.example"),
            "Illegal chars: \" !\"",
        ),
        (
            user_fields("taken", "X2", "x2@c11.example"),
            "User taken already exists in this context",
        ),
        (
            user_fields("p1", "X3", "x3@c11.example").replace("<d:email1>x3@", "<d:email1>other@"),
            "primarymail must have the same value as email1",
        ),
        (
            user_fields("p2", "X4", "taken@c11.example"),
            "Primary mail address \"taken@c11.example\" already exists in context 11",
        ),
        (
            user_fields("p3", "taken display", "x5@c11.example"),
            "The displayname is already used",
        ),
        (
            user_fields("p4", "X6", "x6@c11.example").replace("<d:password>pw</d:password>", ""),
            "Empty password is not allowed.",
        ),
        (
            user_fields("p5", "X7", "x7@c11.example").replace("<d:sur_name>S</d:sur_name>", ""),
            "Mandatory fields not set: sur_name",
        ),
    ];
    for (fields, msg) in cases {
        let r = t.call("OXUserService", &create(11, &fields)).await;
        assert_eq!(r.message(), msg);
        assert_eq!(r.detail_name(), "InvalidDataException");
        assert!(
            r.faultstring().contains("; exceptionId 1-"),
            "{}",
            r.faultstring()
        );
    }
}

#[tokio::test]
async fn authentication_rules_and_master_override() {
    let t = T::new().await;
    create_context(&t, 12).await;
    let as_master = format!(
        "<s:create>{}<s:usrdata>{}</s:usrdata>{}</s:create>",
        ctx(12),
        user_fields("m1", "M1", "m1@c12.example"),
        master()
    );
    assert_eq!(
        t.fault("OXUserService", &as_master).await,
        "Authentication failed"
    );
    let wrong = create(12, &user_fields("m2", "M2", "m2@c12.example")).replace("adminpw", "nope");
    assert_eq!(
        t.fault("OXUserService", &wrong).await,
        "Authentication failed"
    );
    // An unknown context fails authentication too (OX does not reveal existence).
    let unknown = format!("<s:listAll>{}{}</s:listAll>", ctx(999), admin(12));
    assert_eq!(
        t.fault("OXUserService", &unknown).await,
        "Authentication failed"
    );
    // Admin of context 12 has no rights in context 13.
    create_context(&t, 13).await;
    let cross = format!("<s:listAll>{}{}</s:listAll>", ctx(13), admin(12));
    assert_eq!(
        t.fault("OXUserService", &cross).await,
        "Authentication failed"
    );

    let mut cfg = SimConfig::for_test(MASTER_PW);
    cfg.master_account_override = true;
    let t2 = T::with(cfg).await;
    create_context(&t2, 12).await;
    let r = t2.ok("OXUserService", &as_master).await;
    assert_eq!(r.ret_text("name"), "m1");
}

#[tokio::test]
async fn change_rules() {
    let t = T::new().await;
    create_context(&t, 14).await;
    let id = create_user(&t, 14, "chg").await;
    create_user(&t, 14, "other").await;
    let change = |fields: &str| {
        format!(
            "<s:change>{}<s:usrdata><d:id>{id}</d:id>{fields}</s:usrdata>{}</s:change>",
            ctx(14),
            admin(14)
        )
    };
    t.ok(
        "OXUserService",
        &change("<d:display_name>New Name</d:display_name><d:given_name xsi:nil=\"true\"/>"),
    )
    .await;
    let g = t
        .ok("OXUserService", &get(14, &format!("<d:id>{id}</d:id>")))
        .await;
    assert_eq!(g.ret_text("display_name"), "New Name");
    assert_eq!(g.ret_text("given_name"), "G", "nil does not clear a field");

    let dn = t
        .fault(
            "OXUserService",
            &change("<d:display_name>other display</d:display_name>"),
        )
        .await;
    assert_eq!(dn, "The displayname is already used");
    let no_alias = t.fault("OXUserService", &change(
        "<d:email1>new@c14.example</d:email1><d:primaryEmail>new@c14.example</d:primaryEmail>")).await;
    assert_eq!(
        no_alias,
        "primaryMail, Email1 and defaultSenderAddress must be present in set of aliases."
    );
    let sender = t
        .fault(
            "OXUserService",
            &change("<d:defaultSenderAddress>x@elsewhere.example</d:defaultSenderAddress>"),
        )
        .await;
    assert_eq!(
        sender,
        "primaryMail, Email1 and defaultSenderAddress must be present in set of aliases."
    );
    let dup = t
        .fault(
            "OXUserService",
            &change(
                "<d:aliases>chg@c14.example</d:aliases><d:aliases>other@c14.example</d:aliases>\
         <d:email1>other@c14.example</d:email1><d:primaryEmail>other@c14.example</d:primaryEmail>",
            ),
        )
        .await;
    assert_eq!(
        dup,
        "Primary mail address \"other@c14.example\" already exists in context 14"
    );
    t.ok(
        "OXUserService",
        &change(
            "<d:aliases>chg@c14.example</d:aliases><d:aliases>new@c14.example</d:aliases>\
         <d:defaultSenderAddress>new@c14.example</d:defaultSenderAddress>\
         <d:email1>new@c14.example</d:email1><d:primaryEmail>new@c14.example</d:primaryEmail>",
        ),
    )
    .await;
    let g = t
        .ok("OXUserService", &get(14, &format!("<d:id>{id}</d:id>")))
        .await;
    assert_eq!(g.ret_text("primaryEmail"), "new@c14.example");
    assert_eq!(g.ret_text("defaultSenderAddress"), "new@c14.example");
    let missing = t.call("OXUserService", &get(14, "<d:id>77</d:id>")).await;
    assert_eq!(missing.message(), "No such user 77 in context 14");
    assert_eq!(missing.detail_name(), "NoSuchUserException");

    // A user may change their own data but nobody else's.
    let own = format!(
        "<s:change>{}<s:usrdata><d:id>{id}</d:id><d:display_name>Self</d:display_name></s:usrdata>{}</s:change>",
        ctx(14),
        auth("chg", "pw")
    );
    t.ok("OXUserService", &own).await;
    let other = own.replace(&format!("<d:id>{id}</d:id>"), "<d:id>2</d:id>");
    assert_eq!(t.fault("OXUserService", &other).await, "Permission denied");
}

#[tokio::test]
async fn access_combinations() {
    let t = T::new().await;
    create_context(&t, 15).await;
    let id = create_user(&t, 15, "inherit").await;
    let name_of = |uid: i64| {
        format!(
            "<s:getAccessCombinationName>{}<s:user><d:id>{uid}</d:id></s:user>{}</s:getAccessCombinationName>",
            ctx(15),
            admin(15)
        )
    };
    let r = t.ok("OXUserService", &name_of(id)).await;
    assert_eq!(
        r.ret().text,
        "groupware_premium",
        "inherits the admin's 'all' minus admin-only rights"
    );
    let r = t.ok("OXUserService", &format!(
        "<s:createByModuleAccessName>{}<s:usrdata>{}</s:usrdata><s:access_combination_name>webmail\
         </s:access_combination_name>{}</s:createByModuleAccessName>",
        ctx(15), user_fields("wm", "WM", "wm@c15.example"), admin(15))).await;
    let wm = r.ret_i64("id");
    assert_eq!(
        t.ok("OXUserService", &name_of(wm)).await.ret().text,
        "webmail"
    );
    let access = t
        .ok(
            "OXUserService",
            &format!(
                "<s:getModuleAccess>{}<s:user><d:id>{wm}</d:id></s:user>{}</s:getModuleAccess>",
                ctx(15),
                admin(15)
            ),
        )
        .await;
    assert_eq!(access.ret_text("webmail"), "true");
    assert_eq!(access.ret_text("calendar"), "false");
    t.ok("OXUserService", &format!(
        "<s:changeByModuleAccess>{}<s:user><d:id>{wm}</d:id></s:user><s:moduleAccess><d:calendar>true</d:calendar>\
         <d:webmail>true</d:webmail></s:moduleAccess>{}</s:changeByModuleAccess>", ctx(15), admin(15))).await;
    let r = t.ok("OXUserService", &name_of(wm)).await;
    assert!(r.ret().nil, "no combination matches: {}", r.body);
    t.ok("OXUserService", &format!(
        "<s:changeByModuleAccessName>{}<s:user><d:id>{wm}</d:id></s:user><s:access_combination_name>pim\
         </s:access_combination_name>{}</s:changeByModuleAccessName>", ctx(15), admin(15))).await;
    assert_eq!(t.ok("OXUserService", &name_of(wm)).await.ret().text, "pim");
    let bad = t.fault("OXUserService", &format!(
        "<s:createByModuleAccessName>{}<s:usrdata>{}</s:usrdata><s:access_combination_name>gold\
         </s:access_combination_name>{}</s:createByModuleAccessName>",
        ctx(15), user_fields("g", "G", "g@c15.example"), admin(15))).await;
    assert_eq!(bad, "No such access combination name \"gold\"");
}

#[tokio::test]
async fn capabilities_lists_delete_and_usage() {
    let t = T::new().await;
    create_context(&t, 16).await;
    let a = create_user(&t, 16, "alpha").await;
    let b = create_user(&t, 16, "beta").await;
    t.ok("OXUserService", &format!(
        "<s:changeCapabilities>{}<s:user><d:id>{a}</d:id></s:user><s:capsToAdd>'Guard', Drive</s:capsToAdd>\
         <s:capsToRemove>spam</s:capsToRemove>{}</s:changeCapabilities>", ctx(16), admin(16))).await;
    let caps = t.ok("OXUserService", &format!(
        "<s:getUserCapabilities>{}<s:user><d:id>{a}</d:id></s:user>{}</s:getUserCapabilities>", ctx(16), admin(16))).await;
    assert_eq!(caps.ret().text, "drive,guard,-spam");

    let all = t
        .ok(
            "OXUserService",
            &format!("<s:listAll>{}{}</s:listAll>", ctx(16), admin(16)),
        )
        .await;
    let ids: Vec<String> = all
        .returns()
        .iter()
        .map(|r| r.child("id").unwrap().text.clone())
        .collect();
    assert_eq!(ids, vec!["2".to_string(), a.to_string(), b.to_string()]);
    assert!(
        all.returns()[1].child("name").unwrap().nil,
        "list returns only ids"
    );
    let some = t
        .ok(
            "OXUserService",
            &format!(
                "<s:list>{}<s:search_pattern>al*</s:search_pattern>{}</s:list>",
                ctx(16),
                admin(16)
            ),
        )
        .await;
    assert_eq!(some.returns().len(), 1);
    let adm = t
        .ok(
            "OXUserService",
            &format!(
                "<s:getContextAdmin>{}{}</s:getContextAdmin>",
                ctx(16),
                admin(16)
            ),
        )
        .await;
    assert_eq!(adm.ret_text("contextadmin"), "true");

    assert!(t.sim.usage().set_user_used_mb(16, a, 42).await.unwrap());
    let g = t
        .ok("OXUserService", &get(16, &format!("<d:id>{a}</d:id>")))
        .await;
    assert_eq!(g.ret_text("usedQuota"), "42");

    let del = |user: &str| {
        format!(
            "<s:delete>{}<s:user>{user}</s:user>{}</s:delete>",
            ctx(16),
            admin(16)
        )
    };
    assert_eq!(
        t.fault("OXUserService", &del("<d:id>2</d:id>")).await,
        "Admin delete not supported"
    );
    assert_eq!(
        t.fault("OXUserService", &del("<d:id>99</d:id>")).await,
        "No such user(s) 99 in context 16"
    );
    t.ok("OXUserService", &del("<d:name>beta</d:name>")).await;
    let exists = t
        .ok(
            "OXUserService",
            &format!(
                "<s:exists>{}<s:user><d:id>{b}</d:id></s:user>{}</s:exists>",
                ctx(16),
                admin(16)
            ),
        )
        .await;
    assert_eq!(exists.ret().text, "false");
}
