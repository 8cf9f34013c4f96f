//! The periodic task manager (`/aps/2/services/periodic-task-manager/tasks`): applications schedule
//! `{taskUuid, taskName, taskDescription, callInfo: {resourceId, path, verb, headers?, entity?},
//! schedule: {period, periodType, startHour?, startMinute?}}` and the platform calls
//! `<verb> <endpoint>/<service>/<resourceId><path>` every period.
//!
//! `periodType` is read case-insensitively as SECONDS, MINUTES, HOURS, DAYS, WEEKS or MONTHS
//! (30 days) — the docs' enumeration is **UNCONFIRMED**. `startHour`/`startMinute` are kept but
//! not honoured: the first run comes one (time-scaled) period after scheduling.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::store::deep_merge;

/// A scheduled task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodicTask {
    /// `taskUuid`.
    pub uuid: String,
    /// The instance that scheduled it.
    pub instance: Option<String>,
    /// The task as sent (and returned), `taskUuid` included.
    pub body: Value,
    /// Runs so far.
    pub runs: u64,
    /// When it is due next (not persisted).
    #[serde(skip)]
    pub next_due: Option<Instant>,
}

impl PeriodicTask {
    /// `callInfo` of the task.
    pub fn call_info(&self) -> Option<&Map<String, Value>> {
        self.body.get("callInfo").and_then(Value::as_object)
    }

    /// `schedule` of the task.
    pub fn schedule(&self) -> Option<&Value> {
        self.body.get("schedule")
    }
}

/// The length of a schedule's period in seconds, if it is understood.
pub fn period_secs(schedule: &Value) -> Option<f64> {
    let period = schedule
        .get("period")
        .and_then(|p| p.as_f64().or_else(|| p.as_str()?.trim().parse().ok()))?;
    let unit = match schedule
        .get("periodType")
        .and_then(Value::as_str)
        .unwrap_or("SECONDS")
        .to_ascii_uppercase()
        .as_str()
    {
        "SECOND" | "SECONDS" => 1.0,
        "MINUTE" | "MINUTES" => 60.0,
        "HOUR" | "HOURS" => 3600.0,
        "DAY" | "DAYS" => 86_400.0,
        "WEEK" | "WEEKS" => 604_800.0,
        "MONTH" | "MONTHS" => 2_592_000.0,
        _ => return None,
    };
    (period > 0.0).then_some(period * unit)
}

/// One run of a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRun {
    /// The task.
    pub task_uuid: String,
    /// When it ran.
    pub at: String,
    /// Transaction id of the call.
    pub transaction_id: String,
    /// The endpoint's status (`None` when the call could not be made).
    pub status: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// All tasks and their runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PeriodicTasks {
    tasks: BTreeMap<String, PeriodicTask>,
    #[serde(skip)]
    runs: Vec<TaskRun>,
}

impl PeriodicTasks {
    /// Schedules a task (replacing one with the same uuid); returns its body.
    pub fn schedule(
        &mut self,
        mut body: Map<String, Value>,
        instance: Option<String>,
        now: Instant,
        scale: f64,
    ) -> Value {
        let uuid = match body.get("taskUuid").and_then(Value::as_str) {
            Some(u) if !u.is_empty() => u.to_owned(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        body.insert("taskUuid".into(), Value::from(uuid.clone()));
        let body = Value::Object(body);
        let next_due = due_after(&body, now, scale);
        self.tasks.insert(
            uuid.clone(),
            PeriodicTask {
                uuid,
                instance,
                body: body.clone(),
                runs: 0,
                next_due,
            },
        );
        body
    }

    /// Replaces a task's schedule (PUT `/tasks/<uuid>` carries a Schedule); returns it.
    pub fn reschedule(
        &mut self,
        uuid: &str,
        schedule: &Map<String, Value>,
        now: Instant,
        scale: f64,
    ) -> Option<Value> {
        let task = self.tasks.get_mut(uuid)?;
        let patch: Map<String, Value> = match schedule.get("schedule") {
            Some(Value::Object(inner)) => [("schedule".to_owned(), Value::Object(inner.clone()))]
                .into_iter()
                .collect(),
            _ => [("schedule".to_owned(), Value::Object(schedule.clone()))]
                .into_iter()
                .collect(),
        };
        if let Value::Object(map) = &mut task.body {
            deep_merge(map, &patch);
        }
        task.next_due = due_after(&task.body, now, scale);
        task.schedule().cloned()
    }

    /// Cancels a task; returns whether it existed.
    pub fn cancel(&mut self, uuid: &str) -> bool {
        self.tasks.remove(uuid).is_some()
    }

    /// A task.
    pub fn get(&self, uuid: &str) -> Option<&PeriodicTask> {
        self.tasks.get(uuid)
    }

    /// Every task.
    pub fn all(&self) -> impl Iterator<Item = &PeriodicTask> {
        self.tasks.values()
    }

    /// Uuids of the tasks due at `now`.
    pub fn due(&self, now: Instant) -> Vec<String> {
        self.tasks
            .values()
            .filter(|t| t.next_due.is_some_and(|d| d <= now))
            .map(|t| t.uuid.clone())
            .collect()
    }

    /// The earliest due time.
    pub fn next_due(&self) -> Option<Instant> {
        self.tasks.values().filter_map(|t| t.next_due).min()
    }

    /// Records a run and moves the task's next due time one period on.
    pub fn record_run(&mut self, run: TaskRun, now: Instant, scale: f64) {
        if let Some(t) = self.tasks.get_mut(&run.task_uuid) {
            t.runs += 1;
            t.next_due = due_after(&t.body, now, scale);
        }
        self.runs.push(run);
    }

    /// Every run so far.
    pub fn runs(&self) -> &[TaskRun] {
        &self.runs
    }

    /// Re-arms every task after a restart.
    pub fn rearm(&mut self, now: Instant, scale: f64) {
        for t in self.tasks.values_mut() {
            t.next_due = due_after(&t.body, now, scale);
        }
    }
}

fn due_after(body: &Value, now: Instant, scale: f64) -> Option<Instant> {
    let secs = period_secs(body.get("schedule")?)? * scale;
    let delay = if secs.is_finite() && secs > 0.0 {
        Duration::from_secs_f64(secs)
    } else {
        Duration::ZERO
    };
    // A period scaled to nothing would spin: run at most every millisecond.
    Some(now + delay.max(Duration::from_millis(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(period: Value, unit: &str) -> Map<String, Value> {
        json!({
            "taskUuid": "u1",
            "taskName": "usage",
            "callInfo": {"resourceId": "r", "path": "/sync", "verb": "POST"},
            "schedule": {"period": period, "periodType": unit}
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn periods() {
        assert_eq!(
            period_secs(&json!({"period": 2, "periodType": "HOURS"})),
            Some(7200.0)
        );
        assert_eq!(
            period_secs(&json!({"period": "30", "periodType": "minutes"})),
            Some(1800.0)
        );
        assert_eq!(period_secs(&json!({"period": 5})), Some(5.0));
        assert_eq!(
            period_secs(&json!({"period": 0, "periodType": "DAYS"})),
            None
        );
        assert_eq!(
            period_secs(&json!({"period": 1, "periodType": "FORTNIGHTS"})),
            None
        );
    }

    #[test]
    fn scheduling_and_due_times() {
        let mut p = PeriodicTasks::default();
        let t0 = Instant::now();
        let body = p.schedule(task(json!(1), "HOURS"), Some("i".into()), t0, 0.001);
        assert_eq!(body["taskUuid"], "u1");
        assert!(p.due(t0).is_empty());
        assert_eq!(p.due(t0 + Duration::from_secs(4)), vec!["u1"]);
        let sched = p
            .reschedule(
                "u1",
                json!({"period": 2, "periodType": "HOURS"})
                    .as_object()
                    .unwrap(),
                t0,
                0.001,
            )
            .unwrap();
        assert_eq!(sched["period"], 2);
        assert!(p.due(t0 + Duration::from_secs(4)).is_empty());
        let run = TaskRun {
            task_uuid: "u1".into(),
            at: String::new(),
            transaction_id: "t".into(),
            status: Some(200),
            error: None,
        };
        p.record_run(run, t0, 0.001);
        assert_eq!(p.get("u1").unwrap().runs, 1);
        assert_eq!(p.runs().len(), 1);
        assert!(p.cancel("u1"));
        assert!(p.next_due().is_none());
    }

    #[test]
    fn uuid_is_assigned_when_missing() {
        let mut p = PeriodicTasks::default();
        let mut t = task(json!(1), "DAYS");
        t.remove("taskUuid");
        let body = p.schedule(t, None, Instant::now(), 1.0);
        assert_eq!(body["taskUuid"].as_str().unwrap().len(), 36);
    }
}
