//! The crontasks' registrations with the controller's periodic task manager: one task per
//! crontask, its uuid the crontask's APS id, calling `POST crontask/<id>/run` every
//! `periodMinutes`.

use aps::controller::{ControllerClient, ControllerError, PeriodicTask, TaskCall, TaskSchedule};
use serde_json::Value;

/// The periodic task of a crontask.
pub fn task_for(crontask_id: &str, crontask: &Value) -> PeriodicTask {
    let name = crontask
        .get("task")
        .and_then(Value::as_str)
        .unwrap_or("task");
    PeriodicTask {
        task_uuid: crontask_id.to_owned(),
        task_name: format!("oxaps {name}"),
        task_description: Some(format!("oxaps periodic task {name}")),
        call_info: TaskCall {
            resource_id: crontask_id.to_owned(),
            path: "/run".into(),
            verb: "POST".into(),
            headers: None,
            entity: None,
        },
        schedule: TaskSchedule {
            period: u64::try_from(super::period_ms(crontask) / 1000).unwrap_or(1800),
            period_type: "SECONDS".into(),
            start_hour: None,
            start_minute: None,
        },
    }
}

/// Registers each `(id, body)` crontask, adopting registrations that exist (same uuid) and
/// updating those whose schedule differs.
pub async fn register_all(
    client: &ControllerClient,
    crontasks: &[(String, Value)],
) -> Result<(), ControllerError> {
    let existing = client.tasks().await?;
    for (id, body) in crontasks {
        let wanted = task_for(id, body);
        match existing.iter().find(|t| t.task_uuid == *id) {
            Some(t) if t.schedule.period == wanted.schedule.period => {}
            Some(_) => {
                client.update_task(&wanted).await?;
            }
            None => {
                client.register_task(&wanted).await?;
            }
        }
    }
    Ok(())
}

/// Updates one crontask's registration (a changed period), registering it when missing.
pub async fn update(
    client: &ControllerClient,
    crontask_id: &str,
    crontask: &Value,
) -> Result<(), ControllerError> {
    let wanted = task_for(crontask_id, crontask);
    match client.update_task(&wanted).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => client.register_task(&wanted).await.map(drop),
        Err(e) => Err(e),
    }
}

/// Removes a registration; one already gone is fine.
pub async fn unregister(
    client: &ControllerClient,
    crontask_id: &str,
) -> Result<(), ControllerError> {
    match client.delete_task(crontask_id).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_crontask_runs_its_run_operation_every_period() {
        let t = task_for("ct-1", &json!({"task": "reconcile", "periodMinutes": 60}));
        assert_eq!(t.task_uuid, "ct-1");
        assert_eq!(t.call_info.resource_id, "ct-1");
        assert_eq!(
            (t.call_info.path.as_str(), t.call_info.verb.as_str()),
            ("/run", "POST")
        );
        assert_eq!(
            (t.schedule.period, t.schedule.period_type.as_str()),
            (3600, "SECONDS")
        );
    }
}
