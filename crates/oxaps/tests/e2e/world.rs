//! A whole provider world for model tests: ox-sim (OX), apsc-sim (the controller) and an oxaps
//! node, with the package derived from oxaps's own type definitions and an installed instance
//! whose globals point at ox-sim.

use apsc_sim::{
    AccountSpec, Controller, InstanceHandle, ServiceUserSpec, SimConfig, SimHandle,
    SubscriptionSpec,
};
use ox_sim::{OxSim, OxSimHandle};
use serde_json::{Value, json};

use crate::harness::{Backend, TestNode};

pub const MASTER_PASSWORD: &str = "master-secret";

pub struct World {
    pub ox: OxSimHandle,
    pub sim: SimHandle,
    pub node: TestNode,
    pub instance: InstanceHandle,
}

/// The package as the controller sees it, derived from oxaps's own types.
pub use oxaps::cli::demo::package;

pub fn link(id: &str) -> Value {
    json!({"aps": {"id": id}})
}

/// The controller simulator of a test world. Its time scale turns a 1 s `APS-Retry-Timeout` into
/// 1 ms, so the default 50 polls give a job only ~50 ms: on two cores shared with the rest of the
/// suite (reliability runs, browsers) an OX context can take longer. The budget of polls is raised
/// instead of slowing every poll; a job that never finishes still fails the test.
fn sim_config() -> SimConfig {
    SimConfig {
        max_async_attempts: 20_000,
        ..SimConfig::default()
    }
}

impl World {
    /// The globals settings of an on-premise world (besides the OX connection).
    fn onprem_settings() -> Value {
        json!({
            "mxHosts": [{"host": "mx1.provider.example", "priority": 10}, {"host": "mx2.provider.example", "priority": 20}],
            "spfInclude": "_spf.provider.example",
            "autodiscoverHost": "autodiscover.provider.example"
        })
    }

    /// An on-premise world: globals with MX hosts, SPF and autodiscover settings.
    pub async fn start(backend: Backend) -> World {
        Self::start_with(backend, Self::onprem_settings()).await
    }

    /// A world whose globals carry the OX connection plus `settings`, on a node with the standard
    /// services (the resource model, not the wire tests' store-only service).
    pub async fn start_with(backend: Backend, settings: Value) -> World {
        Self::start_configured(backend, settings, |_| {}).await
    }

    /// [`World::start_with`] on a node whose configuration `tweak` adjusts.
    async fn start_configured(
        backend: Backend,
        settings: Value,
        tweak: impl FnOnce(&mut oxaps::config::Config),
    ) -> World {
        let ox = OxSim::start(ox_sim::SimConfig::for_test(MASTER_PASSWORD))
            .await
            .unwrap();
        let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let database_url = crate::harness::database_url(backend, dir.path()).await;
        let mut config = oxaps::config::Config::for_test(dir.path(), &database_url);
        tweak(&mut config);
        let node = oxaps::node::Node::start_with(config, oxaps::services::Registry::standard())
            .await
            .unwrap();
        let node = TestNode {
            node,
            dir,
            database_url,
        };
        let sim = Controller::start(sim_config()).await.unwrap();
        let package = sim.register_package(package()).unwrap();
        let mut all = json!({"oxSoapUrl": ox.base_url(), "oxMasterLogin": "oxadminmaster", "oxMasterPassword": MASTER_PASSWORD});
        if let (Some(a), Some(extra)) = (all.as_object_mut(), settings.as_object()) {
            a.extend(extra.clone());
        }
        let instance = sim
            .install_instance(&node.node.endpoint_url(), &package, all)
            .await
            .unwrap();
        World {
            ox,
            sim,
            node,
            instance,
        }
    }

    /// A typed OX client, to check what OX holds.
    pub fn ox_client(&self) -> ox::OxClient {
        ox::OxClient::new(ox::OxConfig::new(self.ox.base_url())).unwrap()
    }

    pub fn master(&self) -> ox::Credentials {
        ox::Credentials::new("oxadminmaster", MASTER_PASSWORD)
    }

    pub async fn try_provision(
        &self,
        service: &str,
        body: Value,
    ) -> Result<aps::Resource, apsc_sim::SimError> {
        let mut body = body;
        body["aps"] = json!({"type": oxaps::types::type_id(service)});
        self.sim.provision(&self.instance.id, service, body).await
    }

    pub async fn provision(&self, service: &str, body: Value) -> aps::Resource {
        self.try_provision(service, body)
            .await
            .unwrap_or_else(|e| panic!("provisioning {service}: {e}"))
    }

    /// A customer: account, subscription, hosted zone, tenant and a domain in the zone.
    pub async fn customer(&self, domain: &str, profile: &str) -> Customer {
        let account = self
            .sim
            .create_account(AccountSpec::new(format!("{domain} Ltd")))
            .unwrap();
        let account_id = account.id().unwrap().to_owned();
        let subscription = self
            .sim
            .create_subscription(&account_id, SubscriptionSpec::new("OX App Suite", 1))
            .unwrap();
        let zone = self.sim.create_dns_zone(&account_id, domain).unwrap();
        let tenant = self
            .provision("tenant", json!({"account": link(&account_id), "subscription": link(subscription.id().unwrap()), "globals": link(&self.instance.id)}))
            .await;
        let domain_res = self.provision("domain", json!({"name": domain, "tenant": link(tenant.id().unwrap()), "zone": link(zone.id().unwrap())})).await;
        Customer {
            account_id,
            tenant_id: tenant.id().unwrap().to_owned(),
            zone_id: zone.id().unwrap().to_owned(),
            domain_id: domain_res.id().unwrap().to_owned(),
            context_id: tenant.props["contextId"].as_i64().expect("context id") as i32,
            profile_id: profile.to_owned(),
        }
    }

    /// A service user of the customer with its OX user.
    pub async fn user(&self, c: &Customer, login: &str, extra: Value) -> aps::Resource {
        let su = self
            .sim
            .create_service_user(
                &c.account_id,
                ServiceUserSpec::new(login, "Ada", "Lovelace"),
            )
            .unwrap();
        let mut body = json!({"login": login, "displayName": format!("Ada Lovelace {login}"), "givenName": "Ada", "surName": "Lovelace",
            "tenant": link(&c.tenant_id), "profile": link(&c.profile_id), "user": link(su.id().unwrap())});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.provision("user", body).await
    }

    /// Waits until no job of the node is pending or running (link changes apply in jobs).
    pub async fn settle(&self) {
        let queue = &self.node.node.app.queue;
        loop {
            let mut open = Vec::new();
            for status in [
                oxaps_jobs::JobStatus::Pending,
                oxaps_jobs::JobStatus::Running,
            ] {
                open.extend(
                    queue
                        .list(&oxaps_jobs::ListFilter {
                            status: Some(status),
                            ..Default::default()
                        })
                        .await
                        .unwrap(),
                );
            }
            if open.is_empty() {
                return;
            }
            for job in open {
                let done = queue
                    .wait_for(job.id, std::time::Duration::from_secs(30))
                    .await
                    .unwrap();
                assert!(
                    done.status.is_terminal(),
                    "job {} {} did not finish: {:?}",
                    job.kind,
                    job.dedup_key,
                    done.last_error
                );
            }
        }
    }

    pub async fn profile(&self, name: &str, combination: &str, quota_mb: i64) -> String {
        let p = self.provision("profile", json!({"name": name, "accessCombination": combination, "mailQuotaMb": quota_mb, "globals": link(&self.instance.id)})).await;
        p.id().unwrap().to_owned()
    }
}

pub struct Customer {
    pub account_id: String,
    pub tenant_id: String,
    pub zone_id: String,
    pub domain_id: String,
    pub context_id: i32,
    pub profile_id: String,
}

impl World {
    /// A customer with a tenant but no domain of its own (for shared subdomains): `zone_id` and
    /// `domain_id` are empty.
    pub async fn customer_without_domain(&self, company: &str, profile: &str) -> Customer {
        let account = self.sim.create_account(AccountSpec::new(company)).unwrap();
        let account_id = account.id().unwrap().to_owned();
        let subscription = self
            .sim
            .create_subscription(&account_id, SubscriptionSpec::new("OX App Suite", 1))
            .unwrap();
        let tenant = self
            .provision("tenant", json!({"account": link(&account_id), "subscription": link(subscription.id().unwrap()), "globals": link(&self.instance.id)}))
            .await;
        Customer {
            account_id,
            tenant_id: tenant.id().unwrap().to_owned(),
            zone_id: String::new(),
            domain_id: String::new(),
            context_id: tenant.props["contextId"].as_i64().expect("context id") as i32,
            profile_id: profile.to_owned(),
        }
    }
}

impl World {
    /// A world in OX Cloud mode (globals `oxMode` = `cloud`): contexts are created by brand
    /// subadmins through the reseller services.
    pub async fn start_cloud(backend: Backend) -> World {
        Self::start_with(
            backend,
            json!({
                "oxMode": "cloud",
                "mxHosts": [{"host": "mx1.provider.example", "priority": 10}],
                "spfInclude": "_spf.provider.example",
                "autodiscoverHost": "autodiscover.provider.example"
            }),
        )
        .await
    }

    /// A brand (reseller) with the given extra properties (limits, display name).
    pub async fn brand(&self, name: &str, extra: Value) -> aps::Resource {
        let mut body = json!({"name": name, "globals": link(&self.instance.id)});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        self.provision("brand", body).await
    }

    /// Like [`World::customer`], with the tenant linked to a brand (required in OX Cloud mode).
    pub async fn customer_of_brand(&self, domain: &str, profile: &str, brand: &str) -> Customer {
        let account = self
            .sim
            .create_account(AccountSpec::new(format!("{domain} Ltd")))
            .unwrap();
        let account_id = account.id().unwrap().to_owned();
        let subscription = self
            .sim
            .create_subscription(&account_id, SubscriptionSpec::new("OX App Suite", 1))
            .unwrap();
        let zone = self.sim.create_dns_zone(&account_id, domain).unwrap();
        let tenant = self
            .provision("tenant", json!({"account": link(&account_id), "subscription": link(subscription.id().unwrap()),
                "globals": link(&self.instance.id), "brand": link(brand)}))
            .await;
        let domain_res = self.provision("domain", json!({"name": domain, "tenant": link(tenant.id().unwrap()), "zone": link(zone.id().unwrap())})).await;
        Customer {
            account_id,
            tenant_id: tenant.id().unwrap().to_owned(),
            zone_id: zone.id().unwrap().to_owned(),
            domain_id: domain_res.id().unwrap().to_owned(),
            context_id: tenant.props["contextId"].as_i64().expect("context id") as i32,
            profile_id: profile.to_owned(),
        }
    }

    /// The model jobs of one resource, whatever their status.
    pub async fn jobs_of(&self, resource_id: &str) -> Vec<oxaps_jobs::Job> {
        self.node
            .node
            .app
            .queue
            .list(&oxaps_jobs::ListFilter {
                resource_id: Some(resource_id.to_owned()),
                limit: Some(1000),
                ..Default::default()
            })
            .await
            .unwrap()
    }
}

pub const REST_LOGIN: &str = "oxrest";
pub const REST_PASSWORD: &str = "rest-secret";

impl World {
    /// An on-premise world whose ox-sim serves the advertisement feature: the admin REST API with
    /// [`REST_LOGIN`]/[`REST_PASSWORD`] (also in the globals) and `ads_properties` as its
    /// `advertisement.properties`, written into `dir`.
    pub async fn start_ads(backend: Backend, dir: &std::path::Path, ads_properties: &str) -> World {
        Self::start_ads_with(backend, dir, ads_properties, json!({})).await
    }

    /// Like [`World::start_ads`], with more globals (e.g. `oxMode`).
    pub async fn start_ads_with(
        backend: Backend,
        dir: &std::path::Path,
        ads_properties: &str,
        settings: Value,
    ) -> World {
        let file = dir.join("advertisement.properties");
        std::fs::write(&file, ads_properties).unwrap();
        let mut ox_config = ox_sim::SimConfig::for_test(MASTER_PASSWORD);
        ox_config.rest_login = REST_LOGIN.into();
        ox_config.rest_password = REST_PASSWORD.into();
        ox_config.ads_config = Some(file);
        let ox = OxSim::start(ox_config).await.unwrap();
        let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let database_url = crate::harness::database_url(backend, dir.path()).await;
        let config = oxaps::config::Config::for_test(dir.path(), &database_url);
        let node = oxaps::node::Node::start_with(config, oxaps::services::Registry::standard())
            .await
            .unwrap();
        let node = TestNode {
            node,
            dir,
            database_url,
        };
        let sim = Controller::start(sim_config()).await.unwrap();
        let package = sim.register_package(package()).unwrap();
        let mut globals = json!({"oxSoapUrl": ox.base_url(), "oxMasterLogin": "oxadminmaster", "oxMasterPassword": MASTER_PASSWORD,
            "oxRestLogin": REST_LOGIN, "oxRestPassword": REST_PASSWORD});
        if let (Some(a), Some(extra)) = (globals.as_object_mut(), settings.as_object()) {
            a.extend(extra.clone());
        }
        let instance = sim
            .install_instance(&node.node.endpoint_url(), &package, globals)
            .await
            .unwrap();
        World {
            ox,
            sim,
            node,
            instance,
        }
    }
}

impl World {
    /// An on-premise world (as [`World::start`]) whose node runs with `tweak` applied to its
    /// configuration (e.g. the periodic-task scheduler off or ticking every second).
    pub async fn start_tweaked(
        backend: Backend,
        tweak: impl FnOnce(&mut oxaps::config::Config),
    ) -> World {
        Self::start_configured(backend, Self::onprem_settings(), tweak).await
    }
}

impl World {
    /// The OX context admin of a tenant (its `adminLogin` / `adminPassword` in the controller).
    pub async fn tenant_admin(&self, tenant_id: &str) -> ox::Credentials {
        let t = self.sim.retrieve(tenant_id).await.unwrap();
        ox::Credentials::new(
            t.props["adminLogin"].as_str().unwrap(),
            t.props["adminPassword"].as_str().unwrap(),
        )
    }
}
