//! OXResellerService: reseller subadmins (created by the master admin, or by a
//! subadmin with `Subadmin.CanCreateSubadmin`).

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::args::{Obj, i, s, s_nonempty, string_map, strs, to_string_map};
use super::auth::{Caller, check_owner};
use super::context::resolve_ctx;
use super::text::pattern_matches;
use super::{Call, Sim, not_implemented, restrictions, views};
use crate::error::{OxError, OxResult};
use crate::model::{ResellerRow, Restriction, hash_password};
use crate::store::{contexts, resellers};

fn parse_restrictions(adm: &Obj) -> OxResult<Option<Vec<Restriction>>> {
    let Some(Value::Array(list)) = adm.get("restrictions") else {
        return Ok(None);
    };
    let out: Vec<Restriction> = list
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|r| {
            Some(Restriction {
                name: s(r, "name")?.to_string(),
                value: s(r, "value").unwrap_or_default().to_string(),
            })
        })
        .collect();
    restrictions::validate(&out)?;
    Ok(Some(out))
}

async fn resolve(conn: &mut AnyConnection, adm: &Obj) -> OxResult<ResellerRow> {
    let found = match (i(adm, "id"), s(adm, "name")) {
        (Some(id), _) => resellers::get(conn, id).await?,
        (None, Some(n)) => resellers::by_name(conn, n).await?,
        (None, None) => return Err(OxError::invalid("Either id or name must be set")),
    };
    found.ok_or_else(|| {
        let what = i(adm, "id").map_or_else(
            || s(adm, "name").unwrap_or_default().to_string(),
            |id| id.to_string(),
        );
        OxError::reseller(format!("Reseller admin does not exist: {what}"))
    })
}

/// May `caller` manage `target`? The master manages all, a subadmin its children.
fn may_manage(caller: &Caller, target: &ResellerRow) -> OxResult<()> {
    match caller {
        Caller::Master => Ok(()),
        Caller::Reseller(r) if target.parent_id == r.id => Ok(()),
        Caller::Reseller(_) => Err(OxError::auth_failed()),
    }
}

fn set_list(data: &mut Obj, key: &str, set: BTreeSet<String>) {
    if set.is_empty() {
        data.remove(key);
    } else {
        data.insert(key.to_string(), json!(set));
    }
}

/// Applies displayname, capabilities, taxonomies and configuration changes.
fn apply_data(row: &mut ResellerRow, adm: &Obj) {
    if let Some(dn) = s(adm, "displayname") {
        row.data.insert("displayname".into(), json!(dn));
    }
    let current = |row: &ResellerRow, k: &str| -> BTreeSet<String> {
        strs(&row.data, k).unwrap_or_default().into_iter().collect()
    };
    let lower = |k: &str| -> Vec<String> {
        strs(adm, k)
            .unwrap_or_default()
            .iter()
            .map(|c| c.trim().to_lowercase())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let mut caps = match strs(adm, "capabilities") {
        Some(_) => lower("capabilities").into_iter().collect(),
        None => current(row, "capabilities"),
    };
    caps.extend(lower("capabilitiesToAdd"));
    for c in lower("capabilitiesToRemove")
        .into_iter()
        .chain(lower("capabilitiesToDrop"))
    {
        caps.remove(&c);
    }
    set_list(&mut row.data, "capabilities", caps);
    let mut tax = match strs(adm, "taxonomies") {
        Some(t) => t.into_iter().collect(),
        None => current(row, "taxonomies"),
    };
    tax.extend(strs(adm, "taxonomiesToAdd").unwrap_or_default());
    for t in strs(adm, "taxonomiesToRemove").unwrap_or_default() {
        tax.remove(&t);
    }
    set_list(&mut row.data, "taxonomies", tax);
    let mut conf = match adm.get("configuration").filter(|v| !v.is_null()) {
        Some(v) => string_map(Some(v)),
        None => string_map(row.data.get("configuration")),
    };
    conf.extend(string_map(adm.get("configurationToAdd")));
    for k in strs(adm, "configurationToRemove").unwrap_or_default() {
        conf.remove(&k);
    }
    if conf.is_empty() {
        row.data.remove("configuration");
    } else {
        row.data
            .insert("configuration".into(), to_string_map(&conf));
    }
}

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let adm_arg = || {
        a.obj("adm")
            .ok_or_else(|| OxError::invalid("One of the given arguments is null"))
    };
    let mut w = sim.store.write().await?;
    let c = &mut *w.tx;
    let caller = sim.reseller_caller(c, &a.creds()).await?;
    let out = match op {
        "create" => {
            let adm = adm_arg()?;
            let parent = match &caller {
                Caller::Master => 0,
                Caller::Reseller(r)
                    if r.restriction("Subadmin.CanCreateSubadmin") == Some("true") =>
                {
                    r.id
                }
                Caller::Reseller(_) => return Err(OxError::auth_failed()),
            };
            let missing: Vec<&str> = ["name", "password", "displayname"]
                .into_iter()
                .filter(|f| s_nonempty(adm, f).is_none())
                .collect();
            if !missing.is_empty() {
                return Err(OxError::invalid(format!(
                    "Mandatory fields not set: {}",
                    missing.join(", ")
                )));
            }
            let name = s_nonempty(adm, "name").unwrap_or_default();
            if resellers::by_name(c, name).await?.is_some() || name == sim.cfg.master.login {
                return Err(OxError::reseller(format!(
                    "Reseller admin already exists: {name}"
                )));
            }
            let mut row = ResellerRow {
                id: resellers::next_id(c).await?,
                name: name.to_string(),
                password_hash: hash_password(s(adm, "password").unwrap_or_default()),
                parent_id: parent,
                restrictions: parse_restrictions(adm)?.unwrap_or_default(),
                data: Obj::new(),
            };
            apply_data(&mut row, adm);
            resellers::put(c, &row).await?;
            tracing::info!(reseller = row.id, name = %row.name, "reseller admin created");
            views::reseller(&row)
        }
        "change" => {
            let adm = adm_arg()?;
            let mut row = resolve(c, adm).await?;
            may_manage(&caller, &row)?;
            if let Some(n) = s_nonempty(adm, "name").filter(|n| *n != row.name) {
                if resellers::by_name(c, n).await?.is_some() {
                    return Err(OxError::reseller(format!(
                        "Reseller admin already exists: {n}"
                    )));
                }
                row.name = n.to_string();
            }
            if let Some(p) = s_nonempty(adm, "password") {
                row.password_hash = hash_password(p);
            }
            if let Some(r) = parse_restrictions(adm)? {
                row.restrictions = r;
            }
            apply_data(&mut row, adm);
            resellers::put(c, &row).await?;
            Value::Null
        }
        "delete" => {
            let row = resolve(c, adm_arg()?).await?;
            may_manage(&caller, &row)?;
            if contexts::count_by_owner(c, row.id).await? > 0 {
                return Err(OxError::reseller(format!(
                    "Unable to delete {}, still owns Context(s)",
                    row.name
                )));
            }
            resellers::delete(c, row.id).await?;
            Value::Null
        }
        "getData" => {
            let row = resolve(c, adm_arg()?).await?;
            if !matches!(&caller, Caller::Reseller(r) if r.id == row.id) {
                may_manage(&caller, &row)?;
            }
            views::reseller(&row)
        }
        "getMultipleData" => {
            let mut out = Vec::new();
            for adm in a.objs("admins") {
                let row = resolve(c, adm).await?;
                may_manage(&caller, &row)?;
                out.push(views::reseller(&row));
            }
            Value::Array(out)
        }
        "list" => {
            let pattern = a
                .str("search_pattern")
                .ok_or_else(|| OxError::invalid("Invalid search pattern"))?;
            let all = resellers::list(c).await?;
            Value::Array(
                all.iter()
                    .filter(|r| may_manage(&caller, r).is_ok())
                    .filter(|r| pattern_matches(pattern, &r.name))
                    .map(views::reseller)
                    .collect(),
            )
        }
        "getAvailableRestrictions" => Value::Array(
            restrictions::available()
                .iter()
                .map(|n| json!({"id": restrictions::id_of(n), "name": n}))
                .collect(),
        ),
        "getRestrictionsFromContext" => {
            let ctx = resolve_ctx(c, a.obj("ctx")).await?;
            check_owner(&caller, &ctx)?;
            views::restriction_list(&ctx.restrictions)
        }
        _ => return Err(not_implemented()),
    };
    w.commit().await?;
    Ok(out)
}
