//! The operations shared by the core and reseller flavors of the context, user, group and
//! resource services, each checked against its fixture.

use ox::services::{ContextService, Flavor, GroupService, ResourceService, UserService};
use ox::{Credentials, Group, Resource, Right, User, UserModuleAccess, access};

use crate::Golden;
use crate::common::{returns, void};
use crate::data::{CTX_RETURN, USER_RETURN, admin_user, full_user};

pub async fn context_ops<F: Flavor>(
    g: &mut Golden,
    svc: ContextService<F>,
    ctx: F::Ctx,
    creds: &Credentials,
) {
    let s = if F::RESELLER {
        "OXResellerContextService"
    } else {
        "OXContextService"
    };
    let n = |op: &str| format!("{s}_{op}");
    let access = access::by_name("groupware_standard").unwrap();
    let id_only = <F::Ctx as ox::services::ContextArg>::from_id(4711);
    let one = |op: &str| returns(op, &[CTX_RETURN]);
    g.check(
        &n("create"),
        one("create"),
        svc.create(&ctx, &admin_user(), creds),
    )
    .await;
    g.check(
        &n("createModuleAccess"),
        one("createModuleAccess"),
        svc.create_module_access(&ctx, &admin_user(), &access, creds),
    )
    .await;
    g.check(
        &n("createModuleAccessByName"),
        one("createModuleAccessByName"),
        svc.create_module_access_by_name(&ctx, &admin_user(), "groupware_standard", creds),
    )
    .await;
    g.check(&n("change"), void("change"), svc.change(&ctx, creds))
        .await;
    g.check(
        &n("changeModuleAccess"),
        void("changeModuleAccess"),
        svc.change_module_access(&id_only, &access, creds),
    )
    .await;
    g.check(
        &n("changeModuleAccessByName"),
        void("changeModuleAccessByName"),
        svc.change_module_access_by_name(&id_only, "pim", creds),
    )
    .await;
    g.check(&n("delete"), void("delete"), svc.delete(&id_only, creds))
        .await;
    g.check(&n("disable"), void("disable"), svc.disable(&id_only, creds))
        .await;
    g.check(&n("enable"), void("enable"), svc.enable(&id_only, creds))
        .await;
    g.check(
        &n("exists"),
        returns("exists", &["true"]),
        svc.exists(&id_only, creds),
    )
    .await;
    g.check(&n("getData"), one("getData"), svc.get_data(&id_only, creds))
        .await;
    g.check(
        &n("list"),
        returns("list", &[CTX_RETURN, CTX_RETURN]),
        svc.list("example*", creds),
    )
    .await;
    let quota = "<ns3:module>infostore</ns3:module><ns3:limit>0</ns3:limit>";
    g.check(
        &n("listQuota"),
        returns("listQuota", &[quota]),
        svc.list_quota(&id_only, creds),
    )
    .await;
    g.check(
        &n("getAccessCombinationName"),
        returns("getAccessCombinationName", &["groupware_standard"]),
        svc.get_access_combination_name(&id_only, creds),
    )
    .await;
}

pub async fn user_ops<F: Flavor>(g: &mut Golden, svc: UserService<F>, creds: &Credentials) {
    let s = if F::RESELLER {
        "OXResellerUserService"
    } else {
        "OXUserService"
    };
    let n = |op: &str| format!("{s}_{op}");
    let ctx = <F::Ctx as ox::services::ContextArg>::from_id(4711);
    let user = full_user();
    let by_id = User::by_id(3);
    let rights =
        UserModuleAccess::from_rights([Right::Webmail, Right::Contacts, Right::EditPassword]);
    let one = |op: &str| returns(op, &[USER_RETURN]);
    g.check(&n("create"), one("create"), svc.create(&ctx, &user, creds))
        .await;
    g.check(
        &n("createByModuleAccess"),
        one("createByModuleAccess"),
        svc.create_by_module_access(&ctx, &user, &rights, creds),
    )
    .await;
    g.check(
        &n("createByModuleAccessName"),
        one("createByModuleAccessName"),
        svc.create_by_module_access_name(&ctx, &user, "webmail", creds),
    )
    .await;
    let change = User {
        id: Some(3),
        display_name: Some("Alice E.".into()),
        email3: ox::cleared(),
        ..Default::default()
    };
    g.check(
        &n("change"),
        void("change"),
        svc.change(&ctx, &change, creds),
    )
    .await;
    g.check(
        &n("changeByModuleAccess"),
        void("changeByModuleAccess"),
        svc.change_by_module_access(&ctx, &by_id, &rights, creds),
    )
    .await;
    g.check(
        &n("changeByModuleAccessName"),
        void("changeByModuleAccessName"),
        svc.change_by_module_access_name(&ctx, &by_id, "pim", creds),
    )
    .await;
    g.check(
        &n("delete"),
        void("delete"),
        svc.delete(&ctx, &by_id, creds),
    )
    .await;
    g.check(
        &n("exists"),
        returns("exists", &["false"]),
        svc.exists(&ctx, &User::by_name("alice"), creds),
    )
    .await;
    g.check(
        &n("getData"),
        one("getData"),
        svc.get_data(&ctx, &User::by_name("alice"), creds),
    )
    .await;
    g.check(
        &n("getMultipleData"),
        returns("getMultipleData", &[USER_RETURN, USER_RETURN]),
        svc.get_multiple_data(&ctx, &[User::by_id(3), User::by_id(4)], creds),
    )
    .await;
    g.check(
        &n("list"),
        returns("list", &["<ns2:id>3</ns2:id>"]),
        svc.list(&ctx, "ali*", creds),
    )
    .await;
    g.check(
        &n("listAll"),
        returns("listAll", &["<ns2:id>2</ns2:id>", "<ns2:id>3</ns2:id>"]),
        svc.list_all(&ctx, creds),
    )
    .await;
    g.check(
        &n("getModuleAccess"),
        returns("getModuleAccess", &["<ns2:webmail>true</ns2:webmail>"]),
        svc.get_module_access(&ctx, &by_id, creds),
    )
    .await;
    g.check(
        &n("getAccessCombinationName"),
        returns("getAccessCombinationName", &["webmail"]),
        svc.get_access_combination_name(&ctx, &by_id, creds),
    )
    .await;
}

pub async fn group_ops<F: Flavor>(g: &mut Golden, svc: GroupService<F>, creds: &Credentials) {
    let s = if F::RESELLER {
        "OXResellerGroupService"
    } else {
        "OXGroupService"
    };
    let n = |op: &str| format!("{s}_{op}");
    let ctx = <F::Ctx as ox::services::ContextArg>::from_id(4711);
    let grp = Group {
        name: Some("sales team".into()),
        displayname: Some("Sales Team".into()),
        members: vec![3, 4],
        ..Default::default()
    };
    let by_id = Group::by_id(7);
    let ret = "<ns2:displayname>Sales Team</ns2:displayname><ns2:id>7</ns2:id><ns2:members>3</ns2:members><ns2:name>sales team</ns2:name>";
    g.check(
        &n("create"),
        returns("create", &[ret]),
        svc.create(&ctx, &grp, creds),
    )
    .await;
    let change = Group {
        id: Some(7),
        displayname: Some("Sales".into()),
        ..Default::default()
    };
    g.check(
        &n("change"),
        void("change"),
        svc.change(&ctx, &change, creds),
    )
    .await;
    g.check(
        &n("delete"),
        void("delete"),
        svc.delete(&ctx, &by_id, creds),
    )
    .await;
    g.check(
        &n("getData"),
        returns("getData", &[ret]),
        svc.get_data(&ctx, &Group::by_name("sales team"), creds),
    )
    .await;
    g.check(
        &n("list"),
        returns("list", &[ret]),
        svc.list(&ctx, "sales*", creds),
    )
    .await;
    g.check(
        &n("listAll"),
        returns("listAll", &[ret, ret]),
        svc.list_all(&ctx, creds),
    )
    .await;
    g.check(
        &n("addMember"),
        void("addMember"),
        svc.add_member(&ctx, &by_id, &[5, 6], creds),
    )
    .await;
    g.check(
        &n("removeMember"),
        void("removeMember"),
        svc.remove_member(&ctx, &by_id, &[5], creds),
    )
    .await;
    g.check(
        &n("getMembers"),
        returns("getMembers", &["<ns2:id>3</ns2:id>", "<ns2:id>4</ns2:id>"]),
        svc.get_members(&ctx, &by_id, creds),
    )
    .await;
}

pub async fn resource_ops<F: Flavor>(g: &mut Golden, svc: ResourceService<F>, creds: &Credentials) {
    let s = if F::RESELLER {
        "OXResellerResourceService"
    } else {
        "OXResourceService"
    };
    let n = |op: &str| format!("{s}_{op}");
    let ctx = <F::Ctx as ox::services::ContextArg>::from_id(4711);
    let res = Resource {
        name: Some("room 1".into()),
        displayname: Some("Room 1".into()),
        email: Some("room1@example.com".into()),
        description: Some("Big room".into()),
        available: Some(true),
        ..Default::default()
    };
    let ret = "<ns2:available>true</ns2:available><ns2:id>9</ns2:id><ns2:name>room 1</ns2:name>";
    g.check(
        &n("create"),
        returns("create", &[ret]),
        svc.create(&ctx, &res, creds),
    )
    .await;
    let change = Resource {
        id: Some(9),
        description: ox::cleared(),
        available: Some(false),
        ..Default::default()
    };
    g.check(
        &n("change"),
        void("change"),
        svc.change(&ctx, &change, creds),
    )
    .await;
    g.check(
        &n("delete"),
        void("delete"),
        svc.delete(&ctx, &Resource::by_id(9), creds),
    )
    .await;
    g.check(
        &n("getData"),
        returns("getData", &[ret]),
        svc.get_data(&ctx, &Resource::by_name("room 1"), creds),
    )
    .await;
    g.check(
        &n("list"),
        returns("list", &[ret]),
        svc.list(&ctx, "room*", creds),
    )
    .await;
    g.check(
        &n("listAll"),
        returns("listAll", &[ret]),
        svc.list_all(&ctx, creds),
    )
    .await;
}
