//! Users.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::b2i;
use crate::model::UserRow;

const COLUMNS: &str = "context_id, id, name, display_name, primary_email, is_admin, \
    password_hash, access, used_quota, caps, data";

fn from_row(r: &AnyRow) -> Result<UserRow, sqlx::Error> {
    let decode_err = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let access: String = r.try_get("access")?;
    Ok(UserRow {
        context_id: r.try_get("context_id")?,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        display_name: r.try_get("display_name")?,
        primary_email: String::new(),
        is_admin: r.try_get::<i64, _>("is_admin")? != 0,
        password_hash: r.try_get("password_hash")?,
        access: access
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        used_quota: r.try_get("used_quota")?,
        caps: serde_json::from_str(&r.try_get::<String, _>("caps")?).map_err(decode_err)?,
        data: serde_json::from_str(&r.try_get::<String, _>("data")?).map_err(decode_err)?,
    })
    .map(|mut u| {
        // The column holds the lower-cased lookup key; the address as sent is in `data`.
        let key: String = r.try_get("primary_email").unwrap_or_default();
        u.primary_email = u
            .data
            .get("primaryEmail")
            .and_then(serde_json::Value::as_str)
            .map_or(key, str::to_string);
        u
    })
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

fn access_str(u: &UserRow) -> String {
    u.access.iter().cloned().collect::<Vec<_>>().join(",")
}

/// Loads one user.
pub async fn get(c: &mut AnyConnection, cid: i64, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_users WHERE context_id = ? AND id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(cid)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Finds a user id by login name.
pub async fn id_by_name(
    c: &mut AnyConnection,
    cid: i64,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM oxsim_users WHERE context_id = ? AND name = ?")
            .bind(cid)
            .bind(name)
            .fetch_optional(&mut *c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// The context admin.
pub async fn admin(c: &mut AnyConnection, cid: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_users WHERE context_id = ? AND is_admin = 1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(cid)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// All users of a context ordered by id.
pub async fn list(c: &mut AnyConnection, cid: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_users WHERE context_id = ? ORDER BY id");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(cid)
        .fetch_all(&mut *c)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The access sets of all users in a context.
pub async fn access_in_context(
    c: &mut AnyConnection,
    cid: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT access FROM oxsim_users WHERE context_id = ?")
            .bind(cid)
            .fetch_all(&mut *c)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The access sets of all users in the contexts of a reseller.
pub async fn access_of_owner(
    c: &mut AnyConnection,
    owner: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT u.access FROM oxsim_users u JOIN oxsim_contexts x ON u.context_id = x.id \
         WHERE x.owner_id = ?",
    )
    .bind(owner)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Whether another user of the context already uses this display name.
pub async fn display_name_used(
    c: &mut AnyConnection,
    cid: i64,
    display_name: &str,
    except_id: i64,
) -> Result<bool, sqlx::Error> {
    let n: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM oxsim_users WHERE context_id = ? AND display_name = ? AND id <> ?",
    )
    .bind(cid)
    .bind(display_name)
    .bind(except_id)
    .fetch_one(&mut *c)
    .await?;
    Ok(n.0 > 0)
}

/// Whether another user of the context already has this primary address.
pub async fn primary_email_used(
    c: &mut AnyConnection,
    cid: i64,
    email: &str,
    except_id: i64,
) -> Result<bool, sqlx::Error> {
    let n: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM oxsim_users WHERE context_id = ? AND primary_email = ? AND id <> ?",
    )
    .bind(cid)
    .bind(email.to_lowercase())
    .bind(except_id)
    .fetch_one(&mut *c)
    .await?;
    Ok(n.0 > 0)
}

/// Inserts a user.
pub async fn insert(c: &mut AnyConnection, u: &UserRow) -> Result<(), sqlx::Error> {
    let sql =
        format!("INSERT INTO oxsim_users ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlx::query(AssertSqlSafe(sql))
        .bind(u.context_id)
        .bind(u.id)
        .bind(u.name.as_str())
        .bind(u.display_name.as_str())
        .bind(u.primary_email.to_lowercase())
        .bind(b2i(u.is_admin))
        .bind(u.password_hash.as_str())
        .bind(access_str(u))
        .bind(u.used_quota)
        .bind(json(&u.caps)?)
        .bind(json(&u.data)?)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Writes all columns of an existing user.
pub async fn update(c: &mut AnyConnection, u: &UserRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oxsim_users SET name = ?, display_name = ?, primary_email = ?, is_admin = ?, \
         password_hash = ?, access = ?, used_quota = ?, caps = ?, data = ? \
         WHERE context_id = ? AND id = ?",
    )
    .bind(u.name.as_str())
    .bind(u.display_name.as_str())
    .bind(u.primary_email.to_lowercase())
    .bind(b2i(u.is_admin))
    .bind(u.password_hash.as_str())
    .bind(access_str(u))
    .bind(u.used_quota)
    .bind(json(&u.caps)?)
    .bind(json(&u.data)?)
    .bind(u.context_id)
    .bind(u.id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Deletes a user and its group memberships.
pub async fn delete(c: &mut AnyConnection, cid: i64, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_group_members WHERE context_id = ? AND user_id = ?")
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM oxsim_users WHERE context_id = ? AND id = ?")
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Sets the used mail quota (MB). Returns false if the user is unknown.
pub async fn set_used(
    c: &mut AnyConnection,
    cid: i64,
    id: i64,
    mb: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE oxsim_users SET used_quota = ? WHERE context_id = ? AND id = ?")
        .bind(mb)
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() > 0)
}
