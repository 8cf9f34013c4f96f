//! The controller's resource store: resources with their `aps` attributes, links, and the events
//! changes raise (collected in an outbox the controller drains after each change).
//!
//! Every change bumps `aps.revision` and `aps.modified` of the resources it touches and raises the
//! general APS events: `available` when a resource first becomes `aps:ready`, `changed` on property
//! or status changes, `linked`/`unlinked` on both named ends of a link, `removed` on deletion.

mod links;
mod render;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use links::{Link, LinkSet};

use crate::platform::register_platform_types;
use crate::types::TypeRegistry;

/// The general event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// A link was created.
    Linked,
    /// A link was removed.
    Unlinked,
    /// Properties or status changed.
    Changed,
    /// The resource was removed.
    Removed,
    /// The resource became available.
    Available,
}

impl EventKind {
    /// The event type URI.
    pub fn uri(self) -> &'static str {
        match self {
            EventKind::Linked => "http://aps-standard.org/core/events/linked",
            EventKind::Unlinked => "http://aps-standard.org/core/events/unlinked",
            EventKind::Changed => "http://aps-standard.org/core/events/changed",
            EventKind::Removed => "http://aps-standard.org/core/events/removed",
            EventKind::Available => "http://aps-standard.org/core/events/available",
        }
    }

    /// The kind for a URI.
    pub fn from_uri(uri: &str) -> Option<EventKind> {
        [
            EventKind::Linked,
            EventKind::Unlinked,
            EventKind::Changed,
            EventKind::Removed,
            EventKind::Available,
        ]
        .into_iter()
        .find(|k| k.uri() == uri)
    }
}

/// An event raised by a change, before it is matched against subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// What happened.
    pub kind: EventKind,
    /// The resource it happened to.
    pub source_id: String,
    /// Its type.
    pub source_type: String,
    /// For link events: the relation of the source that changed.
    pub relation: Option<String>,
}

/// A resource as the controller keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredResource {
    /// `aps.id`.
    pub id: String,
    /// `aps.type`.
    pub type_id: String,
    /// `aps.status`.
    pub status: String,
    /// `aps.revision`.
    pub revision: i64,
    /// `aps.modified`, ISO-8601 UTC.
    pub modified: String,
    /// `aps.subscription`.
    pub subscription: Option<String>,
    /// The account owning it (security context), if any.
    pub owner_account: Option<String>,
    /// The application instance whose service provides it (application resources only).
    pub instance: Option<String>,
    /// The package of its type (application resources only).
    pub package: Option<String>,
    /// Its properties (links excluded).
    pub props: Map<String, Value>,
}

/// The current time as the controller writes `aps.modified` (`2016-10-03T11:22:24Z`).
pub fn now_iso() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    now.format(&Rfc3339).unwrap_or_default()
}

/// Merges `patch` into `target`: nested objects merge key by key, other values replace.
pub fn deep_merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        match (target.get_mut(k), v) {
            (Some(Value::Object(existing)), Value::Object(inner)) => deep_merge(existing, inner),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No such resource.
    #[error("resource {0} not found")]
    NotFound(String),
    /// No such link.
    #[error("{0} has no link {1} to {2}")]
    NoLink(String, String, String),
}

/// Resources, links and types.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Store {
    /// The type registry.
    pub types: TypeRegistry,
    resources: BTreeMap<String, StoredResource>,
    links: LinkSet,
    sequences: BTreeMap<String, i64>,
    #[serde(skip)]
    outbox: Vec<RawEvent>,
}

impl Default for Store {
    fn default() -> Self {
        let mut types = TypeRegistry::default();
        register_platform_types(&mut types);
        Store {
            types,
            resources: BTreeMap::new(),
            links: LinkSet::default(),
            sequences: BTreeMap::new(),
            outbox: vec![],
        }
    }
}

impl Store {
    /// The next number of a named sequence (account ids, subscription ids, ...), from `start`.
    pub fn next_number(&mut self, name: &str, start: i64) -> i64 {
        let n = self.sequences.entry(name.to_owned()).or_insert(start - 1);
        *n += 1;
        *n
    }

    /// A resource.
    pub fn get(&self, id: &str) -> Option<&StoredResource> {
        self.resources.get(id)
    }

    /// Every resource, ordered by id.
    pub fn all(&self) -> impl Iterator<Item = &StoredResource> {
        self.resources.values()
    }

    /// The links.
    pub fn links(&self) -> &LinkSet {
        &self.links
    }

    /// Takes the events raised since the last call.
    pub fn drain_events(&mut self) -> Vec<RawEvent> {
        std::mem::take(&mut self.outbox)
    }

    fn emit(&mut self, kind: EventKind, id: &str, relation: Option<String>) {
        if let Some(r) = self.resources.get(id) {
            self.outbox.push(RawEvent {
                kind,
                source_id: id.to_owned(),
                source_type: r.type_id.clone(),
                relation,
            });
        }
    }

    fn touch(&mut self, id: &str) {
        if let Some(r) = self.resources.get_mut(id) {
            r.revision += 1;
            r.modified = now_iso();
        }
    }

    /// Adds a resource as given (revision 1). Raises `available` when it is ready.
    pub fn insert(&mut self, mut r: StoredResource) {
        r.revision = 1;
        r.modified = now_iso();
        let id = r.id.clone();
        let ready = r.status == aps::resource::status::READY;
        self.resources.insert(id.clone(), r);
        if ready {
            self.emit(EventKind::Available, &id, None);
        }
    }

    /// Deep-merges `patch` into the properties (objects merge key by key, anything else
    /// replaces). Raises `changed` and bumps the revision when something changed; returns whether
    /// it did.
    pub fn merge_props(
        &mut self,
        id: &str,
        patch: &Map<String, Value>,
    ) -> Result<bool, StoreError> {
        let r = self
            .resources
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        let before = r.props.clone();
        deep_merge(&mut r.props, patch);
        let changed = r.props != before;
        if changed {
            self.touch(id);
            self.emit(EventKind::Changed, id, None);
        }
        Ok(changed)
    }

    /// Sets `aps.status`. Raises `changed`, and `available` on the first switch to `aps:ready`
    /// from `aps:provisioning` or `aps:proto`.
    pub fn set_status(&mut self, id: &str, status: &str) -> Result<(), StoreError> {
        let r = self
            .resources
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        if r.status == status {
            return Ok(());
        }
        let first_ready = status == aps::resource::status::READY
            && matches!(
                r.status.as_str(),
                aps::resource::status::PROVISIONING | aps::resource::status::PROTO
            );
        r.status = status.to_owned();
        self.touch(id);
        self.emit(EventKind::Changed, id, None);
        if first_ready {
            self.emit(EventKind::Available, id, None);
        }
        Ok(())
    }

    /// Changes the non-property attributes of a resource without raising events.
    pub fn set_attrs(
        &mut self,
        id: &str,
        f: impl FnOnce(&mut StoredResource),
    ) -> Result<(), StoreError> {
        let r = self
            .resources
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))?;
        f(r);
        Ok(())
    }

    /// Removes a resource and its links. Raises `unlinked` on the other named ends and `removed`.
    pub fn remove(&mut self, id: &str) -> Result<StoredResource, StoreError> {
        if !self.resources.contains_key(id) {
            return Err(StoreError::NotFound(id.to_owned()));
        }
        for link in self.links.take_where(|l| l.touches(id)) {
            let other = if link.from == id {
                link.to.clone()
            } else {
                link.from.clone()
            };
            if let Some((rel, _)) = link.seen_from(&other) {
                let rel = rel.to_owned();
                self.touch(&other);
                self.emit(EventKind::Unlinked, &other, Some(rel));
            }
        }
        self.emit(EventKind::Removed, id, None);
        self.resources
            .remove(id)
            .ok_or_else(|| StoreError::NotFound(id.to_owned()))
    }

    /// The other ends of `id`'s relation `relation`.
    pub fn linked(&self, id: &str, relation: &str) -> Vec<String> {
        self.links.linked(id, relation)
    }

    /// Links `from.relation` to `to`. A single (non-collection) relation is re-pointed, unlinking
    /// the previous target. Linking twice is a no-op.
    pub fn link(&mut self, from: &str, relation: &str, to: &str) -> Result<(), StoreError> {
        let from_type = self
            .get(from)
            .ok_or_else(|| StoreError::NotFound(from.to_owned()))?
            .type_id
            .clone();
        let to_type = self
            .get(to)
            .ok_or_else(|| StoreError::NotFound(to.to_owned()))?
            .type_id
            .clone();
        if self.links.linked(from, relation).iter().any(|o| o == to) {
            return Ok(());
        }
        let single = self
            .types
            .relation(&from_type, relation)
            .is_some_and(|r| !r.collection);
        if single {
            for old in self.links.linked(from, relation) {
                self.unlink(from, relation, &old)?;
            }
        }
        let back = self.types.back_relation(&to_type, &from_type);
        if let Some(b) = back.as_ref().filter(|b| !b.collection) {
            for old in self.links.linked(to, &b.name) {
                self.unlink(to, &b.name, &old)?;
            }
        }
        let back = back.map(|b| b.name);
        self.links.push(Link {
            from: from.to_owned(),
            relation: relation.to_owned(),
            to: to.to_owned(),
            back: back.clone(),
        });
        self.touch(from);
        self.touch(to);
        self.emit(EventKind::Linked, from, Some(relation.to_owned()));
        if let Some(b) = back {
            self.emit(EventKind::Linked, to, Some(b));
        }
        Ok(())
    }

    /// Removes the link `id.relation -> other` (seen from `id`).
    pub fn unlink(&mut self, id: &str, relation: &str, other: &str) -> Result<(), StoreError> {
        let removed = self
            .links
            .take_where(|l| l.seen_from(id) == Some((relation, other)));
        let Some(link) = removed.into_iter().next() else {
            return Err(StoreError::NoLink(
                id.to_owned(),
                relation.to_owned(),
                other.to_owned(),
            ));
        };
        self.touch(id);
        self.touch(other);
        self.emit(EventKind::Unlinked, id, Some(relation.to_owned()));
        if let Some((rel, _)) = link.seen_from(other) {
            let rel = rel.to_owned();
            self.emit(EventKind::Unlinked, other, Some(rel));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::type_ids::{PA_ACCOUNT, PA_SERVICE_USER};
    use aps::resource::status;

    fn res(id: &str, type_id: &str, st: &str) -> StoredResource {
        StoredResource {
            id: id.into(),
            type_id: type_id.into(),
            status: st.into(),
            revision: 0,
            modified: String::new(),
            subscription: None,
            owner_account: None,
            instance: None,
            package: None,
            props: Map::new(),
        }
    }

    fn kinds(store: &mut Store) -> Vec<(EventKind, String, Option<String>)> {
        store
            .drain_events()
            .into_iter()
            .map(|e| (e.kind, e.source_id, e.relation))
            .collect()
    }

    #[test]
    fn lifecycle_raises_events_and_bumps_revisions() {
        let mut s = Store::default();
        s.insert(res("acc", PA_ACCOUNT, status::READY));
        s.insert(res("u", PA_SERVICE_USER, status::PROVISIONING));
        assert_eq!(
            kinds(&mut s),
            vec![(EventKind::Available, "acc".into(), None)]
        );
        s.set_status("u", status::READY).unwrap();
        assert_eq!(
            kinds(&mut s),
            vec![
                (EventKind::Changed, "u".into(), None),
                (EventKind::Available, "u".into(), None)
            ]
        );
        s.link("u", "organization", "acc").unwrap();
        assert_eq!(
            kinds(&mut s),
            vec![
                (EventKind::Linked, "u".into(), Some("organization".into())),
                (EventKind::Linked, "acc".into(), Some("users".into()))
            ]
        );
        assert_eq!(s.linked("acc", "users"), vec!["u"]);
        assert_eq!(s.get("acc").unwrap().revision, 2);
        let mut patch = Map::new();
        patch.insert("email".into(), Value::from("x@y"));
        assert!(s.merge_props("u", &patch).unwrap());
        assert!(!s.merge_props("u", &patch).unwrap());
        assert_eq!(kinds(&mut s), vec![(EventKind::Changed, "u".into(), None)]);
        s.remove("u").unwrap();
        assert_eq!(
            kinds(&mut s),
            vec![
                (EventKind::Unlinked, "acc".into(), Some("users".into())),
                (EventKind::Removed, "u".into(), None)
            ]
        );
        assert!(s.linked("acc", "users").is_empty());
    }

    #[test]
    fn single_relations_are_repointed() {
        let mut s = Store::default();
        s.insert(res("a1", PA_ACCOUNT, status::READY));
        s.insert(res("a2", PA_ACCOUNT, status::READY));
        s.insert(res("u", PA_SERVICE_USER, status::READY));
        s.link("u", "organization", "a1").unwrap();
        s.link("u", "organization", "a1").unwrap();
        s.link("u", "organization", "a2").unwrap();
        assert_eq!(s.linked("u", "organization"), vec!["a2"]);
        assert!(s.linked("a1", "users").is_empty());
        assert_eq!(
            s.unlink("u", "organization", "a1"),
            Err(StoreError::NoLink(
                "u".into(),
                "organization".into(),
                "a1".into()
            ))
        );
        s.unlink("a2", "users", "u").unwrap();
        assert!(s.linked("u", "organization").is_empty());
    }

    #[test]
    fn deep_merge_keeps_counter_limits() {
        let mut target = serde_json::json!({"disk": {"limit": 10, "usage": 0}, "name": "a"})
            .as_object()
            .cloned()
            .unwrap();
        let patch = serde_json::json!({"disk": {"usage": 5}, "name": "b", "tags": [1]})
            .as_object()
            .cloned()
            .unwrap();
        deep_merge(&mut target, &patch);
        assert_eq!(
            Value::Object(target),
            serde_json::json!({"disk": {"limit": 10, "usage": 5}, "name": "b", "tags": [1]})
        );
    }

    #[test]
    fn event_uris_round_trip() {
        for k in [
            EventKind::Linked,
            EventKind::Unlinked,
            EventKind::Changed,
            EventKind::Removed,
            EventKind::Available,
        ] {
            assert_eq!(EventKind::from_uri(k.uri()), Some(k));
        }
        assert!(now_iso().ends_with('Z'));
    }
}
