//! Upsell from inside OX App Suite, end to end through apsc-sim and ox-sim: the user's signed
//! upsell URL on the OX user, the options list, a purchase request created through the
//! controller, refusals (duplicate, forged, foreign), proceed (the OX user gets the paid plan)
//! and reject (who and why), each with a panel notification.

use http::Method;
use ox::{Context, User};
use serde_json::{Value, json};

use crate::harness::backends;
use crate::world::{Customer, World};

struct Browser {
    http: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(w: &World) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .use_preconfigured_tls(
                    aps::tls::client_config(None, &aps::tls::ServerTrust::Any).unwrap(),
                )
                .build()
                .unwrap(),
            base: w.node.node.endpoint_url(),
        }
    }

    async fn options(&self, login: &str, token: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}api/getupsellresources/{login}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}api/createrequest", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }
}

/// The token in the upsell URL oxaps set on the OX user.
async fn token_on_ox_user(w: &World, c: &Customer, ox_id: i32) -> String {
    let admin = w.tenant_admin(&c.tenant_id).await;
    let u = w
        .ox_client()
        .users()
        .get_data(&Context::with_id(c.context_id), &User::by_id(ox_id), &admin)
        .await
        .unwrap();
    let url = u
        .user_attributes
        .as_ref()
        .and_then(|a| a.get("config", "plugins/upsell/simple-wizard//url"))
        .expect("the upsell URL is a config attribute of the OX user")
        .to_owned();
    assert!(
        url.starts_with("https://aps.example/api/upsell?t=")
            && url.ends_with("&missing=$missing&lang=$language"),
        "{url}"
    );
    url.split("t=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

/// A token for `login` of customer `c`, bound to the user APS id `user_id`.
fn sign(w: &World, c: &Customer, login: &str, user_id: &str) -> String {
    let master = oxaps::upsell::token::master_key(&w.node.node.app.secrets);
    oxaps::upsell::token::sign(
        &master,
        &oxaps::upsell::token::Claims {
            instance: w.instance.id.clone(),
            context: i64::from(c.context_id),
            login: login.into(),
            user: user_id.into(),
        },
    )
}

fn notifications_about(w: &World, id: &str) -> Vec<String> {
    w.sim
        .notifications()
        .into_iter()
        .map(|n| n.body.to_string())
        .filter(|b| b.contains(id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upsell_round_trip() {
    for backend in backends() {
        let w = World::start_with(
            backend,
            json!({"webmailUrl": "https://webmail.example", "upsellBaseUrl": "https://aps.example"}),
        )
        .await;
        let free = w.profile("Free", "webmail", 1024).await;
        let paid = w.profile("Paid", "groupware_premium", 10240).await;
        w.sim.link(&free, "upgradeTo", &paid).await.unwrap();
        let a = w.customer("a.example", &free).await;
        let ada = w.user(&a, "ada@a.example", json!({})).await;
        let b = w.customer("b.example", &free).await;
        let bob = w.user(&b, "bob@b.example", json!({})).await;
        w.settle().await;
        let ada_ox = ada.props["oxUserId"].as_i64().unwrap() as i32;
        let token = token_on_ox_user(&w, &a, ada_ox).await;
        let bob_token =
            token_on_ox_user(&w, &b, bob.props["oxUserId"].as_i64().unwrap() as i32).await;
        let br = Browser::new(&w);

        // The options: the paid profile, nothing pending.
        let (status, opts) = br.options("ada@a.example", &token).await;
        assert_eq!(status, 200, "{opts}");
        assert_eq!(opts["currentProfile"]["id"], free.as_str());
        assert_eq!(opts["options"].as_array().unwrap().len(), 1, "{opts}");
        assert_eq!(opts["options"][0]["id"], paid.as_str());
        assert_eq!(opts["options"][0]["name"], "Paid");
        assert_eq!(opts["options"][0]["pending"], false);
        assert!(!opts["options"][0]["adds"].as_array().unwrap().is_empty());
        assert_eq!(opts["pendingRequest"], Value::Null);

        // Forged, foreign and missing tokens.
        let (dot, _) = token.split_once('.').unwrap();
        let forged = format!("{dot}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(br.options("ada@a.example", &forged).await.0, 403);
        assert_eq!(br.options("ada@a.example", &bob_token).await.0, 403);
        let (s, body) = br
            .create(json!({"token": bob_token, "login": "ada@a.example", "requestedProfile": paid}))
            .await;
        assert_eq!((s, body["code"].as_i64()), (403, Some(403)), "{body}");
        let (s, _) = br
            .create(json!({"token": forged, "login": "ada@a.example", "requestedProfile": paid}))
            .await;
        assert_eq!(s, 403);
        let (s, _) = br
            .create(json!({"login": "ada@a.example", "requestedProfile": paid}))
            .await;
        assert_eq!(s, 403);
        // Not an upgrade of the current profile.
        let (s, body) = br
            .create(json!({"token": token, "login": "ada@a.example", "requestedProfile": free}))
            .await;
        assert_eq!(s, 400, "{body}");

        // Create: registered in the controller, linked to the tenant, pending.
        let (s, req) = br
            .create(json!({"token": token, "login": "ada@a.example", "requestedProfile": paid, "missing": "infostore"}))
            .await;
        assert_eq!(s, 201, "{req}");
        let req_id = req["aps"]["id"].as_str().unwrap().to_owned();
        assert_eq!(req["state"], "pending");
        assert_eq!(req["currentProfile"], free.as_str());
        assert_eq!(req["requestedProfileName"], "Paid");
        assert_eq!(req["missingCapability"], "infostore");
        assert!(req["requestedAt"].as_str().is_some());
        let in_sim = w
            .sim
            .resource(&req_id)
            .expect("registered in the controller");
        assert_eq!(in_sim.props["userLogin"], "ada@a.example");
        w.settle().await;
        let created = notifications_about(&w, &req_id);
        assert_eq!(created.len(), 1, "{created:?}");
        assert!(created[0].contains(&a.account_id), "{created:?}");

        let (_, opts) = br.options("ada@a.example", &token).await;
        assert_eq!(opts["options"][0]["pending"], true);
        assert_eq!(opts["pendingRequest"], req_id.as_str());
        // A duplicate while pending.
        let (s, body) = br
            .create(json!({"token": token, "login": "ada@a.example", "requestedProfile": paid}))
            .await;
        assert_eq!(s, 409, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("already pending")
        );

        // Proceed: the OX user gets the paid plan; the request is proceeded in both places.
        let out = w
            .sim
            .call_operation(Method::POST, &req_id, "proceed", None, Some(json!({})))
            .await
            .unwrap();
        assert_eq!(out["state"], "proceeded", "{out}");
        w.settle().await;
        let ox = w.ox_client();
        let admin = w.tenant_admin(&a.tenant_id).await;
        let ctx = Context::with_id(a.context_id);
        let got = ox
            .users()
            .get_data(&ctx, &User::by_id(ada_ox), &admin)
            .await
            .unwrap();
        assert_eq!(got.max_quota, Some(10240));
        assert_eq!(
            ox.users()
                .get_access_combination_name(&ctx, &User::by_id(ada_ox), &admin)
                .await
                .unwrap()
                .as_deref(),
            Some("groupware_premium")
        );
        let user_now = w.sim.resource(ada.id().unwrap()).unwrap();
        assert_eq!(user_now.link_id("profile"), Some(paid.as_str()));
        assert_eq!(w.sim.resource(&req_id).unwrap().props["state"], "proceeded");
        assert_eq!(notifications_about(&w, &req_id).len(), 2);
        let again = w
            .sim
            .call_operation(Method::POST, &req_id, "proceed", None, Some(json!({})))
            .await
            .unwrap_err();
        assert_eq!(again.endpoint_status(), Some(409), "{again}");

        // Reject a second request (Bob's), with a reason.
        let (s, req2) = br
            .create(json!({"token": bob_token, "login": "bob@b.example", "requestedProfile": paid}))
            .await;
        assert_eq!(s, 201, "{req2}");
        let req2_id = req2["aps"]["id"].as_str().unwrap().to_owned();
        w.settle().await;
        let out = w
            .sim
            .call_operation(
                Method::POST,
                &req2_id,
                "reject",
                None,
                Some(json!({"reason": "Budget is frozen"})),
            )
            .await
            .unwrap();
        assert_eq!(out["state"], "rejected", "{out}");
        assert!(out["decidedBy"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(out["reason"], "Budget is frozen");
        w.settle().await;
        let in_sim = w.sim.resource(&req2_id).unwrap();
        assert_eq!(in_sim.props["state"], "rejected");
        assert_eq!(in_sim.props["reason"], "Budget is frozen");
        let notes = notifications_about(&w, &req2_id);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("Budget is frozen")),
            "{notes:?}"
        );
        assert_eq!(
            w.sim
                .call_operation(Method::POST, &req2_id, "reject", None, Some(json!({})))
                .await
                .unwrap_err()
                .endpoint_status(),
            Some(409)
        );
        // Bob keeps the free plan; a new request is possible after the decision.
        let (_, opts) = br.options("bob@b.example", &bob_token).await;
        assert_eq!(opts["pendingRequest"], Value::Null);
        assert_eq!(opts["options"][0]["pending"], false);
        w.node.node.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_page_is_served_with_a_strict_policy() {
    let backend = backends()[0];
    let w = World::start_with(backend, json!({"webmailUrl": "https://webmail.example/"})).await;
    let free = w.profile("Free", "webmail", 1024).await;
    let c = w.customer("p.example", &free).await;
    let pat = w.user(&c, "pat@p.example", json!({})).await;
    let token = sign(&w, &c, "pat@p.example", pat.id().unwrap());
    let br = Browser::new(&w);
    let r = br
        .http
        .get(
            url::Url::parse_with_params(
                &format!("{}api/upsell", br.base),
                &[
                    ("t", token.as_str()),
                    ("missing", "$missing"),
                    ("lang", "de_DE"),
                ],
            )
            .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        csp.contains("frame-ancestors https://webmail.example"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("<script nonce=\"{nonce}\">")));
    assert!(html.contains("lang=\"de\""));
    assert!(html.contains("simple-wizard/close.html"));
    assert!(
        !html.contains("\"missing\":\"$missing\""),
        "unfilled placeholder dropped"
    );
    let r = br
        .http
        .get(format!("{}api/upsell?t=x.y", br.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    w.node.node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_bind_one_enabled_user_and_a_stale_request_is_not_applied() {
    let backend = backends()[0];
    let w = World::start_with(backend, json!({"webmailUrl": "https://webmail.example"})).await;
    let free = w.profile("Free", "webmail", 1024).await;
    let paid = w.profile("Paid", "groupware_premium", 10240).await;
    let other = w.profile("Other", "webmail", 2048).await;
    w.sim.link(&free, "upgradeTo", &paid).await.unwrap();
    let c = w.customer("t.example", &free).await;
    let tom = w.user(&c, "tom@t.example", json!({})).await;
    let tom_id = tom.id().unwrap().to_owned();
    let off = w
        .user(&c, "off@t.example", json!({"status": "disabled"}))
        .await;
    w.settle().await;
    let br = Browser::new(&w);
    let token = sign(&w, &c, "tom@t.example", &tom_id);
    assert_eq!(br.options("tom@t.example", &token).await.0, 200);
    // Signed for another user resource with the same login (deleted and created again): refused.
    let stale = sign(
        &w,
        &c,
        "tom@t.example",
        "00000000-0000-0000-0000-000000000000",
    );
    assert_eq!(br.options("tom@t.example", &stale).await.0, 403);
    let (s, _) = br
        .create(json!({"token": stale, "login": "tom@t.example", "requestedProfile": paid}))
        .await;
    assert_eq!(s, 403);
    // A disabled user: refused.
    let off_token = sign(&w, &c, "off@t.example", off.id().unwrap());
    assert_eq!(br.options("off@t.example", &off_token).await.0, 403);

    // A request, then the administrator moves the user to a profile it is no upgrade of.
    let (s, req) = br
        .create(json!({"token": token, "login": "tom@t.example", "requestedProfile": paid}))
        .await;
    assert_eq!(s, 201, "{req}");
    let req_id = req["aps"]["id"].as_str().unwrap().to_owned();
    w.settle().await;
    w.sim.link(&tom_id, "profile", &other).await.unwrap();
    w.settle().await;
    w.sim
        .call_operation(Method::POST, &req_id, "proceed", None, Some(json!({})))
        .await
        .unwrap();
    w.settle().await;
    // Not applied: the user keeps the profile the administrator chose, the request is pending
    // again (so it can be rejected).
    let user_now = w.sim.resource(&tom_id).unwrap();
    assert_eq!(user_now.link_id("profile"), Some(other.as_str()));
    let app = &w.node.node.app;
    let row = app
        .store
        .resource(&w.instance.id, &req_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.body["state"], "pending", "{}", row.body);
    let local_user = app
        .store
        .resource(&w.instance.id, &tom_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(local_user.body["profile"]["aps"]["id"], other.as_str());
    let out = w
        .sim
        .call_operation(
            Method::POST,
            &req_id,
            "reject",
            None,
            Some(json!({"reason": "no longer an upgrade"})),
        )
        .await
        .unwrap();
    assert_eq!(out["state"], "rejected", "{out}");
    w.node.node.shutdown().await;
}
