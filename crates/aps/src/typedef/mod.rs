//! The APS type-definition model: what a `schemas/<service>.schema` file holds.
//!
//! oxaps defines each of its types once in Rust with these structures; the endpoint routes custom
//! operations by the declared verb and path, validates input against the properties, and the package
//! builder writes the same structures out as schema files, so the two cannot drift.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod validate;

pub use validate::{Mode, Violation};

/// The longest string the controller stores in a property (OSA resource model).
pub const MAX_STRING_LEN: usize = 2048;

/// Units the controller integrated with OSA accepts for counters and limits.
pub const UNITS: &[&str] = &["item", "unit", "kb", "mb", "gb", "item-h", "mb-h", "mhzh"];

/// A type definition (`schemas/*.schema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// Always `2.0`.
    #[serde(rename = "apsVersion")]
    pub aps_version: String,
    /// The short name, e.g. `globals`.
    pub name: String,
    /// The type id, `http://<basename>/<major.minor>`.
    pub id: String,
    /// Implemented type ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<String>,
    /// Type-level access flags, e.g. `{"global": true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Value>,
    /// Properties by name.
    #[serde(default)]
    pub properties: BTreeMap<String, Property>,
    /// Relations by name.
    #[serde(default)]
    pub relations: BTreeMap<String, Relation>,
    /// Custom operations and event handlers by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub operations: BTreeMap<String, Operation>,
    /// Structures by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub structures: BTreeMap<String, Structure>,
}

/// A property of a type or structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// `string`, `integer`, `number`, `boolean`, `array`, `object`, a structure name or `<type>#<Structure>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short title for UIs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description for UIs and documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Must be present on provisioning.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Only the application writes it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub readonly: bool,
    /// Cannot change after provisioning.
    #[serde(rename = "final", default, skip_serializing_if = "is_false")]
    pub final_: bool,
    /// Stored encrypted by the controller and only shown to the application.
    #[serde(default, skip_serializing_if = "is_false")]
    pub encrypted: bool,
    /// Default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    /// Format hint: email, uri, date-time, host-name, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// A regular expression the value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Unit of a counter or limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Item type of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Property>>,
    /// Maximum string length.
    #[serde(rename = "maxLength", default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Minimum number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Maximum number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Role-based access, e.g. `{"referrer": false}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Value>,
}

/// A relation to another type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// The related type id.
    #[serde(rename = "type")]
    pub type_id: String,
    /// Must be linked at provisioning.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Links to many resources.
    #[serde(default, skip_serializing_if = "is_false")]
    pub collection: bool,
}

/// A custom operation or event handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// HTTP verb.
    pub verb: String,
    /// Path below the resource, e.g. `/proceed` or `/preview/{user}`.
    pub path: String,
    /// Addressed without a resource id.
    #[serde(rename = "static", default, skip_serializing_if = "is_false")]
    pub static_: bool,
    /// Parameters by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    /// Response description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
    /// Role-based access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Value>,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// `path`, `query` or `body`.
    pub kind: String,
    /// The parameter's type.
    #[serde(rename = "type")]
    pub kind_type: String,
    /// Must be given.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// A structure (a named object shape) of a type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// Always `object`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its properties.
    pub properties: BTreeMap<String, Property>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Operation {
    /// Matches a request's verb and path segments (below the resource) against this operation;
    /// on a match returns the values of the `{name}` path parameters.
    pub fn matches(&self, verb: &str, segments: &[&str]) -> Option<BTreeMap<String, String>> {
        if !self.verb.eq_ignore_ascii_case(verb) {
            return None;
        }
        let pattern: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        if pattern.len() != segments.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (p, s) in pattern.iter().zip(segments) {
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => {
                    params.insert(name.to_owned(), (*s).to_owned());
                }
                None if p == s => {}
                None => return None,
            }
        }
        Some(params)
    }
}

impl TypeDef {
    /// A type with no properties, relations or operations.
    pub fn new(name: &str, id: &str) -> Self {
        TypeDef {
            aps_version: "2.0".into(),
            name: name.into(),
            id: id.into(),
            implements: Vec::new(),
            access: None,
            properties: BTreeMap::new(),
            relations: BTreeMap::new(),
            operations: BTreeMap::new(),
            structures: BTreeMap::new(),
        }
    }

    /// The operation a request addresses: by verb and the path segments after the resource id (or
    /// after the service for static operations).
    pub fn find_operation(
        &self,
        verb: &str,
        segments: &[&str],
        is_static: bool,
    ) -> Option<(&str, BTreeMap<String, String>)> {
        self.operations
            .iter()
            .filter(|(_, op)| op.static_ == is_static)
            .find_map(|(name, op)| {
                op.matches(verb, segments)
                    .map(|params| (name.as_str(), params))
            })
    }
}

impl Property {
    /// A property of the given JSON type.
    pub fn of(kind: &str) -> Self {
        Property {
            kind: kind.into(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(verb: &str, path: &str) -> Operation {
        Operation {
            verb: verb.into(),
            path: path.into(),
            static_: false,
            parameters: BTreeMap::new(),
            response: None,
            access: None,
        }
    }

    #[test]
    fn operation_matching_binds_path_parameters() {
        let o = op("POST", "/preview/{user}");
        assert_eq!(
            o.matches("post", &["preview", "u1"])
                .unwrap()
                .get("user")
                .map(String::as_str),
            Some("u1")
        );
        assert!(o.matches("GET", &["preview", "u1"]).is_none());
        assert!(o.matches("POST", &["preview"]).is_none());
        assert!(o.matches("POST", &["other", "u1"]).is_none());
    }

    #[test]
    fn find_operation_respects_static_flag() {
        let mut t = TypeDef::new("x", "http://x/1.0");
        t.operations.insert("run".into(), op("POST", "/run"));
        let mut s = op("GET", "/list");
        s.static_ = true;
        t.operations.insert("list".into(), s);
        assert_eq!(
            t.find_operation("POST", &["run"], false).map(|(n, _)| n),
            Some("run")
        );
        assert!(t.find_operation("POST", &["run"], true).is_none());
        assert_eq!(
            t.find_operation("GET", &["list"], true).map(|(n, _)| n),
            Some("list")
        );
    }

    #[test]
    fn schema_serialises_with_aps_names() {
        let mut t = TypeDef::new("globals", "http://oxaps.org/types/globals/1.0");
        let mut p = Property::of("string");
        p.encrypted = true;
        p.final_ = true;
        t.properties.insert("oxMasterPassword".into(), p);
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["apsVersion"], "2.0");
        assert_eq!(v["properties"]["oxMasterPassword"]["encrypted"], true);
        assert_eq!(v["properties"]["oxMasterPassword"]["final"], true);
        assert!(
            v["properties"]["oxMasterPassword"]
                .get("required")
                .is_none()
        );
        let back: TypeDef = serde_json::from_value(v).unwrap();
        assert_eq!(back, t);
    }
}
