//! Golden envelopes: for every operation with a typed method, the exact bytes the client puts
//! on the wire (captured by a local server) must equal `tests/golden/<Service>_<op>.xml`, and
//! the URL path, SOAPAction and Content-Type must be right.
//!
//! Regenerate after an intended change with `OX_BLESS=1 cargo test -p ox --test envelopes`, then
//! review every changed fixture against ox.md §1 (namespaces, element order, names).

#[path = "../common/mod.rs"]
mod common;
mod data;
mod ops;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::future::Future;
use std::path::PathBuf;

use common::{Server, returns, void};
use data::{ctx_admin, full_context, master};
use ox::{
    Context, Credentials, OxError, ResellerAdmin, ResellerContext, Restriction, SoapStringMap, User,
};

pub struct Golden {
    srv: Server,
    bless: bool,
    checked: BTreeSet<String>,
}

impl Golden {
    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
    }

    pub async fn check<T: Debug>(
        &mut self,
        name: &str,
        reply: String,
        call: impl Future<Output = Result<T, OxError>>,
    ) {
        self.srv.reply(&reply);
        let result = call.await;
        assert!(result.is_ok(), "{name}: {result:?}");
        let seen = self.srv.last();
        let (service, op) = name
            .split_once('_')
            .expect("fixture name is <Service>_<op>");
        assert_eq!(seen.path, format!("/webservices/{service}"), "{name}: path");
        assert_eq!(
            seen.soap_action.as_deref(),
            Some(format!("\"urn:{op}\"").as_str()),
            "{name}: SOAPAction"
        );
        assert_eq!(
            seen.content_type.as_deref(),
            Some("text/xml; charset=UTF-8"),
            "{name}: Content-Type"
        );
        assert!(
            seen.body.contains(&format!("<s:{op}>")),
            "{name}: wrapper element"
        );

        let path = Self::dir().join(format!("{name}.xml"));
        if self.bless {
            std::fs::write(&path, &seen.body).unwrap();
        } else {
            let want = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("missing {path:?}; run with OX_BLESS=1 and review it"));
            assert_eq!(seen.body, want, "{name}: envelope differs from {path:?}");
        }
        assert!(self.checked.insert(name.to_owned()), "{name} checked twice");
    }
}

#[tokio::test]
async fn golden_envelopes() {
    let srv = Server::start().await;
    let client = srv.client();
    let mut g = Golden {
        srv,
        bless: std::env::var_os("OX_BLESS").is_some(),
        checked: BTreeSet::new(),
    };

    // Core services: master admin for contexts, context admin for the rest.
    ops::context_ops(&mut g, client.contexts(), full_context(), &master()).await;
    let ctx = Context::with_id(4711);
    g.check(
        "OXContextService_changeCapabilities",
        void("changeCapabilities"),
        client.contexts().change_capabilities(
            &ctx,
            "guard,document_preview",
            "",
            "webmail_plus",
            &master(),
        ),
    )
    .await;
    g.check(
        "OXContextService_changeQuota",
        void("changeQuota"),
        client
            .contexts()
            .change_quota(&ctx, "infostore", 1024, &master()),
    )
    .await;
    ops::user_ops(&mut g, client.users(), &ctx_admin()).await;
    g.check(
        "OXUserService_changeCapabilities",
        void("changeCapabilities"),
        client
            .users()
            .change_capabilities(&ctx, &User::by_id(3), "guard", "", "", &ctx_admin()),
    )
    .await;
    ops::group_ops(&mut g, client.groups(), &ctx_admin()).await;
    ops::resource_ops(&mut g, client.resources(), &ctx_admin()).await;

    // Reseller services: subadmin credentials, ResellerContext.
    let sub = Credentials::new("brand1.staging", "sub-secret");
    let mut rctx = ResellerContext::from(full_context());
    rctx.customid = Some("aps-subscription-1001".into());
    rctx.restriction = vec![Restriction::new("Context.MaxUser", "25")];
    ops::context_ops(&mut g, client.reseller_contexts(), rctx, &sub).await;
    ops::user_ops(&mut g, client.reseller_users(), &sub).await;
    ops::group_ops(&mut g, client.reseller_groups(), &sub).await;
    ops::resource_ops(&mut g, client.reseller_resources(), &sub).await;

    // OXResellerService: `creds` instead of `auth`.
    let resellers = client.resellers();
    let adm = ResellerAdmin {
        name: Some("brand1".into()),
        password: Some("brand-secret".into()),
        display_name: Some("Brand One".into()),
        restrictions: vec![
            Restriction::new("Subadmin.MaxContext", "100"),
            Restriction::new("Subadmin.CanCreateSubadmin", "true"),
        ],
        capabilities_to_add: vec!["guard".into()],
        configuration_to_add: Some(
            [("com.openexchange.brand", "one")]
                .into_iter()
                .collect::<SoapStringMap>(),
        ),
        ..Default::default()
    };
    let adm_ret = "<ns2:name>brand1</ns2:name><ns2:id>12</ns2:id>";
    g.check(
        "OXResellerService_create",
        returns("create", &[adm_ret]),
        resellers.create(&adm, &master()),
    )
    .await;
    let change = ResellerAdmin {
        id: Some(12),
        display_name: Some("Brand 1".into()),
        ..Default::default()
    };
    g.check(
        "OXResellerService_change",
        void("change"),
        resellers.change(&change, &master()),
    )
    .await;
    g.check(
        "OXResellerService_delete",
        void("delete"),
        resellers.delete(&ResellerAdmin::by_id(12), &master()),
    )
    .await;
    g.check(
        "OXResellerService_getData",
        returns("getData", &[adm_ret]),
        resellers.get_data(&ResellerAdmin::by_name("brand1"), &master()),
    )
    .await;
    g.check(
        "OXResellerService_list",
        returns("list", &[adm_ret]),
        resellers.list("brand*", &master()),
    )
    .await;
    let restr = "<ns2:name>Subadmin.MaxContext</ns2:name><ns2:id>1</ns2:id>";
    g.check(
        "OXResellerService_getAvailableRestrictions",
        returns("getAvailableRestrictions", &[restr]),
        resellers.get_available_restrictions(&master()),
    )
    .await;

    // No stale fixtures: every file in tests/golden was produced by a call above.
    let on_disk: BTreeSet<String> = std::fs::read_dir(Golden::dir())
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".xml")
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(on_disk, g.checked, "fixtures on disk vs operations checked");
}
