//! The `resources` table: every resource's last stored body and status.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError, now_ms};

/// Where a resource is in its life cycle, from the endpoint's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceStatus {
    /// A provisioning job is under way.
    Provisioning,
    /// Provisioned.
    Ready,
    /// A configure job is under way.
    Configuring,
    /// An unprovisioning job is under way.
    Unprovisioning,
    /// Provisioning failed for good; the row stays for the operator.
    Failed,
}

impl ResourceStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceStatus::Provisioning => "provisioning",
            ResourceStatus::Ready => "ready",
            ResourceStatus::Configuring => "configuring",
            ResourceStatus::Unprovisioning => "unprovisioning",
            ResourceStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "provisioning" => ResourceStatus::Provisioning,
            "ready" => ResourceStatus::Ready,
            "configuring" => ResourceStatus::Configuring,
            "unprovisioning" => ResourceStatus::Unprovisioning,
            "failed" => ResourceStatus::Failed,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown resource status {other:?}"
                )));
            }
        })
    }
}

/// A stored resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRow {
    /// Owning instance.
    pub instance_id: String,
    /// APS id.
    pub id: String,
    /// Service (route) name.
    pub service: String,
    /// APS type id.
    pub type_id: Option<String>,
    /// Life-cycle status.
    pub status: ResourceStatus,
    /// The resource JSON (encrypted properties sealed).
    pub body: Value,
    /// Bumped on each write.
    pub revision: i64,
    /// The resource this one belongs to (a tenant's users, groups, domains...).
    pub parent_id: Option<String>,
    /// A key unique within the instance and service (a login, a domain name).
    pub natural_key: Option<String>,
}

const COLUMNS: &str =
    "instance_id, id, service, type_id, status, body, revision, parent_id, natural_key";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ResourceRow, StoreError> {
    let body: String = row.try_get("body")?;
    let status: String = row.try_get("status")?;
    Ok(ResourceRow {
        instance_id: row.try_get("instance_id")?,
        id: row.try_get("id")?,
        service: row.try_get("service")?,
        type_id: row.try_get("type_id")?,
        status: ResourceStatus::parse(&status)?,
        body: serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        revision: row.try_get("revision")?,
        parent_id: row.try_get("parent_id")?,
        natural_key: row.try_get("natural_key")?,
    })
}

impl Store {
    /// A resource of an instance.
    pub async fn resource(
        &self,
        instance_id: &str,
        id: &str,
    ) -> Result<Option<ResourceRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM resources WHERE instance_id = $1 AND id = $2"
        )))
        .bind(instance_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The resources of one service of an instance.
    pub async fn resources_of(
        &self,
        instance_id: &str,
        service: &str,
    ) -> Result<Vec<ResourceRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM resources WHERE instance_id = $1 AND service = $2 ORDER BY created_at, id")))
            .bind(instance_id)
            .bind(service)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Inserts a resource unless it exists; returns whether it was inserted.
    pub async fn insert_resource(
        conn: &mut AnyConnection,
        row: &ResourceRow,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO resources (instance_id, id, service, type_id, status, body, revision, created_at, updated_at, parent_id, natural_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (instance_id, id) DO NOTHING",
        )
        .bind(&row.instance_id)
        .bind(&row.id)
        .bind(&row.service)
        .bind(row.type_id.as_deref())
        .bind(row.status.as_str())
        .bind(row.body.to_string())
        .bind(row.revision)
        .bind(now)
        .bind(now)
        .bind(row.parent_id.as_deref())
        .bind(row.natural_key.as_deref())
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The resources that belong to `parent_id`, optionally of one service.
    pub async fn children(
        &self,
        instance_id: &str,
        parent_id: &str,
        service: Option<&str>,
    ) -> Result<Vec<ResourceRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM resources WHERE instance_id = $1 AND parent_id = $2 AND ($3 = '' OR service = $4) ORDER BY created_at, id"
        )))
        .bind(instance_id)
        .bind(parent_id)
        .bind(service.unwrap_or(""))
        .bind(service.unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The resource of a service with this natural key.
    pub async fn by_natural_key(
        &self,
        instance_id: &str,
        service: &str,
        key: &str,
    ) -> Result<Option<ResourceRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM resources WHERE instance_id = $1 AND service = $2 AND natural_key = $3")))
            .bind(instance_id)
            .bind(service)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Replaces a resource's body and status, bumping its revision; returns whether it existed.
    pub async fn update_resource(
        conn: &mut AnyConnection,
        instance_id: &str,
        id: &str,
        status: ResourceStatus,
        body: &Value,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE resources SET status = $1, body = $2, revision = revision + 1, updated_at = $3 WHERE instance_id = $4 AND id = $5")
            .bind(status.as_str())
            .bind(body.to_string())
            .bind(now_ms())
            .bind(instance_id)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// [`Store::update_resource`] only while the row is still at `revision` with status `seen`
    /// (compare-and-set); returns whether it was written.
    pub async fn update_resource_at(
        conn: &mut AnyConnection,
        row: &ResourceRow,
        status: ResourceStatus,
        body: &Value,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE resources SET status = $1, body = $2, revision = revision + 1, updated_at = $3 WHERE instance_id = $4 AND id = $5 AND revision = $6 AND status = $7")
            .bind(status.as_str())
            .bind(body.to_string())
            .bind(now_ms())
            .bind(&row.instance_id)
            .bind(&row.id)
            .bind(row.revision)
            .bind(row.status.as_str())
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets only the status.
    pub async fn set_resource_status(
        conn: &mut AnyConnection,
        instance_id: &str,
        id: &str,
        status: ResourceStatus,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE resources SET status = $1, updated_at = $2 WHERE instance_id = $3 AND id = $4",
        )
        .bind(status.as_str())
        .bind(now_ms())
        .bind(instance_id)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a resource; returns whether it existed.
    pub async fn delete_resource(
        conn: &mut AnyConnection,
        instance_id: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM resources WHERE instance_id = $1 AND id = $2")
            .bind(instance_id)
            .bind(id)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
