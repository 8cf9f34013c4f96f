//! Configuration switches (endpoint pinning, strict visibility) and the `install` command.

use apsc_sim::cli::{Cli, run};
use apsc_sim::type_ids::CORE_ACCOUNT;
use apsc_sim::{AccountSpec, Controller, SimConfig, SimError};
use axum::http::Method;
use clap::Parser;
use serde_json::{Value, json};

use crate::common::{
    APP_ID, GLOBALS, TestEndpoint, fast_config, fixture_with, package_spec, rest, tenant, url,
};

#[tokio::test]
async fn endpoint_certificate_pinning() {
    let ep = TestEndpoint::start().await;
    let wrong = SimConfig {
        endpoint_fingerprint: Some("00".repeat(32)),
        ..fast_config()
    };
    let sim = Controller::start(wrong).await.unwrap();
    let package = sim.register_package(package_spec()).unwrap();
    let err = sim
        .install_instance(&ep.base_url, &package, json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, SimError::Transport { .. }), "{err:?}");
    assert!(ep.requests().is_empty());

    let right = SimConfig {
        endpoint_fingerprint: Some(ep.fingerprint.to_uppercase()),
        ..fast_config()
    };
    let sim = Controller::start(right).await.unwrap();
    let package = sim.register_package(package_spec()).unwrap();
    sim.install_instance(&ep.base_url, &package, json!({}))
        .await
        .unwrap();
}

#[tokio::test]
async fn strict_visibility_shows_own_and_linked_resources_only() {
    let f = fixture_with(SimConfig {
        strict_visibility: true,
        ..fast_config()
    })
    .await;
    let (account, _, _) = tenant(&f).await;
    let stranger = f.sim.create_account(AccountSpec::new("Stranger")).unwrap();
    let client = rest(&f.sim, Some(&f.instance.identity()));
    let accounts: Value = client
        .get(url(
            &f.sim,
            &format!("aps/2/resources?implementing({CORE_ACCOUNT})"),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["aps"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [account.as_str()],
        "only the account linked to the instance's tenant"
    );
    let hidden = client
        .get(url(
            &f.sim,
            &format!("aps/2/resources/{}", stranger.id().unwrap()),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
    let nm = client
        .get(url(
            &f.sim,
            &format!("aps/2/resources/{}", f.sim.notification_manager_id()),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(nm.status(), 200);
    assert_eq!(
        f.sim
            .resources(&format!("implementing({CORE_ACCOUNT})"))
            .unwrap()
            .len(),
        2,
        "the provider sees everything"
    );
}

#[tokio::test]
async fn install_command_goes_through_a_running_controller() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Controller::start(SimConfig {
        state_dir: Some(dir.path().to_owned()),
        ..fast_config()
    })
    .await
    .unwrap();
    let ep = TestEndpoint::start().await;
    let state_dir = dir.path().to_str().unwrap().to_owned();
    let rest_url = sim.rest_base_url();
    let args = [
        "apsc-sim",
        "install",
        "--endpoint",
        &ep.base_url,
        "--controller",
        &rest_url,
        "--state-dir",
        &state_dir,
    ];
    let mut with_type = args.to_vec();
    with_type.extend([
        "--app-id",
        APP_ID,
        "--root-type",
        GLOBALS,
        "--settings",
        r#"{"apiUrl": "https://ox.example/"}"#,
    ]);
    run(Cli::try_parse_from(with_type).unwrap()).await.unwrap();
    assert_eq!(sim.instances().len(), 1);
    let install = &ep.requests_to(&Method::POST, "globals")[0];
    assert_eq!(install.body["apiUrl"], "https://ox.example/");
    assert_eq!(install.body["aps"]["type"], GLOBALS);

    let package_file = dir.path().join("package.json");
    std::fs::write(
        &package_file,
        serde_json::to_string(&package_spec()).unwrap(),
    )
    .unwrap();
    let mut with_package = args.to_vec();
    with_package.extend(["--package", package_file.to_str().unwrap()]);
    run(Cli::try_parse_from(with_package).unwrap())
        .await
        .unwrap();
    assert_eq!(sim.instances().len(), 2);

    let bad = [
        "apsc-sim",
        "install",
        "--endpoint",
        "https://127.0.0.1:1/nowhere/",
        "--controller",
        &rest_url,
        "--state-dir",
        &state_dir,
    ];
    assert!(run(Cli::try_parse_from(bad).unwrap()).await.is_err());
    let instance_cert = rest(&sim, Some(&sim.issue_unbound_identity("x").unwrap()));
    let refused = instance_cert
        .post(url(&sim, "aps/2/applications"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
