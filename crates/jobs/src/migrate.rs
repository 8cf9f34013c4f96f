//! Schema migrations, one folder per dialect. They share sqlx's `_sqlx_migrations` table with
//! the connector's own migrator, so both ignore versions they do not know. Our versions start
//! at 2026112310000; the connector's start at 2026112300001.

use sqlx::AnyPool;
use sqlx::migrate::Migrator;

use crate::error::Result;
use crate::sql::Dialect;

/// Lowest migration version owned by this crate.
pub const FIRST_VERSION: i64 = 2026112310000;

/// The migrator for `dialect`, ignoring versions applied by other migrators.
pub fn migrator(dialect: Dialect) -> Migrator {
    let mut migrator = match dialect {
        Dialect::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Dialect::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator.set_ignore_missing(true);
    migrator
}

/// Creates or upgrades the `jobs` table for the pool's dialect. Idempotent.
pub async fn migrate(pool: &AnyPool) -> Result<()> {
    let dialect = Dialect::of_pool(pool)?;
    migrator(dialect).run(pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_have_the_same_versions_in_our_range() {
        let versions = |d| migrator(d).iter().map(|m| m.version).collect::<Vec<_>>();
        let sqlite = versions(Dialect::Sqlite);
        assert_eq!(sqlite, versions(Dialect::Postgres));
        assert!(!sqlite.is_empty());
        assert!(sqlite.iter().all(|v| *v >= FIRST_VERSION));
        assert!(migrator(Dialect::Sqlite).ignore_missing);
    }
}
