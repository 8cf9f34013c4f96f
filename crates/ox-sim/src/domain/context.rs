//! OXContextService / OXResellerContextService: creating and changing contexts.

use serde_json::Value;
use sqlx::AnyConnection;

use super::args::{Obj, b, i, map_map, s, s_nonempty, strs};
use super::auth::{Caller, check_owner};
use super::text::{apply_caps, parse_caps};
use super::user::{DEFAULT_GROUP_ID, create_user, named_rights};
use super::{Call, Sim, access, context_read, restrictions, views};
use crate::error::{Exception, OxError, OxResult};
use crate::model::{Caps, ContextRow, GroupRow, Restriction};
use crate::schema::Family;
use crate::store::{contexts, groups, resellers, users};

/// Modules `changeQuota` accepts.
pub const QUOTA_MODULES: &[&str] = &[
    "calendar",
    "task",
    "contact",
    "infostore",
    "attachment",
    "invite_guests",
    "share_links",
];

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    match op {
        "create" | "createModuleAccess" | "createModuleAccessByName" => create(sim, call, op).await,
        "change"
        | "changeCapabilities"
        | "changeModuleAccess"
        | "changeModuleAccessByName"
        | "changeQuota"
        | "delete"
        | "disable"
        | "enable"
        | "downgrade" => modify(sim, call, op).await,
        "disableAll" | "enableAll" => {
            let mut w = sim.store.write().await?;
            let caller = sim
                .context_caller(&mut w.tx, call.family, &call.args.creds())
                .await?;
            contexts::set_enabled_all(&mut w.tx, op == "enableAll", caller.owner_filter()).await?;
            w.commit().await?;
            Ok(Value::Null)
        }
        _ => context_read::handle(sim, call, op).await,
    }
}

/// Finds the context an object names (by id, else by name).
pub(super) async fn resolve_ctx(
    conn: &mut AnyConnection,
    ctx: Option<&Obj>,
) -> OxResult<ContextRow> {
    let ctx = ctx.ok_or_else(|| OxError::invalid("Client sent invalid context data object"))?;
    match (i(ctx, "id"), s(ctx, "name")) {
        (Some(id), _) => contexts::get(conn, id)
            .await?
            .ok_or_else(|| OxError::no_such_context(id)),
        (None, Some(n)) => {
            let id = contexts::id_by_name(conn, n)
                .await?
                .ok_or_else(|| OxError::no_such_context(n))?;
            contexts::get(conn, id)
                .await?
                .ok_or_else(|| OxError::no_such_context(id))
        }
        (None, None) => Err(OxError::invalid("Client sent invalid context data object")),
    }
}

/// Checks that a name or login mapping is not used by another context.
async fn check_mapping_free(conn: &mut AnyConnection, mapping: &str, own: i64) -> OxResult<()> {
    let by_mapping = contexts::mapping_owner(conn, mapping).await?;
    let by_name = contexts::id_by_name(conn, mapping).await?;
    match by_mapping.or(by_name) {
        Some(other) if other != own => Err(OxError::invalid(format!(
            "Cannot map '{mapping}' to context {own}: mapping already in use by context {other}"
        ))),
        _ => Ok(()),
    }
}

fn parse_restrictions(ctx: &Obj) -> OxResult<Option<Vec<Restriction>>> {
    let Some(Value::Array(list)) = ctx.get("restriction") else {
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

async fn create(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let ctx_in = a
        .obj("ctx")
        .ok_or_else(|| OxError::invalid("Client sent invalid context data object"))?;
    let admin = a
        .obj("admin_user")
        .ok_or_else(|| OxError::invalid("Context admin user is null"))?;
    let mut w = sim.store.write().await?;
    let caller = sim
        .context_caller(&mut w.tx, call.family, &a.creds())
        .await?;
    let rights = match op {
        "createModuleAccessByName" => {
            let n = a
                .str("access_combination_name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| OxError::invalid("Invalid access combination name"))?;
            named_rights(n, true)?
        }
        "createModuleAccess" => access::from_json(
            a.obj("access")
                .ok_or_else(|| OxError::invalid("UserModuleAccess is null"))?,
        ),
        _ => named_rights(access::DEFAULT_ADMIN_COMBINATION, true)?,
    };
    let id = match i(ctx_in, "id") {
        Some(id) if id > 0 => id,
        Some(id) => return Err(OxError::invalid(format!("Invalid context id {id}"))),
        None => contexts::next_id(&mut w.tx).await?,
    };
    if contexts::get(&mut w.tx, id).await?.is_some() {
        return Err(OxError::new(
            Exception::ContextExists,
            format!("Context {id} already exists!"),
        ));
    }
    let name = s_nonempty(ctx_in, "name").map_or_else(|| id.to_string(), str::to_string);
    if contexts::id_by_name(&mut w.tx, &name).await?.is_some()
        || contexts::mapping_owner(&mut w.tx, &name).await?.is_some()
    {
        return Err(OxError::invalid(format!("Context {name} already exists!")));
    }
    let mut mappings = strs(ctx_in, "loginMappings").unwrap_or_default();
    mappings.sort();
    mappings.dedup();
    for m in &mappings {
        check_mapping_free(&mut w.tx, m, id).await?;
    }
    let max_quota = i(ctx_in, "maxQuota").unwrap_or(-1);
    let owner = match &caller {
        Caller::Master => None,
        Caller::Reseller(r) => Some(r.clone()),
    };
    if let Some(o) = &owner {
        restrictions::check_context_quota(&mut w.tx, o, max_quota, None).await?;
    }
    let row = ContextRow {
        id,
        name,
        enabled: b(ctx_in, "enabled").unwrap_or(true),
        max_quota,
        used_quota: 0,
        filestore_id: 1,
        owner_id: owner.as_ref().map_or(0, |o| o.id),
        customid: s(ctx_in, "customid").map(str::to_string),
        attrs: map_map(ctx_in.get("userAttributes")),
        caps: Caps::default(),
        restrictions: parse_restrictions(ctx_in)?.unwrap_or_default(),
        next_principal: DEFAULT_GROUP_ID + 1,
        mappings,
    };
    contexts::insert(&mut w.tx, &row).await?;
    let users_group = GroupRow {
        context_id: id,
        id: DEFAULT_GROUP_ID,
        name: "users".into(),
        displayname: "Users".into(),
        members: Vec::new(),
    };
    groups::insert(&mut w.tx, &users_group).await?;
    create_user(&mut w.tx, &row, admin, rights, true).await?;
    let row = contexts::get(&mut w.tx, id)
        .await?
        .ok_or_else(|| OxError::no_such_context(id))?;
    w.commit().await?;
    tracing::info!(context = id, name = %row.name, owner = row.owner_id, "context created");
    Ok(views::context(&row, call.family, owner.as_ref()))
}

async fn modify(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let mut w = sim.store.write().await?;
    let caller = sim
        .context_caller(&mut w.tx, call.family, &a.creds())
        .await?;
    let mut row = resolve_ctx(&mut w.tx, a.obj("ctx")).await?;
    check_owner(&caller, &row)?;
    match op {
        "change" => change(&mut w.tx, &mut row, a.obj("ctx"), call.family).await?,
        "changeCapabilities" => apply_caps(
            &mut row.caps,
            &parse_caps(a.str("capsToAdd")),
            &parse_caps(a.str("capsToRemove")),
            &parse_caps(a.str("capsToDrop")),
        ),
        "changeModuleAccess" | "changeModuleAccessByName" => {
            let rights = match a.str("access_combination_name") {
                Some(n) if op == "changeModuleAccessByName" => {
                    let n = n.trim();
                    named_rights(n, true)?
                }
                _ if op == "changeModuleAccessByName" => {
                    return Err(OxError::invalid("Invalid access combination name"));
                }
                _ => access::from_json(
                    a.obj("access")
                        .ok_or_else(|| OxError::invalid("UserModuleAccess is null"))?,
                ),
            };
            for mut u in users::list(&mut w.tx, row.id).await? {
                u.access = access::for_user(rights.clone(), u.is_admin);
                users::update(&mut w.tx, &u).await?;
            }
        }
        "changeQuota" => {
            change_quota(&mut w.tx, &row, a.str("module"), a.str("quotaValue")).await?
        }
        "delete" => {
            contexts::delete(&mut w.tx, row.id).await?;
            w.commit().await?;
            tracing::info!(context = row.id, "context deleted");
            return Ok(Value::Null);
        }
        "disable" | "enable" => row.enabled = op == "enable",
        _ => {}
    }
    contexts::update(&mut w.tx, &row).await?;
    w.commit().await?;
    Ok(Value::Null)
}

async fn change(
    conn: &mut AnyConnection,
    row: &mut ContextRow,
    ctx_in: Option<&Obj>,
    family: Family,
) -> OxResult<()> {
    let Some(ctx_in) = ctx_in else {
        return Ok(());
    };
    if let Some(name) = s_nonempty(ctx_in, "name").filter(|n| *n != row.name) {
        if contexts::id_by_name(conn, name).await?.is_some() {
            return Err(OxError::invalid(format!("Context {name} already exists!")));
        }
        check_mapping_free(conn, name, row.id).await?;
        row.name = name.to_string();
    }
    if let Some(q) = i(ctx_in, "maxQuota") {
        if row.owner_id > 0
            && let Some(owner) = resellers::get(conn, row.owner_id).await?
        {
            restrictions::check_context_quota(conn, &owner, q, Some(row.id)).await?;
        }
        row.max_quota = q;
    }
    if let Some(mut mappings) = strs(ctx_in, "loginMappings") {
        mappings.sort();
        mappings.dedup();
        for m in &mappings {
            check_mapping_free(conn, m, row.id).await?;
        }
        row.mappings = mappings;
    }
    if ctx_in.get("userAttributes").is_some_and(|v| !v.is_null()) {
        for (ns, inner) in map_map(ctx_in.get("userAttributes")) {
            let target = row
                .attrs
                .entry(ns.clone())
                .or_insert_with(|| Value::Object(Obj::new()));
            if let (Some(t), Some(inner)) = (target.as_object_mut(), inner.as_object()) {
                for (k, v) in inner {
                    match v.as_str() {
                        Some(s) if !s.is_empty() => {
                            t.insert(k.clone(), v.clone());
                        }
                        _ => {
                            t.remove(k);
                        }
                    }
                }
            }
            if row
                .attrs
                .get(&ns)
                .and_then(Value::as_object)
                .is_some_and(Obj::is_empty)
            {
                row.attrs.remove(&ns);
            }
        }
    }
    if family == Family::Reseller {
        if let Some(c) = s(ctx_in, "customid") {
            row.customid = Some(c.to_string());
        }
        if let Some(r) = parse_restrictions(ctx_in)? {
            row.restrictions = r;
        }
    }
    Ok(())
}

async fn change_quota(
    conn: &mut AnyConnection,
    row: &ContextRow,
    module: Option<&str>,
    value: Option<&str>,
) -> OxResult<()> {
    let modules: Vec<String> = module
        .unwrap_or_default()
        .split(',')
        .map(|m| m.trim().to_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    if modules.is_empty() {
        return Err(OxError::invalid("Missing module."));
    }
    if let Some(bad) = modules
        .iter()
        .find(|m| !QUOTA_MODULES.contains(&m.as_str()))
    {
        return Err(OxError::invalid(format!("Invalid module: {bad}")));
    }
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(OxError::invalid("Missing quota value."));
    }
    let limit: i64 = value
        .parse()
        .map_err(|_| OxError::invalid("Invalid quota value."))?;
    for m in &modules {
        contexts::set_quota(conn, row.id, m, (limit >= 0).then_some(limit)).await?;
    }
    Ok(())
}
