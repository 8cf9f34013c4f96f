//! OXResourceService / OXResellerResourceService.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::args::{Obj, b, i, s, s_nonempty};
use super::text::{check_mail, check_name_chars, pattern_matches};
use super::{Call, Sim, not_implemented, views};
use crate::error::{OxError, OxResult};
use crate::model::ResourceRow;
use crate::store::{contexts, resources};

async fn resolve(conn: &mut AnyConnection, cid: i64, r: &Obj) -> OxResult<ResourceRow> {
    let id = match (i(r, "id"), s(r, "name")) {
        (Some(id), _) => id,
        (None, Some(n)) => resources::id_by_name(conn, cid, &n.to_lowercase())
            .await?
            .ok_or_else(|| OxError::no_such_resource(n, cid))?,
        (None, None) => {
            return Err(OxError::invalid(
                "Resourcename and resourceid missing! Cannot resolve resource data",
            ));
        }
    };
    resources::get(conn, cid, id)
        .await?
        .ok_or_else(|| OxError::no_such_resource(id, cid))
}

async fn email_used(conn: &mut AnyConnection, cid: i64, email: &str, own: i64) -> OxResult<bool> {
    Ok(resources::list(conn, cid)
        .await?
        .iter()
        .any(|r| r.id != own && r.email.eq_ignore_ascii_case(email)))
}

fn apply_fields(row: &mut ResourceRow, r: &Obj) {
    if let Some(dn) = s(r, "displayname") {
        row.data.insert("displayname".into(), json!(dn));
    }
    if let Some(d) = s(r, "description") {
        row.data.insert("description".into(), json!(d));
    }
    if let Some(av) = b(r, "available") {
        row.data.insert("available".into(), json!(av));
    }
}

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let res_arg = || {
        a.obj("res")
            .ok_or_else(|| OxError::invalid("One of the given arguments is null"))
    };
    let mut w = sim.store.write().await?;
    let c = &mut *w.tx;
    let (ctx, _) = sim
        .context_actor(c, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    let cid = ctx.id;
    let out = match op {
        "create" => {
            let r = res_arg()?;
            let missing: Vec<&str> = ["name", "displayname", "email"]
                .into_iter()
                .filter(|f| s_nonempty(r, f).is_none())
                .collect();
            if !missing.is_empty() {
                return Err(OxError::invalid(format!(
                    "Mandatory fields not set: {}",
                    missing.join(", ")
                )));
            }
            let name = s_nonempty(r, "name").unwrap_or_default().to_lowercase();
            check_name_chars(&name, true)?;
            let email = s_nonempty(r, "email").unwrap_or_default().to_string();
            check_mail(&email)?;
            if resources::id_by_name(c, cid, &name).await?.is_some() {
                return Err(OxError::invalid("Resource with this name already exists"));
            }
            if email_used(c, cid, &email, 0).await? {
                return Err(OxError::invalid(
                    "Resource with this email address already exists",
                ));
            }
            let mut row = ResourceRow {
                context_id: cid,
                id: contexts::alloc_principal(c, cid).await?,
                name,
                email,
                data: Obj::new(),
            };
            row.data.insert("available".into(), json!(true));
            apply_fields(&mut row, r);
            resources::put(c, &row).await?;
            views::resource(&row)
        }
        "change" => {
            let r = res_arg()?;
            let mut row = resolve(c, cid, r).await?;
            if let Some(n) = s_nonempty(r, "name").map(str::to_lowercase) {
                check_name_chars(&n, true)?;
                if n != row.name && resources::id_by_name(c, cid, &n).await?.is_some() {
                    return Err(OxError::invalid("Resource with this name already exists"));
                }
                row.name = n;
            }
            if let Some(e) = s_nonempty(r, "email") {
                check_mail(e)?;
                if email_used(c, cid, e, row.id).await? {
                    return Err(OxError::invalid(
                        "Resource with this email address already exists",
                    ));
                }
                row.email = e.to_string();
            }
            apply_fields(&mut row, r);
            resources::put(c, &row).await?;
            Value::Null
        }
        "delete" => {
            let row = resolve(c, cid, res_arg()?).await?;
            resources::delete(c, cid, row.id).await?;
            Value::Null
        }
        "getData" => views::resource(&resolve(c, cid, res_arg()?).await?),
        "getMultipleData" => {
            let mut out = Vec::new();
            for r in a.objs("resources") {
                out.push(views::resource(&resolve(c, cid, r).await?));
            }
            Value::Array(out)
        }
        "list" | "listAll" => {
            let pattern = match op {
                "listAll" => "*",
                _ => a.str("pattern").ok_or_else(|| {
                    OxError::invalid("One of the given arguments for list is null")
                })?,
            };
            let all = resources::list(c, cid).await?;
            Value::Array(
                all.iter()
                    .filter(|r| pattern_matches(pattern, &r.name))
                    .map(views::resource)
                    .collect(),
            )
        }
        _ => return Err(not_implemented()),
    };
    w.commit().await?;
    Ok(out)
}
