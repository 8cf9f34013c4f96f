//! `tenant`: one OX context per subscription. The context is created by the master admin (on-premise
//! OX) with a generated context admin; its name derives from the tenant's APS id, so a retry or a
//! crash recovery finds and adopts the context instead of creating a second one.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::{Context, Credentials, OxError, User};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::{Admitted, JobCx, Model, password, required_link};
use crate::ox_link::OxMode;
use crate::services::{Call, internal};

/// The tenant model.
pub struct Tenant {
    def: TypeDef,
}

impl Default for Tenant {
    fn default() -> Self {
        Tenant {
            def: crate::types::of("tenant")
                .unwrap_or_else(|| TypeDef::new("tenant", &crate::types::type_id("tenant"))),
        }
    }
}

/// The OX context name of a tenant.
pub fn context_name(tenant_id: &str) -> String {
    format!("oxaps-{tenant_id}")
}

/// OX's context quota: our 0 (unlimited) is OX's -1.
fn ox_quota(mb: Option<i64>) -> i64 {
    match mb {
        Some(n) if n > 0 => n,
        _ => -1,
    }
}

/// Maps an OX error to a job error: transient ones retry, the rest stop with OX's message.
pub fn ox_failure(what: &str, e: OxError) -> JobError {
    if e.is_retryable() {
        JobError::transient(format!("{what}: {e}"))
    } else {
        JobError::permanent(format!("{what}: {e}"))
    }
}

/// The context id and admin credentials of a provisioned tenant, for its children's jobs.
pub async fn context_of(cx: &JobCx, tenant_id: &str) -> Result<(Context, Credentials), JobError> {
    let def =
        crate::types::of("tenant").ok_or_else(|| JobError::permanent("tenant type missing"))?;
    let (_, body) = cx
        .resource(tenant_id, &def)
        .await?
        .ok_or_else(|| JobError::permanent(format!("tenant {tenant_id} does not exist")))?;
    let id = body
        .props
        .get("contextId")
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            JobError::transient(format!(
                "the OX context of tenant {tenant_id} is not created yet"
            ))
        })?;
    let login = body.str_prop("adminLogin").unwrap_or("oxadmin").to_owned();
    let password = body
        .str_prop("adminPassword")
        .ok_or_else(|| JobError::permanent("tenant has no admin password"))?
        .to_owned();
    Ok((
        Context::with_id(id as i32),
        Credentials::new(login, password),
    ))
}

#[async_trait]
impl Model for Tenant {
    fn service(&self) -> &'static str {
        "tenant"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        required_link(&body, "account", "tenant")?;
        required_link(&body, "subscription", "tenant")?;
        let instance = call.instance()?;
        let (_, settings) = call.app.ox(&instance.id).await.map_err(|e| match e {
            crate::app::OxUnavailable::NotConfigured => ApsError::bad_request("The application instance has no OX connection (set oxSoapUrl and the master admin in its global settings)."),
            crate::app::OxUnavailable::Other(m) => internal(m),
        })?;
        if settings.mode == OxMode::Cloud {
            return Err(ApsError::not_implemented(
                "OX Cloud mode (contexts by reseller subadmins) is not supported by this version yet.",
            ));
        }
        super::profile::fill_defaults(&self.def, &mut body);
        let id = body.id().unwrap_or_default().to_owned();
        body.props
            .insert("contextName".into(), json!(context_name(&id)));
        body.props.insert("adminLogin".into(), json!("oxadmin"));
        body.props
            .insert("adminPassword".into(), json!(password::generate(24)));
        body.props.remove("contextId");
        Ok(Admitted {
            body,
            parent_id: None,
            natural_key: None,
        })
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let (ox, settings) = cx.ox().await?;
        let name = body
            .str_prop("contextName")
            .map(str::to_owned)
            .unwrap_or_else(|| context_name(&cx.resource_id));
        let contexts = ox.contexts();
        // Adopt a context we created before a crash or a lost answer.
        let found = contexts
            .list(&name, &settings.master)
            .await
            .map_err(|e| ox_failure("looking up the OX context", e))?;
        let existing = found
            .into_iter()
            .find(|c| c.name.as_deref() == Some(name.as_str()))
            .and_then(|c| c.id);
        let id = match existing {
            Some(id) => id,
            None => {
                let ctx = Context {
                    name: Some(name.clone()),
                    max_quota: Some(ox_quota(
                        body.props.get("fileQuotaMb").and_then(Value::as_i64),
                    )),
                    login_mappings: vec![name.clone()],
                    ..Default::default()
                };
                let password = body
                    .str_prop("adminPassword")
                    .unwrap_or_default()
                    .to_owned();
                let admin = User {
                    name: Some(body.str_prop("adminLogin").unwrap_or("oxadmin").to_owned()),
                    password: Some(password.into()),
                    display_name: Some(format!("Context admin {name}")),
                    given_name: Some("Context".into()),
                    sur_name: Some("Admin".into()),
                    ..Default::default()
                }
                .with_primary_address(format!("oxadmin@{name}.invalid"));
                match contexts
                    .create_module_access_by_name(&ctx, &admin, "all", &settings.master)
                    .await
                {
                    Ok(created) => created.id.ok_or_else(|| {
                        JobError::transient("OX created the context but returned no id")
                    })?,
                    Err(e) if e.is_already_exists() => {
                        let again = contexts
                            .list(&name, &settings.master)
                            .await
                            .map_err(|e| ox_failure("looking up the OX context", e))?;
                        again
                            .into_iter()
                            .find(|c| c.name.as_deref() == Some(name.as_str()))
                            .and_then(|c| c.id)
                            .ok_or_else(|| {
                                JobError::permanent(format!(
                                    "OX says context {name} exists but does not list it"
                                ))
                            })?
                    }
                    Err(e) => return Err(ox_failure("creating the OX context", e)),
                }
            }
        };
        body.props.insert("contextId".into(), json!(id));
        cx.checkpoint(&body).await?;
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        if old.props.get("fileQuotaMb") != new.props.get("fileQuotaMb")
            && let Some(id) = new.props.get("contextId").and_then(Value::as_i64)
        {
            let (ox, settings) = cx.ox().await?;
            let ctx = Context {
                id: Some(id as i32),
                max_quota: Some(ox_quota(
                    new.props.get("fileQuotaMb").and_then(Value::as_i64),
                )),
                ..Default::default()
            };
            ox.contexts()
                .change(&ctx, &settings.master)
                .await
                .map_err(|e| ox_failure("changing the OX context quota", e))?;
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        // Children first (their OX objects and DNS records), then the context.
        for child in cx
            .app
            .store
            .children(&cx.instance.id, &cx.resource_id, None)
            .await
            .map_err(JobError::transient)?
        {
            let Some(model) = cx.app.services.model(&child.service).cloned() else {
                continue;
            };
            let child_cx = JobCx {
                app: cx.app.clone(),
                instance: cx.instance.clone(),
                resource_id: child.id.clone(),
                def: model.type_def().clone(),
            };
            if let Some((_, child_body)) = child_cx.resource(&child.id, model.type_def()).await? {
                model.delete(&child_cx, &child_body).await?;
            }
            let mut conn = cx
                .app
                .store
                .pool()
                .acquire()
                .await
                .map_err(JobError::transient)?;
            crate::store::Store::delete_resource(&mut conn, &cx.instance.id, &child.id)
                .await
                .map_err(JobError::transient)?;
        }
        let Some(id) = body.props.get("contextId").and_then(Value::as_i64) else {
            return Ok(());
        };
        let (ox, settings) = cx.ox().await?;
        match ox
            .contexts()
            .delete(&Context::with_id(id as i32), &settings.master)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(ox_failure("deleting the OX context", e)),
        }
    }

    async fn refresh(&self, call: &Call, mut body: Resource) -> Result<Resource, ApsError> {
        let instance = call.instance()?;
        let id = body.id().unwrap_or_default().to_owned();
        let users = call
            .app
            .store
            .children(&instance.id, &id, Some("user"))
            .await
            .map_err(internal)?;
        let mut counter = body
            .props
            .get("users")
            .cloned()
            .unwrap_or_else(|| json!({}));
        counter["usage"] = json!(users.len());
        body.props.insert("users".into(), counter);
        let mut by_profile = std::collections::BTreeMap::<String, u64>::new();
        for u in &users {
            if let Some(p) = u.body.pointer("/profile/aps/id").and_then(Value::as_str) {
                *by_profile.entry(p.to_owned()).or_default() += 1;
            }
        }
        let list: Vec<Value> = by_profile
            .into_iter()
            .map(|(profile, users)| json!({"profile": profile, "users": users}))
            .collect();
        body.props.insert("usersByProfile".into(), json!(list));
        Ok(body)
    }
}
