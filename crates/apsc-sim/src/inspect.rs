//! What tests can look at: resources, links, notifications, subscriptions, deliveries, tasks and
//! the call logs.

use std::time::Duration;

use serde_json::Value;

use crate::async_loop::TaskRecord;
use crate::error::{SimError, SimResult};
use crate::events::{Delivery, EventSubscription};
use crate::handle::SimHandle;
use crate::journal::{EndpointCall, RestCall};
use crate::notifications::NotificationRecord;
use crate::ops::DnsRecord;
use crate::package::InstanceRecord;
use crate::periodic::{PeriodicTask, TaskRun};
use crate::rql_eval;

impl SimHandle {
    /// A resource as the REST API would return it.
    pub fn resource(&self, id: &str) -> Option<aps::Resource> {
        self.shared.read(|st| st.store.resource(id))
    }

    /// A resource's JSON as the REST API would return it.
    pub fn resource_json(&self, id: &str) -> Option<Value> {
        self.shared.read(|st| st.store.render(id))
    }

    /// Resources matching an RQL query (`""` = all), as the provider sees them.
    pub fn resources(&self, rql: &str) -> SimResult<Vec<Value>> {
        let query = if rql.trim().is_empty() {
            None
        } else {
            Some(aps::rql::parse(rql).map_err(|e| SimError::BadRequest(e.to_string()))?)
        };
        self.shared.read(|st| {
            rql_eval::run(&st.store, query.as_ref(), st.store.all())
                .map(|r| r.items)
                .map_err(|e| SimError::BadRequest(e.to_string()))
        })
    }

    /// The ids linked through `id`'s relation `relation`.
    pub fn linked(&self, id: &str, relation: &str) -> Vec<String> {
        self.shared.read(|st| st.store.linked(id, relation))
    }

    /// Installed instances.
    pub fn instances(&self) -> Vec<InstanceRecord> {
        self.shared
            .read(|st| st.instances.values().cloned().collect())
    }

    /// The DNS records of a zone.
    pub fn dns_records(&self, zone_id: &str) -> Vec<DnsRecord> {
        self.shared.read(|st| st.dns_records(zone_id))
    }

    /// The notification manager's resource id.
    pub fn notification_manager_id(&self) -> String {
        self.shared.read(|st| st.notification_manager.clone())
    }

    /// The periodic task manager's resource id.
    pub fn periodic_task_manager_id(&self) -> String {
        self.shared.read(|st| st.periodic_task_manager.clone())
    }

    /// Notifications sent to the notification manager.
    pub fn notifications(&self) -> Vec<NotificationRecord> {
        self.shared.read(|st| st.notifications.records().to_vec())
    }

    /// Event subscriptions (with `subscriber` filled in).
    pub fn subscriptions(&self) -> Vec<EventSubscription> {
        self.shared.read(|st| st.subscriptions.clone())
    }

    /// Subscribes `subscriber_id` to events, as `POST /aps/2/resources/<id>/aps/subscriptions` does.
    pub fn subscribe(
        &self,
        subscriber_id: &str,
        subscription: Value,
    ) -> SimResult<EventSubscription> {
        self.shared
            .with(|st| st.add_subscription(subscriber_id, subscription))
    }

    /// Every event delivery so far, pending ones included.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.read(|st| st.deliveries.log().to_vec())
    }

    /// Waits until no delivery is pending (delivered or dropped), at most `timeout`.
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> SimResult<()> {
        let mut rx = self.shared.outstanding.subscribe();
        match tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) => Err(SimError::Timeout("the controller stopped".into())),
            Err(_) => Err(SimError::Timeout(format!(
                "deliveries still pending after {timeout:?}"
            ))),
        }
    }

    /// Asynchronous operation tasks (created when an endpoint answered 202).
    pub fn tasks(&self) -> Vec<TaskRecord> {
        self.shared.read(|st| st.tasks.clone())
    }

    /// The task with this id.
    pub fn task(&self, id: &str) -> Option<TaskRecord> {
        self.shared
            .read(|st| st.tasks.iter().find(|t| t.id == id).cloned())
    }

    /// Periodic tasks scheduled through the periodic task manager.
    pub fn periodic_tasks(&self) -> Vec<PeriodicTask> {
        self.shared.read(|st| st.periodic.all().cloned().collect())
    }

    /// Runs the periodic tasks that are due now.
    pub async fn run_due_tasks(&self) -> Vec<TaskRun> {
        self.shared.run_due_tasks().await
    }

    /// Runs one periodic task now.
    pub async fn run_task(&self, uuid: &str) -> SimResult<TaskRun> {
        self.shared.run_task(uuid).await
    }

    /// Every periodic task run so far.
    pub fn task_runs(&self) -> Vec<TaskRun> {
        self.shared.read(|st| st.periodic.runs().to_vec())
    }

    /// Every call made to the REST API (method, path, caller, `APS-Transaction-ID`, status...).
    pub fn transaction_log(&self) -> Vec<RestCall> {
        self.shared.read(|st| st.journal.rest().to_vec())
    }

    /// Every call the controller made to endpoints.
    pub fn endpoint_calls(&self) -> Vec<EndpointCall> {
        self.shared.read(|st| st.journal.endpoint().to_vec())
    }
}
