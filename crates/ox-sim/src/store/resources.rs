//! Resources.

use sqlx::{AnyConnection, Row};

use crate::model::ResourceRow;

fn resource_from_row(r: &sqlx::any::AnyRow) -> Result<ResourceRow, sqlx::Error> {
    let data: String = r.try_get("data")?;
    Ok(ResourceRow {
        context_id: r.try_get("context_id")?,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        data: serde_json::from_str(&data).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

/// Loads one resource.
pub async fn get(
    c: &mut AnyConnection,
    cid: i64,
    id: i64,
) -> Result<Option<ResourceRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT context_id, id, name, email, data FROM oxsim_resources \
         WHERE context_id = ? AND id = ?",
    )
    .bind(cid)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    row.as_ref().map(resource_from_row).transpose()
}

/// Finds a resource id by name.
pub async fn id_by_name(
    c: &mut AnyConnection,
    cid: i64,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM oxsim_resources WHERE context_id = ? AND name = ?")
            .bind(cid)
            .bind(name)
            .fetch_optional(&mut *c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// All resources of a context, ordered by id.
pub async fn list(c: &mut AnyConnection, cid: i64) -> Result<Vec<ResourceRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT context_id, id, name, email, data FROM oxsim_resources WHERE context_id = ? \
         ORDER BY id",
    )
    .bind(cid)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(resource_from_row).collect()
}

/// Inserts or replaces a resource.
pub async fn put(c: &mut AnyConnection, r: &ResourceRow) -> Result<(), sqlx::Error> {
    let data = serde_json::to_string(&r.data).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    delete(c, r.context_id, r.id).await?;
    sqlx::query(
        "INSERT INTO oxsim_resources (context_id, id, name, email, data) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(r.context_id)
    .bind(r.id)
    .bind(r.name.as_str())
    .bind(r.email.as_str())
    .bind(data)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Deletes a resource.
pub async fn delete(c: &mut AnyConnection, cid: i64, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_resources WHERE context_id = ? AND id = ?")
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
