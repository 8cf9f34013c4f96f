//! Panel notifications: a message for a customer's (or the provider's) control panel, sent through
//! the controller's notification manager as a durable job, so a notification decided in a request
//! or a job is sent exactly once even when the controller is briefly unreachable.
//!
//! Callers enqueue in the same transaction as the change the notification reports, with a key
//! that names the event (`<instance>/<resource>/notify/<event>`): enqueueing the same event twice
//! sends one notification.

use std::sync::Arc;

use aps::controller::Notification;
use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use crate::app::App;

/// The job kind.
pub const KIND: &str = "panel.notify";

/// What a notification says and to whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// `ready` (information), `error` (needs a human), `inProgress`.
    pub status: &'static str,
    /// The text, with `__key__` placeholders filled from `keys` by the panel.
    pub message: String,
    /// Placeholder values.
    pub keys: serde_json::Map<String, Value>,
    /// Optional longer text.
    pub details: Option<String>,
    /// The account to notify (a customer's account, or the provider's when `None`).
    pub account_id: Option<String>,
    /// The APS resource the notification is about (shown as a link in the panel).
    pub resource_id: Option<String>,
}

impl Notice {
    /// An informational notice.
    pub fn info(message: impl Into<String>) -> Self {
        Notice {
            status: "ready",
            message: message.into(),
            keys: serde_json::Map::new(),
            details: None,
            account_id: None,
            resource_id: None,
        }
    }

    /// A notice that needs a human.
    pub fn needs_attention(message: impl Into<String>) -> Self {
        Notice {
            status: "error",
            ..Notice::info(message)
        }
    }

    /// Sets a placeholder value.
    pub fn key(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.keys.insert(name.to_owned(), value.into());
        self
    }

    /// Sets the details text.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// Addresses an account.
    pub fn to_account(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Links the notice to a resource.
    pub fn about(mut self, resource_id: impl Into<String>) -> Self {
        self.resource_id = Some(resource_id.into());
        self
    }

    /// The notification-manager body.
    pub fn to_notification(&self, package_id: Option<String>) -> Notification {
        Notification {
            status: self.status.to_owned(),
            message: json!({"message": self.message, "keys": self.keys}),
            details: self
                .details
                .as_ref()
                .map(|d| json!({"message": d, "keys": self.keys})),
            account_id: self.account_id.clone(),
            user_id: None,
            link: self
                .resource_id
                .as_ref()
                .map(|id| json!({"href": format!("/aps/2/resources/{id}"), "id": id})),
            package_id,
        }
    }
}

/// The job that sends `notice` for `instance_id`; `event` names it uniquely within the instance
/// (e.g. `<resource-id>/created`), so enqueueing it twice sends it once.
pub fn job(instance_id: &str, event: &str, notice: &Notice) -> NewJob {
    NewJob::new(
        KIND,
        format!("{instance_id}/notify/{event}"),
        json!({
            "instance_id": instance_id,
            "notification": notice.to_notification(None),
        }),
    )
    .instance(instance_id)
    .max_attempts(10)
}

/// The [`KIND`] job kind.
pub struct Notify;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<Notify>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for Notify {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let notification: Notification = job
            .payload
            .get("notification")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(JobError::permanent)?
            .ok_or_else(|| JobError::permanent("payload has no notification"))?;
        let Some(instance) = crate::jobs::payload_instance(&app, job).await? else {
            return Ok(crate::jobs::instance_gone());
        };
        let client = app.controller(&instance).map_err(JobError::permanent)?;
        match client.send_notification(&notification).await {
            Ok(answer) => Ok(Some(json!({"sent": answer.get("id").cloned()}))),
            Err(e) if e.is_transient() => Err(JobError::transient(e)),
            Err(e) => Err(JobError::permanent(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_becomes_the_notification_managers_body() {
        let n = Notice::needs_attention("User __login__ could not be created")
            .key("login", "a@b.example")
            .to_account("acc-1")
            .about("res-1")
            .to_notification(None);
        let body = serde_json::to_value(&n).unwrap();
        assert_eq!(body["status"], "error");
        assert_eq!(body["message"]["keys"]["login"], "a@b.example");
        assert_eq!(body["accountId"], "acc-1");
        assert_eq!(body["link"]["id"], "res-1");
    }

    #[test]
    fn the_same_event_has_the_same_key() {
        let a = job("i", "r/created", &Notice::info("x"));
        let b = job("i", "r/created", &Notice::info("y"));
        assert_eq!(a.dedup_key, b.dedup_key);
        assert_ne!(
            a.dedup_key,
            job("i", "r/other", &Notice::info("x")).dedup_key
        );
    }
}
