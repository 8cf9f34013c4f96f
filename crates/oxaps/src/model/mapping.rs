//! Login mappings of a tenant's OX context: each mail domain of the tenant is one, so users log in
//! as `name@domain`. On-premise OX changes contexts through OXContextService with the master admin;
//! in OX Cloud the context belongs to the brand's subadmin and goes through
//! OXResellerContextService with its credentials.

use ox::{Context, Credentials, OxClient, OxError, ResellerContext};
use oxaps_jobs::JobError;

use super::JobCx;
use super::domain::{DOMAIN_SERVICES, live};
use super::tenant::{ox_failure, ox_scope};
use crate::ox_link::OxMode;

/// Where a context's mappings are read and written.
struct Target {
    ox: OxClient,
    context_id: i32,
    /// The master admin (on-premise) or the brand's subadmin (OX Cloud).
    credentials: Credentials,
    cloud: bool,
}

impl Target {
    async fn of(cx: &JobCx, tenant_id: &str) -> Result<Target, JobError> {
        let scope = ox_scope(cx, tenant_id).await?;
        let cloud = scope.mode == OxMode::Cloud;
        let credentials = if cloud {
            scope.credentials.clone()
        } else {
            cx.ox().await?.1.master
        };
        Ok(Target {
            ox: scope.ox,
            context_id: scope.context_id,
            credentials,
            cloud,
        })
    }

    async fn read(&self) -> Result<Vec<String>, OxError> {
        if self.cloud {
            Ok(self
                .ox
                .reseller_contexts()
                .get_data(
                    &ResellerContext::with_id(self.context_id),
                    &self.credentials,
                )
                .await?
                .login_mappings)
        } else {
            Ok(self
                .ox
                .contexts()
                .get_data(&Context::with_id(self.context_id), &self.credentials)
                .await?
                .login_mappings)
        }
    }

    async fn write(&self, login_mappings: Vec<String>) -> Result<(), OxError> {
        if self.cloud {
            let ctx = ResellerContext {
                id: Some(self.context_id),
                login_mappings,
                ..Default::default()
            };
            self.ox
                .reseller_contexts()
                .change(&ctx, &self.credentials)
                .await
        } else {
            let ctx = Context {
                id: Some(self.context_id),
                login_mappings,
                ..Default::default()
            };
            self.ox.contexts().change(&ctx, &self.credentials).await
        }
    }
}

/// Adds or removes a login mapping of the tenant's context. OX replaces the whole list on change,
/// so the list written also carries the state of the tenant's other mail domains as stored here:
/// two jobs changing the same context at once cannot undo each other's mapping.
pub async fn set_mapping(
    cx: &JobCx,
    tenant_id: &str,
    domain: &str,
    present: bool,
) -> Result<(), JobError> {
    let target = match Target::of(cx, tenant_id).await {
        Ok(found) => found,
        Err(JobError::Permanent(_)) if !present => return Ok(()),
        Err(e) => return Err(e),
    };
    let current = match target.read().await {
        Ok(list) => list,
        Err(e) if e.is_not_found() && !present => return Ok(()),
        Err(e) => return Err(ox_failure("reading the OX context", e)),
    };
    let siblings: Vec<(String, bool)> = cx
        .app
        .store
        .children(&cx.instance.id, tenant_id, None)
        .await
        .map_err(JobError::transient)?
        .into_iter()
        .filter(|c| DOMAIN_SERVICES.contains(&c.service.as_str()))
        .filter_map(|c| Some((c.natural_key?, live(c.status))))
        .collect();
    let own = |list: &[String]| toggled(list, domain, present);
    let merged = own(&merged_mappings(&current, &siblings, domain));
    if same_set(&merged, &current) {
        return Ok(());
    }
    match target.write(merged).await {
        Ok(()) => Ok(()),
        // A sibling's name OX refuses (it is failing on its own): write only our change.
        Err(e) if !e.is_retryable() && !same_set(&own(&current), &current) => target
            .write(own(&current))
            .await
            .map_err(|e| ox_failure("changing the OX context's login mappings", e)),
        Err(e) if !e.is_retryable() => Ok(()),
        Err(e) => Err(ox_failure("changing the OX context's login mappings", e)),
    }
}

/// `current` with the tenant's other mail domains (`(name, live)`) as stored: live ones present,
/// ones being removed absent. Mappings we do not manage (the context name) stay.
fn merged_mappings(current: &[String], siblings: &[(String, bool)], domain: &str) -> Vec<String> {
    siblings
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case(domain))
        .fold(current.to_vec(), |list, (name, live)| {
            toggled(&list, name, *live)
        })
}

fn toggled(list: &[String], name: &str, present: bool) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .filter(|m| !m.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    if present {
        out.push(name.to_owned());
    }
    out
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|m| b.iter().any(|n| n.eq_ignore_ascii_case(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_keep_siblings_and_unmanaged_entries() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let current = list(&["oxaps-t1", "example.com", "old.example.com"]);
        let siblings = vec![
            ("example.com".to_owned(), true),
            ("old.example.com".to_owned(), false),
            ("new.example.com".to_owned(), true),
            ("sales.example.com".to_owned(), true),
        ];
        let merged = toggled(
            &merged_mappings(&current, &siblings, "sales.example.com"),
            "sales.example.com",
            false,
        );
        assert!(same_set(
            &merged,
            &list(&["oxaps-t1", "example.com", "new.example.com"])
        ));
        assert!(same_set(&list(&["A.example"]), &list(&["a.example"])));
        assert!(!same_set(&list(&["a.example"]), &list(&["b.example"])));
    }
}
