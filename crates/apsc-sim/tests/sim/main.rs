//! Integration tests of the simulated controller, in one binary (one link step).

mod common;

mod applications;
mod async_ops;
mod config_and_cli;
mod dns;
mod events;
mod install;
mod links;
mod notifications;
mod periodic;
mod resources;
mod rest_tls;
mod state_dir;
