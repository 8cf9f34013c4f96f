//! Typed calls for the controller's singleton services and event subscriptions.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{ControllerClient, seg};
use super::error::ControllerError;

/// An event subscription (`http://aps-standard.org/types/core/event/subscription/1.0`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSubscription {
    /// Assigned by the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Event URI, e.g. `http://aps-standard.org/core/events/changed`.
    pub event: String,
    /// `{"type": <type-id>}` or `{"id": <resource-id>}`.
    pub source: Value,
    /// For link events: the relation name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The subscriber's operation that receives the notification.
    pub handler: String,
}

/// A panel notification for the notification manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// `ready`, `inProgress`, `error`, ...
    pub status: String,
    /// `{"message": <text>, "keys": {..}}`.
    pub message: Value,
    /// Optional details in the same shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// The account to notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The user to notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// A link to show with the notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Value>,
    /// The package the notification belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_id: Option<String>,
}

/// A periodic task for the periodic task manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeriodicTask {
    /// Stable id chosen by the application.
    pub task_uuid: String,
    /// Name shown to operators.
    pub task_name: String,
    /// Description shown to operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_description: Option<String>,
    /// What the controller calls.
    pub call_info: TaskCall,
    /// When.
    pub schedule: TaskSchedule,
}

/// The call a periodic task makes on the endpoint: `<verb> <endpoint>/<svc>/<resourceId><path>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskCall {
    /// The resource whose operation is called.
    pub resource_id: String,
    /// Path below the resource, e.g. `/run`.
    pub path: String,
    /// HTTP verb.
    pub verb: String,
    /// Extra headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Value>,
    /// Request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Value>,
}

/// A periodic task's schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSchedule {
    /// Period length in `period_type` units.
    pub period: u64,
    /// `SECONDS`, `MINUTES`, `HOURS`, `DAYS`.
    pub period_type: String,
    /// Optional start hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_hour: Option<u32>,
    /// Optional start minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_minute: Option<u32>,
}

const NOTIFICATIONS: &str = "/aps/2/services/notification-manager/notifications";
const TASKS: &str = "/aps/2/services/periodic-task-manager/tasks";

impl ControllerClient {
    /// `POST /aps/2/resources/<subscriber>/aps/subscriptions`.
    pub async fn subscribe(
        &self,
        subscriber: &str,
        sub: &EventSubscription,
    ) -> Result<EventSubscription, ControllerError> {
        self.request_as(
            Method::POST,
            &format!("/aps/2/resources/{}/aps/subscriptions", seg(subscriber)),
            Some(sub),
        )
        .await
    }

    /// `GET /aps/2/resources/<subscriber>/aps/subscriptions`.
    pub async fn subscriptions(
        &self,
        subscriber: &str,
    ) -> Result<Vec<EventSubscription>, ControllerError> {
        self.request_as::<_, ()>(
            Method::GET,
            &format!("/aps/2/resources/{}/aps/subscriptions", seg(subscriber)),
            None,
        )
        .await
    }

    /// `DELETE /aps/2/resources/<subscriber>/aps/subscriptions/<id>`.
    pub async fn unsubscribe(&self, subscriber: &str, id: &str) -> Result<(), ControllerError> {
        let path = format!(
            "/aps/2/resources/{}/aps/subscriptions/{}",
            seg(subscriber),
            seg(id)
        );
        self.request::<()>(Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    /// `POST .../notification-manager/notifications`; returns the stored notification.
    pub async fn send_notification(&self, n: &Notification) -> Result<Value, ControllerError> {
        self.request(Method::POST, NOTIFICATIONS, Some(n)).await
    }

    /// `PUT .../notification-manager/notifications/<id>`.
    pub async fn update_notification(
        &self,
        id: &str,
        n: &Notification,
    ) -> Result<Value, ControllerError> {
        self.request(
            Method::PUT,
            &format!("{NOTIFICATIONS}/{}", seg(id)),
            Some(n),
        )
        .await
    }

    /// `POST .../periodic-task-manager/tasks`.
    pub async fn register_task(&self, task: &PeriodicTask) -> Result<Value, ControllerError> {
        self.request(Method::POST, TASKS, Some(task)).await
    }

    /// `PUT .../periodic-task-manager/tasks/<uuid>`.
    pub async fn update_task(&self, task: &PeriodicTask) -> Result<Value, ControllerError> {
        self.request(
            Method::PUT,
            &format!("{TASKS}/{}", seg(&task.task_uuid)),
            Some(task),
        )
        .await
    }

    /// `DELETE .../periodic-task-manager/tasks/<uuid>`.
    pub async fn delete_task(&self, uuid: &str) -> Result<(), ControllerError> {
        self.request::<()>(Method::DELETE, &format!("{TASKS}/{}", seg(uuid)), None)
            .await
            .map(drop)
    }

    /// `GET .../periodic-task-manager/tasks`.
    pub async fn tasks(&self) -> Result<Vec<PeriodicTask>, ControllerError> {
        self.request_as::<_, ()>(Method::GET, TASKS, None).await
    }
}
