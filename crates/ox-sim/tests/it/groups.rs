//! OXGroupService and OXResourceService rules.

use crate::common::*;

fn g(cid: i64, op: &str, inner: &str) -> String {
    format!("<s:{op}>{}{inner}{}</s:{op}>", ctx(cid), admin(cid))
}

#[tokio::test]
async fn default_group_and_membership() {
    let t = T::new().await;
    create_context(&t, 10).await;
    let u1 = create_user(&t, 10, "u1").await;
    let u2 = create_user(&t, 10, "u2").await;
    let users = t
        .ok(
            "OXGroupService",
            &g(10, "getData", "<s:grp><d:id>1</d:id></s:grp>"),
        )
        .await;
    assert_eq!(users.ret_text("name"), "users");
    assert_eq!(
        users.ret_values("members"),
        vec!["2".to_string(), u1.to_string(), u2.to_string()]
    );
    let def = t.ok("OXGroupService", &g(10, "getDefaultGroup", "")).await;
    assert_eq!(def.ret_text("id"), "1");
    let del = t
        .fault(
            "OXGroupService",
            &g(10, "delete", "<s:grp><d:id>1</d:id></s:grp>"),
        )
        .await;
    assert_eq!(del, "Group with id 1 cannot be deleted");

    let created = t.ok("OXGroupService", &g(10, "create", &format!(
        "<s:grp><d:displayname>Sales Team</d:displayname><d:members>{u1}</d:members><d:name>Sales Team</d:name></s:grp>"))).await;
    let gid = created.ret_i64("id");
    assert_eq!(
        created.ret_text("name"),
        "sales team",
        "group names are lower-cased"
    );
    let dup = t
        .fault(
            "OXGroupService",
            &g(
                10,
                "create",
                "<s:grp><d:displayname>X</d:displayname><d:name>sales team</d:name></s:grp>",
            ),
        )
        .await;
    assert_eq!(dup, "Group already exists!");
    let bad = t
        .fault(
            "OXGroupService",
            &g(
                10,
                "create",
                "<s:grp><d:displayname>X</d:displayname><d:name>a&amp;b</d:name></s:grp>",
            ),
        )
        .await;
    assert_eq!(bad, "Illegal chars: \"&\"");
    let missing_user = t.call("OXGroupService", &g(10, "create",
        "<s:grp><d:displayname>Y</d:displayname><d:members>99</d:members><d:name>y</d:name></s:grp>")).await;
    assert_eq!(missing_user.message(), "No such user");
    assert_eq!(missing_user.detail_name(), "NoSuchUserException");

    let add = |uid: i64| {
        g(
            10,
            "addMember",
            &format!("<s:grp><d:id>{gid}</d:id></s:grp><s:members><d:id>{uid}</d:id></s:members>"),
        )
    };
    t.ok("OXGroupService", &add(u2)).await;
    assert_eq!(
        t.fault("OXGroupService", &add(u1)).await,
        "Member already exists in group"
    );
    let members = t
        .ok(
            "OXGroupService",
            &g(
                10,
                "getMembers",
                &format!("<s:grp><d:id>{gid}</d:id></s:grp>"),
            ),
        )
        .await;
    let ids: Vec<String> = members
        .returns()
        .iter()
        .map(|r| r.child("id").unwrap().text.clone())
        .collect();
    assert_eq!(ids, vec![u1.to_string(), u2.to_string()]);
    t.ok(
        "OXGroupService",
        &g(
            10,
            "removeMember",
            "<s:grp><d:name>sales team</d:name></s:grp><s:members><d:name>u1</d:name></s:members>",
        ),
    )
    .await;
    let got = t
        .ok(
            "OXGroupService",
            &g(10, "getData", &format!("<s:grp><d:id>{gid}</d:id></s:grp>")),
        )
        .await;
    assert_eq!(got.ret_values("members"), vec![u2.to_string()]);

    t.ok("OXGroupService", &g(10, "change", &format!(
        "<s:grp><d:displayname>Sales</d:displayname><d:id>{gid}</d:id><d:name>sales</d:name></s:grp>"))).await;
    let clash = t
        .fault(
            "OXGroupService",
            &g(
                10,
                "change",
                &format!("<s:grp><d:id>{gid}</d:id><d:name>users</d:name></s:grp>"),
            ),
        )
        .await;
    assert_eq!(clash, "Group users already exists in this context");
    let list = t.ok("OXGroupService", &g(10, "listAll", "")).await;
    assert_eq!(list.returns().len(), 2);
    let for_user = t
        .ok(
            "OXGroupService",
            &g(
                10,
                "listGroupsForUser",
                &format!("<s:usr><d:id>{u2}</d:id></s:usr>"),
            ),
        )
        .await;
    assert_eq!(for_user.returns().len(), 2);

    // Deleting a user removes it from its groups.
    t.ok(
        "OXUserService",
        &format!(
            "<s:delete>{}<s:user><d:id>{u2}</d:id></s:user>{}</s:delete>",
            ctx(10),
            admin(10)
        ),
    )
    .await;
    let got = t
        .ok(
            "OXGroupService",
            &g(10, "getData", &format!("<s:grp><d:id>{gid}</d:id></s:grp>")),
        )
        .await;
    assert!(got.ret_values("members").is_empty());
    t.ok(
        "OXGroupService",
        &g(10, "delete", &format!("<s:grp><d:id>{gid}</d:id></s:grp>")),
    )
    .await;
    let r = t
        .call(
            "OXGroupService",
            &g(10, "getData", &format!("<s:grp><d:id>{gid}</d:id></s:grp>")),
        )
        .await;
    assert_eq!(r.message(), format!("No such group {gid} in context 10"));
    assert_eq!(r.detail_name(), "NoSuchGroupException");
}

#[tokio::test]
async fn resources() {
    let t = T::new().await;
    create_context(&t, 20).await;
    let create = |name: &str, mail: &str| {
        g(
            20,
            "create",
            &format!(
                "<s:res><d:description>Big room</d:description><d:displayname>{name}</d:displayname>\
             <d:email>{mail}</d:email><d:name>{name}</d:name></s:res>"
            ),
        )
    };
    let r = t
        .ok("OXResourceService", &create("Room 1", "room1@c20.example"))
        .await;
    let rid = r.ret_i64("id");
    assert_eq!(r.ret_text("name"), "room 1");
    assert_eq!(r.ret_text("available"), "true");
    assert_eq!(
        t.fault("OXResourceService", &create("room 1", "x@c20.example"))
            .await,
        "Resource with this name already exists"
    );
    assert_eq!(
        t.fault("OXResourceService", &create("room 2", "room1@c20.example"))
            .await,
        "Resource with this email address already exists"
    );
    assert_eq!(
        t.fault("OXResourceService", &create("room#3", "r3@c20.example"))
            .await,
        "Illegal chars: \"#\""
    );
    t.ok(
        "OXResourceService",
        &g(
            20,
            "change",
            &format!("<s:res><d:available>false</d:available><d:id>{rid}</d:id></s:res>"),
        ),
    )
    .await;
    let got = t
        .ok(
            "OXResourceService",
            &g(20, "getData", "<s:res><d:name>room 1</d:name></s:res>"),
        )
        .await;
    assert_eq!(got.ret_text("available"), "false");
    assert_eq!(got.ret_text("description"), "Big room");
    let list = t
        .ok(
            "OXResourceService",
            &g(20, "list", "<s:pattern>room*</s:pattern>"),
        )
        .await;
    assert_eq!(list.returns().len(), 1);
    t.ok(
        "OXResourceService",
        &g(20, "delete", &format!("<s:res><d:id>{rid}</d:id></s:res>")),
    )
    .await;
    let gone = t
        .call(
            "OXResourceService",
            &g(20, "getData", &format!("<s:res><d:id>{rid}</d:id></s:res>")),
        )
        .await;
    assert_eq!(
        gone.message(),
        format!("No such resource {rid} in context 20")
    );
    assert_eq!(gone.detail_name(), "NoSuchResourceException");
}
