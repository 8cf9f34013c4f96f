//! Runs `tests/zeep_client.py` (Python zeep, loading the WSDLs unchanged) against an
//! in-process ox-sim. Needs OXAPS_PYTHON pointing at an interpreter with zeep.

use std::time::Duration;

use ox_sim::{OxSim, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_client_creates_context_user_and_group() {
    let Ok(python) = std::env::var("OXAPS_PYTHON") else {
        println!("skipped: OXAPS_PYTHON not set");
        return;
    };
    let sim = OxSim::start(SimConfig::for_test("zeep-secret"))
        .await
        .expect("start ox-sim");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_client.py");
    let run = tokio::process::Command::new(&python)
        .arg(script)
        .arg(sim.base_url())
        .arg("oxadminmaster")
        .arg("zeep-secret")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("zeep client timed out")
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "zeep client failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("zeep client: ok"));
    sim.shutdown().await;
}
