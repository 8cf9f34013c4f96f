//! What the controller does, shared by the test API ([`crate::SimHandle`]) and the REST API:
//! provisioning through endpoints, configure/unprovision/retrieve, links, custom operations and
//! platform resources.

mod manage;
mod platform;
mod provision;

pub use manage::OperationTarget;
pub use platform::DnsRecord;

use serde_json::{Map, Value};

use crate::controller::State;
use crate::error::{SimError, SimResult};
use crate::platform::type_ids::{CORE_ACCOUNT, CORE_SUBSCRIPTION};
use crate::store::StoredResource;

/// Who asks, and how.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallCtx {
    /// The calling instance (REST calls); `None` for the test API and the controller certificate.
    pub caller_instance: Option<String>,
    /// The account the call acts for (impersonation).
    pub account: Option<String>,
    /// `APS-Identity-ID` to send to endpoints.
    pub identity: Option<String>,
    /// Return after the sync phase when an endpoint answers 202 (REST calls), polling in the
    /// background.
    pub detach_async: bool,
}

/// Where a resource's operations go.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub instance_id: String,
    pub base: String,
    pub service: String,
}

/// A link found in a request body: to a resource id, or (for PA DNS records' `zone`) by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkRef {
    Id(String),
    Name(String),
}

/// `Some(Some(id))` for a link value `{"aps": {"id": ..}}`, `Some(None)` for a link without id
/// (a collection href), `None` for ordinary values.
fn link_target(v: &Value) -> Option<Option<String>> {
    let aps = v.as_object()?.get("aps")?.as_object()?;
    Some(aps.get("id").and_then(Value::as_str).map(str::to_owned))
}

/// Removes link-shaped values from a body and returns the links they name. Strings under a
/// declared relation are links by name.
pub(crate) fn split_links(
    state: &State,
    type_id: &str,
    body: &mut Map<String, Value>,
) -> Vec<(String, LinkRef)> {
    let mut links = Vec::new();
    let keys: Vec<String> = body.keys().filter(|k| *k != "aps").cloned().collect();
    for key in keys {
        let Some(value) = body.get(&key) else {
            continue;
        };
        let declared = state.store.types.relation(type_id, &key).is_some();
        let found: Option<Vec<LinkRef>> = match value {
            Value::Array(items)
                if !items.is_empty() && items.iter().all(|i| link_target(i).is_some()) =>
            {
                Some(
                    items
                        .iter()
                        .filter_map(|i| link_target(i).flatten())
                        .map(LinkRef::Id)
                        .collect(),
                )
            }
            Value::String(name) if declared => Some(vec![LinkRef::Name(name.clone())]),
            Value::Null if declared => Some(vec![]),
            other => link_target(other).map(|id| id.into_iter().map(LinkRef::Id).collect()),
        };
        if let Some(refs) = found {
            body.remove(&key);
            links.extend(refs.into_iter().map(|r| (key.clone(), r)));
        }
    }
    links
}

/// The properties of an endpoint's answer worth keeping: everything but `aps` and links.
pub(crate) fn reply_props(body: &Value) -> Map<String, Value> {
    body.as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, v)| *k != "aps" && link_target(v).is_none())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

impl State {
    /// Where operations on this (application) resource go.
    pub(crate) fn target_of(&self, r: &StoredResource) -> SimResult<Target> {
        let instance_id = r.instance.as_deref().ok_or_else(|| {
            SimError::BadRequest(format!("{} is not an application resource", r.id))
        })?;
        let instance = self
            .instances
            .get(instance_id)
            .ok_or_else(|| SimError::NotFound(format!("instance {instance_id}")))?;
        let package = self
            .packages
            .get(&instance.package_id)
            .ok_or_else(|| SimError::NotFound(format!("package {}", instance.package_id)))?;
        let service = package
            .spec
            .service_by_type(&r.type_id)
            .ok_or_else(|| SimError::NotFound(format!("service for type {}", r.type_id)))?;
        Ok(Target {
            instance_id: instance.id.clone(),
            base: instance.endpoint.clone(),
            service: service.id.clone(),
        })
    }

    /// The instance (and service id) that provides `type_id`: the caller's instance if its
    /// package has the type, otherwise the first instance of a package that has it.
    pub(crate) fn provider_of(
        &self,
        type_id: &str,
        caller: Option<&str>,
    ) -> Option<(String, String)> {
        let candidates = |i: &&crate::package::InstanceRecord| {
            self.packages
                .get(&i.package_id)
                .and_then(|p| p.spec.service_by_type(type_id))
                .map(|s| s.id.clone())
        };
        if let Some(inst) = caller.and_then(|c| self.instances.get(c))
            && let Some(service) = candidates(&inst)
        {
            return Some((inst.id.clone(), service));
        }
        self.instances
            .values()
            .find_map(|i| candidates(&i).map(|s| (i.id.clone(), s)))
    }

    /// The account a resource belongs to (itself for accounts).
    pub(crate) fn account_of(&self, id: &str) -> Option<String> {
        let r = self.store.get(id)?;
        if self.store.types.implements(&r.type_id, CORE_ACCOUNT) {
            return Some(r.id.clone());
        }
        r.owner_account.clone()
    }

    /// The account an `APS-Resource-ID` value stands for.
    pub(crate) fn impersonated_account(&self, resource_id: &str) -> SimResult<Option<String>> {
        if self.store.get(resource_id).is_none() {
            return Err(SimError::NotFound(format!("APS-Resource-ID {resource_id}")));
        }
        Ok(self.account_of(resource_id))
    }

    /// Whether `ctx` may see `r`.
    pub(crate) fn visible(&self, ctx: &CallCtx, r: &StoredResource) -> bool {
        if let Some(account) = &ctx.account {
            let own = self.account_of(&r.id);
            if own.as_ref().is_some_and(|a| a != account) {
                return false;
            }
        }
        let Some(caller) = &ctx.caller_instance else {
            return true;
        };
        if !self.strict_visibility {
            return true;
        }
        if r.instance.as_deref() == Some(caller.as_str())
            || r.id == self.notification_manager
            || r.id == self.periodic_task_manager
        {
            return true;
        }
        self.store.links().neighbours(&r.id).iter().any(|n| {
            self.store
                .get(n)
                .is_some_and(|o| o.instance.as_deref() == Some(caller.as_str()))
        })
    }

    /// Subscription and owning account of a new resource, from its links and the context.
    pub(crate) fn derive_context(
        &self,
        ctx: &CallCtx,
        linked: &[String],
        explicit_subscription: Option<String>,
    ) -> (Option<String>, Option<String>) {
        let subscription = explicit_subscription
            .or_else(|| {
                linked
                    .iter()
                    .find(|id| {
                        self.store.get(id).is_some_and(|r| {
                            self.store.types.implements(&r.type_id, CORE_SUBSCRIPTION)
                        })
                    })
                    .cloned()
            })
            .or_else(|| {
                linked
                    .iter()
                    .find_map(|id| self.store.get(id)?.subscription.clone())
            });
        let owner = ctx
            .account
            .clone()
            .or_else(|| subscription.as_deref().and_then(|s| self.account_of(s)))
            .or_else(|| linked.iter().find_map(|id| self.account_of(id)));
        (subscription, owner)
    }

    /// Resolves links found in a body to resource ids.
    pub(crate) fn resolve_links(
        &self,
        type_id: &str,
        refs: Vec<(String, LinkRef)>,
    ) -> SimResult<Vec<(String, String)>> {
        refs.into_iter()
            .map(|(rel, r)| match r {
                LinkRef::Id(id) => {
                    if self.store.get(&id).is_none() {
                        return Err(SimError::NotFound(format!("linked resource {id} ({rel})")));
                    }
                    Ok((rel, id))
                }
                LinkRef::Name(name) => {
                    let target_type = self
                        .store
                        .types
                        .relation(type_id, &rel)
                        .map(|d| d.type_id.clone())
                        .unwrap_or_default();
                    let wanted = name.trim_end_matches('.');
                    self.store
                        .all()
                        .find(|r| {
                            self.store.types.implements(&r.type_id, &target_type)
                                && r.props
                                    .get("name")
                                    .and_then(Value::as_str)
                                    .is_some_and(|n| {
                                        n.trim_end_matches('.').eq_ignore_ascii_case(wanted)
                                    })
                        })
                        .map(|r| (rel.clone(), r.id.clone()))
                        .ok_or_else(|| {
                            SimError::NotFound(format!(
                                "no {target_type} named {name} for relation {rel}"
                            ))
                        })
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_are_split_from_bodies() {
        let st = State::default();
        let mut body = json!({
            "login": "x",
            "tenant": {"aps": {"id": "t1"}},
            "groups": [{"aps": {"id": "g1"}}, {"aps": {"id": "g2"}}],
            "users": {"aps": {"link": "collection", "href": "/aps/2/resources/x/users"}},
            "zone": "ex.org",
            "plain": {"a": 1},
            "list": [1, 2]
        })
        .as_object()
        .cloned()
        .unwrap();
        let links = split_links(&st, &crate::platform::type_ids::dns_record("a"), &mut body);
        assert_eq!(
            links,
            vec![
                ("tenant".into(), LinkRef::Id("t1".into())),
                ("groups".into(), LinkRef::Id("g1".into())),
                ("groups".into(), LinkRef::Id("g2".into())),
                ("zone".into(), LinkRef::Name("ex.org".into())),
            ]
        );
        assert_eq!(links.len(), 4);
        assert_eq!(body.len(), 3);
        assert!(
            body.contains_key("plain") && body.contains_key("list") && body.contains_key("login")
        );
    }

    #[test]
    fn reply_props_drop_aps_and_links() {
        let p = reply_props(
            &json!({"aps": {"id": "x"}, "a": 1, "t": {"aps": {"id": "t"}}, "c": {"usage": 3}}),
        );
        assert_eq!(Value::Object(p), json!({"a": 1, "c": {"usage": 3}}));
        assert!(reply_props(&Value::Null).is_empty());
    }
}
