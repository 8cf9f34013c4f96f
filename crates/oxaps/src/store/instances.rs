//! The `instances` table: one row per installed application instance.

use sqlx::{AnyConnection, Row};

use super::{Store, StoreError, now_ms};

/// What an installation stores.
#[derive(Clone)]
pub struct NewInstance {
    /// APS id of the instance (= the globals resource).
    pub id: String,
    /// `APS-Controller-URI` at installation.
    pub controller_uri: String,
    /// `aps.x509.controller`.
    pub controller_cert_pem: String,
    /// The controller certificate's DER, base64.
    pub controller_cert_der: String,
    /// The instance certificate, PEM.
    pub instance_cert_pem: String,
    /// The instance private key, sealed.
    pub instance_key_sealed: String,
}

/// A stored instance. The key stays sealed; `Debug` does not show it.
#[derive(Clone)]
pub struct InstanceRow {
    /// APS id.
    pub id: String,
    /// Controller REST base URL.
    pub controller_uri: String,
    /// Controller certificate, PEM.
    pub controller_cert_pem: String,
    /// Controller certificate DER, base64.
    pub controller_cert_der: String,
    /// Instance certificate, PEM.
    pub instance_cert_pem: String,
    /// Instance key, sealed.
    pub instance_key_sealed: String,
    /// The package version the instance was last upgraded from.
    pub upgraded_from: Option<String>,
    /// The last controller call-back probe result.
    pub controller_check: Option<String>,
    /// Installation time, ms.
    pub created_at: i64,
}

impl std::fmt::Debug for InstanceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceRow")
            .field("id", &self.id)
            .field("controller_uri", &self.controller_uri)
            .field("upgraded_from", &self.upgraded_from)
            .field("controller_check", &self.controller_check)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, controller_uri, controller_cert_pem, controller_cert_der, instance_cert_pem, instance_key_sealed, upgraded_from, controller_check, created_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<InstanceRow, StoreError> {
    Ok(InstanceRow {
        id: row.try_get("id")?,
        controller_uri: row.try_get("controller_uri")?,
        controller_cert_pem: row.try_get("controller_cert_pem")?,
        controller_cert_der: row.try_get("controller_cert_der")?,
        instance_cert_pem: row.try_get("instance_cert_pem")?,
        instance_key_sealed: row.try_get("instance_key_sealed")?,
        upgraded_from: row.try_get("upgraded_from")?,
        controller_check: row.try_get("controller_check")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// The instance with this id.
    pub async fn instance(&self, id: &str) -> Result<Option<InstanceRow>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM instances WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every instance, oldest first.
    pub async fn instances(&self) -> Result<Vec<InstanceRow>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM instances ORDER BY created_at, id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Inserts an instance unless one with the id exists; returns whether it was inserted.
    pub async fn insert_instance(
        conn: &mut AnyConnection,
        new: &NewInstance,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO instances (id, controller_uri, controller_cert_pem, controller_cert_der, instance_cert_pem, instance_key_sealed, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&new.id)
        .bind(&new.controller_uri)
        .bind(&new.controller_cert_pem)
        .bind(&new.controller_cert_der)
        .bind(&new.instance_cert_pem)
        .bind(&new.instance_key_sealed)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the controller URI the instance was last called from (it may move).
    pub async fn set_controller_uri(&self, id: &str, uri: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE instances SET controller_uri = $1, updated_at = $2 WHERE id = $3 AND controller_uri <> $4")
            .bind(uri)
            .bind(now_ms())
            .bind(id)
            .bind(uri)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records the version an upgrade came from.
    pub async fn set_upgraded_from(&self, id: &str, version: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE instances SET upgraded_from = $1, updated_at = $2 WHERE id = $3")
            .bind(version)
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records the outcome of the controller call-back probe.
    pub async fn set_controller_check(&self, id: &str, outcome: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE instances SET controller_check = $1, updated_at = $2 WHERE id = $3")
            .bind(outcome)
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes an instance and (by cascade) its resources.
    pub async fn delete_instance(conn: &mut AnyConnection, id: &str) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM resources WHERE instance_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query("DELETE FROM instances WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
