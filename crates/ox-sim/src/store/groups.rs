//! Groups with their members.

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::model::GroupRow;

/// Member ids of one group, sorted.
pub async fn members(c: &mut AnyConnection, cid: i64, gid: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM oxsim_group_members WHERE context_id = ? AND group_id = ? \
         ORDER BY user_id",
    )
    .bind(cid)
    .bind(gid)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Loads one group with members.
pub async fn get(
    c: &mut AnyConnection,
    cid: i64,
    id: i64,
) -> Result<Option<GroupRow>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT name, displayname FROM oxsim_groups WHERE context_id = ? AND id = ?",
    )
    .bind(cid)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    match row {
        Some((name, displayname)) => Ok(Some(GroupRow {
            context_id: cid,
            id,
            name,
            displayname,
            members: members(c, cid, id).await?,
        })),
        None => Ok(None),
    }
}

/// Finds a group id by name.
pub async fn id_by_name(
    c: &mut AnyConnection,
    cid: i64,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM oxsim_groups WHERE context_id = ? AND name = ?")
            .bind(cid)
            .bind(name)
            .fetch_optional(&mut *c)
            .await?;
    Ok(row.map(|r| r.0))
}

/// All groups of a context with members, ordered by id.
pub async fn list(c: &mut AnyConnection, cid: i64) -> Result<Vec<GroupRow>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, displayname FROM oxsim_groups WHERE context_id = ? ORDER BY id",
    )
    .bind(cid)
    .fetch_all(&mut *c)
    .await?;
    let mems: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT group_id, user_id FROM oxsim_group_members WHERE context_id = ? \
         ORDER BY user_id",
    )
    .bind(cid)
    .fetch_all(&mut *c)
    .await?;
    let mut by_group: HashMap<i64, Vec<i64>> = HashMap::new();
    for (g, u) in mems {
        by_group.entry(g).or_default().push(u);
    }
    Ok(rows
        .into_iter()
        .map(|(id, name, displayname)| GroupRow {
            context_id: cid,
            id,
            name,
            displayname,
            members: by_group.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Inserts a group and its members.
pub async fn insert(c: &mut AnyConnection, g: &GroupRow) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO oxsim_groups (context_id, id, name, displayname) VALUES (?, ?, ?, ?)")
        .bind(g.context_id)
        .bind(g.id)
        .bind(g.name.as_str())
        .bind(g.displayname.as_str())
        .execute(&mut *c)
        .await?;
    add_members(c, g.context_id, g.id, &g.members).await
}

/// Updates name and display name and replaces the member list.
pub async fn update(c: &mut AnyConnection, g: &GroupRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE oxsim_groups SET name = ?, displayname = ? WHERE context_id = ? AND id = ?",
    )
    .bind(g.name.as_str())
    .bind(g.displayname.as_str())
    .bind(g.context_id)
    .bind(g.id)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM oxsim_group_members WHERE context_id = ? AND group_id = ?")
        .bind(g.context_id)
        .bind(g.id)
        .execute(&mut *c)
        .await?;
    add_members(c, g.context_id, g.id, &g.members).await
}

/// Adds members (ids must not be members yet).
pub async fn add_members(
    c: &mut AnyConnection,
    cid: i64,
    gid: i64,
    users: &[i64],
) -> Result<(), sqlx::Error> {
    for u in users {
        sqlx::query(
            "INSERT INTO oxsim_group_members (context_id, group_id, user_id) VALUES (?, ?, ?)",
        )
        .bind(cid)
        .bind(gid)
        .bind(*u)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Removes members.
pub async fn remove_members(
    c: &mut AnyConnection,
    cid: i64,
    gid: i64,
    users: &[i64],
) -> Result<(), sqlx::Error> {
    for u in users {
        sqlx::query(
            "DELETE FROM oxsim_group_members WHERE context_id = ? AND group_id = ? AND user_id = ?",
        )
        .bind(cid)
        .bind(gid)
        .bind(*u)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Deletes a group.
pub async fn delete(c: &mut AnyConnection, cid: i64, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM oxsim_group_members WHERE context_id = ? AND group_id = ?")
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM oxsim_groups WHERE context_id = ? AND id = ?")
        .bind(cid)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
