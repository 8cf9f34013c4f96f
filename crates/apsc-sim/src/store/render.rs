//! Resource JSON as the controller returns it: the `aps` block, the properties, then the
//! relations (`{"aps": {"link": "strong"|"weak", "href", "id"}}` for single links,
//! `{"aps": {"link": "collection", "href": ".../<id>/<relation>"}}` for collections).

use aps::resource::{link, link_value};
use serde_json::{Map, Value, json};

use super::{Store, StoredResource};

impl Store {
    /// The resource's JSON, or `None` if it does not exist.
    pub fn render(&self, id: &str) -> Option<Value> {
        self.get(id).map(|r| self.render_resource(r))
    }

    /// The resource's JSON.
    pub fn render_resource(&self, r: &StoredResource) -> Value {
        let mut aps = Map::new();
        aps.insert("id".into(), json!(r.id));
        aps.insert("type".into(), json!(r.type_id));
        aps.insert("status".into(), json!(r.status));
        aps.insert("revision".into(), json!(r.revision));
        aps.insert("modified".into(), json!(r.modified));
        if let Some(sub) = &r.subscription {
            aps.insert("subscription".into(), json!(sub));
        }
        if let Some(t) = self.types.get(&r.type_id) {
            aps.insert(
                "schema".into(),
                json!(format!("/aps/2/types/{}", t.schema_no)),
            );
        }
        if let Some(pkg) = &r.package {
            aps.insert(
                "package".into(),
                json!({"id": pkg, "href": format!("/aps/2/packages/{pkg}")}),
            );
        }
        let mut out = Map::new();
        out.insert("aps".into(), Value::Object(aps));
        for (k, v) in &r.props {
            out.insert(k.clone(), v.clone());
        }
        for (name, value) in self.relation_values(r) {
            out.insert(name, value);
        }
        Value::Object(out)
    }

    fn relation_values(&self, r: &StoredResource) -> Vec<(String, Value)> {
        let collection = |name: &str| json!({"aps": {"link": link::COLLECTION, "href": format!("/aps/2/resources/{}/{name}", r.id)}});
        let mut out = Vec::new();
        let declared = self.types.relations(&r.type_id);
        for def in &declared {
            if def.collection {
                out.push((def.name.clone(), collection(&def.name)));
            } else if let Some(other) = self.links.linked(&r.id, &def.name).first() {
                let kind = if def.required {
                    link::STRONG
                } else {
                    link::WEAK
                };
                out.push((def.name.clone(), link_value(kind, other)));
            }
        }
        let mut ad_hoc: Vec<(String, Vec<String>)> = Vec::new();
        for (rel, other) in self.links.named_links(&r.id) {
            if declared.iter().any(|d| d.name == rel) {
                continue;
            }
            match ad_hoc.iter_mut().find(|(n, _)| *n == rel) {
                Some((_, others)) => others.push(other),
                None => ad_hoc.push((rel, vec![other])),
            }
        }
        for (rel, others) in ad_hoc {
            let value = match others.as_slice() {
                [one] => link_value(link::WEAK, one),
                _ => collection(&rel),
            };
            out.push((rel, value));
        }
        out
    }

    /// The resource as the protocol crate's [`aps::Resource`].
    pub fn resource(&self, id: &str) -> Option<aps::Resource> {
        self.render(id).and_then(|v| serde_json::from_value(v).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::platform::type_ids::{PA_ACCOUNT, PA_SERVICE_USER};
    use aps::resource::status;

    fn res(id: &str, type_id: &str) -> StoredResource {
        StoredResource {
            id: id.into(),
            type_id: type_id.into(),
            status: status::READY.into(),
            revision: 0,
            modified: String::new(),
            subscription: Some("sub".into()),
            owner_account: None,
            instance: None,
            package: Some("pkg".into()),
            props: [("login".to_owned(), Value::from("a@b"))]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn renders_aps_block_props_and_links() {
        let mut s = Store::default();
        s.insert(res("acc", PA_ACCOUNT));
        s.insert(res("u", PA_SERVICE_USER));
        s.link("u", "organization", "acc").unwrap();
        s.link("u", "extra", "acc").unwrap();
        let u = s.render("u").unwrap();
        assert_eq!(u["aps"]["id"], "u");
        assert_eq!(u["aps"]["type"], PA_SERVICE_USER);
        assert_eq!(u["aps"]["status"], "aps:ready");
        assert_eq!(u["aps"]["revision"], 3);
        assert_eq!(u["aps"]["subscription"], "sub");
        assert_eq!(u["aps"]["package"]["href"], "/aps/2/packages/pkg");
        assert!(
            u["aps"]["schema"]
                .as_str()
                .unwrap()
                .starts_with("/aps/2/types/")
        );
        assert!(u["aps"]["modified"].as_str().unwrap().ends_with('Z'));
        assert_eq!(u["login"], "a@b");
        assert_eq!(
            u["organization"],
            serde_json::json!({"aps": {"link": "weak", "href": "/aps/2/resources/acc", "id": "acc"}})
        );
        assert_eq!(u["extra"]["aps"]["id"], "acc");
        assert_eq!(u["services"]["aps"]["link"], "collection");
        let acc = s.render("acc").unwrap();
        assert_eq!(acc["users"]["aps"]["href"], "/aps/2/resources/acc/users");
        let keys: Vec<&String> = u.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "aps");
        assert_eq!(
            s.resource("u").unwrap().link_id("organization"),
            Some("acc")
        );
    }
}
