//! The fault taxonomy end to end: recorded-shape fault envelopes, HTTP errors, timeouts and
//! refused connections through a real client, and which of them are retried.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Server, client, fault, quick_retry, returns};
use ox::{
    Context, Credentials, ObjectKind, OxConfig, OxError, RetryPolicy, Transient, User,
    parse_response,
};

fn auth() -> Credentials {
    Credentials::new("oxadmin", "secret")
}

/// Feeds a recorded-shape fault (HTTP 500) to the parser.
fn classify(message: &str, exception: Option<&str>) -> OxError {
    parse_response(500, fault(message, exception).as_bytes(), "create").unwrap_err()
}

#[test]
fn already_exists() {
    for (msg, exc, what) in [
        (
            "Context 4711 already exists!",
            Some("ContextExistsException"),
            ObjectKind::Context,
        ),
        (
            "Context already exists!",
            Some("ContextExistsException"),
            ObjectKind::Context,
        ),
        (
            "Context example.com already exists!",
            Some("InvalidDataException"),
            ObjectKind::Context,
        ),
        (
            "User alice already exists in this context",
            Some("InvalidDataException"),
            ObjectKind::User,
        ),
        (
            "The displayname is already used",
            Some("InvalidDataException"),
            ObjectKind::DisplayName,
        ),
        (
            "Primary mail address \"alice@example.com\" already exists in context 4711",
            Some("InvalidDataException"),
            ObjectKind::MailAddress,
        ),
        ("Member already exists in group", None, ObjectKind::Member),
        (
            "Reseller admin already exists: brand1",
            Some("OXResellerException"),
            ObjectKind::Reseller,
        ),
    ] {
        match classify(msg, exc) {
            OxError::AlreadyExists { what: got, fault } => {
                assert_eq!(got, what, "{msg}");
                assert_eq!(fault.message, msg.replace("&quot;", "\""));
                assert_eq!(fault.exception_id.as_deref(), Some("-225208343-74"));
                assert_eq!(fault.exception.as_deref(), exc);
                assert_eq!(fault.code, "soap:Server");
            }
            other => panic!("{msg}: {other:?}"),
        }
    }
}

#[test]
fn not_found() {
    for (msg, exc, what) in [
        (
            "Context 4711 does not exist",
            Some("NoSuchContextException"),
            ObjectKind::Context,
        ),
        ("Context does not exist", None, ObjectKind::Context),
        ("No such user 3227 in context 10", None, ObjectKind::User),
        (
            "No such user(s) 3227 in context 10",
            Some("NoSuchUserException"),
            ObjectKind::User,
        ),
        (
            "No such group 5 in context 10",
            Some("NoSuchGroupException"),
            ObjectKind::Group,
        ),
        (
            "No such resource 9 in context 10",
            Some("NoSuchResourceException"),
            ObjectKind::Resource,
        ),
        (
            "Reseller admin does not exist: brand9",
            Some("OXResellerException"),
            ObjectKind::Reseller,
        ),
        (
            "com.openexchange.admin.rmi.exceptions.NoSuchObjectException: gone",
            None,
            ObjectKind::Other,
        ),
    ] {
        match classify(msg, exc) {
            OxError::NotFound { what: got, fault } => {
                assert_eq!(got, what, "{msg}");
                assert_eq!(fault.message, msg);
            }
            other => panic!("{msg}: {other:?}"),
        }
    }
}

#[test]
fn invalid_data_keeps_oxs_message() {
    for (msg, exc) in [
        ("Illegal chars: \"&amp;\"", Some("InvalidDataException")),
        (
            "primarymail must have the same value as email1",
            Some("InvalidDataException"),
        ),
        ("Invalid group name", None),
        ("Missing quota value.", Some("InvalidDataException")),
        (
            "UserModuleAccess must not be null",
            Some("OXResellerException"),
        ),
    ] {
        match classify(msg, exc) {
            OxError::InvalidData(fault) => assert_eq!(fault.message, msg.replace("&amp;", "&")),
            other => panic!("{msg}: {other:?}"),
        }
    }
}

#[test]
fn credentials_quota_storage_transient_and_unknown() {
    assert!(matches!(
        classify("Authentication failed", Some("InvalidCredentialsException")),
        OxError::InvalidCredentials(_)
    ));
    assert!(matches!(
        classify("Authentication failed for user oxadmin", None),
        OxError::InvalidCredentials(_)
    ));
    for exc in [
        Some("OXResellerException"),
        Some("InvalidCredentialsException"),
        None,
    ] {
        let foreign = classify("ContextID 4711 does not belong to brand1", exc);
        assert!(
            matches!(foreign, OxError::InvalidCredentials(_)),
            "{exc:?}: {foreign:?}"
        );
    }
    for msg in [
        "Maximum number of contexts reached: 100",
        "Maximum number of users per context reached: 25",
        "Maximum overall context quota reached: 1048576",
        "Maximum number of users by moduleaccess per context reached: groupware_premium",
    ] {
        assert!(
            matches!(
                classify(msg, Some("OXResellerException")),
                OxError::QuotaExceeded(_)
            ),
            "{msg}"
        );
        assert!(
            matches!(classify(msg, None), OxError::QuotaExceeded(_)),
            "{msg}"
        );
    }
    assert!(matches!(
        classify("Subadmin.MaxContext exceeded", Some("OXResellerException")),
        OxError::QuotaExceeded(_)
    ));
    assert!(matches!(
        classify("Data truncation", Some("StorageException")),
        OxError::Storage(_)
    ));
    let missing = classify(
        "Missing com.openexchange.admin.rmi.OXUserInterface instance.",
        None,
    );
    assert!(matches!(missing, OxError::Transient(Transient::Fault(_))) && missing.is_retryable());
    assert!(classify("Connection refused to remote host", Some("RemoteException")).is_retryable());
    assert!(classify("Database is locked", Some("DatabaseUpdateException")).is_retryable());
    let unknown = classify("Something nobody classified", None);
    assert!(matches!(unknown, OxError::Fault(_)) && !unknown.is_retryable());
}

#[tokio::test]
async fn transient_http_5xx_is_retried_until_attempts_run_out() {
    let srv = Server::start().await;
    srv.script(&[(503, "<html><body>Service Unavailable</body></html>")]);
    let c = client(&srv.base, quick_retry(4));
    let err = c
        .contexts()
        .exists(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OxError::Transient(Transient::Http { status: 503 })),
        "{err:?}"
    );
    assert_eq!(srv.hits(), 4);
}

#[tokio::test]
async fn transient_fault_then_success_recovers() {
    let srv = Server::start().await;
    let missing = fault(
        "Missing com.openexchange.admin.rmi.OXContextInterface instance.",
        Some("RemoteException"),
    );
    let ok = returns("exists", &["true"]);
    srv.script(&[(500, &missing), (502, ""), (200, &ok)]);
    let c = client(&srv.base, quick_retry(5));
    assert!(
        c.contexts()
            .exists(&Context::with_id(1), &auth())
            .await
            .unwrap()
    );
    assert_eq!(srv.hits(), 3);
}

#[tokio::test]
async fn invalid_data_is_not_retried() {
    let srv = Server::start().await;
    srv.script(&[(
        500,
        &fault("Illegal chars: \"&amp;\"", Some("InvalidDataException")),
    )]);
    let c = client(&srv.base, quick_retry(5));
    let user = User {
        name: Some("a&b".into()),
        ..Default::default()
    };
    let err = c
        .users()
        .create(&Context::with_id(1), &user, &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OxError::InvalidData(f) if f.message == "Illegal chars: \"&\""),
        "{err:?}"
    );
    assert_eq!(srv.hits(), 1);
}

#[tokio::test]
async fn not_found_and_already_exists_are_not_retried() {
    let srv = Server::start().await;
    srv.script(&[(
        500,
        &fault("No such user 3 in context 1", Some("NoSuchUserException")),
    )]);
    let c = client(&srv.base, quick_retry(5));
    let err = c
        .users()
        .delete(&Context::with_id(1), &User::by_id(3), &auth())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(srv.hits(), 1);
}

/// A listener that accepts connections and never answers.
async fn silent_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(sock);
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn timeout_is_transient_and_retried() {
    let (base, accepted) = silent_listener().await;
    let mut cfg = OxConfig::new(&base);
    cfg.timeout = Duration::from_millis(150);
    cfg.retry = quick_retry(2);
    let c = ox::OxClient::new(cfg).unwrap();
    let err = c
        .contexts()
        .exists(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OxError::Transient(Transient::Timeout(d)) if d == Duration::from_millis(150)),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "one connection per attempt"
    );
}

#[tokio::test]
async fn per_call_timeout_override() {
    let (base, _) = silent_listener().await;
    let c = client(&base, RetryPolicy::none()).with_timeout(Duration::from_millis(50));
    let started = std::time::Instant::now();
    let err = c
        .users()
        .list_all(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OxError::Transient(Transient::Timeout(_))),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connection_refused_is_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = client(&base, quick_retry(3));
    let err = c
        .groups()
        .list_all(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OxError::Transient(Transient::Connect(_))),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn wrong_path_is_a_protocol_error_not_retried() {
    let srv = Server::start().await;
    srv.script(&[(404, "<html>Not Found</html>")]);
    let c = client(&srv.base, quick_retry(3));
    let err = c
        .resources()
        .list_all(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(matches!(err, OxError::Protocol(_)), "{err:?}");
    assert_eq!(srv.hits(), 1);
}

#[tokio::test]
async fn oversized_response_is_refused() {
    let srv = Server::start().await;
    let big = returns("listAll", &vec!["<ns2:id>1</ns2:id>"; 5000]);
    srv.reply(&big);
    let mut cfg = OxConfig::new(&srv.base);
    cfg.max_response_bytes = 10_000;
    let c = ox::OxClient::new(cfg).unwrap();
    let err = c
        .users()
        .list_all(&Context::with_id(1), &auth())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OxError::Protocol(ref m) if m.contains("larger than")),
        "{err:?}"
    );
}
