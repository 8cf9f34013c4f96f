//! OXGroupService / OXResellerGroupService (rules from OX's OXGroup impl: names are
//! lower-cased, the default group "users" (id 1) holds every user and cannot be
//! deleted).

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::args::{Obj, i, ints, s, s_nonempty};
use super::text::{check_name_chars, pattern_matches};
use super::user::DEFAULT_GROUP_ID;
use super::user_read::resolve_user;
use super::{Call, Sim, not_implemented, views};
use crate::error::{Exception, OxError, OxResult};
use crate::model::GroupRow;
use crate::store::{contexts, groups, users};

async fn resolve_group(conn: &mut AnyConnection, cid: i64, g: &Obj) -> OxResult<GroupRow> {
    let id = match (i(g, "id"), s(g, "name")) {
        (Some(id), _) => id,
        (None, Some(n)) => groups::id_by_name(conn, cid, &n.to_lowercase())
            .await?
            .ok_or_else(|| OxError::no_such_group(n, cid))?,
        (None, None) => {
            return Err(OxError::invalid(
                "Groupname and groupid missing! Cannot resolve group data",
            ));
        }
    };
    groups::get(conn, cid, id)
        .await?
        .ok_or_else(|| OxError::no_such_group(id, cid))
}

async fn check_members_exist(conn: &mut AnyConnection, cid: i64, ids: &[i64]) -> OxResult<()> {
    for id in ids {
        if users::get(conn, cid, *id).await?.is_none() {
            return Err(OxError::new(Exception::NoSuchUser, "No such user"));
        }
    }
    Ok(())
}

async fn member_ids(conn: &mut AnyConnection, cid: i64, list: &[&Obj]) -> OxResult<Vec<i64>> {
    let mut out = Vec::new();
    for u in list {
        match (i(u, "id"), s(u, "name")) {
            (Some(id), _) => {
                if users::get(conn, cid, id).await?.is_none() {
                    return Err(OxError::new(Exception::NoSuchUser, "No such user"));
                }
                out.push(id);
            }
            _ => out.push(resolve_user(conn, cid, u).await?.id),
        }
    }
    Ok(out)
}

fn checked_name(name: &str) -> OxResult<String> {
    let name = name.to_lowercase();
    check_name_chars(&name, true)?;
    Ok(name)
}

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let grp_arg = || {
        a.obj("grp")
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
            let g = grp_arg()?;
            let (Some(name), Some(dn)) = (s_nonempty(g, "name"), s_nonempty(g, "displayname"))
            else {
                return Err(OxError::invalid(
                    "Mandatory fields not set: name, displayname",
                ));
            };
            let name = checked_name(name)?;
            if groups::id_by_name(c, cid, &name).await?.is_some() {
                return Err(OxError::invalid("Group already exists!"));
            }
            let mut members = ints(g, "members").unwrap_or_default();
            members.sort_unstable();
            members.dedup();
            check_members_exist(c, cid, &members).await?;
            let row = GroupRow {
                context_id: cid,
                id: contexts::alloc_principal(c, cid).await?,
                name,
                displayname: dn.to_string(),
                members,
            };
            groups::insert(c, &row).await?;
            views::group(&row)
        }
        "change" => {
            let g = grp_arg()?;
            let mut row = resolve_group(c, cid, g).await?;
            if let Some(name) = s_nonempty(g, "name") {
                let name = checked_name(name)?;
                if name != row.name && groups::id_by_name(c, cid, &name).await?.is_some() {
                    return Err(OxError::invalid(format!(
                        "Group {name} already exists in this context"
                    )));
                }
                row.name = name;
            }
            if let Some(dn) = s_nonempty(g, "displayname") {
                row.displayname = dn.to_string();
            }
            if let Some(mut m) = ints(g, "members") {
                m.sort_unstable();
                m.dedup();
                check_members_exist(c, cid, &m).await?;
                row.members = m;
            }
            groups::update(c, &row).await?;
            Value::Null
        }
        "delete" | "deleteMultiple" => {
            let list: Vec<&Obj> = match op {
                "delete" => vec![grp_arg()?],
                _ => a.objs("grps"),
            };
            let mut rows = Vec::new();
            for g in list {
                let row = resolve_group(c, cid, g).await?;
                if row.id == DEFAULT_GROUP_ID {
                    return Err(OxError::invalid(format!(
                        "Group with id {DEFAULT_GROUP_ID} cannot be deleted"
                    )));
                }
                rows.push(row);
            }
            for r in rows {
                groups::delete(c, cid, r.id).await?;
            }
            Value::Null
        }
        "addMember" | "removeMember" => {
            let row = resolve_group(c, cid, grp_arg()?).await?;
            let ids = member_ids(c, cid, &a.objs("members")).await?;
            if op == "addMember" {
                if ids.iter().any(|id| row.members.contains(id)) {
                    return Err(OxError::invalid("Member already exists in group"));
                }
                groups::add_members(c, cid, row.id, &ids).await?;
            } else {
                groups::remove_members(c, cid, row.id, &ids).await?;
            }
            Value::Null
        }
        "getData" => views::group(&resolve_group(c, cid, grp_arg()?).await?),
        "getMultipleData" => {
            let mut out = Vec::new();
            for g in a.objs("grps") {
                out.push(views::group(&resolve_group(c, cid, g).await?));
            }
            Value::Array(out)
        }
        "getDefaultGroup" => views::id_only(DEFAULT_GROUP_ID),
        "getMembers" => {
            let row = resolve_group(c, cid, grp_arg()?).await?;
            Value::Array(row.members.iter().map(|id| views::id_only(*id)).collect())
        }
        "list" | "listAll" => {
            let pattern = match op {
                "listAll" => "*",
                _ => a.str("pattern").ok_or_else(|| {
                    OxError::invalid("One of the given arguments for list is null")
                })?,
            };
            let all = groups::list(c, cid).await?;
            Value::Array(
                all.iter()
                    .filter(|g| {
                        pattern_matches(pattern, &g.name)
                            || pattern_matches(pattern, &g.displayname)
                    })
                    .map(views::group)
                    .collect(),
            )
        }
        "listGroupsForUser" => {
            let u = a
                .obj("usr")
                .ok_or_else(|| OxError::invalid("One of the given arguments is null"))?;
            let user = resolve_user(c, cid, u).await?;
            let all = groups::list(c, cid).await?;
            json!(
                all.iter()
                    .filter(|g| g.members.contains(&user.id))
                    .map(views::group)
                    .collect::<Vec<_>>()
            )
        }
        _ => return Err(not_implemented()),
    };
    w.commit().await?;
    Ok(out)
}
