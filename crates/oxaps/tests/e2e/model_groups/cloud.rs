//! Groups, resources and aliases in OX Cloud mode: the same actions through the reseller services
//! with the brand's subadmin.

use std::collections::BTreeSet;

use ox::{Credentials, Group, ResellerContext, Resource as OxResource, User};
use serde_json::json;

use super::{id, ox_ids, set};
use crate::harness::backends;
use crate::world::{World, link};

#[tokio::test]
async fn cloud_groups_resources_and_aliases() {
    for backend in backends() {
        let w = World::start_cloud(backend).await;
        let ox = w.ox_client();
        let brand = w.brand("Groups Brand", json!({"maxUsers": 10})).await;
        let creds = Credentials::new(
            brand.props["subadminLogin"].as_str().unwrap(),
            brand.props["subadminPassword"].as_str().unwrap(),
        );
        let basic = w.profile("Basic", "webmail", 512).await;
        let c = w
            .customer_of_brand("groups.example", &basic, brand.id().unwrap())
            .await;
        let rctx = ResellerContext::with_id(c.context_id);
        let ada = w.user(&c, "ada@groups.example", json!({})).await;
        let bob = w.user(&c, "bob@groups.example", json!({})).await;

        // A group with members, renamed, a member out, then deleted.
        let g = w
            .provision(
                "group",
                json!({"name": "Team", "tenant": link(&c.tenant_id)}),
            )
            .await;
        let gid = id(&g);
        let group = Group::by_id(g.props["oxGroupId"].as_i64().unwrap() as i32);
        let groups = ox.reseller_groups();
        for u in [&ada, &bob] {
            w.sim.link(&gid, "members", &id(u)).await.unwrap();
        }
        w.settle().await;
        let members = || async {
            let list = groups.get_members(&rctx, &group, &creds).await.unwrap();
            list.into_iter()
                .filter_map(|u| u.id)
                .collect::<BTreeSet<i32>>()
        };
        assert_eq!(members().await, ox_ids(&[&ada, &bob]));
        w.sim
            .configure(&gid, json!({"name": "Team B"}))
            .await
            .unwrap();
        let got = groups.get_data(&rctx, &group, &creds).await.unwrap();
        assert_eq!(got.name.as_deref(), Some("team b"));
        w.sim.unlink(&gid, "members", &id(&bob)).await.unwrap();
        w.settle().await;
        assert_eq!(members().await, ox_ids(&[&ada]));
        w.sim.unprovision(&gid).await.unwrap();
        let gone = groups.get_data(&rctx, &group, &creds).await.unwrap_err();
        assert!(gone.is_not_found(), "{gone}");

        // A resource with a manager, edited, deleted.
        let r = w
            .provision(
                "resource",
                json!({"name": "Van", "displayName": "Delivery van", "email": "van@groups.example",
                    "manager": link(&id(&ada)), "tenant": link(&c.tenant_id)}),
            )
            .await;
        let res = OxResource::by_id(r.props["oxResourceId"].as_i64().unwrap() as i32);
        let resources = ox.reseller_resources();
        w.sim
            .configure(r.id().unwrap(), json!({"description": "7 seats"}))
            .await
            .unwrap();
        let got = resources.get_data(&rctx, &res, &creds).await.unwrap();
        assert_eq!(
            (got.displayname.as_deref(), got.description.as_deref()),
            (Some("Delivery van"), Some("7 seats"))
        );
        w.sim.unprovision(r.id().unwrap()).await.unwrap();
        let gone = resources.get_data(&rctx, &res, &creds).await.unwrap_err();
        assert!(gone.is_not_found(), "{gone}");

        // An alias in and out of the OX user's list.
        let ox_user = User::by_id(ada.props["oxUserId"].as_i64().unwrap() as i32);
        let aliases = || async {
            let u = ox
                .reseller_users()
                .get_data(&rctx, &ox_user, &creds)
                .await
                .unwrap();
            u.aliases
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect::<BTreeSet<String>>()
        };
        let a = w
            .provision(
                "emailaddress",
                json!({"address": "sales@groups.example", "user": link(&id(&ada))}),
            )
            .await;
        assert_eq!(
            aliases().await,
            set(&["ada@groups.example", "sales@groups.example"])
        );
        w.sim.unprovision(a.id().unwrap()).await.unwrap();
        assert_eq!(aliases().await, set(&["ada@groups.example"]));
        w.node.node.shutdown().await;
    }
}
