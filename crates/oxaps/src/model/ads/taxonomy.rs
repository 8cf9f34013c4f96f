//! The `TaxonomyTypes` scheme: a tenant's OX context carries the taxonomy types of its users'
//! profiles as the context attribute `taxonomy/types` (comma list; OX picks the first of the
//! reseller's configured types it finds there).

use std::collections::BTreeSet;

use oxaps_jobs::JobError;
use serde_json::Value;

use crate::model::JobCx;
use crate::model::tenant::{ox_failure, ox_scope};
use crate::ox_link::OxMode;
use crate::store::ResourceStatus;

/// The value of `taxonomy/types` for a tenant: the taxonomy types of the profiles of its users,
/// sorted, comma-separated (empty: none).
pub async fn types_of_tenant(cx: &JobCx, tenant_id: &str) -> Result<String, JobError> {
    let store = &cx.app.store;
    let users = store
        .resources_of(&cx.instance.id, "user")
        .await
        .map_err(JobError::transient)?;
    let profiles: BTreeSet<String> = users
        .iter()
        .filter(|u| u.parent_id.as_deref() == Some(tenant_id))
        .filter(|u| u.status != ResourceStatus::Unprovisioning)
        .filter_map(|u| {
            u.body
                .pointer("/profile/aps/id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    let mut types = BTreeSet::new();
    for p in profiles {
        if let Some(row) = store
            .resource(&cx.instance.id, &p)
            .await
            .map_err(JobError::transient)?
            && let Some(t) = row
                .body
                .get("taxonomyType")
                .and_then(Value::as_str)
                .map(str::trim)
            && !t.is_empty()
        {
            types.insert(t.to_owned());
        }
    }
    Ok(types.into_iter().collect::<Vec<_>>().join(","))
}

/// Sets `taxonomy/types` on a tenant's context (an empty value removes it). Tenants whose
/// context does not exist yet are skipped (they get it with their next user change).
pub async fn sync_tenant(cx: &JobCx, tenant_id: &str) -> Result<(), JobError> {
    let Some(tenant) = cx
        .app
        .store
        .resource(&cx.instance.id, tenant_id)
        .await
        .map_err(JobError::transient)?
    else {
        return Ok(());
    };
    if tenant
        .body
        .get("contextId")
        .and_then(Value::as_i64)
        .is_none()
    {
        return Ok(());
    }
    let types = types_of_tenant(cx, tenant_id).await?;
    let mut attributes = ox::SoapStringMapMap::default();
    attributes.set("taxonomy", "types", types);
    let scope = ox_scope(cx, tenant_id).await?;
    let done = match scope.mode {
        OxMode::OnPremise => {
            let (_, settings) = cx.ox().await?;
            let change = ox::Context {
                id: Some(scope.context_id),
                user_attributes: Some(attributes),
                ..Default::default()
            };
            scope.ox.contexts().change(&change, &settings.master).await
        }
        OxMode::Cloud => {
            let mut change = scope.reseller_context();
            change.user_attributes = Some(attributes);
            scope
                .ox
                .reseller_contexts()
                .change(&change, &scope.credentials)
                .await
        }
    };
    done.map_err(|e| ox_failure("setting the context's taxonomy/types", e))
}

/// Re-applies `taxonomy/types` to the contexts of every tenant with a user of the profile.
pub async fn sync_profile(cx: &JobCx, profile_id: &str) -> Result<(), JobError> {
    let tenants: BTreeSet<String> = crate::model::user::users_of_profile(cx, profile_id)
        .await?
        .into_iter()
        .filter_map(|u| u.parent_id)
        .collect();
    for t in tenants {
        sync_tenant(cx, &t).await?;
    }
    Ok(())
}
