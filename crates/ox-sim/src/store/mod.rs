//! Persistence through sqlx's `Any` driver: SQLite (file or memory) by default,
//! MariaDB/MySQL optionally. All statements use `?` placeholders, which both
//! SQLite and MySQL accept; DDL differs per dialect (`migrations/<dialect>/`).
//! Writes are serialised by one lock so check-then-insert sequences are atomic.

pub mod ads;
pub mod contexts;
pub mod groups;
pub mod resellers;
pub mod resources;
pub mod users;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// SQL dialect of the configured database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (file or in-memory).
    Sqlite,
    /// MariaDB / MySQL.
    MySql,
}

/// Errors while opening or migrating the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Unsupported URL scheme.
    #[error("unsupported database URL (use sqlite:... or mysql://...)")]
    UnsupportedUrl,
    /// Database error.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Migrations per dialect: (version, DDL script).
const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_user_indexes.sql"),
    ),
    (
        3,
        include_str!("../../migrations/sqlite/0003_advertisement.sql"),
    ),
];
const MYSQL_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/mysql/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/mysql/0002_user_indexes.sql"),
    ),
    (
        3,
        include_str!("../../migrations/mysql/0003_advertisement.sql"),
    ),
];

/// The database handle.
#[derive(Debug)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    lock: Mutex<()>,
}

/// A write transaction holding the global write lock.
pub struct WriteTx<'a> {
    _guard: MutexGuard<'a, ()>,
    /// The open transaction.
    pub tx: Transaction<'static, Any>,
}

impl WriteTx<'_> {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Store {
    /// Connects and runs the migrations of the URL's dialect.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            Dialect::MySql
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let url = url.replacen("mariadb:", "mysql:", 1);
        let memory =
            dialect == Dialect::Sqlite && url.contains(":memory:") || url.contains("mode=memory");
        let opts: AnyConnectOptions = url.parse()?;
        let mut pool = AnyPoolOptions::new();
        pool = if memory {
            // Every connection to `sqlite::memory:` is its own database: keep exactly one.
            pool.max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            pool.max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
        };
        if dialect == Dialect::Sqlite {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(opts).await?;
        let store = Store {
            pool,
            dialect,
            lock: Mutex::new(()),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The dialect in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let _g = self.lock.lock().await;
        let mut conn = self.pool.acquire().await?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS oxsim_migrations (version BIGINT NOT NULL PRIMARY KEY)",
        )
        .await?;
        let migrations = match self.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::MySql => MYSQL_MIGRATIONS,
        };
        for (version, script) in migrations {
            let done: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM oxsim_migrations WHERE version = ?")
                    .bind(*version)
                    .fetch_optional(&mut *conn)
                    .await?;
            if done.is_some() {
                continue;
            }
            // MySQL commits DDL implicitly; every statement is idempotent instead.
            for stmt in script.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                conn.execute(stmt).await?;
            }
            let insert = match self.dialect {
                Dialect::Sqlite => "INSERT OR IGNORE INTO oxsim_migrations (version) VALUES (?)",
                Dialect::MySql => "INSERT IGNORE INTO oxsim_migrations (version) VALUES (?)",
            };
            sqlx::query(insert)
                .bind(*version)
                .execute(&mut *conn)
                .await?;
            tracing::info!(version, "applied migration");
        }
        Ok(())
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Takes the write lock and opens a transaction.
    pub async fn write(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        let guard = self.lock.lock().await;
        let tx = self.pool.begin().await?;
        Ok(WriteTx { _guard: guard, tx })
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Checks the connection (used by the control API health check).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let mut c = self.pool.acquire().await?;
        c.ping().await
    }
}

/// Encodes a boolean as an integer column value.
pub fn b2i(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_memory_db_and_migrates_twice() {
        let s = Store::open("sqlite::memory:").await.unwrap();
        s.migrate().await.unwrap();
        let mut c = s.conn().await.unwrap();
        let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM oxsim_migrations")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(n.0, 3);
    }

    #[tokio::test]
    async fn rejects_unknown_scheme() {
        assert!(matches!(
            Store::open("postgres://x").await,
            Err(StoreError::UnsupportedUrl)
        ));
    }
}
