//! Resource JSON as it travels on the APS bus: an `aps` block plus properties and links.
//!
//! Properties the endpoint does not know must survive a round trip (the controller may add some), so
//! [`Resource`] keeps every property in an ordered JSON map and only types the `aps` block.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Resource statuses (`aps.status`).
pub mod status {
    /// Created in the controller, not yet provisioned.
    pub const PROTO: &str = "aps:proto";
    /// Provisioning is under way (the endpoint answered 202).
    pub const PROVISIONING: &str = "aps:provisioning";
    /// Provisioned and usable.
    pub const READY: &str = "aps:ready";
    /// Activation requires more data.
    pub const ACTIVATING: &str = "aps:activating";
    /// A configure is under way.
    pub const CONFIGURING: &str = "aps:configuring";
    /// Unprovisioning is under way.
    pub const UNPROVISIONING: &str = "aps:unprovisioning";
    /// Unprovisioned (async delete pending or done).
    pub const DELETED: &str = "aps:deleted";
    /// An upgrade is under way.
    pub const UPGRADING: &str = "aps:upgrading";
}

/// Link kinds (`aps.link` inside a relation value).
pub mod link {
    /// A required relation.
    pub const STRONG: &str = "strong";
    /// An optional relation.
    pub const WEAK: &str = "weak";
    /// A collection relation.
    pub const COLLECTION: &str = "collection";
}

/// The `aps` block of a resource. Fields the controller adds that are not typed here are kept in
/// `extra` (for example `x509` on instance installation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApsMeta {
    /// The resource's APS id (UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The type id, e.g. `http://oxaps.org/types/globals/1.0`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    /// The status, e.g. `aps:ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The revision, bumped by the controller on every change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// Last modification, ISO-8601 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// The subscription the resource belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// Every other field of the block, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A resource: the `aps` block and every other property, in received order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// The `aps` block.
    #[serde(default)]
    pub aps: ApsMeta,
    /// All other properties and relations.
    #[serde(flatten)]
    pub props: Map<String, Value>,
}

impl Resource {
    /// The APS id, if the block carries one.
    pub fn id(&self) -> Option<&str> {
        self.aps.id.as_deref()
    }

    /// A string property.
    pub fn str_prop(&self, name: &str) -> Option<&str> {
        self.props.get(name).and_then(Value::as_str)
    }

    /// The id of the resource a relation links to (`{"<rel>": {"aps": {"id": ..}}}`), for a
    /// single (non-collection) link.
    pub fn link_id(&self, relation: &str) -> Option<&str> {
        self.props.get(relation)?.get("aps")?.get("id")?.as_str()
    }

    /// The whole resource as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The JSON value of a link to another resource, as the controller writes it.
pub fn link_value(kind: &str, id: &str) -> Value {
    serde_json::json!({"aps": {"link": kind, "href": format!("/aps/2/resources/{id}"), "id": id}})
}

/// A counter property value (`http://aps-standard.org/types/core/resource/1.0#Counter`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    /// Current usage, reported by the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<f64>,
    /// The limit the controller sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
}

/// The type id of the core Resource type, whose structures hold counters.
pub const CORE_RESOURCE_TYPE: &str = "http://aps-standard.org/types/core/resource/1.0";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_properties_and_aps_fields_survive_a_round_trip() {
        let input = json!({
            "aps": {"id": "a1", "type": "http://t/1.0", "status": "aps:ready", "x509": {"self": "s"},
                    "package": {"id": "p"}},
            "name": "x",
            "vendorSpecific": {"deep": [1, 2]},
            "tenant": {"aps": {"link": "strong", "href": "/aps/2/resources/t1", "id": "t1"}}
        });
        let r: Resource = serde_json::from_value(input.clone()).unwrap();
        assert_eq!(r.id(), Some("a1"));
        assert_eq!(r.link_id("tenant"), Some("t1"));
        assert_eq!(r.str_prop("name"), Some("x"));
        assert_eq!(r.to_value(), input);
    }

    #[test]
    fn resource_without_aps_block_parses() {
        let r: Resource = serde_json::from_value(json!({"a": 1})).unwrap();
        assert_eq!(r.id(), None);
        assert_eq!(r.props.len(), 1);
    }

    #[test]
    fn link_value_has_controller_shape() {
        assert_eq!(
            link_value(link::STRONG, "u1"),
            json!({"aps": {"link": "strong", "href": "/aps/2/resources/u1", "id": "u1"}})
        );
    }
}
