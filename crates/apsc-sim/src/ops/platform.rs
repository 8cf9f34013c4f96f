//! Platform resources: created and removed in the store directly (no endpoint involved), as the
//! platform's own services do. DNS records must be linked to a zone (relation `zone`, by link or
//! by zone name as in the PA example `"zone": "isv1.test"`, or created through
//! `POST /aps/2/resources/<zone-id>/records`); the controller fills `source` (relative to the
//! zone), `sourceFQN`, `data`, `recordId`, and defaults `RRState` to `active` and `TTL` to 0.

use aps::resource::status;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{CallCtx, split_links};
use crate::controller::{Shared, State};
use crate::error::{SimError, SimResult};
use crate::platform::type_ids::{DNS_ZONE, PA_ACCOUNT, PA_USER};
use crate::platform::{record_data, record_kind, record_names};
use crate::store::StoredResource;

/// A DNS record as tests see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsRecord {
    /// The record's APS id.
    pub id: String,
    /// `a`, `aaaa`, `mx`, `cname`, `txt`, `ns` or `srv`.
    pub kind: String,
    /// Its type id.
    pub type_id: String,
    /// Name relative to the zone (empty for the apex).
    pub source: String,
    /// Fully qualified name with trailing dot.
    pub source_fqn: String,
    /// RDATA as text (address, exchange, cname, text).
    pub data: String,
    /// `RRState`.
    pub rr_state: String,
    /// The whole resource JSON.
    pub resource: Value,
}

impl State {
    /// Completes a DNS record's properties from its zone.
    fn fill_record(&mut self, id: &str, kind: &str) -> SimResult<()> {
        let zone_id = self
            .store
            .linked(id, "zone")
            .into_iter()
            .next()
            .ok_or_else(|| SimError::BadRequest("a DNS record needs a zone".into()))?;
        let zone = self
            .store
            .get(&zone_id)
            .and_then(|z| z.props.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let record_id = self.store.next_number("recordId", 1);
        let r = self
            .store
            .get(id)
            .ok_or_else(|| SimError::NotFound(id.to_owned()))?;
        let source = r
            .props
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let (relative, fqn) = record_names(&source, &zone);
        let mut patch = Map::new();
        patch.insert("source".into(), json!(relative));
        patch.insert("sourceFQN".into(), json!(fqn));
        if let Some(data) = record_data(kind, &r.props) {
            patch.insert("data".into(), json!(data));
        }
        for (key, default) in [
            ("RRState", json!("active")),
            ("TTL", json!(0)),
            ("recordId", json!(record_id)),
        ] {
            if !r.props.contains_key(key) {
                patch.insert(key.into(), default);
            }
        }
        let (subscription, owner) = (
            self.store
                .get(&zone_id)
                .and_then(|z| z.subscription.clone()),
            self.account_of(&zone_id),
        );
        self.store
            .set_attrs(id, |r| {
                r.props.extend(patch);
                r.subscription = r.subscription.take().or(subscription);
                r.owner_account = r.owner_account.take().or(owner);
            })
            .map_err(|e| SimError::NotFound(e.to_string()))
    }

    /// Stores a platform resource from a request body (`aps.type` required), optionally linked
    /// from `parent.relation`. Returns its id.
    pub(crate) fn create_platform(
        &mut self,
        ctx: &CallCtx,
        body: Value,
        parent: Option<(&str, &str)>,
    ) -> SimResult<String> {
        let Value::Object(mut body) = body else {
            return Err(SimError::BadRequest("body must be a JSON object".into()));
        };
        let aps = body.get("aps").cloned().unwrap_or(Value::Null);
        let type_id = aps
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| SimError::BadRequest("aps.type is required".into()))?
            .to_owned();
        let explicit_sub = aps
            .get("subscription")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let refs = split_links(self, &type_id, &mut body);
        let links = self.resolve_links(&type_id, refs)?;
        body.remove("aps");
        let kind = record_kind(&self.store.types, &type_id);
        let is_zone = self.store.types.implements(&type_id, DNS_ZONE);
        if is_zone && !body.get("name").is_some_and(Value::is_string) {
            return Err(SimError::BadRequest("a DNS zone needs a name".into()));
        }
        if is_zone && !body.contains_key("zoneId") {
            body.insert("zoneId".into(), json!(self.store.next_number("zoneId", 1)));
        }
        if self.store.types.implements(&type_id, PA_USER) {
            // Users created over REST (the panel's Users tab) get a number; the password is
            // write-only, as in the platform.
            if !body.contains_key("userId") {
                body.insert("userId".into(), json!(self.store.next_number("userId", 1)));
            }
            body.remove("password");
        }
        let mut linked: Vec<String> = links.iter().map(|(_, id)| id.clone()).collect();
        if let Some((p, _)) = parent {
            self.store
                .get(p)
                .filter(|r| self.visible(ctx, r))
                .ok_or_else(|| SimError::NotFound(format!("resource {p}")))?;
            linked.push(p.to_owned());
        }
        let (subscription, owner) = self.derive_context(ctx, &linked, explicit_sub);
        let id = uuid::Uuid::new_v4().to_string();
        self.store.insert(StoredResource {
            id: id.clone(),
            type_id: type_id.clone(),
            status: status::PROVISIONING.to_owned(),
            revision: 0,
            modified: String::new(),
            subscription,
            owner_account: if self.store.types.implements(&type_id, PA_ACCOUNT) {
                Some(id.clone())
            } else {
                owner
            },
            instance: None,
            package: None,
            props: body,
        });
        let result = (|| {
            for (rel, other) in &links {
                self.store
                    .link(&id, rel, other)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            if let Some((p, rel)) = parent {
                self.store
                    .link(p, rel, &id)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            if let Some(kind) = kind {
                self.fill_record(&id, kind)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            let _ = self.store.remove(&id);
            self.store.drain_events();
            return Err(e);
        }
        self.store
            .set_status(&id, status::READY)
            .map_err(|e| SimError::NotFound(e.to_string()))?;
        Ok(id)
    }

    /// The DNS records linked to a zone.
    pub(crate) fn dns_records(&self, zone_id: &str) -> Vec<DnsRecord> {
        let text = |r: &StoredResource, k: &str| {
            r.props
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        self.store
            .linked(zone_id, "records")
            .iter()
            .filter_map(|id| self.store.get(id))
            .filter_map(|r| {
                let kind = record_kind(&self.store.types, &r.type_id)?;
                Some(DnsRecord {
                    id: r.id.clone(),
                    kind: kind.to_owned(),
                    type_id: r.type_id.clone(),
                    source: text(r, "source"),
                    source_fqn: text(r, "sourceFQN"),
                    data: text(r, "data"),
                    rr_state: text(r, "RRState"),
                    resource: self.store.render_resource(r),
                })
            })
            .collect()
    }
}

impl Shared {
    /// Creates a platform resource (see [`State::create_platform`]) and returns its JSON.
    pub(crate) fn create_platform(
        &self,
        ctx: &CallCtx,
        body: Value,
        parent: Option<(&str, &str)>,
    ) -> SimResult<Value> {
        self.with(|st| {
            let id = st.create_platform(ctx, body, parent)?;
            st.store.render(&id).ok_or(SimError::NotFound(id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::type_ids::{PA_DNS_ZONE, pa_dns_record};

    #[test]
    fn records_get_zone_derived_properties() {
        let mut st = State::default();
        let ctx = CallCtx::default();
        let acc = st
            .create_platform(
                &ctx,
                json!({"aps": {"type": PA_ACCOUNT}, "companyName": "A"}),
                None,
            )
            .unwrap();
        let zone = st
            .create_platform(&ctx, json!({"aps": {"type": PA_DNS_ZONE}, "name": "isv1.test", "account": {"aps": {"id": acc}}}), None)
            .unwrap();
        assert_eq!(
            st.store.get(&zone).unwrap().owner_account.as_deref(),
            Some(acc.as_str())
        );
        let rec = st
            .create_platform(
                &ctx,
                json!({"aps": {"type": pa_dns_record("a")}, "zone": "isv1.test", "source": "vps1001.isv1.test.", "address": "10.10.10.111"}),
                None,
            )
            .unwrap();
        let records = st.dns_records(&zone);
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(
            (r.id.as_str(), r.kind.as_str(), r.source.as_str()),
            (rec.as_str(), "a", "vps1001")
        );
        assert_eq!(
            (r.source_fqn.as_str(), r.data.as_str(), r.rr_state.as_str()),
            ("vps1001.isv1.test.", "10.10.10.111", "active")
        );
        assert_eq!(r.resource["recordId"], 1);
        assert_eq!(
            st.store.get(&rec).unwrap().owner_account.as_deref(),
            Some(acc.as_str())
        );
        let mx = st
            .create_platform(&ctx, json!({"aps": {"type": pa_dns_record("mx")}, "priority": 10, "exchange": "mx.isv1.test"}), Some((&zone, "records")))
            .unwrap();
        assert_eq!(st.store.linked(&mx, "zone"), vec![zone.clone()]);
        assert_eq!(st.dns_records(&zone).len(), 2);
    }

    #[test]
    fn invalid_platform_bodies_are_refused_and_leave_nothing() {
        let mut st = State::default();
        let ctx = CallCtx::default();
        assert!(
            st.create_platform(&ctx, json!({"name": "x"}), None)
                .is_err()
        );
        assert!(
            st.create_platform(&ctx, json!({"aps": {"type": PA_DNS_ZONE}}), None)
                .is_err()
        );
        assert!(
            st.create_platform(
                &ctx,
                json!({"aps": {"type": pa_dns_record("a")}, "address": "1.2.3.4"}),
                None
            )
            .is_err()
        );
        assert!(
            st.create_platform(
                &ctx,
                json!({"aps": {"type": pa_dns_record("a")}, "zone": "nope.org"}),
                None
            )
            .is_err()
        );
        assert_eq!(st.store.all().count(), 0);
    }
}
