//! Integration tests of oxaps-jobs, each run on SQLite (temp file) and, when
//! OXAPS_TEST_POSTGRES_URL is set, on PostgreSQL (fresh schema per test).
//! One test binary: one link.

mod common;

mod crash;
mod dedup;
mod metrics;
mod migrations;
mod observe;
mod retry;
mod workers;
