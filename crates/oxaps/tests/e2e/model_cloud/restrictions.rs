//! A brand's restrictions in OX Cloud mode: refused at admission with a 400 when oxaps's own count
//! shows no room, refused by OX (the job fails for good with OX's reason) when only OX knows;
//! either way nothing is left in OX.

use ox::{ResellerContext, User};
use serde_json::json;

use super::{subadmin, try_user};
use crate::harness::Backend;
use crate::world::{World, link};

#[tokio::test]
async fn over_restriction_fails_clearly_and_leaves_nothing_in_ox() {
    let w = World::start_cloud(Backend::Sqlite).await;
    let ox = w.ox_client();
    // One context; three users, the context admin included; one premium user.
    let brand = w
        .brand(
            "Tight",
            json!({"maxContexts": 1, "maxUsers": 3,
                "maxUsersByCombination": [{"accessCombination": "groupware_premium", "maxUsers": 1}]}),
        )
        .await;
    let creds = subadmin(&brand);
    let basic = w.profile("Basic", "webmail", 100).await;
    let pro = w.profile("Pro", "groupware_premium", 100).await;
    let c = w
        .customer_of_brand("tight.example", &basic, brand.id().unwrap())
        .await;
    let rctx = ResellerContext::with_id(c.context_id);

    // A second tenant: no room for its context.
    let account = w
        .sim
        .create_account(apsc_sim::AccountSpec::new("Second"))
        .unwrap();
    let sub = w
        .sim
        .create_subscription(
            account.id().unwrap(),
            apsc_sim::SubscriptionSpec::new("OX", 1),
        )
        .unwrap();
    let err = w
        .try_provision(
            "tenant",
            json!({"account": link(account.id().unwrap()), "subscription": link(sub.id().unwrap()),
        "globals": link(&w.instance.id), "brand": link(brand.id().unwrap())}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    let message = &err.aps_error().unwrap().message;
    assert!(message.contains("at most 1 contexts"), "{message}");
    assert_eq!(
        ox.reseller_contexts()
            .list("*", &creds)
            .await
            .unwrap()
            .len(),
        1
    );

    // Users: one premium, then the premium limit; one more basic, then the overall limit.
    w.user(&c, "p1@tight.example", json!({"profile": link(&pro)}))
        .await;
    let err = try_user(&w, &c, "p2@tight.example", &pro)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    assert!(
        err.aps_error()
            .unwrap()
            .message
            .contains("at most 1 users with groupware_premium"),
        "{err}"
    );
    w.user(&c, "b1@tight.example", json!({})).await;
    let err = try_user(&w, &c, "b2@tight.example", &basic)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(400), "{err}");
    assert!(
        err.aps_error().unwrap().message.contains("at most 3 users"),
        "{err}"
    );
    let in_ox = ox
        .reseller_users()
        .list_all(&rctx, &creds)
        .await
        .unwrap()
        .len();
    assert_eq!(in_ox, 3, "the admin and two users");

    // Room in oxaps's count, none in OX (a user made behind oxaps's back): OX refuses, the job
    // fails for good with OX's reason, and nothing is left in OX.
    w.sim
        .configure(brand.id().unwrap(), json!({"maxUsers": 4}))
        .await
        .unwrap();
    let stray = User {
        name: Some("stray".into()),
        password: Some("secret-1".into()),
        display_name: Some("Stray".into()),
        given_name: Some("S".into()),
        sur_name: Some("T".into()),
        ..Default::default()
    }
    .with_primary_address("stray@tight.example");
    ox.reseller_users()
        .create_by_module_access_name(&rctx, &stray, "webmail", &creds)
        .await
        .unwrap();
    let err = try_user(&w, &c, "b3@tight.example", &basic)
        .await
        .unwrap_err();
    assert_eq!(err.endpoint_status(), Some(500), "{err}");
    let message = &err.aps_error().unwrap().message;
    assert!(
        message.contains("limits of the reseller")
            && message.contains("Maximum overall number of users reached: 4"),
        "{message}"
    );
    let names: Vec<Option<String>> = {
        let ids = ox.reseller_users().list_all(&rctx, &creds).await.unwrap();
        ox.reseller_users()
            .get_multiple_data(&rctx, &ids, &creds)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.name)
            .collect()
    };
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(!names.contains(&Some("b3@tight.example".into())));
    w.node.node.shutdown().await;
}
