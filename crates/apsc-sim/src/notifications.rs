//! The notification manager (`/aps/2/services/notification-manager/notifications`): the platform
//! service applications use to put messages into the control panel. The simulator stores them for
//! tests; bodies are kept as sent (fallball: `{status, message: {message, keys}, details,
//! accountId|userId, link, initiatorId}`) with an `id` added.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::store::{deep_merge, now_iso};

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRecord {
    /// Assigned id.
    pub id: String,
    /// The instance that sent it (`None` when sent with the controller certificate).
    pub instance: Option<String>,
    /// `APS-Transaction-ID` of the request that created it.
    pub transaction_id: Option<String>,
    /// When it was created.
    pub created: String,
    /// The notification as it would be returned, `id` included.
    pub body: Value,
}

/// All notifications.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Notifications {
    items: Vec<NotificationRecord>,
}

impl Notifications {
    /// Stores a notification and returns it with its id.
    pub fn create(
        &mut self,
        body: Map<String, Value>,
        instance: Option<String>,
        transaction_id: Option<String>,
    ) -> Value {
        let id = uuid::Uuid::new_v4().to_string();
        let mut stored = Map::new();
        stored.insert("id".into(), Value::from(id.clone()));
        stored.extend(body.into_iter().filter(|(k, _)| k != "id"));
        let body = Value::Object(stored);
        self.items.push(NotificationRecord {
            id,
            instance,
            transaction_id,
            created: now_iso(),
            body: body.clone(),
        });
        body
    }

    /// Every notification.
    pub fn records(&self) -> &[NotificationRecord] {
        &self.items
    }

    /// One notification's body.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.items.iter().find(|n| n.id == id).map(|n| &n.body)
    }

    /// Merges `patch` into a notification; returns the new body.
    pub fn update(&mut self, id: &str, patch: &Map<String, Value>) -> Option<Value> {
        let n = self.items.iter_mut().find(|n| n.id == id)?;
        if let Value::Object(map) = &mut n.body {
            let patch: Map<String, Value> = patch
                .iter()
                .filter(|(k, _)| *k != "id")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            deep_merge(map, &patch);
        }
        Some(n.body.clone())
    }

    /// Deletes a notification; returns whether it existed.
    pub fn delete(&mut self, id: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|n| n.id != id);
        self.items.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crud() {
        let mut n = Notifications::default();
        let body =
            json!({"status": "inProgress", "message": {"message": "Creating"}, "id": "ignored"});
        let created = n.create(body.as_object().cloned().unwrap(), Some("i".into()), None);
        let id = created["id"].as_str().unwrap().to_owned();
        assert_ne!(id, "ignored");
        assert_eq!(created["status"], "inProgress");
        let updated = n
            .update(&id, json!({"status": "ready"}).as_object().unwrap())
            .unwrap();
        assert_eq!(updated["status"], "ready");
        assert_eq!(updated["message"]["message"], "Creating");
        assert_eq!(n.get(&id), Some(&updated));
        assert!(n.delete(&id));
        assert!(!n.delete(&id));
        assert!(n.records().is_empty());
    }
}
