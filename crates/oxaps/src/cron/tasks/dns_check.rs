//! `dns-check`: for every domain whose DNS records oxaps created, reads the zone's records from
//! the controller and checks that the MX records and the autoconfig/autodiscover CNAMEs the
//! globals call for (`mxHosts`, `autodiscoverHost`) still exist and point where they should.
//! Missing or wrong records are reported (one notification per finding); DNS is never rewritten.

use aps::Resource;
use oxaps_jobs::JobError;
use serde_json::Value;

use super::{Outcome, TaskCx, account_of};
use crate::jobs::notify::Notice;
use crate::model::dns;

/// Lower-case, without the trailing dot.
fn norm(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// The record's target: the MX exchange or the CNAME.
fn target(record: &serde_json::Map<String, Value>) -> Option<String> {
    record
        .get("exchange")
        .or_else(|| record.get("cname"))
        .and_then(Value::as_str)
        .map(norm)
}

/// What is wrong with the zone's `existing` records against one `wanted` record, if anything.
pub fn finding(existing: &[Resource], wanted: &Value) -> Option<String> {
    let kind = wanted.pointer("/aps/type").and_then(Value::as_str)?;
    let source = norm(wanted.get("source").and_then(Value::as_str)?);
    let want = target(wanted.as_object()?)?;
    let label = if kind.contains("/mx/") { "MX" } else { "CNAME" };
    let same_name: Vec<&Resource> = existing
        .iter()
        .filter(|r| r.aps.type_id.as_deref() == Some(kind))
        .filter(|r| r.str_prop("sourceFQN").map(norm).as_deref() == Some(source.as_str()))
        .collect();
    if same_name
        .iter()
        .any(|r| target(&r.props).as_deref() == Some(want.as_str()))
    {
        return None;
    }
    match same_name.first().and_then(|r| target(&r.props)) {
        Some(other) if label == "CNAME" => Some(format!(
            "{label} {source} points to {other} instead of {want}"
        )),
        _ => Some(format!("{label} {source} -> {want} is missing")),
    }
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let Some(globals) = crate::types::of("globals") else {
        return Err(JobError::permanent("globals type missing"));
    };
    let jcx = cx.job_cx(&cx.instance.id, "globals");
    let Some((_, globals)) = jcx.resource(&cx.instance.id, &globals).await? else {
        return Err(JobError::permanent("instance settings missing"));
    };
    let controller = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    let domains = cx.rows("domain").await?;
    let (mut checked, mut lines, mut problems) = (0, Vec::new(), Vec::new());
    for domain in &domains {
        let recorded = domain
            .body
            .get(dns::RECORDS)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let zone = domain.body.pointer("/zone/aps/id").and_then(Value::as_str);
        let name = domain.body.get("name").and_then(Value::as_str);
        let (true, Some(zone), Some(name)) = (recorded, zone, name) else {
            continue;
        };
        let existing = match controller.linked(zone, "records").await {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("domain {name}: reading zone records: {e}"));
                continue;
            }
        };
        checked += 1;
        for wanted in dns::wanted(&globals, name) {
            let kind = wanted.pointer("/aps/type").and_then(Value::as_str);
            if !kind.is_some_and(|k| k.contains("/mx/") || k.contains("/cname/")) {
                continue;
            }
            let Some(what) = finding(&existing, &wanted) else {
                continue;
            };
            lines.push(format!("domain {name}: {what}"));
            let tenant = match &domain.parent_id {
                Some(t) => cx
                    .app
                    .store
                    .resource(&cx.instance.id, t)
                    .await
                    .map_err(JobError::transient)?,
                None => None,
            };
            let mut notice = Notice::needs_attention(
                "DNS of domain __domain__: __finding__. Mail or autodiscover may not work.",
            )
            .key("domain", name)
            .key("finding", what.clone())
            .about(domain.id.clone());
            if let Some(account) = tenant.as_ref().and_then(|t| account_of(&t.body)) {
                notice = notice.to_account(account);
            }
            cx.notify(
                &format!("dns-check/{}/{}", domain.id, what.replace(' ', "_")),
                &notice,
            )
            .await?;
        }
    }
    let mut report = format!("{checked} domains checked, {} findings", lines.len());
    for line in &lines {
        report.push('\n');
        report.push_str(line);
    }
    if !lines.is_empty() && problems.is_empty() {
        return Ok(Outcome::findings(
            report,
            format!("{} DNS records missing or wrong", lines.len()),
        ));
    }
    Ok(Outcome::with_problems(report, &problems))
}
