//! End-to-end tests of the oxaps endpoint: one test binary (one link) with a module per area.
//! Every test runs on SQLite, and on PostgreSQL too when `OXAPS_TEST_POSTGRES_URL` is set.

mod ads;
mod cli;
mod controller_client;
mod cron;
mod harness;
mod install;
mod lifecycle;
mod model_cloud;
mod model_domains;
mod model_groups;
mod model_onprem;
mod multi_node;
mod negative;
mod ox_connection;
mod package;
mod panel;
mod raw_controller;
mod reliability;
mod through_sim;
mod upsell;
mod world;
