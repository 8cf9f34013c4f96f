//! Starting oxaps nodes for tests on each database backend.

use std::sync::Arc;

use oxaps::config::Config;
use oxaps::node::Node;
use oxaps::services::{Registry, StoreOnly};
use sqlx::Connection;

/// A database for one test: a SQLite file in the test's directory, or a fresh PostgreSQL schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends this run covers.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var("OXAPS_TEST_POSTGRES_URL").is_ok() {
        b.push(Backend::Postgres);
    } else {
        eprintln!("PostgreSQL variant skipped: OXAPS_TEST_POSTGRES_URL not set");
    }
    b
}

/// A running node with its directory and database.
pub struct TestNode {
    pub node: Node,
    pub dir: Arc<tempfile::TempDir>,
    pub database_url: String,
}

impl TestNode {
    pub fn url(&self, path: &str) -> String {
        format!(
            "https://{}{}{}",
            self.node.endpoint_addr,
            self.node.app.base_path,
            path.trim_start_matches('/')
        )
    }

    /// Rows in a table (to prove a rejected request left no state behind).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.node.app.store.pool())
            .await
            .unwrap()
    }
}

/// The database URL for a new test database on `backend`.
pub async fn database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("oxaps.db").display()),
        Backend::Postgres => {
            let base = std::env::var("OXAPS_TEST_POSTGRES_URL").unwrap();
            let schema = format!("oxaps_t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut conn)
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}options=-c%20search_path%3D{schema}")
        }
    }
}

/// A node with the standard services plus a store-only service mounted on `resource`.
pub async fn start(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestNode {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let database_url = database_url(backend, dir.path()).await;
    start_in(dir, database_url, tweak).await
}

/// A node over an existing directory and database (restarts, second nodes).
pub async fn start_in(
    dir: Arc<tempfile::TempDir>,
    database_url: String,
    tweak: impl FnOnce(&mut Config),
) -> TestNode {
    let mut config = Config::for_test(dir.path(), &database_url);
    tweak(&mut config);
    let mut registry = Registry::standard();
    registry.insert(Arc::new(StoreOnly::new("resource")));
    let node = Node::start_with(config, registry).await.unwrap();
    TestNode {
        node,
        dir,
        database_url,
    }
}
