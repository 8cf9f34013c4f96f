//! OX's ConfigDB advertisement tables (`advertisement_config`, `advertisement_mapping`)
//! and the per-user preview pointer (OX keeps it in the config-cascade property
//! `com.openexchange.advertisement.preview`; here a table `oxsim_ad_previews`).

use sqlx::AnyConnection;

/// The config mapped to (reseller, package): (configId, config JSON text).
pub async fn mapped(
    c: &mut AnyConnection,
    reseller: &str,
    package: &str,
) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT configId FROM advertisement_mapping WHERE reseller = ? AND package = ?",
    )
    .bind(reseller)
    .bind(package)
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some((id,)) => Ok(Some((id, config(c, id).await?))),
        None => Ok(None),
    }
}

/// The JSON text of a config.
pub async fn config(c: &mut AnyConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT config FROM advertisement_config WHERE configId = ?")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// `INSERT INTO advertisement_config (reseller,config)`; returns the new configId.
pub async fn insert_config(
    c: &mut AnyConnection,
    reseller: &str,
    config: &str,
) -> Result<i64, sqlx::Error> {
    let r = sqlx::query("INSERT INTO advertisement_config (reseller, config) VALUES (?, ?)")
        .bind(reseller)
        .bind(config)
        .execute(&mut *c)
        .await?;
    match r.last_insert_id() {
        Some(id) => Ok(id),
        None => {
            let n: (i64,) = sqlx::query_as("SELECT MAX(configId) FROM advertisement_config")
                .fetch_one(&mut *c)
                .await?;
            Ok(n.0)
        }
    }
}

/// Updates a config's text; false if the row is gone.
pub async fn update_config(
    c: &mut AnyConnection,
    id: i64,
    config: &str,
) -> Result<bool, sqlx::Error> {
    let exists = self::config(c, id).await?.is_some();
    if exists {
        sqlx::query("UPDATE advertisement_config SET config = ? WHERE configId = ?")
            .bind(config)
            .bind(id)
            .execute(&mut *c)
            .await?;
    }
    Ok(exists)
}

/// Deletes a config row.
pub async fn delete_config(c: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM advertisement_config WHERE configId = ?")
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// `REPLACE INTO advertisement_mapping`.
pub async fn replace_mapping(
    c: &mut AnyConnection,
    reseller: &str,
    package: &str,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "REPLACE INTO advertisement_mapping (reseller, package, configId) VALUES (?, ?, ?)",
    )
    .bind(reseller)
    .bind(package)
    .bind(id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Deletes a mapping.
pub async fn delete_mapping(
    c: &mut AnyConnection,
    reseller: &str,
    package: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM advertisement_mapping WHERE reseller = ? AND package = ?")
        .bind(reseller)
        .bind(package)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// The preview configId of a user.
pub async fn preview_id(
    c: &mut AnyConnection,
    cid: i64,
    uid: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT config_id FROM oxsim_ad_previews WHERE context_id = ? AND user_id = ?",
    )
    .bind(cid)
    .bind(uid)
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Points a user's preview at a config (None removes the pointer).
pub async fn set_preview_id(
    c: &mut AnyConnection,
    cid: i64,
    uid: i64,
    id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_ad_previews WHERE context_id = ? AND user_id = ?")
        .bind(cid)
        .bind(uid)
        .execute(&mut *c)
        .await?;
    if let Some(id) = id {
        sqlx::query(
            "INSERT INTO oxsim_ad_previews (context_id, user_id, config_id) VALUES (?, ?, ?)",
        )
        .bind(cid)
        .bind(uid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Reseller names that have configs or mappings.
pub async fn resellers(c: &mut AnyConnection) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT reseller FROM advertisement_config UNION SELECT reseller FROM advertisement_mapping",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut v: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    v.sort();
    v.dedup();
    Ok(v)
}

/// Deletes every config and mapping (`reseller` None) or those of one reseller.
pub async fn delete_reseller(
    c: &mut AnyConnection,
    reseller: Option<&str>,
) -> Result<(), sqlx::Error> {
    match reseller {
        None => {
            sqlx::query("DELETE FROM advertisement_mapping")
                .execute(&mut *c)
                .await?;
            sqlx::query("DELETE FROM advertisement_config")
                .execute(&mut *c)
                .await?;
        }
        Some(r) => {
            sqlx::query("DELETE FROM advertisement_mapping WHERE reseller = ?")
                .bind(r)
                .execute(&mut *c)
                .await?;
            sqlx::query("DELETE FROM advertisement_config WHERE reseller = ?")
                .bind(r)
                .execute(&mut *c)
                .await?;
        }
    }
    prune_previews(c).await
}

/// Deletes configs no mapping points to (previews), of all resellers or one.
pub async fn delete_unmapped(
    c: &mut AnyConnection,
    reseller: Option<&str>,
) -> Result<(), sqlx::Error> {
    const BASE: &str = "DELETE FROM advertisement_config WHERE configId NOT IN \
        (SELECT configId FROM advertisement_mapping)";
    match reseller {
        None => sqlx::query(BASE).execute(&mut *c).await?,
        Some(r) => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{BASE} AND reseller = ?")))
                .bind(r)
                .execute(&mut *c)
                .await?
        }
    };
    prune_previews(c).await
}

/// Drops preview pointers whose config is gone.
async fn prune_previews(c: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM oxsim_ad_previews WHERE config_id NOT IN \
         (SELECT configId FROM advertisement_config)",
    )
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Number of config rows and mapping rows (for tests and the control API).
pub async fn counts(c: &mut AnyConnection) -> Result<(i64, i64), sqlx::Error> {
    let a: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM advertisement_config")
        .fetch_one(&mut *c)
        .await?;
    let b: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM advertisement_mapping")
        .fetch_one(&mut *c)
        .await?;
    Ok((a.0, b.0))
}
