//! Reseller subadmins.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::model::ResellerRow;

const COLUMNS: &str = "id, name, password_hash, parent_id, restrictions, data";

fn from_row(r: &AnyRow) -> Result<ResellerRow, sqlx::Error> {
    let decode_err = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    Ok(ResellerRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        parent_id: r.try_get("parent_id")?,
        restrictions: serde_json::from_str(&r.try_get::<String, _>("restrictions")?)
            .map_err(decode_err)?,
        data: serde_json::from_str(&r.try_get::<String, _>("data")?).map_err(decode_err)?,
    })
}

/// Loads a subadmin by id.
pub async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<ResellerRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_resellers WHERE id = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Loads a subadmin by login name.
pub async fn by_name(
    c: &mut AnyConnection,
    name: &str,
) -> Result<Option<ResellerRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_resellers WHERE name = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(name)
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// All subadmins ordered by id.
pub async fn list(c: &mut AnyConnection) -> Result<Vec<ResellerRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM oxsim_resellers ORDER BY id");
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?;
    rows.iter().map(from_row).collect()
}

/// Next free id.
pub async fn next_id(c: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let n: (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM oxsim_resellers")
        .fetch_one(&mut *c)
        .await?;
    Ok(n.0 + 1)
}

/// Inserts or replaces a subadmin.
pub async fn put(c: &mut AnyConnection, r: &ResellerRow) -> Result<(), sqlx::Error> {
    let enc = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    delete(c, r.id).await?;
    let sql = format!("INSERT INTO oxsim_resellers ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)");
    sqlx::query(AssertSqlSafe(sql))
        .bind(r.id)
        .bind(r.name.as_str())
        .bind(r.password_hash.as_str())
        .bind(r.parent_id)
        .bind(serde_json::to_string(&r.restrictions).map_err(enc)?)
        .bind(serde_json::to_string(&r.data).map_err(enc)?)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes a subadmin.
pub async fn delete(c: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_resellers WHERE id = ?")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
