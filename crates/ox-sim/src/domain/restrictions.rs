//! Reseller restrictions, counted like OX's reseller plugin (the context admin
//! counts as a user). Violations are StorageExceptions carrying the
//! OXResellerException text (OX wraps plugin exceptions).

use std::collections::BTreeSet;

use sqlx::AnyConnection;

use super::access;
use crate::error::{OxError, OxResult};
use crate::model::{ContextRow, ResellerRow, Restriction};
use crate::store::{contexts, resellers, users};

const FIXED: &[&str] = &[
    "Context.MaxUser",
    "Subadmin.CanCreateSubadmin",
    "Subadmin.MaxContext",
    "Subadmin.MaxContextQuota",
    "Subadmin.MaxOverallContextQuota",
    "Subadmin.MaxOverallUser",
    "Subadmin.MaxSubadmin",
];

/// All restriction names OX offers (`getAvailableRestrictions`), in id order.
pub fn available() -> Vec<String> {
    let mut v: Vec<String> = FIXED.iter().map(|s| (*s).to_string()).collect();
    for c in access::NAMES {
        v.push(format!("Context.MaxUserByModuleaccess_{c}"));
        v.push(format!("Subadmin.MaxOverallUserByModuleaccess_{c}"));
    }
    v
}

/// The id OX would give a restriction name (position in [`available`], from 1).
pub fn id_of(name: &str) -> i64 {
    available()
        .iter()
        .position(|n| n == name)
        .map(|p| p as i64 + 1)
        .unwrap_or(0)
}

/// Validates restriction names and values.
pub fn validate(list: &[Restriction]) -> OxResult<()> {
    let avail = available();
    for r in list {
        if !avail.contains(&r.name) {
            return Err(OxError::invalid(format!("No such restriction {}", r.name)));
        }
        let boolean = r.name == "Subadmin.CanCreateSubadmin";
        let ok = if boolean {
            matches!(r.value.as_str(), "true" | "false")
        } else {
            r.value.trim().parse::<i64>().is_ok()
        };
        if !ok {
            return Err(OxError::invalid(format!(
                "Invalid value \"{}\" for restriction {}",
                r.value, r.name
            )));
        }
    }
    Ok(())
}

fn value(list: &[Restriction], name: &str) -> Option<i64> {
    list.iter()
        .find(|r| r.name == name)
        .and_then(|r| r.value.trim().parse().ok())
}

fn parse_access(s: &str) -> BTreeSet<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Context-level limits come from the context, else from its owner.
fn ctx_limit(ctx: &ContextRow, owner: Option<&ResellerRow>, name: &str) -> Option<i64> {
    value(&ctx.restrictions, name).or_else(|| owner.and_then(|o| value(&o.restrictions, name)))
}

fn has_combo(rights: &BTreeSet<String>, c: &str) -> bool {
    access::combination(c).is_some_and(|d| *rights == d || *rights == access::for_user(d, false))
}

fn count_with(list: &[String], c: &str) -> i64 {
    list.iter()
        .filter(|a| has_combo(&parse_access(a), c))
        .count() as i64
}

/// Checks adding one user with `rights` to `ctx` (also used for context creation,
/// where the new admin is the user). `replacing` is the access set of a user whose
/// rights are being changed (that user is not counted twice).
pub async fn check_user_add(
    conn: &mut AnyConnection,
    ctx: &ContextRow,
    rights: &BTreeSet<String>,
    replacing: Option<&BTreeSet<String>>,
) -> OxResult<()> {
    let owner = if ctx.owner_id > 0 {
        resellers::get(conn, ctx.owner_id).await?
    } else {
        None
    };
    let combos: Vec<&str> = access::NAMES
        .iter()
        .copied()
        .filter(|c| has_combo(rights, c))
        .collect();
    let add = |c: &str| i64::from(!replacing.is_some_and(|r| has_combo(r, c)));
    let ctx_limited = ctx_limit(ctx, owner.as_ref(), "Context.MaxUser").is_some()
        || combos.iter().any(|c| {
            ctx_limit(
                ctx,
                owner.as_ref(),
                &format!("Context.MaxUserByModuleaccess_{c}"),
            )
            .is_some()
        });
    // Counting needs every user's rights; skip it when no limit applies.
    let in_ctx = if ctx_limited {
        users::access_in_context(conn, ctx.id).await?
    } else {
        Vec::new()
    };
    if let Some(max) = ctx_limit(ctx, owner.as_ref(), "Context.MaxUser")
        && in_ctx.len() as i64 + i64::from(replacing.is_none()) > max
    {
        return Err(OxError::storage(format!(
            "Maximum number of users per context reached: {max}"
        )));
    }
    for c in &combos {
        let name = format!("Context.MaxUserByModuleaccess_{c}");
        if let Some(max) = ctx_limit(ctx, owner.as_ref(), &name)
            && count_with(&in_ctx, c) + add(c) > max
        {
            return Err(OxError::storage(format!(
                "Maximum number of users by moduleaccess per context reached: {max}"
            )));
        }
    }
    let Some(owner) = owner else {
        return Ok(());
    };
    if !owner
        .restrictions
        .iter()
        .any(|r| r.name.starts_with("Subadmin.MaxOverallUser"))
    {
        return Ok(());
    }
    let all = users::access_of_owner(conn, owner.id).await?;
    if let Some(max) = value(&owner.restrictions, "Subadmin.MaxOverallUser")
        && all.len() as i64 + i64::from(replacing.is_none()) > max
    {
        return Err(OxError::storage(format!(
            "Maximum overall number of users reached: {max}"
        )));
    }
    for c in &combos {
        let name = format!("Subadmin.MaxOverallUserByModuleaccess_{c}");
        if let Some(max) = value(&owner.restrictions, &name)
            && count_with(&all, c) + add(c) > max
        {
            return Err(OxError::storage(format!(
                "Maximum overall number of users by moduleaccess reached: {max}"
            )));
        }
    }
    Ok(())
}

/// Checks a reseller creating one more context with `max_quota` MB, or changing the
/// quota of `existing` to `max_quota`.
pub async fn check_context_quota(
    conn: &mut AnyConnection,
    owner: &ResellerRow,
    max_quota: i64,
    existing: Option<i64>,
) -> OxResult<()> {
    if existing.is_none()
        && let Some(max) = value(&owner.restrictions, "Subadmin.MaxContext")
        && contexts::count_by_owner(conn, owner.id).await? + 1 > max
    {
        return Err(OxError::storage(format!(
            "Maximum number of contexts reached: {max}"
        )));
    }
    if let Some(max) = value(&owner.restrictions, "Subadmin.MaxContextQuota")
        && (max_quota < 0 || max_quota > max)
    {
        return Err(OxError::storage(format!(
            "Maximum context quota reached: {max}"
        )));
    }
    if let Some(max) = value(&owner.restrictions, "Subadmin.MaxOverallContextQuota") {
        let owned = contexts::list(conn, Some(owner.id)).await?;
        let mut sum: i64 = 0;
        let mut unlimited = max_quota < 0;
        for c in owned.iter().filter(|c| Some(c.id) != existing) {
            unlimited |= c.max_quota < 0;
            sum = sum.saturating_add(c.max_quota.max(0));
        }
        if unlimited || sum.saturating_add(max_quota) > max {
            return Err(OxError::storage(format!(
                "Maximum overall context quota reached: {max}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_contains_module_access_restrictions() {
        let a = available();
        assert!(a.contains(&"Subadmin.MaxOverallUserByModuleaccess_webmail".to_string()));
        assert_eq!(id_of("Context.MaxUser"), 1);
        assert_eq!(id_of("nope"), 0);
    }

    #[test]
    fn validates_names_and_values() {
        let r = |n: &str, v: &str| Restriction {
            name: n.into(),
            value: v.into(),
        };
        assert!(validate(&[r("Subadmin.MaxContext", "5")]).is_ok());
        assert!(validate(&[r("Subadmin.MaxContext", "x")]).is_err());
        assert!(validate(&[r("Bogus", "1")]).is_err());
        assert!(validate(&[r("Subadmin.CanCreateSubadmin", "true")]).is_ok());
    }
}
