//! The `oxaps` binary itself.

use std::process::Command;

#[test]
fn demo_runs_the_scenario_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oxaps"))
        .args(["demo", "--exit", "--dir"])
        .arg(dir.path())
        .env_remove("OXAPS_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Demo succeeded"), "{stderr}");
    assert!(
        stderr.contains("APS-Instance-Id header not set."),
        "{stderr}"
    );
    assert!(dir.path().join("oxaps-demo.db").exists());
}

#[test]
fn config_prints_effective_settings_without_secrets() {
    let out = Command::new(env!("CARGO_BIN_EXE_oxaps"))
        .arg("config")
        .env(
            "OXAPS_SECRET_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .env("OXAPS_DATABASE_URL", "postgres://oxaps:hunter2@db/oxaps")
        .env("OXAPS_BASE_PATH", "/openxchange/")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("base_path = \"/openxchange/\""), "{stdout}");
    assert!(
        !stdout.contains("hunter2") && !stdout.contains("AAAAAAAA"),
        "{stdout}"
    );
}

#[test]
fn bad_configuration_exits_two_with_the_key_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_oxaps"))
        .arg("config")
        .env("OXAPS_BASE_PATH", "openxchange")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("base_path"));
}
