//! The controller's type registry: which type implements which, and the relations of each type.
//!
//! `implementing(T)` matches a resource when its type, or any type it implements transitively, is
//! compatible with `T`. Compatible means the same id up to the version, the same major version and
//! a minor version at least `T`'s (`…/zone/1.1` satisfies `…/zone/1.0`; **UNCONFIRMED**: the docs
//! only say minor versions are backwards compatible). Every type implements the core Resource type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The core Resource type every type implements.
pub const CORE_RESOURCE: &str = "http://aps-standard.org/types/core/resource/1.0";

/// A relation of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationDef {
    /// The relation name (the JSON property carrying the link).
    pub name: String,
    /// The type the relation points to.
    pub type_id: String,
    /// A collection (`[]`) rather than a single link.
    #[serde(default)]
    pub collection: bool,
    /// A required (strong) link.
    #[serde(default)]
    pub required: bool,
}

impl RelationDef {
    /// An optional single link to `type_id`.
    pub fn new(name: impl Into<String>, type_id: impl Into<String>) -> Self {
        RelationDef {
            name: name.into(),
            type_id: type_id.into(),
            collection: false,
            required: false,
        }
    }

    /// Makes it a collection.
    pub fn collection(mut self) -> Self {
        self.collection = true;
        self
    }

    /// Makes it required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A registered type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeInfo {
    /// The type id.
    pub id: String,
    /// Types it implements directly.
    pub implements: Vec<String>,
    /// Relations it declares.
    pub relations: Vec<RelationDef>,
    /// Its number in `/aps/2/types/<n>` (assigned on registration).
    #[serde(default)]
    pub schema_no: u32,
}

impl TypeInfo {
    /// A type with no relations.
    pub fn new(id: impl Into<String>, implements: &[&str]) -> Self {
        TypeInfo {
            id: id.into(),
            implements: implements.iter().map(|s| (*s).to_owned()).collect(),
            relations: vec![],
            schema_no: 0,
        }
    }

    /// Adds a relation.
    pub fn relation(mut self, relation: RelationDef) -> Self {
        self.relations.push(relation);
        self
    }
}

/// Splits `http://host/path/1.2` into (`http://host/path`, 1, 2); `3` reads as `3.0`.
fn split_version(type_id: &str) -> Option<(&str, u64, u64)> {
    let (base, version) = type_id.rsplit_once('/')?;
    let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
    Some((base, major.parse().ok()?, minor.parse().ok()?))
}

/// Whether `actual` satisfies a request for `wanted`.
pub fn compatible(actual: &str, wanted: &str) -> bool {
    if actual == wanted {
        return true;
    }
    match (split_version(actual), split_version(wanted)) {
        (Some((ab, amaj, amin)), Some((wb, wmaj, wmin))) => {
            ab == wb && amaj == wmaj && amin >= wmin
        }
        _ => false,
    }
}

/// All registered types.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TypeRegistry {
    types: BTreeMap<String, TypeInfo>,
    next_schema_no: u32,
}

impl TypeRegistry {
    /// Registers (or replaces) a type and returns its schema number.
    pub fn register(&mut self, mut info: TypeInfo) -> u32 {
        let no = match self.types.get(&info.id) {
            Some(existing) => existing.schema_no,
            None => {
                self.next_schema_no += 1;
                100 + self.next_schema_no
            }
        };
        info.schema_no = no;
        self.types.insert(info.id.clone(), info);
        no
    }

    /// A registered type.
    pub fn get(&self, type_id: &str) -> Option<&TypeInfo> {
        self.types.get(type_id)
    }

    /// The type with this schema number.
    pub fn by_schema_no(&self, no: u32) -> Option<&TypeInfo> {
        self.types.values().find(|t| t.schema_no == no)
    }

    /// The type itself and every type it implements, transitively (registered or not).
    pub fn ancestors(&self, type_id: &str) -> Vec<String> {
        let mut seen = vec![type_id.to_owned()];
        let mut i = 0;
        while let Some(current) = seen.get(i).cloned() {
            if let Some(info) = self.types.get(&current) {
                for parent in &info.implements {
                    if !seen.contains(parent) {
                        seen.push(parent.clone());
                    }
                }
            }
            i += 1;
        }
        if !seen.iter().any(|t| t == CORE_RESOURCE) {
            seen.push(CORE_RESOURCE.to_owned());
        }
        seen
    }

    /// Whether resources of `type_id` match `implementing(base)`.
    pub fn implements(&self, type_id: &str, base: &str) -> bool {
        self.ancestors(type_id).iter().any(|t| compatible(t, base))
    }

    /// A relation of `type_id` or of a type it implements.
    pub fn relation(&self, type_id: &str, name: &str) -> Option<&RelationDef> {
        self.ancestors(type_id)
            .iter()
            .filter_map(|t| self.types.get(t))
            .flat_map(|t| t.relations.iter())
            .find(|r| r.name == name)
    }

    /// Every relation of `type_id`, own ones first, inherited ones after (first name wins).
    pub fn relations(&self, type_id: &str) -> Vec<RelationDef> {
        let mut out: Vec<RelationDef> = Vec::new();
        for t in self
            .ancestors(type_id)
            .iter()
            .filter_map(|t| self.types.get(t))
        {
            for r in &t.relations {
                if !out.iter().any(|o| o.name == r.name) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// The relation of `target_type` through which a resource of `source_type` is seen from the
    /// other end of a link (the back link), if the target declares one.
    pub fn back_relation(&self, target_type: &str, source_type: &str) -> Option<RelationDef> {
        self.relations(target_type)
            .into_iter()
            .find(|r| self.implements(source_type, &r.type_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> TypeRegistry {
        let mut r = TypeRegistry::default();
        r.register(TypeInfo::new("http://t/contact/1.2", &[]));
        r.register(
            TypeInfo::new("http://t/user/1.0", &["http://t/contact/1.2"])
                .relation(RelationDef::new("organization", "http://t/account/1.0")),
        );
        r.register(TypeInfo::new(
            "http://t/pa-user/1.2",
            &["http://t/user/1.0"],
        ));
        r.register(
            TypeInfo::new("http://t/account/1.0", &[])
                .relation(RelationDef::new("users", "http://t/user/1.0").collection()),
        );
        r
    }

    #[test]
    fn version_compatibility() {
        assert!(compatible("http://a/zone/1.1", "http://a/zone/1.0"));
        assert!(compatible("http://a/zone/1", "http://a/zone/1.0"));
        assert!(!compatible("http://a/zone/1.0", "http://a/zone/1.1"));
        assert!(!compatible("http://a/zone/2.0", "http://a/zone/1.0"));
        assert!(!compatible("http://a/zonex/1.0", "http://a/zone/1.0"));
        assert!(compatible("urn:x", "urn:x"));
    }

    #[test]
    fn transitive_implementation() {
        let r = registry();
        assert!(r.implements("http://t/pa-user/1.2", "http://t/contact/1.0"));
        assert!(r.implements("http://t/pa-user/1.2", "http://t/pa-user/1.2"));
        assert!(r.implements("http://t/pa-user/1.2", CORE_RESOURCE));
        assert!(r.implements("http://unknown/1.0", CORE_RESOURCE));
        assert!(!r.implements("http://t/user/1.0", "http://t/pa-user/1.2"));
    }

    #[test]
    fn relations_are_inherited_and_back_relations_found() {
        let r = registry();
        assert_eq!(
            r.relation("http://t/pa-user/1.2", "organization")
                .map(|x| x.type_id.as_str()),
            Some("http://t/account/1.0")
        );
        assert_eq!(
            r.back_relation("http://t/account/1.0", "http://t/pa-user/1.2")
                .map(|x| x.name),
            Some("users".to_owned())
        );
        assert_eq!(
            r.back_relation("http://t/pa-user/1.2", "http://t/account/1.0")
                .map(|x| x.name),
            Some("organization".to_owned())
        );
        assert!(
            r.back_relation("http://t/contact/1.2", "http://t/account/1.0")
                .is_none()
        );
    }

    #[test]
    fn schema_numbers_are_stable() {
        let mut r = registry();
        let no = r.get("http://t/user/1.0").unwrap().schema_no;
        assert_eq!(r.register(TypeInfo::new("http://t/user/1.0", &[])), no);
        assert_eq!(r.by_schema_no(no).unwrap().id, "http://t/user/1.0");
    }
}
