//! Every operation of the `ox` client against ox-sim (two independent implementations
//! of the wire must agree).

use ox::{
    Context, Credentials, Group, OxClient, OxConfig, OxError, ResellerAdmin, ResellerContext,
    Resource, Restriction, RetryPolicy, User, UserModuleAccess, access,
};

use crate::common::*;

fn client(t: &T) -> OxClient {
    let mut cfg = OxConfig::new(t.sim.base_url());
    cfg.retry = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    OxClient::new(cfg).expect("ox client")
}

fn master_creds() -> Credentials {
    Credentials::new("oxadminmaster", MASTER_PW)
}

fn new_user(name: &str, domain: &str) -> User {
    User {
        name: Some(name.into()),
        password: Some("secret".into()),
        display_name: Some(format!("{name} display")),
        given_name: Some("Given".into()),
        sur_name: Some("Sur".into()),
        ..Default::default()
    }
    .with_primary_address(format!("{name}@{domain}"))
}

fn admin_user(domain: &str) -> User {
    User {
        name: Some("oxadmin".into()),
        password: Some("adminpw".into()),
        display_name: Some("Admin".into()),
        given_name: Some("Ad".into()),
        sur_name: Some("Min".into()),
        ..Default::default()
    }
    .with_primary_address(format!("oxadmin@{domain}"))
}

#[tokio::test]
async fn context_operations() {
    let t = T::new().await;
    let ox = client(&t);
    let m = master_creds();
    let ctx = Context {
        id: Some(10),
        name: Some("rt.example".into()),
        max_quota: Some(500),
        login_mappings: vec!["rt.example".into()],
        ..Default::default()
    };
    let created = ox
        .contexts()
        .create(&ctx, &admin_user("rt.example"), &m)
        .await
        .unwrap();
    assert_eq!(created.id, Some(10));
    assert_eq!(created.enabled, Some(true));
    let again = ox
        .contexts()
        .create(&ctx, &admin_user("rt.example"), &m)
        .await
        .unwrap_err();
    assert!(again.is_already_exists(), "{again:?}");

    let c11 = Context {
        id: Some(11),
        max_quota: Some(1),
        ..Default::default()
    };
    let access = access::by_name("pim").unwrap();
    ox.contexts()
        .create_module_access(&c11, &admin_user("c11.example"), &access, &m)
        .await
        .unwrap();
    let c12 = Context {
        id: Some(12),
        max_quota: Some(1),
        ..Default::default()
    };
    ox.contexts()
        .create_module_access_by_name(&c12, &admin_user("c12.example"), "webmail", &m)
        .await
        .unwrap();
    let bad = ox
        .contexts()
        .create_module_access_by_name(
            &Context {
                id: Some(13),
                ..Default::default()
            },
            &admin_user("c13.example"),
            "nope",
            &m,
        )
        .await
        .unwrap_err();
    // OX sends InvalidDataException "No such access combination name ..."; how the client
    // classifies it is its business, the wire must carry the exception name.
    assert_eq!(
        bad.fault().and_then(|f| f.exception.as_deref()),
        Some("InvalidDataException")
    );

    let r10 = Context::with_id(10);
    assert!(ox.contexts().exists(&r10, &m).await.unwrap());
    assert!(
        !ox.contexts()
            .exists(&Context::with_id(99), &m)
            .await
            .unwrap()
    );
    let missing = ox
        .contexts()
        .get_data(&Context::with_id(99), &m)
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");

    let change = Context {
        id: Some(10),
        max_quota: Some(600),
        name: Some("rt2.example".into()),
        ..Default::default()
    };
    ox.contexts().change(&change, &m).await.unwrap();
    let got = ox.contexts().get_data(&r10, &m).await.unwrap();
    assert_eq!(got.max_quota, Some(600));
    assert_eq!(got.name.as_deref(), Some("rt2.example"));
    assert_eq!(got.login_mappings, vec!["rt.example".to_string()]);

    assert_eq!(ox.contexts().list("*", &m).await.unwrap().len(), 3);
    assert_eq!(ox.contexts().list("rt2*", &m).await.unwrap().len(), 1);

    ox.contexts()
        .change_quota(&r10, "infostore", 100, &m)
        .await
        .unwrap();
    let q = ox.contexts().list_quota(&r10, &m).await.unwrap();
    assert_eq!(
        (q[0].module.as_deref(), q[0].limit),
        (Some("infostore"), Some(100))
    );
    ox.contexts()
        .change_capabilities(&r10, "drive", "", "", &m)
        .await
        .unwrap();

    assert_eq!(
        ox.contexts()
            .get_access_combination_name(&r10, &m)
            .await
            .unwrap()
            .as_deref(),
        Some("all")
    );
    ox.contexts()
        .change_module_access_by_name(&r10, "pim_infostore", &m)
        .await
        .unwrap();
    assert_eq!(
        ox.contexts()
            .get_access_combination_name(&r10, &m)
            .await
            .unwrap()
            .as_deref(),
        Some("pim_infostore")
    );
    ox.contexts()
        .change_module_access(&r10, &access::by_name("drive").unwrap(), &m)
        .await
        .unwrap();
    assert_eq!(
        ox.contexts()
            .get_access_combination_name(&r10, &m)
            .await
            .unwrap()
            .as_deref(),
        Some("drive")
    );

    ox.contexts().disable(&r10, &m).await.unwrap();
    assert_eq!(
        ox.contexts().get_data(&r10, &m).await.unwrap().enabled,
        Some(false)
    );
    ox.contexts().enable(&r10, &m).await.unwrap();
    assert_eq!(
        ox.contexts().get_data(&r10, &m).await.unwrap().enabled,
        Some(true)
    );
    assert!(t.sim.usage().set_context_used_mb(10, 55).await.unwrap());
    assert_eq!(
        ox.contexts().get_data(&r10, &m).await.unwrap().used_quota,
        Some(55)
    );

    let wrong = Credentials::new("oxadminmaster", "wrong");
    let denied = ox.contexts().get_data(&r10, &wrong).await.unwrap_err();
    assert!(
        matches!(denied, OxError::InvalidCredentials(_)),
        "{denied:?}"
    );
    ox.contexts().delete(&r10, &m).await.unwrap();
    assert!(
        ox.contexts()
            .get_data(&r10, &m)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn user_operations() {
    let t = T::new().await;
    let ox = client(&t);
    create_context(&t, 20).await;
    let c = Context::with_id(20);
    let a = Credentials::new("admin20", "adminpw");
    let users = ox.users();

    let u = users
        .create(&c, &new_user("alice", "c20.example"), &a)
        .await
        .unwrap();
    let id = u.id.unwrap();
    assert_eq!(u.aliases, vec!["alice@c20.example".to_string()]);
    assert_eq!(
        u.default_sender_address.as_deref(),
        Some("alice@c20.example")
    );
    let dup = users
        .create(&c, &new_user("alice", "c20.example"), &a)
        .await
        .unwrap_err();
    assert!(dup.is_already_exists(), "{dup:?}");

    let wm = users
        .create_by_module_access_name(&c, &new_user("bob", "c20.example"), "webmail", &a)
        .await
        .unwrap();
    let explicit = access::by_name("pim").unwrap();
    let carol = users
        .create_by_module_access(&c, &new_user("carol", "c20.example"), &explicit, &a)
        .await
        .unwrap();
    let bob = User::by_id(wm.id.unwrap());
    assert_eq!(
        users
            .get_access_combination_name(&c, &bob, &a)
            .await
            .unwrap()
            .as_deref(),
        Some("webmail")
    );
    assert_eq!(
        users
            .get_access_combination_name(&c, &User::by_id(carol.id.unwrap()), &a)
            .await
            .unwrap()
            .as_deref(),
        Some("pim")
    );
    users
        .change_by_module_access_name(&c, &bob, "pim", &a)
        .await
        .unwrap();
    assert_eq!(
        users
            .get_access_combination_name(&c, &bob, &a)
            .await
            .unwrap()
            .as_deref(),
        Some("pim")
    );
    users
        .change_by_module_access(&c, &bob, &access::by_name("drive").unwrap(), &a)
        .await
        .unwrap();
    let got_access: UserModuleAccess = users.get_module_access(&c, &bob, &a).await.unwrap();
    assert_eq!(access::name_of(&got_access), Some("drive"));

    let change = User {
        id: Some(id),
        display_name: Some("Alice A.".into()),
        ..Default::default()
    };
    users.change(&c, &change, &a).await.unwrap();
    let got = users
        .get_data(&c, &User::by_name("alice"), &a)
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Alice A."));
    assert_eq!(got.given_name.as_deref(), Some("Given"));
    assert!(got.password.is_none());

    assert!(users.exists(&c, &User::by_id(id), &a).await.unwrap());
    assert!(!users.exists(&c, &User::by_id(999), &a).await.unwrap());
    let missing = users.get_data(&c, &User::by_id(999), &a).await.unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");

    let many = users
        .get_multiple_data(&c, &[User::by_id(id), User::by_name("bob")], &a)
        .await
        .unwrap();
    assert_eq!(many.len(), 2);
    let all = users.list_all(&c, &a).await.unwrap();
    assert_eq!(
        all.iter().map(|u| u.id.unwrap()).collect::<Vec<_>>(),
        vec![2, id, bob.id.unwrap(), carol.id.unwrap()]
    );
    assert_eq!(users.list(&c, "al*", &a).await.unwrap().len(), 1);

    users
        .change_capabilities(&c, &User::by_id(id), "Drive", "", "", &a)
        .await
        .unwrap();
    assert!(
        t.sim
            .usage()
            .set_user_used_mb(20, i64::from(id), 9)
            .await
            .unwrap()
    );
    assert_eq!(
        users
            .get_data(&c, &User::by_id(id), &a)
            .await
            .unwrap()
            .used_quota,
        Some(9)
    );

    users.delete(&c, &User::by_id(id), &a).await.unwrap();
    let gone = users.delete(&c, &User::by_id(id), &a).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
}

#[tokio::test]
async fn group_and_resource_operations() {
    let t = T::new().await;
    let ox = client(&t);
    create_context(&t, 30).await;
    let c = Context::with_id(30);
    let a = Credentials::new("admin30", "adminpw");
    let u1 = create_user(&t, 30, "u1").await as i32;
    let u2 = create_user(&t, 30, "u2").await as i32;
    let groups = ox.groups();
    let g = groups
        .create(
            &c,
            &Group {
                name: Some("team".into()),
                displayname: Some("Team".into()),
                members: vec![u1],
                ..Default::default()
            },
            &a,
        )
        .await
        .unwrap();
    let gref = Group::by_id(g.id.unwrap());
    groups.add_member(&c, &gref, &[u2], &a).await.unwrap();
    let again = groups.add_member(&c, &gref, &[u2], &a).await.unwrap_err();
    assert!(again.is_already_exists(), "{again:?}");
    let members = groups.get_members(&c, &gref, &a).await.unwrap();
    assert_eq!(
        members.iter().map(|u| u.id.unwrap()).collect::<Vec<_>>(),
        vec![u1, u2]
    );
    groups.remove_member(&c, &gref, &[u1], &a).await.unwrap();
    groups
        .change(
            &c,
            &Group {
                id: g.id,
                displayname: Some("The Team".into()),
                ..Default::default()
            },
            &a,
        )
        .await
        .unwrap();
    let got = groups
        .get_data(&c, &Group::by_name("team"), &a)
        .await
        .unwrap();
    assert_eq!(got.displayname.as_deref(), Some("The Team"));
    assert_eq!(got.members, vec![u2]);
    assert_eq!(groups.list_all(&c, &a).await.unwrap().len(), 2);
    assert_eq!(groups.list(&c, "te*", &a).await.unwrap().len(), 1);
    groups.delete(&c, &gref, &a).await.unwrap();
    assert!(
        groups
            .get_data(&c, &gref, &a)
            .await
            .unwrap_err()
            .is_not_found()
    );

    let res = ox.resources();
    let r = res
        .create(
            &c,
            &Resource {
                name: Some("beamer".into()),
                displayname: Some("Beamer".into()),
                email: Some("beamer@c30.example".into()),
                ..Default::default()
            },
            &a,
        )
        .await
        .unwrap();
    let rref = Resource::by_id(r.id.unwrap());
    res.change(
        &c,
        &Resource {
            id: r.id,
            available: Some(false),
            ..Default::default()
        },
        &a,
    )
    .await
    .unwrap();
    assert_eq!(
        res.get_data(&c, &rref, &a).await.unwrap().available,
        Some(false)
    );
    assert_eq!(res.list_all(&c, &a).await.unwrap().len(), 1);
    assert_eq!(res.list(&c, "bea*", &a).await.unwrap().len(), 1);
    res.delete(&c, &rref, &a).await.unwrap();
    assert!(
        res.get_data(&c, &rref, &a)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn reseller_operations() {
    let t = T::new().await;
    let ox = client(&t);
    let m = master_creds();
    let adm = ResellerAdmin {
        name: Some("brand".into()),
        password: Some("rpw".into()),
        display_name: Some("Brand".into()),
        restrictions: vec![Restriction::new("Subadmin.MaxContext", "1")],
        ..Default::default()
    };
    let created = ox.resellers().create(&adm, &m).await.unwrap();
    assert!(created.id.is_some());
    assert!(
        ox.resellers()
            .create(&adm, &m)
            .await
            .unwrap_err()
            .is_already_exists()
    );
    ox.resellers()
        .change(
            &ResellerAdmin {
                id: created.id,
                display_name: Some("Brand 2".into()),
                ..Default::default()
            },
            &m,
        )
        .await
        .unwrap();
    let got = ox
        .resellers()
        .get_data(&ResellerAdmin::by_name("brand"), &m)
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Brand 2"));
    assert_eq!(got.restrictions.len(), 1);
    assert_eq!(ox.resellers().list("*", &m).await.unwrap().len(), 1);
    let avail = ox.resellers().get_available_restrictions(&m).await.unwrap();
    assert!(
        avail
            .iter()
            .any(|r| r.name.as_deref() == Some("Context.MaxUser"))
    );

    let sub = Credentials::new("brand", "rpw");
    let rc = ResellerContext {
        id: Some(40),
        max_quota: Some(10),
        customid: Some("x".into()),
        ..Default::default()
    };
    let c = ox
        .reseller_contexts()
        .create(&rc, &admin_user("r40.example"), &sub)
        .await
        .unwrap();
    assert_eq!(c.sid, created.id);
    assert_eq!(c.owner.and_then(|o| o.name).as_deref(), Some("brand"));
    let full = ox
        .reseller_contexts()
        .create(
            &ResellerContext {
                id: Some(41),
                ..Default::default()
            },
            &admin_user("r41.example"),
            &sub,
        )
        .await
        .unwrap_err();
    assert!(matches!(full, OxError::QuotaExceeded(_)), "{full:?}");
    let r40 = ResellerContext::with_id(40);
    let users = ox.reseller_users();
    let u = users
        .create(&r40, &new_user("dave", "r40.example"), &sub)
        .await
        .unwrap();
    assert_eq!(
        users
            .get_data(&r40, &User::by_id(u.id.unwrap()), &sub)
            .await
            .unwrap()
            .name
            .as_deref(),
        Some("dave")
    );
    let g = ox
        .reseller_groups()
        .create(
            &r40,
            &Group {
                name: Some("g".into()),
                displayname: Some("G".into()),
                ..Default::default()
            },
            &sub,
        )
        .await
        .unwrap();
    assert!(g.id.is_some());
    let r = ox
        .reseller_resources()
        .create(
            &r40,
            &Resource {
                name: Some("r".into()),
                displayname: Some("R".into()),
                email: Some("r@r40.example".into()),
                ..Default::default()
            },
            &sub,
        )
        .await
        .unwrap();
    assert!(r.id.is_some());
    assert_eq!(
        ox.reseller_contexts().list("*", &sub).await.unwrap().len(),
        1
    );
    let in_use = ox
        .resellers()
        .delete(&ResellerAdmin::by_name("brand"), &m)
        .await
        .unwrap_err();
    assert!(matches!(in_use, OxError::InvalidData(_)), "{in_use:?}");
    ox.reseller_contexts().delete(&r40, &sub).await.unwrap();
    ox.resellers()
        .delete(&ResellerAdmin::by_name("brand"), &m)
        .await
        .unwrap();
}
