//! Event subscriptions and notification delivery.
//!
//! A change in the store raises events; each event is matched against the subscriptions
//! (`event` URI, `source.id` or `source.type` with the type hierarchy, `relation` for link events)
//! and queued for the subscriber. A background worker delivers the queue in order:
//! `POST <base>/<service>/<subscriber-id>/<handler>` with `{event, source: {id, type}, time,
//! serial, subscription}`. 200/204 = delivered; 202 = redeliver later (unbounded in the real
//! controller, capped here by `event_max_redeliveries`); any other answer or a transport error =
//! retried up to `event_max_retries` times, then dropped. Deliveries wait
//! `event_retry_delay_secs × time_scale` between attempts. Visibility rules are not applied:
//! every matching subscriber is notified (**deviation**).

use std::collections::VecDeque;
use std::time::Instant;

use aps::headers::RequestPhase;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::controller::{Shared, State};
use crate::endpoint_client::EndpointRequest;
use crate::error::{SimError, SimResult};
use crate::store::{RawEvent, now_iso};
use crate::types::TypeRegistry;

/// The `source` of a subscription: a type or one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    /// Any resource implementing this type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    /// This resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// An event subscription (`http://aps-standard.org/types/core/event/subscription/1.0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSubscription {
    /// Assigned by the controller.
    #[serde(default)]
    pub id: String,
    /// The subscribed resource (not part of the wire shape).
    #[serde(skip)]
    pub subscriber: String,
    /// The event type URI.
    pub event: String,
    /// What to listen to.
    #[serde(default)]
    pub source: EventSource,
    /// For link events: the relation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// The handler operation name (also its path).
    pub handler: String,
}

impl EventSubscription {
    /// Whether `event` concerns this subscription.
    pub fn matches(&self, types: &TypeRegistry, event: &RawEvent) -> bool {
        if self.event != event.kind.uri() {
            return false;
        }
        let source_ok = match (&self.source.id, &self.source.type_id) {
            (Some(id), _) => *id == event.source_id,
            (None, Some(t)) => types.implements(&event.source_type, t),
            (None, None) => false,
        };
        let relation_ok = match &self.relation {
            Some(r) => event.relation.as_deref() == Some(r.as_str()),
            None => true,
        };
        source_ok && relation_ok
    }
}

/// How a delivery ended (so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryOutcome {
    /// Still queued or being retried.
    Pending,
    /// The handler answered 200 or 204.
    Delivered,
    /// Retries exhausted (or the subscriber vanished).
    Dropped,
}

/// One notification for one subscriber, with every attempt to deliver it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// Delivery number.
    pub id: u64,
    /// The subscription.
    pub subscription_id: String,
    /// The subscribed resource.
    pub subscriber_id: String,
    /// The handler.
    pub handler: String,
    /// The notification body sent.
    pub notification: Value,
    /// Transaction id used for its requests.
    pub transaction_id: String,
    /// Status of every attempt (0 = transport error).
    pub attempts: Vec<u16>,
    /// Current outcome.
    pub outcome: DeliveryOutcome,
}

/// The queue and log of deliveries.
#[derive(Debug, Default)]
pub struct DeliveryQueue {
    log: Vec<Delivery>,
    queue: VecDeque<(u64, Instant)>,
    serial: u64,
}

impl DeliveryQueue {
    /// Every delivery so far.
    pub fn log(&self) -> &[Delivery] {
        &self.log
    }
}

impl State {
    /// Matches the store's new events against subscriptions and queues deliveries; returns how many.
    pub(crate) fn queue_events(&mut self) -> usize {
        let events = self.store.drain_events();
        let mut queued = 0;
        for event in events {
            let matching: Vec<EventSubscription> = self
                .subscriptions
                .iter()
                .filter(|s| s.matches(&self.store.types, &event))
                .cloned()
                .collect();
            for sub in matching {
                let q = &mut self.deliveries;
                q.serial += 1;
                let notification = json!({
                    "event": event.kind.uri(),
                    "source": {"id": event.source_id, "type": event.source_type},
                    "time": now_iso(),
                    "serial": q.serial,
                    "subscription": sub.id,
                });
                let id = q.log.len() as u64 + 1;
                q.log.push(Delivery {
                    id,
                    subscription_id: sub.id.clone(),
                    subscriber_id: sub.subscriber.clone(),
                    handler: sub.handler.clone(),
                    notification,
                    transaction_id: uuid::Uuid::new_v4().to_string(),
                    attempts: vec![],
                    outcome: DeliveryOutcome::Pending,
                });
                q.queue.push_back((id, Instant::now()));
                queued += 1;
            }
        }
        queued
    }
}

impl State {
    /// Adds a subscription of `subscriber_id` from its wire form; returns it with its new id.
    pub(crate) fn add_subscription(
        &mut self,
        subscriber_id: &str,
        body: Value,
    ) -> SimResult<EventSubscription> {
        if self.store.get(subscriber_id).is_none() {
            return Err(SimError::NotFound(format!("resource {subscriber_id}")));
        }
        let mut sub: EventSubscription = serde_json::from_value(body)
            .map_err(|e| SimError::BadRequest(format!("event subscription: {e}")))?;
        if sub.source.id.is_none() && sub.source.type_id.is_none() {
            return Err(SimError::BadRequest(
                "an event subscription needs source.type or source.id".into(),
            ));
        }
        if sub.handler.trim().is_empty() || sub.event.trim().is_empty() {
            return Err(SimError::BadRequest(
                "an event subscription needs event and handler".into(),
            ));
        }
        sub.id = uuid::Uuid::new_v4().to_string();
        sub.subscriber = subscriber_id.to_owned();
        self.subscriptions.push(sub.clone());
        Ok(sub)
    }

    /// Removes a subscription of `subscriber_id`; returns whether it existed.
    pub(crate) fn remove_subscription(&mut self, subscriber_id: &str, id: &str) -> bool {
        let before = self.subscriptions.len();
        self.subscriptions
            .retain(|s| !(s.subscriber == subscriber_id && s.id == id));
        before != self.subscriptions.len()
    }
}

enum Next {
    Idle,
    Wait(Instant),
    Send(u64, Box<EndpointRequest>),
}

fn finish(st: &mut State, id: u64, outcome: DeliveryOutcome) {
    if let Some(d) = st.deliveries.log.iter_mut().find(|d| d.id == id) {
        d.outcome = outcome;
    }
}

impl Shared {
    fn next_delivery(&self) -> (Next, usize) {
        self.with(|st| {
            let mut dropped = 0;
            loop {
                let Some(&(id, due)) = st.deliveries.queue.front() else {
                    return (Next::Idle, dropped);
                };
                if due > Instant::now() {
                    return (Next::Wait(due), dropped);
                }
                st.deliveries.queue.pop_front();
                let Some(d) = st.deliveries.log.iter().find(|d| d.id == id).cloned() else {
                    continue;
                };
                let target = st.store.get(&d.subscriber_id).and_then(|r| {
                    let instance = st.instances.get(r.instance.as_deref()?)?;
                    let package = st.packages.get(&instance.package_id)?;
                    let service = package.spec.service_by_type(&r.type_id)?;
                    Some((
                        instance.id.clone(),
                        instance.endpoint.clone(),
                        service.id.clone(),
                    ))
                });
                let Some((instance_id, base, service)) = target else {
                    finish(st, id, DeliveryOutcome::Dropped);
                    dropped += 1;
                    continue;
                };
                let req = EndpointRequest {
                    purpose: "event",
                    instance_id,
                    base,
                    method: Method::POST,
                    path: format!(
                        "{service}/{}/{}",
                        d.subscriber_id,
                        d.handler.trim_start_matches('/')
                    ),
                    query: None,
                    body: Some(d.notification.clone()),
                    transaction_id: d.transaction_id.clone(),
                    phase: RequestPhase::Sync,
                    identity: None,
                    headers: vec![],
                };
                return (Next::Send(id, Box::new(req)), dropped);
            }
        })
    }

    /// Records the answer to one attempt; returns whether the delivery is finished.
    fn record_attempt(&self, id: u64, status: u16) -> bool {
        let retry_at = Instant::now()
            + self
                .config
                .scaled(self.config.event_retry_delay_secs as f64);
        self.with(|st| {
            let Some(d) = st.deliveries.log.iter_mut().find(|d| d.id == id) else {
                return true;
            };
            d.attempts.push(status);
            let redeliveries = d.attempts.iter().filter(|s| **s == 202).count() as u32;
            let failures = d
                .attempts
                .iter()
                .filter(|s| !matches!(**s, 200 | 204 | 202))
                .count() as u32;
            let outcome = match status {
                200 | 204 => DeliveryOutcome::Delivered,
                202 if redeliveries <= self.config.event_max_redeliveries => {
                    DeliveryOutcome::Pending
                }
                202 => DeliveryOutcome::Dropped,
                _ if failures <= self.config.event_max_retries => DeliveryOutcome::Pending,
                _ => DeliveryOutcome::Dropped,
            };
            d.outcome = outcome;
            if outcome == DeliveryOutcome::Pending {
                st.deliveries.queue.push_back((id, retry_at));
                false
            } else {
                true
            }
        })
    }

    /// The delivery worker: runs until shutdown.
    pub(crate) async fn deliver_events(self: std::sync::Arc<Self>) {
        let mut shutdown = self.shutdown.subscribe();
        loop {
            let (next, dropped) = self.next_delivery();
            if dropped > 0 {
                self.outstanding
                    .send_modify(|n| *n = n.saturating_sub(dropped));
            }
            let wait = match next {
                Next::Send(id, req) => {
                    let status = match self.call_endpoint(&req).await {
                        Ok(reply) => reply.status,
                        Err(_) => 0,
                    };
                    if self.record_attempt(id, status) {
                        self.outstanding.send_modify(|n| *n = n.saturating_sub(1));
                    }
                    continue;
                }
                Next::Wait(due) => Some(due),
                Next::Idle => None,
            };
            let sleep = async {
                match wait {
                    Some(due) => tokio::time::sleep_until(due.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.delivery_wakeup.notified() => {}
                _ = sleep => {}
                _ = shutdown.wait_for(|s| *s) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::type_ids::{PA_ACCOUNT, PA_SERVICE_USER};
    use crate::store::EventKind;

    fn sub(source: EventSource, relation: Option<&str>, event: EventKind) -> EventSubscription {
        EventSubscription {
            id: "s".into(),
            subscriber: "t".into(),
            event: event.uri().into(),
            source,
            relation: relation.map(Into::into),
            handler: "onChange".into(),
        }
    }

    fn ev(kind: EventKind, id: &str, type_id: &str, relation: Option<&str>) -> RawEvent {
        RawEvent {
            kind,
            source_id: id.into(),
            source_type: type_id.into(),
            relation: relation.map(Into::into),
        }
    }

    #[test]
    fn matching_by_type_id_and_relation() {
        let store = crate::store::Store::default();
        let types = &store.types;
        let by_type = sub(
            EventSource {
                type_id: Some("http://aps-standard.org/types/core/user/1.0".into()),
                id: None,
            },
            None,
            EventKind::Changed,
        );
        assert!(by_type.matches(types, &ev(EventKind::Changed, "u", PA_SERVICE_USER, None)));
        assert!(!by_type.matches(types, &ev(EventKind::Changed, "a", PA_ACCOUNT, None)));
        assert!(!by_type.matches(types, &ev(EventKind::Removed, "u", PA_SERVICE_USER, None)));
        let by_id = sub(
            EventSource {
                type_id: None,
                id: Some("a".into()),
            },
            Some("users"),
            EventKind::Linked,
        );
        assert!(by_id.matches(
            types,
            &ev(EventKind::Linked, "a", PA_ACCOUNT, Some("users"))
        ));
        assert!(!by_id.matches(
            types,
            &ev(EventKind::Linked, "a", PA_ACCOUNT, Some("domains"))
        ));
        assert!(!by_id.matches(
            types,
            &ev(EventKind::Linked, "b", PA_ACCOUNT, Some("users"))
        ));
    }

    #[test]
    fn subscription_wire_shape() {
        let s: EventSubscription = serde_json::from_value(json!({
            "event": "http://aps-standard.org/core/events/linked",
            "source": {"type": "http://x/t/1.0"},
            "relation": "users",
            "handler": "onUsersChange"
        }))
        .unwrap();
        assert_eq!(s.source.type_id.as_deref(), Some("http://x/t/1.0"));
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["source"], json!({"type": "http://x/t/1.0"}));
        assert!(v.get("subscriber").is_none());
    }
}
