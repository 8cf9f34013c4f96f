//! The demo's customer, provisioned the way OSA would through the controller: a brand, two
//! profiles, a tenant with its domain and DNS zone, users on both profiles, a group, a resource with
//! a manager and an alias.

use apsc_sim::{AccountSpec, ServiceUserSpec, SimHandle, SubscriptionSpec};
use futures::StreamExt;
use serde_json::{Value, json};

use super::OxTarget;
use super::progress::Progress;
use crate::node::Node;
use crate::types::type_id;

const DOMAIN: &str = "demo-customer.example";

fn link(id: &str) -> Value {
    json!({"aps": {"id": id}})
}

/// The package as the controller knows it, derived from the model's types.
pub fn package() -> apsc_sim::PackageSpec {
    let spec = |t: aps::typedef::TypeDef| {
        let mut s = apsc_sim::ServiceSpec::new(t.name.clone(), t.id.clone());
        for i in &t.implements {
            s = s.implements(i.clone());
        }
        for (name, r) in &t.relations {
            let mut rel = apsc_sim::RelationDef::new(name.clone(), r.type_id.clone());
            if r.collection {
                rel = rel.collection();
            }
            if r.required {
                rel = rel.required();
            }
            s = s.relation(rel);
        }
        s
    };
    let mut types = crate::types::all().into_iter();
    let root = types
        .next()
        .map(spec)
        .unwrap_or_else(|| apsc_sim::ServiceSpec::new("globals", type_id("globals")));
    types.fold(
        apsc_sim::PackageSpec::new("http://oxaps.org/app", root),
        |p, t| p.service(spec(t)),
    )
}

async fn provision(
    sim: &SimHandle,
    instance: &str,
    service: &str,
    mut body: Value,
) -> anyhow::Result<aps::Resource> {
    body["aps"] = json!({"type": type_id(service)});
    let r = sim
        .provision(instance, service, body)
        .await
        .map_err(|e| anyhow::anyhow!("{service}: {e}"))?;
    anyhow::ensure!(
        r.aps.status.as_deref() == Some("aps:ready"),
        "{service} {} is {:?}",
        r.id().unwrap_or("?"),
        r.aps.status
    );
    Ok(r)
}

fn id(r: &aps::Resource) -> String {
    r.id().unwrap_or_default().to_owned()
}

/// Runs the scenario; returns a one-line summary.
pub async fn run(
    p: &mut Progress,
    node: &Node,
    sim: &SimHandle,
    ox: &OxTarget,
    users: usize,
) -> anyhow::Result<String> {
    p.step("The deployment guide's health check: GET <endpoint>/globals without APS headers");
    let probe = reqwest::Client::builder()
        .use_preconfigured_tls(aps::tls::client_config(None, &aps::tls::ServerTrust::Any)?)
        .build()?;
    let answer = probe
        .get(format!("{}globals", node.endpoint_url()))
        .send()
        .await?
        .text()
        .await?;
    p.detail(&answer);
    anyhow::ensure!(
        answer.contains("APS-Instance-Id header not set."),
        "unexpected health-check answer"
    );

    p.step("Importing the package and installing an application instance with the OX connection");
    let pkg = sim.register_package(package())?;
    let settings = json!({
        "oxSoapUrl": ox.url, "oxMasterLogin": ox.login, "oxMasterPassword": ox.password,
        "webmailUrl": "https://webmail.provider.example",
        "mxHosts": [{"host": "mx1.provider.example", "priority": 10}, {"host": "mx2.provider.example", "priority": 20}],
        "spfInclude": "_spf.provider.example", "autodiscoverHost": "autodiscover.provider.example"
    });
    let mut settings = settings;
    if let Some((login, password)) = &ox.rest {
        settings["oxRestUrl"] = json!(ox.url);
        settings["oxRestLogin"] = json!(login);
        settings["oxRestPassword"] = json!(password);
    }
    let instance = sim
        .install_instance(&node.endpoint_url(), &pkg, settings)
        .await?;
    let i = instance.id.clone();
    p.detail(&format!(
        "instance {i}; oxaps checked OX and stored the instance certificate sealed"
    ));

    p.step("Provider setup: a brand and two profiles (Webmail, Groupware)");
    let brand = provision(
        sim,
        &i,
        "brand",
        json!({"name": "demo-reseller", "displayName": "Demo Reseller", "globals": link(&i)}),
    )
    .await?;
    // With OX Display configured, the free plan shows advertisements and the paid one does not.
    let ads = |config: Value| {
        if ox.rest.is_some() {
            json!(config.to_string())
        } else {
            Value::Null
        }
    };
    let webmail = provision(sim, &i, "profile", json!({"name": "Webmail", "accessCombination": "webmail", "mailQuotaMb": 1024, "globals": link(&i),
        "adConfig": ads(json!({"tier": "free", "banner": "top", "sidebar": true}))})).await?;
    let groupware = provision(sim, &i, "profile", json!({"name": "Groupware", "accessCombination": "groupware_premium", "mailQuotaMb": 4096, "fileQuotaMb": 10240, "globals": link(&i),
        "adConfig": ads(json!({"tier": "paid", "banner": null, "sidebar": false}))})).await?;

    p.step(&format!("A customer buys OX App Suite: account, subscription, hosted zone {DOMAIN}, tenant (OX context), domain"));
    let account = sim.create_account(AccountSpec::new("Demo Customer GmbH"))?;
    let account_id = id(&account);
    let subscription =
        sim.create_subscription(&account_id, SubscriptionSpec::new("OX App Suite", 1))?;
    let zone = sim.create_dns_zone(&account_id, DOMAIN)?;
    let tenant = provision(sim, &i, "tenant", json!({"account": link(&account_id), "subscription": link(&id(&subscription)), "globals": link(&i), "brand": link(&id(&brand))})).await?;
    let tenant_id = id(&tenant);
    p.detail(&format!(
        "OX context {} ({})",
        tenant.props.get("contextId").cloned().unwrap_or_default(),
        tenant
            .props
            .get("contextName")
            .and_then(Value::as_str)
            .unwrap_or("")
    ));
    provision(
        sim,
        &i,
        "domain",
        json!({"name": DOMAIN, "tenant": link(&tenant_id), "zone": link(&id(&zone))}),
    )
    .await?;
    p.detail(&format!(
        "{} DNS records created in the zone (MX, SPF, autoconfig/autodiscover)",
        sim.dns_records(&id(&zone)).len()
    ));

    p.step(&format!(
        "Adding {users} users (half Webmail, half Groupware) through the controller"
    ));
    let mut done = 0;
    let mut created = Vec::new();
    let mut stream = futures::stream::iter(0..users)
        .map(|n| {
            let profile = if n < users / 2 { id(&webmail) } else { id(&groupware) };
            let (account_id, tenant_id, i) = (account_id.clone(), tenant_id.clone(), i.clone());
            async move {
                let login = format!("user{:02}@{DOMAIN}", n + 1);
                let su = sim.create_service_user(&account_id, ServiceUserSpec::new(&login, "Demo", format!("User {}", n + 1)))?;
                let body = json!({"login": login, "displayName": format!("Demo User {}", n + 1), "givenName": "Demo", "surName": format!("User {}", n + 1),
                    "tenant": link(&tenant_id), "profile": link(&profile), "user": link(&id(&su))});
                provision(sim, &i, "user", body).await
            }
        })
        .buffer_unordered(8);
    while let Some(user) = stream.next().await {
        created.push(user?);
        done += 1;
        p.count(done, users, "users ready in OX");
    }
    created.sort_by_key(|u| u.str_prop("login").unwrap_or("").to_owned());
    anyhow::ensure!(!created.is_empty(), "the demo needs at least one user");

    p.step("A group with members, a resource with a manager, an alias");
    let group = provision(
        sim,
        &i,
        "group",
        json!({"name": "Sales", "displayName": "Sales team", "tenant": link(&tenant_id)}),
    )
    .await?;
    for member in created.iter().take(5) {
        sim.link(&id(&group), "members", &id(member))
            .await
            .map_err(|e| anyhow::anyhow!("group member: {e}"))?;
    }
    provision(sim, &i, "resource", json!({"name": "meeting-room-1", "displayName": "Meeting room 1", "description": "Ground floor, 8 seats",
        "email": format!("room1@{DOMAIN}"), "tenant": link(&tenant_id), "manager": link(&id(&created[0]))})).await?;
    provision(
        sim,
        &i,
        "emailaddress",
        json!({"address": format!("info@{DOMAIN}"), "user": link(&id(&created[0]))}),
    )
    .await?;
    p.detail("Sales (5 members), meeting-room-1 managed by user01, info@ alias of user01");

    if ox.rest.is_some() {
        p.step("OX Display: what the App Suite UI of a free and of a paid user receives");
        let on = |profile: &aps::Resource| {
            created
                .iter()
                .find(|u| u.link_id("profile") == Some(id(profile).as_str()))
        };
        let (Some(free_user), Some(paid_user)) = (on(&webmail), on(&groupware)) else {
            anyhow::bail!("the demo needs users on both profiles");
        };
        let served = |profile: String, user: String| async move {
            sim.call_operation(
                reqwest::Method::GET,
                &profile,
                "servedConfig",
                Some(&format!("userId={user}")),
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("servedConfig: {e}"))
        };
        let free = served(id(&webmail), id(free_user)).await?;
        let paid = served(id(&groupware), id(paid_user)).await?;
        p.detail(&format!(
            "{} (Webmail):   {}",
            free_user.str_prop("login").unwrap_or(""),
            free["config"]
        ));
        p.detail(&format!(
            "{} (Groupware): {}",
            paid_user.str_prop("login").unwrap_or(""),
            paid["config"]
        ));
        anyhow::ensure!(
            !free["config"].is_null() && free["config"] != paid["config"],
            "free and paid users should receive different configurations"
        );
    }

    p.step("Checking what OX holds");
    let client = ox::OxClient::new(ox::OxConfig::new(ox.url.clone()))?;
    let context_id = tenant
        .props
        .get("contextId")
        .and_then(Value::as_i64)
        .unwrap_or_default() as i32;
    let admin = ox::Credentials::new(
        tenant
            .props
            .get("adminLogin")
            .and_then(Value::as_str)
            .unwrap_or("oxadmin"),
        tenant
            .props
            .get("adminPassword")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    let in_ox = client
        .users()
        .list_all(&ox::Context::with_id(context_id), &admin)
        .await?
        .len();
    p.detail(&format!(
        "{in_ox} OX users in context {context_id} (the context admin and {users} users)"
    ));
    anyhow::ensure!(
        in_ox == users + 1,
        "OX holds {in_ox} users, expected {}",
        users + 1
    );
    Ok(format!(
        "a tenant with {users} users, a group, a resource and an alias, all ready in OX"
    ))
}
