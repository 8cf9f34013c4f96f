//! OXResellerService and the OXReseller{Context,User,Group,Resource}Service rules.

use crate::common::*;

fn creds(login: &str, pw: &str) -> String {
    format!("<s:creds><r:login>{login}</r:login><r:password>{pw}</r:password></s:creds>")
}

fn master_creds() -> String {
    creds("oxadminmaster", MASTER_PW)
}

fn restriction(name: &str, value: &str) -> String {
    format!(
        "<rr:restrictions><rr:name>{name}</rr:name><rr:value>{value}</rr:value></rr:restrictions>"
    )
}

async fn create_reseller(t: &T, name: &str, restrictions: &str) -> i64 {
    let r = t
        .ok("OXResellerService", &format!(
            "<s:create><s:adm><rr:name>{name}</rr:name><rr:password>rpw</rr:password>{restrictions}\
             <rr:displayname>{name} brand</rr:displayname></s:adm>{}</s:create>", master_creds()))
        .await;
    r.ret_i64("id")
}

fn reseller_ctx_create(id: i64, quota: i64, login: &str) -> String {
    format!(
        "<s:create><s:ctx><d:id>{id}</d:id><d:maxQuota>{quota}</d:maxQuota><d:name>r{id}</d:name>\
         <rd:customid>cust-{id}</rd:customid></s:ctx><s:admin_user>{}</s:admin_user>{}</s:create>",
        user_fields(
            &format!("admin{id}"),
            "Admin",
            &format!("admin@r{id}.example")
        )
        .replace("<d:password>pw", "<d:password>adminpw"),
        auth(login, "rpw")
    )
}

#[tokio::test]
async fn master_manages_subadmins() {
    let t = T::new().await;
    let id = create_reseller(&t, "brand1", &restriction("Subadmin.MaxContext", "2")).await;
    assert_eq!(id, 1);
    let dup = t.call("OXResellerService", &format!(
        "<s:create><s:adm><rr:name>brand1</rr:name><rr:password>x</rr:password><rr:displayname>x</rr:displayname></s:adm>{}</s:create>",
        master_creds())).await;
    assert_eq!(dup.message(), "Reseller admin already exists: brand1");
    assert_eq!(dup.detail_name(), "OXResellerException");
    let bad = t.fault("OXResellerService", &format!(
        "<s:create><s:adm><rr:name>b2</rr:name><rr:password>x</rr:password>{}<rr:displayname>x</rr:displayname></s:adm>{}</s:create>",
        restriction("Subadmin.Bogus", "1"), master_creds())).await;
    assert!(bad.contains("Subadmin.Bogus"), "{bad}");
    let not_master = t
        .fault(
            "OXResellerService",
            &format!(
                "<s:list><s:search_pattern>*</s:search_pattern>{}</s:list>",
                creds("nobody", "x")
            ),
        )
        .await;
    assert_eq!(not_master, "Authentication failed");

    let got = t
        .ok(
            "OXResellerService",
            &format!(
                "<s:getData><s:adm><rr:name>brand1</rr:name></s:adm>{}</s:getData>",
                master_creds()
            ),
        )
        .await;
    assert_eq!(got.ret_text("displayname"), "brand1 brand");
    assert!(
        got.body
            .contains("<rr:name>Subadmin.MaxContext</rr:name><rr:value>2</rr:value>"),
        "{}",
        got.body
    );
    t.ok(
        "OXResellerService",
        &format!(
            "<s:change><s:adm><rr:id>{id}</rr:id><rr:displayname>Brand One</rr:displayname>\
         <rr:capabilitiesToAdd>Drive</rr:capabilitiesToAdd></s:adm>{}</s:change>",
            master_creds()
        ),
    )
    .await;
    let list = t
        .ok(
            "OXResellerService",
            &format!(
                "<s:list><s:search_pattern>brand*</s:search_pattern>{}</s:list>",
                master_creds()
            ),
        )
        .await;
    assert_eq!(list.returns().len(), 1);
    assert!(
        list.body
            .contains("<rr:displayname>Brand One</rr:displayname>")
    );
    assert!(
        list.body
            .contains("<rr:capabilities>drive</rr:capabilities>")
    );
    let avail = t
        .ok(
            "OXResellerService",
            &format!(
                "<s:getAvailableRestrictions>{}</s:getAvailableRestrictions>",
                master_creds()
            ),
        )
        .await;
    assert!(avail.returns().len() > 7);
    t.ok(
        "OXResellerService",
        &format!(
            "<s:delete><s:adm><rr:id>{id}</rr:id></s:adm>{}</s:delete>",
            master_creds()
        ),
    )
    .await;
    let gone = t
        .fault(
            "OXResellerService",
            &format!(
                "<s:getData><s:adm><rr:id>{id}</rr:id></s:adm>{}</s:getData>",
                master_creds()
            ),
        )
        .await;
    assert_eq!(gone, format!("Reseller admin does not exist: {id}"));
}

#[tokio::test]
async fn subadmins_own_their_contexts() {
    let t = T::new().await;
    create_reseller(&t, "r1", &restriction("Subadmin.MaxContext", "2")).await;
    create_reseller(&t, "r2", "").await;
    let c = t
        .ok(
            "OXResellerContextService",
            &reseller_ctx_create(100, 100, "r1"),
        )
        .await;
    assert_eq!(c.ret_text("customid"), "cust-100");
    assert_eq!(c.ret_text("sid"), "1");
    assert_eq!(
        c.ret().child("owner").unwrap().child("name").unwrap().text,
        "r1"
    );
    t.ok(
        "OXResellerContextService",
        &reseller_ctx_create(101, 100, "r1"),
    )
    .await;
    let max = t
        .fault(
            "OXResellerContextService",
            &reseller_ctx_create(102, 100, "r1"),
        )
        .await;
    assert_eq!(max, "Maximum number of contexts reached: 2");
    t.ok(
        "OXResellerContextService",
        &reseller_ctx_create(200, 100, "r2"),
    )
    .await;

    let list = |login: &str| format!("<s:listAll>{}</s:listAll>", auth(login, "rpw"));
    assert_eq!(
        t.ok("OXResellerContextService", &list("r1"))
            .await
            .returns()
            .len(),
        2
    );
    assert_eq!(
        t.ok("OXResellerContextService", &list("r2"))
            .await
            .returns()
            .len(),
        1
    );
    let master_all = t
        .ok(
            "OXResellerContextService",
            &format!("<s:listAll>{}</s:listAll>", master()),
        )
        .await;
    assert_eq!(master_all.returns().len(), 3);
    let foreign = t
        .fault(
            "OXResellerContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(200), auth("r1", "rpw")),
        )
        .await;
    assert_eq!(foreign, "ContextID 200 does not belong to r1");
    // Core context service stays master-only.
    let core = t
        .fault(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(100), auth("r1", "rpw")),
        )
        .await;
    assert_eq!(core, "Authentication failed");
    let in_use = t
        .fault(
            "OXResellerService",
            &format!(
                "<s:delete><s:adm><rr:name>r1</rr:name></s:adm>{}</s:delete>",
                master_creds()
            ),
        )
        .await;
    assert!(in_use.contains("still owns"), "{in_use}");

    // Subadmin credentials work for users in their own contexts only.
    let mk = |cid: i64, name: &str, login: &str| {
        format!(
            "<s:create>{}<s:usrdata>{}</s:usrdata>{}</s:create>",
            ctx(cid),
            user_fields(name, name, &format!("{name}@r{cid}.example")),
            auth(login, "rpw")
        )
    };
    t.ok("OXResellerUserService", &mk(100, "alice", "r1")).await;
    assert_eq!(
        t.fault("OXResellerUserService", &mk(200, "bob", "r1"))
            .await,
        "ContextID 200 does not belong to r1"
    );
    // The context admin works on the reseller user service too.
    t.ok(
        "OXResellerUserService",
        &format!(
            "<s:create>{}<s:usrdata>{}</s:usrdata>{}</s:create>",
            ctx(100),
            user_fields("carol", "carol", "carol@r100.example"),
            admin(100)
        ),
    )
    .await;
    let grp = t.ok("OXResellerGroupService", &format!(
        "<s:create>{}<s:grp><d:displayname>G</d:displayname><d:name>g</d:name></s:grp>{}</s:create>",
        ctx(100), auth("r1", "rpw"))).await;
    assert_eq!(grp.ret_text("name"), "g");
    let res = t.ok("OXResellerResourceService", &format!(
        "<s:create>{}<s:res><d:displayname>R</d:displayname><d:email>r@r100.example</d:email><d:name>r</d:name></s:res>{}</s:create>",
        ctx(100), auth("r1", "rpw"))).await;
    assert_eq!(res.ret_text("name"), "r");
}

#[tokio::test]
async fn user_and_quota_restrictions() {
    let t = T::new().await;
    let rs = [
        restriction("Context.MaxUser", "2"),
        restriction("Subadmin.MaxOverallUser", "4"),
        restriction("Subadmin.MaxOverallContextQuota", "250"),
        restriction("Subadmin.MaxOverallUserByModuleaccess_webmail", "1"),
    ]
    .concat();
    create_reseller(&t, "rr", &rs).await;
    t.ok(
        "OXResellerContextService",
        &reseller_ctx_create(300, 100, "rr"),
    )
    .await;
    let quota = t
        .fault(
            "OXResellerContextService",
            &reseller_ctx_create(301, 200, "rr"),
        )
        .await;
    assert_eq!(quota, "Maximum overall context quota reached: 250");
    t.ok(
        "OXResellerContextService",
        &reseller_ctx_create(301, 150, "rr"),
    )
    .await;
    let grow = t.fault("OXResellerContextService", &format!(
        "<s:change><s:ctx><d:id>301</d:id><d:maxQuota>151</d:maxQuota></s:ctx>{}</s:change>", auth("rr", "rpw"))).await;
    assert_eq!(grow, "Maximum overall context quota reached: 250");

    let mk = |cid: i64, name: &str, combo: &str| {
        format!(
            "<s:createByModuleAccessName>{}<s:usrdata>{}</s:usrdata><s:access_combination_name>{combo}\
         </s:access_combination_name>{}</s:createByModuleAccessName>",
            ctx(cid),
            user_fields(name, name, &format!("{name}@r{cid}.example")),
            auth("rr", "rpw")
        )
    };
    // The admin counts: context 300 has room for one more user.
    t.ok("OXResellerUserService", &mk(300, "u1", "webmail"))
        .await;
    let per_ctx = t.call("OXResellerUserService", &mk(300, "u2", "pim")).await;
    assert_eq!(
        per_ctx.message(),
        "Maximum number of users per context reached: 2"
    );
    assert_eq!(per_ctx.detail_name(), "StorageException");
    let by_access = t
        .fault("OXResellerUserService", &mk(301, "u3", "webmail"))
        .await;
    assert_eq!(
        by_access,
        "Maximum overall number of users by moduleaccess reached: 1"
    );
    t.ok("OXResellerUserService", &mk(301, "u4", "pim")).await;
    // 2 admins + u1 + u4 = 4 = Subadmin.MaxOverallUser.
    let overall = t
        .fault("OXResellerUserService", &mk(301, "u5", "pim"))
        .await;
    assert!(overall.starts_with("Maximum"), "{overall}");
    // The core user service enforces the same limits for reseller-owned contexts.
    let core = t
        .fault(
            "OXUserService",
            &format!(
                "<s:create>{}<s:usrdata>{}</s:usrdata>{}</s:create>",
                ctx(300),
                user_fields("u6", "u6", "u6@r300.example"),
                admin(300)
            ),
        )
        .await;
    assert_eq!(core, "Maximum number of users per context reached: 2");
}
