//! OXUserService / OXResellerUserService: lookups and listings.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::args::{Obj, i, s, strs};
use super::text::{pattern_matches, render_caps};
use super::{Call, Sim, access, not_implemented, views};
use crate::error::{OxError, OxResult};
use crate::model::UserRow;
use crate::store::users;

/// Finds the user an object names (by id, else by name).
pub(super) async fn resolve_user(conn: &mut AnyConnection, cid: i64, u: &Obj) -> OxResult<UserRow> {
    let id = match (i(u, "id"), s(u, "name")) {
        (Some(id), _) => id,
        (None, Some(n)) => users::id_by_name(conn, cid, n)
            .await?
            .ok_or_else(|| OxError::no_such_user(n, cid))?,
        (None, None) => {
            return Err(OxError::invalid(
                "Neither id nor name is set in supplied user object",
            ));
        }
    };
    users::get(conn, cid, id)
        .await?
        .ok_or_else(|| OxError::no_such_user(id, cid))
}

pub(super) async fn handle(sim: &Sim, call: &Call, op: &str) -> OxResult<Value> {
    let a = &call.args;
    let user_arg = || {
        a.obj("user")
            .ok_or_else(|| OxError::invalid("One of the given arguments is null"))
    };
    let mut conn = sim.store.conn().await?;
    let c = &mut *conn;
    // OX checks the arguments before authenticating.
    if matches!(
        op,
        "exists"
            | "getData"
            | "getModuleAccess"
            | "getAccessCombinationName"
            | "getUserCapabilities"
    ) {
        user_arg()?;
    }
    let (ctx, _) = sim
        .context_actor(c, call.family, a.obj("ctx"), &a.creds(), false)
        .await?;
    match op {
        "exists" => {
            let u = user_arg()?;
            let found = match (i(u, "id"), s(u, "name")) {
                (Some(id), _) => users::get(c, ctx.id, id).await?.is_some(),
                (None, Some(n)) => users::id_by_name(c, ctx.id, n).await?.is_some(),
                (None, None) => {
                    return Err(OxError::invalid(
                        "Neither id nor name is set in supplied user object",
                    ));
                }
            };
            Ok(json!(found))
        }
        "getData" => Ok(views::user(&resolve_user(c, ctx.id, user_arg()?).await?)),
        "getMultipleData" => {
            let list = a.objs("users");
            if list.is_empty() {
                return Err(OxError::invalid("User array is empty"));
            }
            let mut out = Vec::new();
            for u in list {
                out.push(views::user(&resolve_user(c, ctx.id, u).await?));
            }
            Ok(Value::Array(out))
        }
        "getModuleAccess" => {
            let u = resolve_user(c, ctx.id, user_arg()?).await?;
            Ok(access::to_json(&u.access))
        }
        "getAccessCombinationName" => {
            let u = resolve_user(c, ctx.id, user_arg()?).await?;
            Ok(access::name_of(&u.access).map_or(Value::Null, |n| json!(n)))
        }
        "getUserCapabilities" => {
            let u = resolve_user(c, ctx.id, user_arg()?).await?;
            Ok(json!(render_caps(&u.caps)))
        }
        "getContextAdmin" => {
            let admin = users::admin(c, ctx.id)
                .await?
                .ok_or_else(|| OxError::storage("Context has no admin"))?;
            Ok(views::user(&admin))
        }
        "list" | "listCaseInsensitive" | "listAll" | "listByAliasDomain" => {
            if a.0.get("exclude_users").and_then(Value::as_bool) == Some(true) {
                // ox-sim has no guest users.
                return Ok(json!([]));
            }
            let pattern = match op {
                "listAll" => "*".to_string(),
                "listByAliasDomain" => a
                    .str("alias_domain")
                    .ok_or_else(|| OxError::invalid("Invalid alias domain"))?
                    .to_lowercase(),
                _ => a
                    .str("search_pattern")
                    .ok_or_else(|| OxError::invalid("Invalid search pattern"))?
                    .to_string(),
            };
            let all = users::list(c, ctx.id).await?;
            let ids: Vec<Value> = all
                .iter()
                .filter(|u| match op {
                    "listByAliasDomain" => strs(&u.data, "aliases")
                        .unwrap_or_default()
                        .iter()
                        .any(|al| al.to_lowercase().ends_with(&format!("@{pattern}"))),
                    _ => pattern_matches(&pattern, &u.name),
                })
                .map(|u| views::id_only(u.id))
                .collect();
            Ok(Value::Array(ids))
        }
        _ => Err(not_implemented()),
    }
}
