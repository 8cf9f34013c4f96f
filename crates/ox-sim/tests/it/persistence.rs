//! State survives a restart (SQLite file; MariaDB when OXAPS_TEST_MYSQL_URL is set).

use ox_sim::SimConfig;

use crate::common::*;

async fn create_then_restart_and_check(db_url: String, cid: i64) {
    let mut cfg = SimConfig::for_test(MASTER_PW);
    cfg.db_url = db_url.clone();
    let t = T::with(cfg.clone()).await;
    create_context(&t, cid).await;
    let uid = create_user(&t, cid, "persisted").await;
    t.ok(
        "OXGroupService",
        &format!(
            "<s:create>{}<s:grp><d:displayname>Team</d:displayname><d:members>{uid}</d:members>\
         <d:name>team</d:name></s:grp>{}</s:create>",
            ctx(cid),
            admin(cid)
        ),
    )
    .await;
    assert!(t.sim.usage().set_user_used_mb(cid, uid, 12).await.unwrap());
    t.ok(
        "OXResellerService",
        &format!(
            "<s:create><s:adm><rr:name>brand{cid}</rr:name><rr:password>rpw</rr:password>\
         <rr:displayname>B</rr:displayname></s:adm><s:creds><r:login>oxadminmaster</r:login>\
         <r:password>{MASTER_PW}</r:password></s:creds></s:create>"
        ),
    )
    .await;
    let T { sim, .. } = t;
    sim.shutdown().await;

    let t = T::with(cfg).await;
    let get = t
        .ok(
            "OXContextService",
            &format!("<s:getData>{}{}</s:getData>", ctx(cid), master()),
        )
        .await;
    assert_eq!(get.ret_text("name"), format!("ctx{cid}"));
    let user = t
        .ok(
            "OXUserService",
            &format!(
                "<s:getData>{}<s:user><d:name>persisted</d:name></s:user>{}</s:getData>",
                ctx(cid),
                admin(cid)
            ),
        )
        .await;
    assert_eq!(user.ret_i64("id"), uid);
    assert_eq!(user.ret_text("usedQuota"), "12");
    let grp = t
        .ok(
            "OXGroupService",
            &format!(
                "<s:getData>{}<s:grp><d:name>team</d:name></s:grp>{}</s:getData>",
                ctx(cid),
                admin(cid)
            ),
        )
        .await;
    assert_eq!(grp.ret_values("members"), vec![uid.to_string()]);
    // Ids continue after the restart.
    let next = create_user(&t, cid, "after").await;
    assert!(next > uid);
    let rs = t.ok("OXResellerService", &format!(
        "<s:getData><s:adm><rr:name>brand{cid}</rr:name></s:adm><s:creds><r:login>oxadminmaster</r:login>\
         <r:password>{MASTER_PW}</r:password></s:creds></s:getData>")).await;
    assert_eq!(rs.ret_text("displayname"), "B");

    // Clean up so reruns against a shared database work.
    t.ok(
        "OXContextService",
        &format!("<s:delete>{}{}</s:delete>", ctx(cid), master()),
    )
    .await;
    t.ok("OXResellerService", &format!(
        "<s:delete><s:adm><rr:name>brand{cid}</rr:name></s:adm><s:creds><r:login>oxadminmaster</r:login>\
         <r:password>{MASTER_PW}</r:password></s:creds></s:delete>")).await;
    t.sim.shutdown().await;
}

#[tokio::test]
async fn sqlite_file_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oxsim.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    create_then_restart_and_check(url, 10).await;
}

#[tokio::test]
async fn mysql_survives_restart() {
    let Ok(url) = std::env::var("OXAPS_TEST_MYSQL_URL") else {
        println!("skipped: OXAPS_TEST_MYSQL_URL not set");
        return;
    };
    // Unique context id per run; ox-sim tables are prefixed `oxsim_`.
    let cid = 1_000_000
        + i64::from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_micros()
                % 1_000_000,
        );
    create_then_restart_and_check(url, cid).await;
}
