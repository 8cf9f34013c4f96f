//! `emailaddress`: an alias of a user on one of its tenant's domains, kept in the OX user's
//! `aliases`. OX replaces the whole list on change, so a job reads the user, adds or removes, and
//! writes the list back with the primary address in it.
//!
//! Concurrency: aliases of one user are written by several jobs (one per alias). Each job does not
//! just add or remove its own address: it applies every alias oxaps holds for the user (present
//! ones added, those being removed dropped) and repeats until a read shows OX already matching,
//! so a job writing a list it read before another job's write cannot make that alias disappear.

use std::collections::BTreeSet;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::User;
use ox::services::{Flavor, UserService};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::group::tenant_objects::{scope_unless_gone, sibling_with};
use super::tenant::{OxScope, ox_failure, ox_scope};
use super::{Admitted, JobCx, Model, linked_id, required_link};
use crate::ox_link::OxMode;
use crate::services::{Call, internal};
use crate::store::ResourceStatus;

/// Passes before a job gives up for now (and retries later).
const PASSES: usize = 5;

/// The alias model.
pub struct Alias {
    def: TypeDef,
}

impl Default for Alias {
    fn default() -> Self {
        Alias {
            def: crate::types::of("emailaddress").unwrap_or_else(|| {
                TypeDef::new("emailaddress", &crate::types::type_id("emailaddress"))
            }),
        }
    }
}

/// Checks a new alias address for the user's tenant; returns it trimmed and lowercased.
async fn check_address(call: &Call, tenant: &str, address: &str) -> Result<String, ApsError> {
    let address = address.trim().to_ascii_lowercase();
    ox::validate::mail_address("aliases", &address)
        .map_err(|_| ApsError::bad_request(format!("{address:?} is not a valid email address.")))?;
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if !super::domain::tenant_has_domain(call, tenant, domain).await? {
        return Err(ApsError::bad_request(format!(
            "{domain} is not a domain of this subscription; an alias must be on one of its domains."
        )));
    }
    let instance = &call.instance()?.id;
    let store = &call.app.store;
    if store
        .by_natural_key(instance, "user", &address)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(ApsError::conflict(format!(
            "{address} is the login of a user; it cannot also be an alias."
        )));
    }
    if store
        .by_natural_key(instance, "emailaddress", &address)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(ApsError::conflict(format!(
            "{address} is already an alias."
        )));
    }
    if sibling_with(call, tenant, "resource", "", "email", &address)
        .await?
        .is_some()
    {
        return Err(ApsError::conflict(format!(
            "{address} is the address of a resource; it cannot also be an alias."
        )));
    }
    Ok(address)
}

/// The aliases oxaps holds for `user`: (to keep, to drop), lowercased. `leaving` is an alias being
/// removed (its row may not say so yet, as in a compensation).
async fn held(
    cx: &JobCx,
    tenant: &str,
    user: &str,
    leaving: Option<&str>,
) -> Result<(BTreeSet<String>, BTreeSet<String>), JobError> {
    let rows = cx
        .app
        .store
        .children(&cx.instance.id, tenant, Some("emailaddress"))
        .await
        .map_err(JobError::transient)?;
    let (mut keep, mut drop) = (BTreeSet::new(), BTreeSet::new());
    for r in rows {
        if r.body.pointer("/user/aps/id").and_then(Value::as_str) != Some(user) {
            continue;
        }
        let Some(address) = r.body.get("address").and_then(Value::as_str) else {
            continue;
        };
        let gone = Some(r.id.as_str()) == leaving
            || matches!(
                r.status,
                ResourceStatus::Unprovisioning | ResourceStatus::Failed
            );
        if gone { &mut drop } else { &mut keep }.insert(address.to_ascii_lowercase());
    }
    Ok((keep, drop))
}

/// The OX alias list with `keep` added and `drop` removed; the primary address always stays.
fn merged(
    current: &[String],
    primary: Option<&str>,
    keep: &BTreeSet<String>,
    drop: &BTreeSet<String>,
) -> Vec<String> {
    let is_primary = |a: &str| primary.is_some_and(|p| p.eq_ignore_ascii_case(a));
    let mut next: Vec<String> = current
        .iter()
        .filter(|a| is_primary(a) || !drop.contains(&a.to_ascii_lowercase()))
        .cloned()
        .collect();
    if let Some(p) = primary
        && !next.iter().any(|a| a.eq_ignore_ascii_case(p))
    {
        next.insert(0, p.to_owned());
    }
    for k in keep {
        if !next.iter().any(|a| a.eq_ignore_ascii_case(k)) {
            next.push(k.clone());
        }
    }
    next
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let set =
        |l: &[String]| -> BTreeSet<String> { l.iter().map(|s| s.to_ascii_lowercase()).collect() };
    set(a) == set(b)
}

/// Brings the OX user's aliases in line with the aliases oxaps holds for it. `leaving`: this
/// alias is being removed (a missing user, tenant or context is then success).
async fn apply(cx: &JobCx, body: &Resource, leaving: bool) -> Result<(), JobError> {
    let gone = |what: String| {
        if leaving {
            Ok(())
        } else {
            Err(JobError::permanent(what))
        }
    };
    let Some(user_id) = linked_id(body, "user") else {
        return gone("the alias has no user".into());
    };
    let def = crate::types::of("user").ok_or_else(|| JobError::permanent("user type missing"))?;
    let Some((row, user)) = cx.resource(&user_id, &def).await? else {
        return gone(format!("user {user_id} does not exist"));
    };
    let Some(tenant) = row.parent_id.clone().or_else(|| linked_id(&user, "tenant")) else {
        return gone(format!("user {user_id} has no tenant"));
    };
    let Some(ox_user) = user.props.get("oxUserId").and_then(Value::as_i64) else {
        return if leaving {
            Ok(())
        } else {
            Err(JobError::transient(format!(
                "the OX user of {user_id} is not created yet"
            )))
        };
    };
    let scope = if leaving {
        match scope_unless_gone(cx, &tenant).await? {
            Some(scope) => scope,
            None => return Ok(()),
        }
    } else {
        ox_scope(cx, &tenant).await?
    };
    let target = Target {
        tenant: &tenant,
        user: &user_id,
        ox_user: ox_user as i32,
        leaving,
    };
    match scope.mode {
        OxMode::OnPremise => apply_in(cx, &scope.ox.users(), &scope, &target).await,
        OxMode::Cloud => apply_in(cx, &scope.ox.reseller_users(), &scope, &target).await,
    }
}

/// Whose aliases a job applies.
struct Target<'a> {
    tenant: &'a str,
    user: &'a str,
    ox_user: i32,
    /// The job's alias is being removed.
    leaving: bool,
}

async fn apply_in<F: Flavor>(
    cx: &JobCx,
    users: &UserService<F>,
    scope: &OxScope,
    target: &Target<'_>,
) -> Result<(), JobError> {
    let (ctx, auth) = (&scope.ctx::<F>(), &scope.credentials);
    let reference = User::by_id(target.ox_user);
    let own = target.leaving.then_some(cx.resource_id.as_str());
    for _ in 0..PASSES {
        let (keep, drop) = held(cx, target.tenant, target.user, own).await?;
        let current = match users.get_data(ctx, &reference, auth).await {
            Ok(u) => u,
            Err(e) if e.is_not_found() && target.leaving => return Ok(()),
            Err(e) => return Err(ox_failure("reading the OX user's aliases", e)),
        };
        let primary = current.primary_email.as_deref();
        let next = merged(&current.aliases, primary, &keep, &drop);
        if same_set(&next, &current.aliases) {
            return Ok(());
        }
        // A sender address that is dropped falls back to the primary one (OX wants it in the list).
        let sender = current
            .default_sender_address
            .as_deref()
            .filter(|s| !next.iter().any(|a| a.eq_ignore_ascii_case(s)))
            .and(primary)
            .map(str::to_owned);
        let change = User {
            id: Some(target.ox_user),
            aliases: next,
            default_sender_address: sender,
            ..Default::default()
        };
        users
            .change(ctx, &change, auth)
            .await
            .map_err(|e| ox_failure("changing the OX user's aliases", e))?;
    }
    Err(JobError::transient(
        "the user's aliases kept changing while they were applied; trying again",
    ))
}

#[async_trait]
impl Model for Alias {
    fn service(&self) -> &'static str {
        "emailaddress"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let user = required_link(&body, "user", "emailaddress")?;
        let instance = call.instance()?;
        let row = call
            .app
            .store
            .resource(&instance.id, &user)
            .await
            .map_err(internal)?
            .filter(|r| r.service == "user")
            .ok_or_else(|| {
                ApsError::bad_request(format!(
                    "User {user} does not exist; an alias belongs to an OX App Suite user."
                ))
            })?;
        if matches!(
            row.status,
            ResourceStatus::Unprovisioning | ResourceStatus::Failed
        ) {
            return Err(ApsError::conflict(format!(
                "User {user} is being removed or failed to provision; it cannot get an alias."
            )));
        }
        let tenant = row
            .parent_id
            .ok_or_else(|| internal(format!("user {user} has no tenant")))?;
        let address = check_address(call, &tenant, body.str_prop("address").unwrap_or("")).await?;
        body.props.insert("address".into(), json!(address));
        Ok(Admitted {
            body,
            parent_id: Some(tenant),
            natural_key: Some(address),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        new: Resource,
    ) -> Result<Resource, ApsError> {
        let same = |b: &Resource| b.str_prop("address").map(str::to_ascii_lowercase);
        if new.props.contains_key("address") && same(&new) != same(current) {
            return Err(ApsError::bad_request(
                "The address of an alias cannot be changed; remove the alias and add a new one.",
            ));
        }
        if linked_id(&new, "user") != linked_id(current, "user") {
            return Err(ApsError::bad_request(
                "An alias cannot move to another user; remove it and add it to the other user.",
            ));
        }
        let mut new = new;
        if let Some(a) = current.props.get("address") {
            new.props.insert("address".into(), a.clone());
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        apply(cx, &body, false).await?;
        Ok(body)
    }

    async fn update(
        &self,
        _cx: &JobCx,
        _old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        // Address and user cannot change: nothing to apply.
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        apply(cx, body, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn merged_adds_drops_and_keeps_the_primary() {
        let current = list(&["ada@x.com", "old@x.com", "Foreign@x.com"]);
        let next = merged(
            &current,
            Some("ada@x.com"),
            &set(&["new@x.com"]),
            &set(&["old@x.com", "ada@x.com"]),
        );
        assert_eq!(next, list(&["ada@x.com", "Foreign@x.com", "new@x.com"]));
        let next = merged(&[], Some("ada@x.com"), &set(&[]), &set(&[]));
        assert_eq!(next, list(&["ada@x.com"]));
    }

    #[test]
    fn sets_compare_without_case_or_order() {
        assert!(same_set(
            &list(&["A@x.com", "b@x.com"]),
            &list(&["b@x.com", "a@x.com"])
        ));
        assert!(!same_set(
            &list(&["a@x.com"]),
            &list(&["a@x.com", "b@x.com"])
        ));
    }
}
