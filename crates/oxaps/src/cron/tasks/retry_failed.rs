//! `retry-failed`: dead `model` jobs of the last 7 days whose failure looks transient (OX or the
//! controller unreachable, timeouts) are retried, at most 3 times by this task (counted in the
//! crontask's stored `retryCounts`). Every other dead job gets one "needs a human" notification.

use std::collections::BTreeMap;

use oxaps_jobs::{Job, JobError, JobStatus, ListFilter};
use serde_json::json;

use super::{Outcome, TaskCx};
use crate::jobs::notify::Notice;

/// How far back dead jobs are looked at.
pub const MAX_AGE_MS: i64 = 7 * 86_400_000;
/// Retries this task makes of one job.
pub const MAX_RETRIES: i64 = 3;

/// Whether a failure reads as one that may pass by itself.
pub fn looks_transient(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    [
        "timeout",
        "timed out",
        "transient",
        "connection",
        "unavailable",
        "temporar",
        "try again",
        "not created yet",
        "503",
        "502",
        "504",
    ]
    .iter()
    .any(|w| e.contains(w))
}

/// The counts of jobs that are not dead now (pending or running again after a retry, or
/// succeeded) and are younger than [`MAX_AGE_MS`]: kept, so a job failing again later still has
/// only the retries left. A job gone from the queue or too old drops out.
async fn carried_over(
    cx: &TaskCx,
    old: &BTreeMap<String, i64>,
    dead: &[Job],
    now: i64,
) -> Result<BTreeMap<String, i64>, JobError> {
    let mut kept = BTreeMap::new();
    for (id, n) in old {
        if dead.iter().any(|j| j.id.to_string() == *id) {
            continue;
        }
        let Ok(uuid) = id.parse() else {
            continue;
        };
        let job = cx.app.queue.get(uuid).await.map_err(JobError::transient)?;
        if job.is_some_and(|j| now - j.created_at < MAX_AGE_MS) {
            kept.insert(id.clone(), *n);
        }
    }
    Ok(kept)
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let now = cx.app.queue.now_ms();
    let dead = cx
        .app
        .queue
        .list(&ListFilter {
            status: Some(JobStatus::Dead),
            kind: Some(crate::model::job::KIND.into()),
            instance_id: Some(cx.instance.id.clone()),
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .map_err(JobError::transient)?;
    let Some(row) = cx
        .app
        .store
        .resource(&cx.instance.id, &cx.crontask_id)
        .await
        .map_err(JobError::transient)?
    else {
        return Ok(Outcome::ok("crontask removed"));
    };
    let old_counts: BTreeMap<String, i64> = row
        .body
        .get("_oxapsRetryCounts")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut counts = carried_over(cx, &old_counts, &dead, now).await?;
    let (mut retried, mut reported) = (0, 0);
    let recent: Vec<&Job> = dead
        .iter()
        .filter(|j| now - j.updated_at.max(j.created_at) < MAX_AGE_MS)
        .collect();
    for job in &recent {
        let id = job.id.to_string();
        let error = job.last_error.clone().unwrap_or_default();
        let n = old_counts.get(&id).copied().unwrap_or(0);
        if looks_transient(&error) && n < MAX_RETRIES {
            if cx
                .app
                .queue
                .retry(job.id)
                .await
                .map_err(JobError::transient)?
            {
                retried += 1;
            }
            counts.insert(id, n + 1);
            continue;
        }
        counts.insert(id.clone(), n);
        let mut notice =
            Notice::needs_attention("A provisioning step failed and needs a human: __error__")
                .key("error", error.clone())
                .details(format!("job {} ({})", id, job.dedup_key));
        if let Some(resource) = &job.resource_id {
            notice = notice.about(resource.clone());
        }
        cx.notify(&format!("job/{id}/needs-human"), &notice).await?;
        reported += 1;
    }
    let counts_value = json!(counts);
    cx.update_body(&row.id, |body| {
        if body.get("_oxapsRetryCounts") == Some(&counts_value) {
            return false;
        }
        body["_oxapsRetryCounts"] = counts_value.clone();
        true
    })
    .await?;
    let report = format!(
        "{} dead provisioning jobs: {retried} retried, {reported} need a human",
        recent.len()
    );
    if reported > 0 {
        return Ok(Outcome::findings(
            report,
            format!("{reported} failed jobs need a human"),
        ));
    }
    Ok(Outcome::ok(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_are_told_apart() {
        assert!(looks_transient("OX: connection refused"));
        assert!(looks_transient(
            "the OX context of tenant x is not created yet"
        ));
        assert!(!looks_transient(
            "creating the OX user: invalid data: bad name"
        ));
    }
}
