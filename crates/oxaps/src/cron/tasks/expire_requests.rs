//! `expire-requests`: pending purchase requests (`purchaserequest`, `state` = `pending`) whose
//! `requestedAt` is older than `cron.request_ttl_days` become `expired` in the store and in the
//! controller, and the tenant's customer is told. Works on stored rows only.

use oxaps_jobs::JobError;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Outcome, TaskCx, account_of};
use crate::jobs::notify::Notice;

/// Whether a request made at `requested_at` (RFC 3339) is past `ttl_days` at `now`.
pub fn is_stale(requested_at: &str, now: OffsetDateTime, ttl_days: u64) -> bool {
    let Ok(at) = OffsetDateTime::parse(requested_at, &Rfc3339) else {
        return false;
    };
    let ttl = time::Duration::days(i64::try_from(ttl_days).unwrap_or(i64::MAX / 86_400_000));
    now - at > ttl
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let ttl = cx.app.config.cron.request_ttl_days;
    let now = OffsetDateTime::now_utc();
    let rows = cx.rows("purchaserequest").await?;
    let mut expired = 0;
    for row in &rows {
        let pending = row.body.get("state").and_then(Value::as_str) == Some("pending");
        let requested = row.body.get("requestedAt").and_then(Value::as_str);
        if !pending || !requested.is_some_and(|r| is_stale(r, now, ttl)) {
            continue;
        }
        let mut body = row.body.clone();
        body["state"] = json!("expired");
        cx.store_body(row, &body).await?;
        cx.push("purchaserequest", &row.id, &json!({"state": "expired"}))
            .await;
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
        cx.notify(&format!("{}/expired", row.id), &notice).await?;
        expired += 1;
    }
    Ok(Outcome::ok(format!(
        "{} purchase requests, {expired} expired (older than {ttl} days)",
        rows.len()
    )))
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
