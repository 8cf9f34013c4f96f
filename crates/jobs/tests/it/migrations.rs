//! Our migrator and the connector's share `_sqlx_migrations` without tripping over each other.

use std::borrow::Cow;

use oxaps_jobs::{FIRST_VERSION, Queue};
use sqlx::Row;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::common::{TestDb, dual_test};

/// Stand-in for the connector's own migrator (versions from 2026112300001).
fn connector_migrator() -> Migrator {
    let migration = Migration::new(
        2026112300001,
        Cow::Borrowed("connector tiny"),
        MigrationType::Simple,
        sqlx::SqlStr::from_static("CREATE TABLE connector_things (id TEXT PRIMARY KEY)"),
        false,
    );
    let mut m = Migrator::with_migrations(vec![migration]);
    m.set_ignore_missing(true);
    m
}

async fn coexists_with_the_connector_migrator(db: &TestDb) {
    // TestDb already ran ours once; run everything again in both orders.
    oxaps_jobs::migrate(&db.pool).await.unwrap();
    connector_migrator().run(&db.pool).await.unwrap();
    oxaps_jobs::migrate(&db.pool).await.unwrap();
    connector_migrator().run(&db.pool).await.unwrap();

    let versions: Vec<i64> = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<i64, _>("version"))
        .collect();
    assert_eq!(versions.first(), Some(&2026112300001));
    assert!(versions.contains(&FIRST_VERSION));
    assert_eq!(
        versions.len(),
        1 + oxaps_jobs::migrator(Queue::new(db.pool.clone()).unwrap().dialect())
            .iter()
            .count()
    );
    sqlx::query("SELECT COUNT(*) FROM connector_things")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("SELECT COUNT(*) FROM jobs")
        .fetch_one(&db.pool)
        .await
        .unwrap();
}
dual_test!(coexists_with_the_connector_migrator);
