//! OXContextService / OXResellerContextService: lookups and listings.

use serde_json::{Value, json};

use super::args::{i, s};
use super::auth::check_owner;
use super::context::resolve_ctx;
use super::text::{pattern_matches, render_caps};
use super::{Call, Sim, access, not_implemented, views};
use crate::error::{OxError, OxResult};
use crate::model::{ContextRow, ResellerRow};
use crate::store::{contexts, resellers, users};

async fn owner_of(
    conn: &mut sqlx::AnyConnection,
    ctx: &ContextRow,
) -> OxResult<Option<ResellerRow>> {
    if ctx.owner_id > 0 {
        Ok(resellers::get(conn, ctx.owner_id).await?)
    } else {
        Ok(None)
    }
}

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let mut conn = sim.store.conn().await?;
    let c = &mut *conn;
    let caller = sim.context_caller(c, call.family, &a.creds()).await?;
    match op {
        "exists" => {
            let ctx = a
                .obj("ctx")
                .ok_or_else(|| OxError::invalid("Client sent invalid context data object"))?;
            let row = match (i(ctx, "id"), s(ctx, "name")) {
                (Some(id), _) => contexts::get(c, id).await?,
                (None, Some(n)) => match contexts::id_by_name(c, n).await? {
                    Some(id) => contexts::get(c, id).await?,
                    None => None,
                },
                (None, None) => {
                    return Err(OxError::invalid("Client sent invalid context data object"));
                }
            };
            Ok(json!(row.is_some_and(|r| check_owner(&caller, &r).is_ok())))
        }
        "list" | "listAll" => {
            let pattern = match op {
                "listAll" => "*",
                _ => a
                    .str("search_pattern")
                    .ok_or_else(|| OxError::invalid("Invalid search pattern"))?,
            };
            let rows = contexts::list(c, caller.owner_filter()).await?;
            let mut out = Vec::new();
            for r in rows.iter().filter(|r| {
                pattern_matches(pattern, &r.name)
                    || pattern_matches(pattern, &r.id.to_string())
                    || r.mappings.iter().any(|m| pattern_matches(pattern, m))
            }) {
                let owner = owner_of(c, r).await?;
                out.push(views::context(r, call.family, owner.as_ref()));
            }
            Ok(Value::Array(out))
        }
        _ => {
            let row = resolve_ctx(c, a.obj("ctx")).await?;
            check_owner(&caller, &row)?;
            single(c, call, op, &row).await
        }
    }
}

async fn single(
    c: &mut sqlx::AnyConnection,
    call: &Call,
    op: &str,
    row: &ContextRow,
) -> OxResult<Value> {
    match op {
        "getData" => {
            let owner = owner_of(c, row).await?;
            Ok(views::context(row, call.family, owner.as_ref()))
        }
        "listQuota" => {
            let q = contexts::quotas(c, row.id).await?;
            Ok(Value::Array(
                q.into_iter()
                    .map(|(m, l)| json!({"module": m, "limit": l}))
                    .collect(),
            ))
        }
        "getContextCapabilities" => Ok(json!(render_caps(&row.caps))),
        "getAdminId" | "getModuleAccess" | "getAccessCombinationName" => {
            let admin = users::admin(c, row.id)
                .await?
                .ok_or_else(|| OxError::storage("Context has no admin"))?;
            Ok(match op {
                "getAdminId" => json!(admin.id),
                "getModuleAccess" => access::to_json(&admin.access),
                _ => access::name_of(&admin.access).map_or(Value::Null, |n| json!(n)),
            })
        }
        _ => Err(not_implemented()),
    }
}
