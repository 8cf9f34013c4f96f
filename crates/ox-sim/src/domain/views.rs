//! Stored records rendered as the JSON values of SOAP data objects.

use serde_json::{Value, json};

use super::args::{Obj, to_map_map};
use super::restrictions;
use crate::model::{ContextRow, GroupRow, ResellerRow, ResourceRow, Restriction, UserRow};
use crate::schema::Family;

/// The `passwordMech` ox-sim reports (passwords are stored hashed with it).
pub const PASSWORD_MECH: &str = "{SHA-256}";

/// A `Context` / `ResellerContext` value.
pub fn context(ctx: &ContextRow, family: Family, owner: Option<&ResellerRow>) -> Value {
    let db =
        json!({"id": 3, "name": "oxdatabase", "scheme": format!("oxdatabase_{}", ctx.id % 5 + 1)});
    let mut v = json!({
        "average_size": 100,
        "enabled": ctx.enabled,
        "filestoreId": ctx.filestore_id,
        "filestore_name": format!("{}_ctx_store", ctx.id),
        "id": ctx.id,
        "loginMappings": ctx.mappings,
        "maxQuota": ctx.max_quota,
        "name": ctx.name,
        "readDatabase": db,
        "usedQuota": ctx.used_quota,
        "userAttributes": to_map_map(&ctx.attrs),
        "writeDatabase": db,
    });
    if family == Family::Reseller
        && let Some(o) = v.as_object_mut()
    {
        o.insert("customid".into(), json!(ctx.customid));
        o.insert(
            "owner".into(),
            owner.map(reseller_brief).unwrap_or(Value::Null),
        );
        o.insert("restriction".into(), restriction_list(&ctx.restrictions));
        o.insert("sid".into(), json!(ctx.owner_id));
    }
    v
}

/// A context with only the id set.
pub fn id_only(id: i64) -> Value {
    json!({ "id": id })
}

/// A `User` value (never includes the password).
pub fn user(u: &UserRow) -> Value {
    let mut o: Obj = u.data.clone();
    o.remove("password");
    o.insert("id".into(), json!(u.id));
    o.insert("name".into(), json!(u.name));
    o.insert("display_name".into(), json!(u.display_name));
    o.insert("primaryEmail".into(), json!(u.primary_email));
    o.insert("contextadmin".into(), json!(u.is_admin));
    o.insert("usedQuota".into(), json!(u.used_quota));
    o.insert("passwordMech".into(), json!(PASSWORD_MECH));
    if let Some(Value::Array(a)) = o.get_mut("aliases") {
        a.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
    }
    o.insert("default_group".into(), json!({"id": 1}));
    Value::Object(o)
}

/// A `Group` value.
pub fn group(g: &GroupRow) -> Value {
    json!({
        "displayname": g.displayname,
        "id": g.id,
        "members": g.members,
        "name": g.name,
    })
}

/// A `Resource` value.
pub fn resource(r: &ResourceRow) -> Value {
    let mut o = r.data.clone();
    o.insert("id".into(), json!(r.id));
    o.insert("name".into(), json!(r.name));
    o.insert("email".into(), json!(r.email));
    Value::Object(o)
}

/// A full `ResellerAdmin` value (never includes the password).
pub fn reseller(r: &ResellerRow) -> Value {
    let mut o = r.data.clone();
    o.insert("id".into(), json!(r.id));
    o.insert("name".into(), json!(r.name));
    o.insert("parentId".into(), json!(r.parent_id));
    o.insert("passwordMech".into(), json!(PASSWORD_MECH));
    o.insert("restrictions".into(), restriction_list(&r.restrictions));
    Value::Object(o)
}

fn reseller_brief(r: &ResellerRow) -> Value {
    json!({
        "name": r.name,
        "parentId": r.parent_id,
        "displayname": r.data.get("displayname").cloned().unwrap_or(Value::Null),
        "id": r.id,
    })
}

/// `Restriction[]` with OX-style ids.
pub fn restriction_list(list: &[Restriction]) -> Value {
    Value::Array(
        list.iter()
            .map(|r| json!({"id": restrictions::id_of(&r.name), "name": r.name, "value": r.value}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Caps;
    use std::collections::BTreeSet;

    #[test]
    fn user_view_hides_password() {
        let mut data = Obj::new();
        data.insert("password".into(), json!("secret"));
        data.insert("aliases".into(), json!(["b@x", "a@x"]));
        let u = UserRow {
            context_id: 1,
            id: 3,
            name: "u".into(),
            display_name: "U".into(),
            primary_email: "a@x".into(),
            is_admin: false,
            password_hash: "h".into(),
            access: BTreeSet::new(),
            used_quota: 7,
            caps: Caps::default(),
            data,
        };
        let v = user(&u);
        assert!(v.get("password").is_none());
        assert_eq!(v["aliases"], json!(["a@x", "b@x"]));
        assert_eq!(v["usedQuota"], 7);
    }
}
