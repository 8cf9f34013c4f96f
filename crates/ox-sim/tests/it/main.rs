//! ox-sim integration tests (one binary to keep link times down).

mod advertisement;
mod common;
mod contexts;
mod faults;
mod groups;
mod persistence;
mod resellers;
mod roundtrip;
mod users;
mod wire;
