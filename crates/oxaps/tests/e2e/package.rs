//! `oxaps package` through the binary: the built package passes `--check`, its schemas are the
//! endpoint's types, its bytes are reproducible, and tampered packages fail with clear messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oxaps::http::route::SERVICES;
use oxaps::package::{self, PackageOptions};
use tokio::process::Command;

/// Runs the binary; (success, stdout, stderr).
async fn oxaps(args: &[&str], epoch: Option<&str>) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxaps"));
    cmd.args(args)
        .env_remove("OXAPS_LOG")
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let out = cmd.output().await.unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Builds the package with the binary into `dir`; its path.
async fn build(dir: &Path, release: &str, epoch: Option<&str>) -> PathBuf {
    let (ok, stdout, stderr) = oxaps(
        &[
            "package",
            "--out",
            dir.to_str().unwrap(),
            "--release",
            release,
        ],
        epoch,
    )
    .await;
    assert!(ok, "{stderr}");
    let path = PathBuf::from(stdout.trim());
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        format!("oxaps-{}-{release}.app.zip", env!("CARGO_PKG_VERSION"))
    );
    path
}

async fn check(path: &Path) -> (bool, String) {
    let (ok, stdout, stderr) = oxaps(&["package", "--check", path.to_str().unwrap()], None).await;
    (ok, format!("{stdout}{stderr}"))
}

#[tokio::test]
async fn built_package_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(dir.path(), "4", None).await;
    let (ok, out) = check(&path).await;
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "OK");
    let files = package::zip::read(&std::fs::read(&path).unwrap()).unwrap();
    let meta = String::from_utf8(files["APP-META.xml"].clone()).unwrap();
    assert!(meta.contains("<release>4</release>"), "{meta}");
}

/// The drift test: every schema in the package is exactly the type the endpoint validates with.
#[tokio::test]
async fn package_schemas_are_the_endpoint_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(dir.path(), "1", None).await;
    let files = package::zip::read(&std::fs::read(&path).unwrap()).unwrap();
    let schemas: Vec<&String> = files.keys().filter(|p| p.starts_with("schemas/")).collect();
    assert_eq!(schemas.len(), SERVICES.len(), "{schemas:?}");
    for service in SERVICES {
        let bytes = &files[&format!("schemas/{service}.schema")];
        let packaged: aps::typedef::TypeDef = serde_json::from_slice(bytes).unwrap();
        let endpoint = oxaps::types::of(service).unwrap();
        assert_eq!(packaged, endpoint, "schemas/{service}.schema drifted");
        // Nothing the typed model would drop: the JSON is the model's own serialisation.
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(bytes).unwrap(),
            serde_json::to_value(&endpoint).unwrap()
        );
    }
}

#[tokio::test]
async fn package_bytes_are_reproducible() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = std::fs::read(build(a.path(), "1", None).await).unwrap();
    let second = std::fs::read(build(b.path(), "1", None).await).unwrap();
    assert!(first == second, "two builds differ");
    let (_, library) = package::build(&PackageOptions::default()).unwrap();
    assert!(first == library, "the binary and the library differ");

    let (c, d) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dated = std::fs::read(build(c.path(), "1", Some("1700000000")).await).unwrap();
    let again = std::fs::read(build(d.path(), "1", Some("1700000000")).await).unwrap();
    assert!(dated == again, "two builds with SOURCE_DATE_EPOCH differ");
    assert!(dated != first, "SOURCE_DATE_EPOCH is not used");
}

fn good() -> BTreeMap<String, Vec<u8>> {
    package::files(&PackageOptions::default()).unwrap()
}

/// Writes `files` as a package, re-listing them in APP-LIST.xml when `relist`.
fn write(dir: &Path, name: &str, mut files: BTreeMap<String, Vec<u8>>, relist: bool) -> PathBuf {
    if relist {
        let listing = package::list::app_list(&files).unwrap();
        files.insert(package::list::PATH.to_owned(), listing);
    }
    let path = dir.join(name);
    std::fs::write(&path, package::zip::write(&files, None).unwrap()).unwrap();
    path
}

fn edit_schema(
    files: &mut BTreeMap<String, Vec<u8>>,
    service: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) {
    let path = format!("schemas/{service}.schema");
    let mut v: serde_json::Value = serde_json::from_slice(&files[&path]).unwrap();
    edit(&mut v);
    files.insert(path, serde_json::to_vec_pretty(&v).unwrap());
}

#[tokio::test]
async fn tampered_packages_fail_check_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(PathBuf, Vec<&str>)> = Vec::new();

    let mut f = good();
    f.get_mut("ui/users.js").unwrap()[0] ^= 0x20;
    cases.push((
        write(dir.path(), "changed.app.zip", f, false),
        vec!["ui/users.js: sha256 "],
    ));

    let mut f = good();
    f.remove("ui/groups.js");
    cases.push((
        write(dir.path(), "missing.app.zip", f, false),
        vec![
            "APP-LIST.xml lists ui/groups.js, which is not in the package",
            "<view groups> refers to ui/groups.js, which is not in the package",
        ],
    ));

    let mut f = good();
    f.insert("ui/evil.js".into(), b"alert(1)".to_vec());
    cases.push((
        write(dir.path(), "extra.app.zip", f, false),
        vec!["ui/evil.js is in the package but not in APP-LIST.xml"],
    ));

    let mut f = good();
    edit_schema(&mut f, "group", |v| {
        v["relations"]["tenant"]["type"] = "http://oxaps.org/types/nosuchtype/1.0".into();
    });
    cases.push((
        write(dir.path(), "relation.app.zip", f, true),
        vec![
            "schemas/group.schema: relation tenant points at \"http://oxaps.org/types/nosuchtype/1.0\", neither a type of the package nor a known platform type",
        ],
    ));

    let mut f = good();
    edit_schema(&mut f, "profile", |v| {
        v["properties"]["mailQuotaMb"]["unit"] = "furlong".into();
    });
    cases.push((
        write(dir.path(), "unit.app.zip", f, true),
        vec!["schemas/profile.schema: property mailQuotaMb has unit \"furlong\", not one of"],
    ));

    for (path, expected) in cases {
        let (ok, out) = check(&path).await;
        assert!(!ok, "{} passed --check: {out}", path.display());
        assert!(!out.contains("OK\n"), "{out}");
        for e in expected {
            assert!(out.contains(e), "{}: {e:?} not in\n{out}", path.display());
        }
    }

    // A flipped byte inside the archive itself.
    let (_, mut bytes) = package::build(&PackageOptions::default()).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let path = dir.path().join("flipped.app.zip");
    std::fs::write(&path, bytes).unwrap();
    let (ok, out) = check(&path).await;
    assert!(!ok, "a corrupted archive passed: {out}");
}
