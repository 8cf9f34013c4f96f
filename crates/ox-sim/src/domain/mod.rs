//! OX's provisioning rules, one module per object type. `dispatch` routes a decoded
//! call to its handler; handlers return the JSON value of `return` (or null).

pub mod access;
pub mod args;
mod auth;
mod context;
mod context_read;
mod group;
mod reseller;
mod resource;
mod restrictions;
pub mod text;
mod user;
mod user_read;
mod user_rules;
mod views;

use serde_json::Value;

pub use args::Args;
pub use auth::Actor;

use crate::config::SimConfig;
use crate::error::{OxError, OxResult};
use crate::schema::{Family, Kind, Schema, Service};
use crate::soap::fault::ExceptionIds;
use crate::store::Store;

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct Sim {
    /// The API description.
    pub schema: Schema,
    /// Persistence.
    pub store: Store,
    /// Exception id source.
    pub ids: ExceptionIds,
    /// Configuration.
    pub cfg: SimConfig,
}

/// One decoded call.
#[derive(Debug)]
pub struct Call {
    /// Core or reseller service family.
    pub family: Family,
    /// Decoded parameters.
    pub args: Args,
}

/// Message of the error returned for an operation listed in the schema but without
/// a handler (a test makes sure there is none).
pub const NOT_IMPLEMENTED: &str = "Operation not implemented by ox-sim";

pub(crate) fn not_implemented() -> OxError {
    OxError::storage(NOT_IMPLEMENTED)
}

/// Runs operation `op` of service `svc`.
pub async fn dispatch(sim: &Sim, svc: &Service, op: &str, args: Args) -> OxResult<Value> {
    let call = Call {
        family: svc.family,
        args,
    };
    match svc.kind {
        Kind::Context => context::handle(sim, &call, op).await,
        Kind::User => user::handle(sim, &call, op).await,
        Kind::Group => group::handle(sim, &call, op).await,
        Kind::Resource => resource::handle(sim, &call, op).await,
        Kind::Reseller => reseller::handle(sim, &call, op).await,
    }
}

/// Sets a user's used mail quota (MB). Returns false if there is no such user.
pub async fn set_user_usage(sim: &Sim, cid: i64, uid: i64, mb: i64) -> OxResult<bool> {
    let mut w = sim.store.write().await?;
    let ok = crate::store::users::set_used(&mut w.tx, cid, uid, mb).await?;
    w.commit().await?;
    Ok(ok)
}

/// Sets a context's used storage (MB). Returns false if there is no such context.
pub async fn set_context_usage(sim: &Sim, cid: i64, mb: i64) -> OxResult<bool> {
    let mut w = sim.store.write().await?;
    let ok = crate::store::contexts::set_used(&mut w.tx, cid, mb).await?;
    w.commit().await?;
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every operation in the schema has a handler: each one is called with
    /// credentials that pass authentication against a fresh context, so a missing
    /// match arm would surface as NOT_IMPLEMENTED.
    #[tokio::test]
    async fn every_schema_operation_has_a_handler() {
        let sim = Sim {
            schema: Schema::load().unwrap(),
            store: Store::open("sqlite::memory:").await.unwrap(),
            ids: ExceptionIds::new(true),
            cfg: SimConfig::for_test("pw"),
        };
        let master = json!({"login": "oxadminmaster", "password": "pw"});
        let admin = json!({"login": "oxadmin", "password": "apw"});
        let ctx_svc = sim.schema.service("OXContextService").unwrap();
        let mut cid = 100;
        let mut checked = 0;
        for svc in sim.schema.services() {
            for op in &svc.ops {
                cid += 1;
                let create = json!({
                    "ctx": {"id": cid},
                    "admin_user": {"name": "oxadmin", "password": "apw", "display_name": "A",
                        "given_name": "A", "sur_name": "B", "primaryEmail": format!("a@{cid}.x"),
                        "email1": format!("a@{cid}.x")},
                    "auth": master,
                });
                let args = Args(create.as_object().unwrap().clone());
                dispatch(&sim, ctx_svc, "create", args).await.unwrap();
                let creds = match svc.kind {
                    Kind::Context | Kind::Reseller => master.clone(),
                    _ => admin.clone(),
                };
                let call = json!({"ctx": {"id": cid}, "auth": creds.clone(), "creds": creds});
                let r = dispatch(&sim, svc, op.name, Args(call.as_object().unwrap().clone())).await;
                if let Err(e) = r {
                    assert_ne!(e.message, NOT_IMPLEMENTED, "{}.{}", svc.name, op.name);
                    assert_ne!(
                        e.message, "Authentication failed",
                        "{}.{}",
                        svc.name, op.name
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
