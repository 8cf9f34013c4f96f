//! The DNS records a mail domain needs, created in the customer's hosted zone through the
//! controller (OSA's DNS types), and removed by the ids recorded when they were created.
//!
//! The ids live in the resource's `dnsRecords` property; nothing else is ever removed, so a
//! record the customer added to the zone survives the domain's (or subdomain's) removal.

use aps::Resource;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::JobCx;

/// The records the globals settings call for on `domain`: MX per host, the SPF TXT record and the
/// autoconfig/autodiscover CNAMEs.
pub fn wanted(globals: &Resource, domain: &str) -> Vec<Value> {
    let mut records = Vec::new();
    for mx in globals
        .props
        .get("mxHosts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(host) = mx.get("host").and_then(Value::as_str) {
            let priority = mx.get("priority").and_then(Value::as_i64).unwrap_or(10);
            records.push(json!({"aps": {"type": record_type("mx")}, "source": format!("{domain}."), "priority": priority, "exchange": format!("{}.", host.trim_end_matches('.'))}));
        }
    }
    if let Some(include) = globals.str_prop("spfInclude").filter(|s| !s.is_empty()) {
        records.push(json!({"aps": {"type": record_type("txt")}, "source": format!("{domain}."), "txt_data": format!("v=spf1 include:{include} ~all")}));
    }
    if let Some(host) = globals
        .str_prop("autodiscoverHost")
        .filter(|s| !s.is_empty())
    {
        for label in ["autoconfig", "autodiscover"] {
            records.push(json!({"aps": {"type": record_type("cname")}, "source": format!("{label}.{domain}."), "cname": format!("{}.", host.trim_end_matches('.'))}));
        }
    }
    records
}

/// The property that holds the ids of the records a resource created.
pub const RECORDS: &str = "dnsRecords";

/// The record ids recorded in `body`.
pub fn recorded(body: &Resource) -> Vec<String> {
    body.props
        .get(RECORDS)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Creates the records `name` needs (see [`wanted`]) in `zone_id` and records their ids in
/// `body`, checkpointing after each, so a retry neither duplicates nor forgets one.
pub async fn provision(
    cx: &JobCx,
    body: &mut Resource,
    zone_id: &str,
    name: &str,
) -> Result<(), JobError> {
    let globals_def =
        crate::types::of("globals").ok_or_else(|| JobError::permanent("globals type missing"))?;
    let (_, globals) = cx
        .resource(&cx.instance.id, &globals_def)
        .await?
        .ok_or_else(|| JobError::permanent("instance settings missing"))?;
    let base = body.clone();
    let ids = create(
        cx,
        zone_id,
        &wanted(&globals, name),
        recorded(body),
        |ids| {
            let mut b = base.clone();
            b.props.insert(RECORDS.into(), json!(ids));
            b
        },
    )
    .await?;
    body.props.insert(RECORDS.into(), json!(ids));
    Ok(())
}

/// The standard DNS record type of a kind.
pub fn record_type(kind: &str) -> String {
    format!("http://aps-standard.org/types/dns/record/{kind}/1.0")
}

/// Creates the records in `zone_id`, skipping those already recorded in `created` (a retry after a
/// crash does not duplicate them); returns every created record id.
pub async fn create(
    cx: &JobCx,
    zone_id: &str,
    records: &[Value],
    mut created: Vec<String>,
    checkpoint: impl Fn(&[String]) -> Resource,
) -> Result<Vec<String>, JobError> {
    let controller = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    let existing = controller
        .linked(zone_id, "records")
        .await
        .map_err(controller_failure)?;
    for record in records {
        // Adopt an identical record (same type, name and data) left by an earlier attempt.
        let same = existing
            .iter()
            .find(|r| same_record(r, record))
            .and_then(|r| r.id().map(str::to_owned));
        let id = match same {
            Some(id) => id,
            None => controller
                .create_linked(zone_id, "records", record)
                .await
                .map_err(controller_failure)?
                .id()
                .map(str::to_owned)
                .ok_or_else(|| {
                    JobError::transient("the controller created a DNS record without an id")
                })?,
        };
        if !created.contains(&id) {
            created.push(id);
            cx.checkpoint(&checkpoint(&created)).await?;
        }
    }
    Ok(created)
}

/// Removes records by id; records already gone are fine.
pub async fn remove(cx: &JobCx, ids: &[String]) -> Result<(), JobError> {
    if ids.is_empty() {
        return Ok(());
    }
    let controller = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    for id in ids {
        match controller.delete_resource(id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(controller_failure(e)),
        }
    }
    Ok(())
}

fn same_record(existing: &Resource, wanted: &Value) -> bool {
    let wanted_type = wanted.pointer("/aps/type").and_then(Value::as_str);
    if existing.aps.type_id.as_deref() != wanted_type {
        return false;
    }
    let Some(obj) = wanted.as_object() else {
        return false;
    };
    obj.iter()
        .filter(|(k, _)| *k != "aps" && *k != "source")
        .all(|(k, v)| existing.props.get(k) == Some(v))
        && existing
            .str_prop("sourceFQN")
            .map(|s| s.trim_end_matches('.'))
            == wanted
                .get("source")
                .and_then(Value::as_str)
                .map(|s| s.trim_end_matches('.'))
}

fn controller_failure(e: aps::controller::ControllerError) -> JobError {
    if e.is_transient() {
        JobError::transient(format!("controller: {e}"))
    } else {
        JobError::permanent(format!("controller: {e}"))
    }
}
