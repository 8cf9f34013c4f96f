//! `expire-requests`: pending purchase requests (`purchaserequest`, `state` = `pending`) whose
//! `requestedAt` is older than `cron.request_ttl_days` become `expired` in the store and in the
//! controller, and the tenant's customer is told. Works on stored rows only; the change, its
//! notification and its push ([`push`]) are one transaction, made only while the request is
//! still pending.

use oxaps_jobs::JobError;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Outcome, TaskCx, account_of};
use crate::cron::merge::{Write, update_row};
use crate::cron::push;
use crate::jobs::notify::{self, Notice};
use crate::store::ResourceRow;

/// Whether a request made at `requested_at` (RFC 3339) is past `ttl_days` at `now`.
pub fn is_stale(requested_at: &str, now: OffsetDateTime, ttl_days: u64) -> bool {
    let Ok(at) = OffsetDateTime::parse(requested_at, &Rfc3339) else {
        return false;
    };
    let ttl = time::Duration::days(i64::try_from(ttl_days).unwrap_or(i64::MAX / 86_400_000));
    now - at > ttl
}

/// Whether a stored purchase request is pending and past `ttl_days` at `now`.
fn expires(body: &Value, now: OffsetDateTime, ttl_days: u64) -> bool {
    body.get("state").and_then(Value::as_str) == Some("pending")
        && body
            .get("requestedAt")
            .and_then(Value::as_str)
            .is_some_and(|r| is_stale(r, now, ttl_days))
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let ttl = cx.app.config.cron.request_ttl_days;
    let now = OffsetDateTime::now_utc();
    let rows = cx.rows("purchaserequest").await?;
    let mut expired = 0;
    for row in rows.iter().filter(|r| expires(&r.body, now, ttl)) {
        let notice = notice(cx, row, ttl).await?;
        let instance = &cx.instance.id;
        // Only a request that is still pending when written expires (an admin's decision in
        // between wins); its notification and its push to the controller go with the change.
        let written = update_row(&cx.app, instance, &row.id, |current| {
            if !expires(&current.body, now, ttl) {
                return Ok(None);
            }
            let mut body = current.body.clone();
            body["state"] = json!("expired");
            let event = format!("{}/expired", current.id);
            Ok(Some(
                Write::body(current, body)
                    .with_job(notify::job(instance, &event, &notice))
                    .with_job(push::job(
                        instance,
                        "purchaserequest",
                        &current.id,
                        "expired",
                        json!({"state": "expired"}),
                    )),
            ))
        })
        .await?;
        if written.is_some() {
            expired += 1;
        }
    }
    Ok(Outcome::ok(format!(
        "{} purchase requests, {expired} expired (older than {ttl} days)",
        rows.len()
    )))
}

/// The notice telling the tenant's customer that `row` expired.
async fn notice(cx: &TaskCx, row: &ResourceRow, ttl: u64) -> Result<Notice, JobError> {
    let tenant_id = row
        .parent_id
        .clone()
        .or_else(|| {
            row.body
                .pointer("/tenant/aps/id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let tenant = cx
        .app
        .store
        .resource(&cx.instance.id, &tenant_id)
        .await
        .map_err(JobError::transient)?;
    let mut notice = Notice::info(
        "The purchase request of __user__ expired after __days__ days without a decision",
    )
    .key(
        "user",
        row.body
            .get("userLogin")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )
    .key("days", ttl)
    .about(row.id.clone());
    if let Some(account) = tenant.as_ref().and_then(|t| account_of(&t.body)) {
        notice = notice.to_account(account);
    }
    Ok(notice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_expire_after_the_ttl() {
        let now = OffsetDateTime::parse("2026-11-23T10:00:00Z", &Rfc3339).unwrap();
        assert!(is_stale("2026-11-01T10:00:00Z", now, 14));
        assert!(!is_stale("2026-11-20T10:00:00Z", now, 14));
        assert!(!is_stale("not a date", now, 14));
    }
}
