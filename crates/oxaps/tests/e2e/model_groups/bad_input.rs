//! Bad input for groups, resources and aliases: each refused with a 4xx and a message a customer
//! understands, and nothing left in OX or in the store.

use ox::{Context, Group};
use serde_json::{Value, json};

use super::{aliases, id, member_ids, members, set};
use crate::harness::Backend;
use crate::world::{World, link};

#[tokio::test]
async fn bad_input_is_refused_and_leaves_nothing_in_ox() {
    let w = World::start(Backend::Sqlite).await;
    let basic = w.profile("Basic", "webmail", 512).await;
    let c = w.customer("example.org", &basic).await;
    let other = w.customer("other.org", &basic).await;
    let ada = w.user(&c, "ada@example.org", json!({})).await;
    let eve = w.user(&other, "eve@other.org", json!({})).await;
    let (ada_id, eve_id) = (id(&ada), id(&eve));
    let ox = w.ox_client();
    let admin = w.tenant_admin(&c.tenant_id).await;
    let ctx = Context::with_id(c.context_id);
    let groups_before = ox.groups().list_all(&ctx, &admin).await.unwrap().len();
    let tenant = link(&c.tenant_id);
    let long = "x".repeat(2049);

    let group_cases = [
        (json!({"name": "bad&name"}), 400, "Illegal chars: \"&\""),
        (json!({"name": "Bad/Name"}), 400, "Illegal chars: \"/\""),
        (
            json!({"name": "ok", "displayName": long}),
            400,
            "at most 2048",
        ),
        (
            json!({"name": "ok", "tenant": link(&ada_id)}),
            400,
            "does not exist",
        ),
    ];
    refused(&w, "group", &tenant, &group_cases).await;
    let team = w
        .provision("group", json!({"name": "Team", "tenant": tenant}))
        .await;
    let dup = [(json!({"name": "team"}), 409, "already exists")];
    refused(&w, "group", &tenant, &dup).await;
    let err = w
        .sim
        .link(team.id().unwrap(), "members", &eve_id)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    let message = &err.aps_error().unwrap().message;
    assert!(
        message.contains("belongs to another subscription"),
        "{message}"
    );
    w.settle().await;
    let team_ref = Group::by_id(team.props["oxGroupId"].as_i64().unwrap() as i32);
    assert!(members(&ox, &ctx, &admin, &team_ref).await.is_empty());
    assert!(member_ids(&w, team.id().unwrap()).await.is_empty());

    let room = |extra: Value| {
        let mut body = json!({"name": "Room", "displayName": "Room", "email": "room@example.org"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let resource_cases = [
        (room(json!({"name": "bad&room"})), 400, "Illegal chars"),
        (
            room(json!({"email": "room@not-ours.example"})),
            400,
            "not a domain of this subscription",
        ),
        (
            room(json!({"email": "room@other.org"})),
            400,
            "not a domain of this subscription",
        ),
        (
            room(json!({"email": "no-address"})),
            400,
            "not a valid email address",
        ),
        (room(json!({"description": long})), 400, "at most 2048"),
        (
            room(json!({"manager": link(&eve_id)})),
            400,
            "belongs to another subscription",
        ),
        (
            room(json!({"email": "ada@example.org"})),
            409,
            "belongs to a user",
        ),
    ];
    refused(&w, "resource", &tenant, &resource_cases).await;
    let room_res = w
        .provision(
            "resource",
            room(json!({"tenant": tenant, "manager": link(&ada_id)})),
        )
        .await;
    // A manager from another subscription is refused on relink too; the manager stays.
    let err = w
        .sim
        .link(room_res.id().unwrap(), "manager", &eve_id)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    let stored = super::stored(&w, room_res.id().unwrap()).await;
    assert_eq!(stored["manager"]["aps"]["id"], json!(ada_id));
    let dups = [
        (
            room(json!({"name": "ROOM", "email": "room2@example.org"})),
            409,
            "already exists",
        ),
        (
            room(json!({"name": "Room 2"})),
            409,
            "already uses the address",
        ),
    ];
    refused(&w, "resource", &tenant, &dups).await;

    let alias_cases = [
        (
            json!({"address": "ada2@not-ours.example"}),
            400,
            "not a domain of this subscription",
        ),
        (
            json!({"address": "ada2@other.org"}),
            400,
            "not a domain of this subscription",
        ),
        (
            json!({"address": "no-address"}),
            400,
            "not a valid email address",
        ),
        (json!({"address": long}), 400, "at most 2048"),
        (
            json!({"address": "Ada@example.org"}),
            409,
            "login of a user",
        ),
        (
            json!({"address": "room@example.org"}),
            409,
            "address of a resource",
        ),
        (
            json!({"address": "x@example.org", "user": link(&c.tenant_id)}),
            400,
            "does not exist",
        ),
    ];
    let owner = link(&ada_id);
    refused(&w, "emailaddress", &owner, &alias_cases).await;
    w.provision(
        "emailaddress",
        json!({"address": "info@example.org", "user": owner}),
    )
    .await;
    let dup = [(
        json!({"address": "INFO@example.org"}),
        409,
        "already an alias",
    )];
    refused(&w, "emailaddress", &owner, &dup).await;

    // OX holds exactly the accepted objects; the store holds no refused resource.
    let groups = ox.groups().list_all(&ctx, &admin).await.unwrap();
    assert_eq!(groups.len(), groups_before + 1, "{groups:?}");
    let resources = ox.resources().list_all(&ctx, &admin).await.unwrap();
    assert_eq!(resources.len(), 1, "{resources:?}");
    assert_eq!(
        aliases(&w, &c, &ada).await,
        set(&["ada@example.org", "info@example.org"])
    );
    let other_admin = w.tenant_admin(&other.tenant_id).await;
    let other_ctx = Context::with_id(other.context_id);
    assert_eq!(
        ox.groups()
            .list_all(&other_ctx, &other_admin)
            .await
            .unwrap()
            .len(),
        groups_before
    );
    assert!(
        ox.resources()
            .list_all(&other_ctx, &other_admin)
            .await
            .unwrap()
            .is_empty()
    );
    for (service, count) in [("group", 1), ("resource", 1), ("emailaddress", 1)] {
        let rows = w
            .node
            .node
            .app
            .store
            .resources_of(&w.instance.id, service)
            .await
            .unwrap();
        assert_eq!(rows.len(), count, "{service}: {rows:?}");
    }
    w.node.node.shutdown().await;
}
/// Provisions each case (its body plus `parent` under the type's required link) and expects the
/// status and a message containing the text.
pub(super) async fn refused(
    w: &World,
    service: &str,
    parent: &Value,
    cases: &[(Value, u16, &str)],
) {
    let relation = if service == "emailaddress" {
        "user"
    } else {
        "tenant"
    };
    for (body, status, expected) in cases {
        let mut body = body.clone();
        if body.get(relation).is_none() {
            body[relation] = parent.clone();
        }
        let err = w.try_provision(service, body.clone()).await.unwrap_err();
        assert_eq!(
            err.endpoint_status(),
            Some(*status),
            "{service} {body}: {err}"
        );
        let message = &err.aps_error().unwrap().message;
        assert!(
            message.contains(expected),
            "{service}: {expected:?} not in {message:?}"
        );
    }
}
