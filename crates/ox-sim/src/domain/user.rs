//! OXUserService / OXResellerUserService: creating, changing and deleting users.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::AnyConnection;

use super::args::{Obj, s, s_nonempty};
use super::text::{apply_caps, parse_caps};
use super::user_read::resolve_user;
use super::{Actor, Call, Sim, access, restrictions, user_read, user_rules, views};
use crate::error::{Exception, OxError, OxResult};
use crate::model::{Caps, ContextRow, UserRow, hash_password};
use crate::store::{contexts, groups, users};

/// Id of the default group every user belongs to.
pub const DEFAULT_GROUP_ID: i64 = 1;

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    match op {
        "create" | "createByModuleAccess" | "createByModuleAccessName" => {
            create(sim, call, op).await
        }
        "change" => change(sim, call).await,
        "changeByModuleAccess" | "changeByModuleAccessName" => change_access(sim, call, op).await,
        "changeCapabilities" => change_caps(sim, call).await,
        "delete" | "deleteMultiple" => delete(sim, call, op).await,
        _ => user_read::handle(sim, call, op).await,
    }
}

fn access_name(call: &Call) -> OxResult<&str> {
    call.args
        .str("access_combination_name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| OxError::invalid("Invalid access combination name"))
}

/// The rights of a named combination, or OX's error.
pub(super) fn named_rights(name: &str, is_admin: bool) -> OxResult<BTreeSet<String>> {
    access::combination(name)
        .map(|r| access::for_user(r, is_admin))
        .ok_or_else(|| OxError::invalid(format!("No such access combination name \"{name}\"")))
}

/// Validates and inserts a user (or the context admin) like OX's `createUserCommon`.
pub(super) async fn create_user(
    conn: &mut AnyConnection,
    ctx: &ContextRow,
    u: &Obj,
    rights: BTreeSet<String>,
    is_admin: bool,
) -> OxResult<UserRow> {
    user_rules::precheck(u)?;
    let display = s_nonempty(u, "display_name").unwrap_or_default();
    if !is_admin && users::display_name_used(conn, ctx.id, display, 0).await? {
        return Err(OxError::invalid("The displayname is already used"));
    }
    let data = user_rules::finish(u)?;
    let name = s_nonempty(u, "name").unwrap_or_default();
    if users::id_by_name(conn, ctx.id, name).await?.is_some() {
        return Err(OxError::invalid(format!(
            "User {name} already exists in this context"
        )));
    }
    let primary = s_nonempty(u, "primaryEmail").unwrap_or_default();
    if users::primary_email_used(conn, ctx.id, primary, 0).await? {
        return Err(OxError::invalid(format!(
            "Primary mail address \"{primary}\" already exists in context {}",
            ctx.id
        )));
    }
    restrictions::check_user_add(conn, ctx, &rights, None).await?;
    let id = contexts::alloc_principal(conn, ctx.id).await?;
    let row = UserRow {
        context_id: ctx.id,
        id,
        name: name.to_string(),
        display_name: display.to_string(),
        primary_email: primary.to_string(),
        is_admin,
        password_hash: hash_password(s(u, "password").unwrap_or_default()),
        access: rights,
        used_quota: 0,
        caps: Caps::default(),
        data,
    };
    users::insert(conn, &row).await?;
    groups::add_members(conn, ctx.id, DEFAULT_GROUP_ID, &[id]).await?;
    tracing::info!(context = ctx.id, user = id, name = %row.name, "user created");
    Ok(row)
}

async fn create(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let usr = a
        .obj("usrdata")
        .ok_or_else(|| OxError::invalid("One of the given arguments for create is null"))?;
    let combo = match op {
        "createByModuleAccessName" => Some(access_name(call)?),
        _ => None,
    };
    let explicit = match op {
        "createByModuleAccess" => Some(
            a.obj("access")
                .ok_or_else(|| OxError::invalid("One of the given arguments for create is null"))?,
        ),
        _ => None,
    };
    let mut w = sim.store.write().await?;
    let (ctx, _) = sim
        .context_actor(&mut w.tx, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    let rights = match (combo, explicit) {
        (Some(n), _) => named_rights(n, false)?,
        (None, Some(acc)) => access::from_json(acc),
        (None, None) => {
            let admin = users::admin(&mut w.tx, ctx.id).await?;
            let rights = admin.map(|a| a.access).unwrap_or_default();
            access::for_user(rights, false)
        }
    };
    let row = create_user(&mut w.tx, &ctx, usr, rights, false).await?;
    w.commit().await?;
    Ok(views::user(&row))
}

async fn change(sim: &Sim, call: &Call) -> OxResult<Value> {
    let a = &call.args;
    let usr = a
        .obj("usrdata")
        .ok_or_else(|| OxError::invalid("One of the given arguments for change is null"))?;
    let mut w = sim.store.write().await?;
    let (ctx, actor) = sim
        .context_actor(&mut w.tx, call.family, a.obj("ctx"), &a.creds(), true)
        .await?;
    let mut db = resolve_user(&mut w.tx, ctx.id, usr).await?;
    if let Actor::User(uid) = actor
        && uid != db.id
    {
        return Err(OxError::new(
            Exception::InvalidCredentials,
            "Permission denied",
        ));
    }
    if let Some(dn) = s_nonempty(usr, "display_name")
        && users::display_name_used(&mut w.tx, ctx.id, dn, db.id).await?
    {
        return Err(OxError::invalid("The displayname is already used"));
    }
    if user_rules::check_change(usr, &db)? {
        let p = s_nonempty(usr, "primaryEmail").unwrap_or_default();
        if users::primary_email_used(&mut w.tx, ctx.id, p, db.id).await? {
            return Err(OxError::invalid(format!(
                "Primary mail address \"{p}\" already exists in context {}",
                ctx.id
            )));
        }
    }
    user_rules::merge(&mut db, usr);
    if let Some(p) = s(usr, "password") {
        db.password_hash = hash_password(p);
    }
    users::update(&mut w.tx, &db).await?;
    w.commit().await?;
    Ok(Value::Null)
}

async fn change_access(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let user = a
        .obj("user")
        .ok_or_else(|| OxError::invalid("User or UserModuleAccess is null"))?;
    let combo = match op {
        "changeByModuleAccessName" => Some(access_name(call)?),
        _ => None,
    };
    let explicit = match op {
        "changeByModuleAccess" => Some(
            a.obj("moduleAccess")
                .ok_or_else(|| OxError::invalid("User or UserModuleAccess is null"))?,
        ),
        _ => None,
    };
    let mut w = sim.store.write().await?;
    let (ctx, _) = sim
        .context_actor(&mut w.tx, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    let mut db = resolve_user(&mut w.tx, ctx.id, user).await?;
    let rights = match (combo, explicit) {
        (Some(n), _) => named_rights(n, db.is_admin)?,
        (None, Some(acc)) => access::from_json(acc),
        (None, None) => return Err(OxError::invalid("User or UserModuleAccess is null")),
    };
    restrictions::check_user_add(&mut w.tx, &ctx, &rights, Some(&db.access)).await?;
    db.access = rights;
    users::update(&mut w.tx, &db).await?;
    w.commit().await?;
    Ok(Value::Null)
}

async fn change_caps(sim: &Sim, call: &Call) -> OxResult<Value> {
    let a = &call.args;
    let user = a
        .obj("user")
        .ok_or_else(|| OxError::invalid("One of the given arguments for change is null"))?;
    let mut w = sim.store.write().await?;
    let (ctx, _) = sim
        .context_actor(&mut w.tx, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    let mut db = resolve_user(&mut w.tx, ctx.id, user).await?;
    apply_caps(
        &mut db.caps,
        &parse_caps(a.str("capsToAdd")),
        &parse_caps(a.str("capsToRemove")),
        &parse_caps(a.str("capsToDrop")),
    );
    users::update(&mut w.tx, &db).await?;
    w.commit().await?;
    Ok(Value::Null)
}

async fn delete(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let list: Vec<&Obj> = match op {
        "delete" => a.obj("user").into_iter().collect(),
        _ => a.objs("users"),
    };
    if op == "delete" && list.is_empty() {
        return Err(OxError::invalid(
            "One of the given arguments for delete is null",
        ));
    }
    if list.is_empty() {
        return Err(OxError::invalid("User array is empty"));
    }
    let mut w = sim.store.write().await?;
    let (ctx, _) = sim
        .context_actor(&mut w.tx, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    let mut ids = Vec::new();
    for u in &list {
        let id = match (super::args::i(u, "id"), s(u, "name")) {
            (Some(id), _) => id,
            (None, Some(n)) => users::id_by_name(&mut w.tx, ctx.id, n)
                .await?
                .ok_or_else(|| OxError::no_such_user(n, ctx.id))?,
            (None, None) => return Err(OxError::invalid("One user object has no id")),
        };
        ids.push(id);
    }
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for id in &ids {
        match users::get(&mut w.tx, ctx.id, *id).await? {
            Some(r) => rows.push(r),
            None => missing.push(id.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(OxError::new(
            Exception::NoSuchUser,
            format!(
                "No such user(s) {} in context {}",
                missing.join(","),
                ctx.id
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    for r in &rows {
        if !seen.insert(r.id) {
            return Err(OxError::invalid(format!(
                "User {} is contained multiple times in delete request.",
                r.id
            )));
        }
        if r.is_admin {
            return Err(OxError::invalid("Admin delete not supported"));
        }
    }
    for r in &rows {
        users::delete(&mut w.tx, ctx.id, r.id).await?;
        tracing::info!(context = ctx.id, user = r.id, "user deleted");
    }
    w.commit().await?;
    Ok(Value::Null)
}
