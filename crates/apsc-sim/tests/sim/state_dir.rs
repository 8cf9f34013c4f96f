//! The state directory: certificates and state survive a restart.

use apsc_sim::{Controller, SimConfig};
use serde_json::{Value, json};

use crate::async_ops::eventually;
use crate::common::{TestEndpoint, fast_config, package_spec, rest, url};

#[tokio::test]
async fn certificates_and_state_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = SimConfig {
        state_dir: Some(dir.path().to_owned()),
        ..fast_config()
    };
    let ep = TestEndpoint::start().await;
    let sim = Controller::start(config.clone()).await.unwrap();
    let package = sim.register_package(package_spec()).unwrap();
    let instance = sim
        .install_instance(&ep.base_url, &package, json!({"x": 1}))
        .await
        .unwrap();
    let controller_pem = sim.controller_cert_pem();
    let (ca_path, controller_path) = apsc_sim::cert_paths(dir.path());
    assert_eq!(
        std::fs::read_to_string(&controller_path).unwrap(),
        controller_pem
    );
    assert_eq!(std::fs::read_to_string(&ca_path).unwrap(), sim.ca_pem());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(sim);
    let state = dir.path().join("state.json");
    eventually("the snapshot", || {
        std::fs::read_to_string(&state).is_ok_and(|s| s.contains(&instance.id))
    })
    .await;

    let sim = Controller::start(config).await.unwrap();
    assert_eq!(sim.controller_cert_pem(), controller_pem);
    assert_eq!(sim.instances().len(), 1);
    assert_eq!(sim.resource(&instance.id).unwrap().props["x"], 1);
    let own: Value = rest(&sim, Some(&instance.identity()))
        .get(url(&sim, "aps/2/application"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own["aps"]["id"], instance.id.as_str());
    let package = sim.register_package(package_spec()).unwrap();
    let second = sim
        .install_instance(&ep.base_url, &package, json!({}))
        .await
        .unwrap();
    let response = rest(&sim, Some(&second.identity()))
        .get(url(&sim, "aps"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the restored CA signs certificates the REST API accepts"
    );
}
