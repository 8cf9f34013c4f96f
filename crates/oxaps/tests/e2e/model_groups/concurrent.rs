//! Link notifications for one group, and aliases of one user, arriving at once: none is lost.

use futures::future::join_all;
use ox::{Context, Group};
use serde_json::json;

use super::{aliases, id, member_ids, members, ox_ids, set};
use crate::harness::backends;
use crate::world::{World, link};

#[tokio::test]
async fn concurrent_member_and_alias_changes_all_reach_ox() {
    for backend in backends() {
        let w = World::start(backend).await;
        let basic = w.profile("Basic", "webmail", 512).await;
        let c = w.customer("example.net", &basic).await;
        let ox = w.ox_client();
        let admin = w.tenant_admin(&c.tenant_id).await;
        let ctx = Context::with_id(c.context_id);
        let mut users = Vec::new();
        for name in ["u0", "u1", "u2", "u3"] {
            users.push(w.user(&c, &format!("{name}@example.net"), json!({})).await);
        }
        let g = w
            .provision(
                "group",
                json!({"name": "All", "tenant": link(&c.tenant_id)}),
            )
            .await;
        let gid = id(&g);
        let group = Group::by_id(g.props["oxGroupId"].as_i64().unwrap() as i32);

        // Notifications for one group at once: none may be lost.
        let ids: Vec<String> = users.iter().map(id).collect();
        for r in join_all(ids.iter().map(|u| w.sim.link(&gid, "members", u))).await {
            r.unwrap();
        }
        w.settle().await;
        let all: Vec<&aps::Resource> = users.iter().collect();
        assert_eq!(members(&ox, &ctx, &admin, &group).await, ox_ids(&all));
        let out = join_all(ids[..2].iter().map(|u| w.sim.unlink(&gid, "members", u)));
        for r in out.await {
            r.unwrap();
        }
        w.settle().await;
        assert_eq!(members(&ox, &ctx, &admin, &group).await, ox_ids(&all[2..]));
        assert_eq!(member_ids(&w, &gid).await, set(&[&ids[2], &ids[3]]));

        // Aliases of one user added and removed at once: OX keeps every one of them.
        let owner = link(&ids[0]);
        let added = join_all((0..4).map(|i| {
            w.try_provision(
                "emailaddress",
                json!({"address": format!("alias{i}@example.net"), "user": owner}),
            )
        }))
        .await;
        let added: Vec<aps::Resource> = added.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            aliases(&w, &c, &users[0]).await,
            set(&[
                "u0@example.net",
                "alias0@example.net",
                "alias1@example.net",
                "alias2@example.net",
                "alias3@example.net"
            ])
        );
        for r in join_all(
            added[..3]
                .iter()
                .map(|a| w.sim.unprovision(a.id().unwrap())),
        )
        .await
        {
            r.unwrap();
        }
        assert_eq!(
            aliases(&w, &c, &users[0]).await,
            set(&["u0@example.net", "alias3@example.net"])
        );
        w.node.node.shutdown().await;
    }
}
