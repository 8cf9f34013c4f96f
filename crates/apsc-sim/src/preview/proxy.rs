//! `/aps/…` of the preview: the simulator's REST API acting as the customer's staff member,
//! without a client certificate (the account is impersonated, the user is the identity sent to
//! endpoints as `APS-Identity-ID`, as the real panel's session does).

use std::sync::Arc;

use axum::Router;

use crate::controller::Shared;
use crate::rest::{Caller, router_as};

/// The REST API as `user_id` of `account_id`.
pub(super) fn api(shared: Arc<Shared>, account_id: &str, user_id: &str) -> Router {
    router_as(
        shared,
        Caller {
            instance: None,
            account: Some(account_id.to_owned()),
            transaction_id: None,
            identity: Some(user_id.to_owned()),
        },
    )
}
