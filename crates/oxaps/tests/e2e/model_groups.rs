//! Groups with members, resources with a manager, and aliases, against ox-sim driven by
//! apsc-sim: the user guide's actions (on-premise here, OX Cloud in `cloud`), bad input that must
//! leave OX untouched (`bad_input`), and concurrent notifications (`concurrent`).

mod bad_input;
mod cloud;
mod concurrent;

use std::collections::BTreeSet;

use ox::{Context, Credentials, Group, OxClient, Resource as OxResource, User};
use serde_json::{Value, json};

use crate::harness::backends;
use crate::world::{Customer, World, link};

#[tokio::test]
async fn groups_resources_and_aliases_lifecycle() {
    for backend in backends() {
        let w = World::start(backend).await;
        let basic = w.profile("Basic", "webmail", 512).await;
        let c = w.customer("example.com", &basic).await;
        let ox = w.ox_client();
        let admin = w.tenant_admin(&c.tenant_id).await;
        let ctx = Context::with_id(c.context_id);
        let ada = w.user(&c, "ada@example.com", json!({})).await;
        let bob = w.user(&c, "bob@example.com", json!({})).await;
        let cy = w.user(&c, "cy@example.com", json!({})).await;
        let (ada_id, bob_id, cy_id) = (id(&ada), id(&bob), id(&cy));

        // Add a group and select its members.
        let g = w
            .provision(
                "group",
                json!({"name": "Sales", "displayName": "Sales team", "tenant": link(&c.tenant_id)}),
            )
            .await;
        let gid = g.id().unwrap().to_owned();
        let group = Group::by_id(g.props["oxGroupId"].as_i64().unwrap() as i32);
        let got = ox.groups().get_data(&ctx, &group, &admin).await.unwrap();
        assert_eq!(got.name.as_deref(), Some("sales"), "OX lower-cases names");
        assert_eq!(got.displayname.as_deref(), Some("Sales team"));
        for u in [&ada_id, &bob_id] {
            w.sim.link(&gid, "members", u).await.unwrap();
        }
        w.settle().await;
        assert_eq!(
            members(&ox, &ctx, &admin, &group).await,
            ox_ids(&[&ada, &bob])
        );

        // Edit: the name and display name, then members out (unlink) and in (from the user's side).
        w.sim
            .configure(
                &gid,
                json!({"name": "Sales EU", "displayName": "Sales Europe"}),
            )
            .await
            .unwrap();
        let got = ox.groups().get_data(&ctx, &group, &admin).await.unwrap();
        assert_eq!(
            (got.name.as_deref(), got.displayname.as_deref()),
            (Some("sales eu"), Some("Sales Europe"))
        );
        w.sim.unlink(&gid, "members", &bob_id).await.unwrap();
        w.sim.link(&cy_id, "groups", &gid).await.unwrap();
        w.settle().await;
        assert_eq!(
            members(&ox, &ctx, &admin, &group).await,
            ox_ids(&[&ada, &cy])
        );
        assert_eq!(member_ids(&w, &gid).await, set(&[&ada_id, &cy_id]));
        // The same link notified twice changes nothing.
        w.sim.link(&gid, "members", &ada_id).await.unwrap();
        w.settle().await;
        assert_eq!(member_ids(&w, &gid).await, set(&[&ada_id, &cy_id]));

        // A user leaving the service leaves its groups.
        w.sim.unprovision(&cy_id).await.unwrap();
        w.settle().await;
        assert_eq!(members(&ox, &ctx, &admin, &group).await, ox_ids(&[&ada]));
        assert_eq!(member_ids(&w, &gid).await, set(&[&ada_id]));

        // Delete the group.
        w.sim.unprovision(&gid).await.unwrap();
        let gone = ox
            .groups()
            .get_data(&ctx, &group, &admin)
            .await
            .unwrap_err();
        assert!(gone.is_not_found(), "{gone}");

        // Add a resource with a manager, edit it, give it another manager, delete it.
        let r = w
            .provision(
                "resource",
                json!({"name": "Room 1", "displayName": "Meeting room 1", "description": "4 seats",
                    "email": "Room1@example.com", "manager": link(&ada_id), "tenant": link(&c.tenant_id)}),
            )
            .await;
        let rid = r.id().unwrap().to_owned();
        let res = OxResource::by_id(r.props["oxResourceId"].as_i64().unwrap() as i32);
        let got = ox.resources().get_data(&ctx, &res, &admin).await.unwrap();
        assert_eq!(got.name.as_deref(), Some("room 1"));
        assert_eq!(got.displayname.as_deref(), Some("Meeting room 1"));
        assert_eq!(got.description.as_deref(), Some("4 seats"));
        assert_eq!(got.email.as_deref(), Some("room1@example.com"));
        assert_eq!(
            stored(&w, &rid).await["manager"]["aps"]["id"],
            json!(ada_id)
        );
        w.sim
            .configure(
                &rid,
                json!({"displayName": "Room One", "description": "6 seats", "email": "room-one@example.com"}),
            )
            .await
            .unwrap();
        let got = ox.resources().get_data(&ctx, &res, &admin).await.unwrap();
        assert_eq!(
            (
                got.displayname.as_deref(),
                got.description.as_deref(),
                got.email.as_deref()
            ),
            (
                Some("Room One"),
                Some("6 seats"),
                Some("room-one@example.com")
            )
        );
        w.sim.link(&rid, "manager", &bob_id).await.unwrap();
        w.settle().await;
        assert_eq!(
            stored(&w, &rid).await["manager"]["aps"]["id"],
            json!(bob_id)
        );
        let r = w.sim.retrieve(&rid).await.unwrap();
        assert_eq!(r.link_id("manager"), Some(bob_id.as_str()));
        w.sim.unprovision(&rid).await.unwrap();
        let gone = ox
            .resources()
            .get_data(&ctx, &res, &admin)
            .await
            .unwrap_err();
        assert!(gone.is_not_found(), "{gone}");

        // Aliases: each one added to and removed from the OX user's list, the primary kept.
        let first = w
            .provision(
                "emailaddress",
                json!({"address": "Ada.Lovelace@Example.com", "user": link(&ada_id)}),
            )
            .await;
        assert_eq!(
            aliases(&w, &c, &ada).await,
            set(&["ada@example.com", "ada.lovelace@example.com"])
        );
        let second = w
            .provision(
                "emailaddress",
                json!({"address": "info@example.com", "user": link(&ada_id)}),
            )
            .await;
        assert_eq!(
            aliases(&w, &c, &ada).await,
            set(&[
                "ada@example.com",
                "ada.lovelace@example.com",
                "info@example.com"
            ])
        );
        w.sim.unprovision(first.id().unwrap()).await.unwrap();
        assert_eq!(
            aliases(&w, &c, &ada).await,
            set(&["ada@example.com", "info@example.com"])
        );
        w.sim.unprovision(second.id().unwrap()).await.unwrap();
        assert_eq!(aliases(&w, &c, &ada).await, set(&["ada@example.com"]));

        // The tenant goes with a group, a resource and an alias still in it.
        let g = w
            .provision(
                "group",
                json!({"name": "Left", "tenant": link(&c.tenant_id)}),
            )
            .await;
        w.sim
            .link(g.id().unwrap(), "members", &ada_id)
            .await
            .unwrap();
        w.provision("resource", json!({"name": "Beamer", "displayName": "Beamer", "email": "beamer@example.com", "tenant": link(&c.tenant_id)})).await;
        w.provision(
            "emailaddress",
            json!({"address": "left@example.com", "user": link(&ada_id)}),
        )
        .await;
        w.settle().await;
        w.sim.unprovision(&c.tenant_id).await.unwrap();
        assert!(!ox.contexts().exists(&ctx, &w.master()).await.unwrap());
        let app = &w.node.node.app;
        for service in ["group", "resource", "emailaddress"] {
            let left = app
                .store
                .resources_of(&w.instance.id, service)
                .await
                .unwrap();
            assert!(left.is_empty(), "{service}: {left:?}");
        }
        w.node.node.shutdown().await;
    }
}
pub(super) fn id(r: &aps::Resource) -> String {
    r.id().unwrap().to_owned()
}

pub(super) fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(super) fn ox_ids(users: &[&aps::Resource]) -> BTreeSet<i32> {
    users
        .iter()
        .map(|u| u.props["oxUserId"].as_i64().unwrap() as i32)
        .collect()
}

pub(super) async fn members(
    ox: &OxClient,
    ctx: &Context,
    admin: &Credentials,
    g: &Group,
) -> BTreeSet<i32> {
    let list = ox.groups().get_members(ctx, g, admin).await.unwrap();
    list.into_iter().filter_map(|u| u.id).collect()
}

pub(super) async fn aliases(w: &World, c: &Customer, user: &aps::Resource) -> BTreeSet<String> {
    let admin = w.tenant_admin(&c.tenant_id).await;
    let id = user.props["oxUserId"].as_i64().unwrap() as i32;
    let got = w
        .ox_client()
        .users()
        .get_data(&Context::with_id(c.context_id), &User::by_id(id), &admin)
        .await
        .unwrap();
    got.aliases.iter().map(|a| a.to_ascii_lowercase()).collect()
}

/// The members oxaps holds for a group.
pub(super) async fn member_ids(w: &World, group: &str) -> BTreeSet<String> {
    let app = &w.node.node.app;
    let ids = oxaps::model::group::member_ids(&app.store, &w.instance.id, group);
    ids.await.unwrap().into_iter().collect()
}

/// The body oxaps stores for a resource.
pub(super) async fn stored(w: &World, id: &str) -> Value {
    let app = &w.node.node.app;
    app.store
        .resource(&w.instance.id, id)
        .await
        .unwrap()
        .unwrap()
        .body
}
