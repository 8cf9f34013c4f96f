//! Contexts, their login mappings and module quotas.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::b2i;
use crate::model::ContextRow;

const COLUMNS: &str = "id, name, enabled, max_quota, used_quota, filestore_id, owner_id, \
    customid, attrs, caps, restrictions, next_principal";

fn from_row(r: &AnyRow) -> Result<ContextRow, sqlx::Error> {
    let json = |col: &str| -> Result<String, sqlx::Error> { r.try_get::<String, _>(col) };
    let decode_err = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    Ok(ContextRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        max_quota: r.try_get("max_quota")?,
        used_quota: r.try_get("used_quota")?,
        filestore_id: r.try_get("filestore_id")?,
        owner_id: r.try_get("owner_id")?,
        customid: r.try_get("customid")?,
        attrs: serde_json::from_str(&json("attrs")?).map_err(decode_err)?,
        caps: serde_json::from_str(&json("caps")?).map_err(decode_err)?,
        restrictions: serde_json::from_str(&json("restrictions")?).map_err(decode_err)?,
        next_principal: r.try_get("next_principal")?,
        mappings: Vec::new(),
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

async fn load_mappings(c: &mut AnyConnection, id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT mapping FROM oxsim_login_mappings WHERE context_id = ? ORDER BY mapping",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Loads one context.
pub async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<ContextRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_contexts WHERE id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    match row {
        Some(r) => {
            let mut ctx = from_row(&r)?;
            ctx.mappings = load_mappings(c, id).await?;
            Ok(Some(ctx))
        }
        None => Ok(None),
    }
}

/// Finds a context id by name.
pub async fn id_by_name(c: &mut AnyConnection, name: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM oxsim_contexts WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *c)
        .await?;
    Ok(row.map(|r| r.0))
}

/// All contexts (of one owner if given), ordered by id.
pub async fn list(
    c: &mut AnyConnection,
    owner: Option<i64>,
) -> Result<Vec<ContextRow>, sqlx::Error> {
    let rows = match owner {
        Some(o) => {
            let sql =
                format!("SELECT {COLUMNS} FROM oxsim_contexts WHERE owner_id = ? ORDER BY id");
            sqlx::query(AssertSqlSafe(sql))
                .bind(o)
                .fetch_all(&mut *c)
                .await?
        }
        None => {
            let sql = format!("SELECT {COLUMNS} FROM oxsim_contexts ORDER BY id");
            sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?
        }
    };
    let mut out = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let maps: Vec<(String, i64)> =
        sqlx::query_as("SELECT mapping, context_id FROM oxsim_login_mappings ORDER BY mapping")
            .fetch_all(&mut *c)
            .await?;
    let mut by_ctx: HashMap<i64, Vec<String>> = HashMap::new();
    for (m, cid) in maps {
        by_ctx.entry(cid).or_default().push(m);
    }
    for ctx in &mut out {
        ctx.mappings = by_ctx.remove(&ctx.id).unwrap_or_default();
    }
    Ok(out)
}

/// Number of contexts owned by a reseller.
pub async fn count_by_owner(c: &mut AnyConnection, owner: i64) -> Result<i64, sqlx::Error> {
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM oxsim_contexts WHERE owner_id = ?")
        .bind(owner)
        .fetch_one(&mut *c)
        .await?;
    Ok(n.0)
}

/// The context a login mapping points to.
pub async fn mapping_owner(
    c: &mut AnyConnection,
    mapping: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT context_id FROM oxsim_login_mappings WHERE mapping = ?")
            .bind(mapping)
            .fetch_optional(&mut *c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// Smallest unused context id above all existing ones.
pub async fn next_id(c: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let n: (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM oxsim_contexts")
        .fetch_one(&mut *c)
        .await?;
    Ok(n.0 + 1)
}

async fn write_mappings(c: &mut AnyConnection, ctx: &ContextRow) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_login_mappings WHERE context_id = ?")
        .bind(ctx.id)
        .execute(&mut *c)
        .await?;
    for m in &ctx.mappings {
        sqlx::query("INSERT INTO oxsim_login_mappings (mapping, context_id) VALUES (?, ?)")
            .bind(m.as_str())
            .bind(ctx.id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Inserts a new context with its mappings.
pub async fn insert(c: &mut AnyConnection, ctx: &ContextRow) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO oxsim_contexts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(ctx.id)
        .bind(ctx.name.as_str())
        .bind(b2i(ctx.enabled))
        .bind(ctx.max_quota)
        .bind(ctx.used_quota)
        .bind(ctx.filestore_id)
        .bind(ctx.owner_id)
        .bind(ctx.customid.clone())
        .bind(to_json(&ctx.attrs)?)
        .bind(to_json(&ctx.caps)?)
        .bind(to_json(&ctx.restrictions)?)
        .bind(ctx.next_principal)
        .execute(&mut *c)
        .await?;
    write_mappings(c, ctx).await
}

/// Writes all columns and the mappings of an existing context.
pub async fn update(c: &mut AnyConnection, ctx: &ContextRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oxsim_contexts SET name = ?, enabled = ?, max_quota = ?, used_quota = ?, \
         filestore_id = ?, owner_id = ?, customid = ?, attrs = ?, caps = ?, restrictions = ?, \
         next_principal = ? WHERE id = ?",
    )
    .bind(ctx.name.as_str())
    .bind(b2i(ctx.enabled))
    .bind(ctx.max_quota)
    .bind(ctx.used_quota)
    .bind(ctx.filestore_id)
    .bind(ctx.owner_id)
    .bind(ctx.customid.clone())
    .bind(to_json(&ctx.attrs)?)
    .bind(to_json(&ctx.caps)?)
    .bind(to_json(&ctx.restrictions)?)
    .bind(ctx.next_principal)
    .bind(ctx.id)
    .execute(&mut *c)
    .await?;
    write_mappings(c, ctx).await
}

/// Sets the enabled flag of every context (of one owner if given).
pub async fn set_enabled_all(
    c: &mut AnyConnection,
    enabled: bool,
    owner: Option<i64>,
) -> Result<(), sqlx::Error> {
    match owner {
        Some(o) => {
            sqlx::query("UPDATE oxsim_contexts SET enabled = ? WHERE owner_id = ?")
                .bind(b2i(enabled))
                .bind(o)
                .execute(&mut *c)
                .await?
        }
        None => {
            sqlx::query("UPDATE oxsim_contexts SET enabled = ?")
                .bind(b2i(enabled))
                .execute(&mut *c)
                .await?
        }
    };
    Ok(())
}

/// Takes the next principal id of a context (users, groups, resources).
pub async fn alloc_principal(c: &mut AnyConnection, id: i64) -> Result<i64, sqlx::Error> {
    let (next,): (i64,) = sqlx::query_as("SELECT next_principal FROM oxsim_contexts WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
    sqlx::query("UPDATE oxsim_contexts SET next_principal = ? WHERE id = ?")
        .bind(next + 1)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(next)
}

/// Deletes a context and everything in it.
pub async fn delete(c: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    for table in [
        "oxsim_login_mappings",
        "oxsim_quotas",
        "oxsim_users",
        "oxsim_groups",
        "oxsim_group_members",
        "oxsim_resources",
    ] {
        let sql = format!("DELETE FROM {table} WHERE context_id = ?");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    sqlx::query("DELETE FROM oxsim_contexts WHERE id = ?")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Sets the used filestore figure (MB). Returns false if the context is unknown.
pub async fn set_used(c: &mut AnyConnection, id: i64, mb: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE oxsim_contexts SET used_quota = ? WHERE id = ?")
        .bind(mb)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Module quotas of a context, by module name.
pub async fn quotas(c: &mut AnyConnection, id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT module, qlimit FROM oxsim_quotas WHERE context_id = ? ORDER BY module")
        .bind(id)
        .fetch_all(&mut *c)
        .await
}

/// Sets (or with `None` removes) a module quota.
pub async fn set_quota(
    c: &mut AnyConnection,
    id: i64,
    module: &str,
    limit: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_quotas WHERE context_id = ? AND module = ?")
        .bind(id)
        .bind(module)
        .execute(&mut *c)
        .await?;
    if let Some(l) = limit {
        sqlx::query("INSERT INTO oxsim_quotas (context_id, module, qlimit) VALUES (?, ?, ?)")
            .bind(id)
            .bind(module)
            .bind(l)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
