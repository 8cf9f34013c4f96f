//! Tracing: every call runs in a span with service, operation and context id; passwords never
//! reach the log, not even on failures and retries.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Server, client, fault, quick_retry};
use ox::{Context, Credentials, User};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_carry_call_identity_and_never_passwords() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let srv = Server::start().await;
    srv.script(&[
        (
            500,
            &fault("Missing OXUserInterface instance.", Some("RemoteException")),
        ),
        (
            500,
            &fault(
                "The displayname is already used",
                Some("InvalidDataException"),
            ),
        ),
    ]);
    let c = client(&srv.base, quick_retry(3));
    let user = User {
        name: Some("alice".into()),
        password: Some("user-pw-1234".into()),
        ..Default::default()
    };
    let auth = Credentials::new("oxadmin", "admin-pw-5678");
    let err = c
        .users()
        .create(&Context::with_id(4711), &user, &auth)
        .await
        .unwrap_err();
    assert!(err.is_already_exists(), "{err:?}");
    tracing::error!(error = %err, debug = ?err, user = ?user, auth = ?auth, "caller logs everything it has");

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("service=\"OXUserService\""), "{log}");
    assert!(log.contains("op=\"create\""), "{log}");
    assert!(log.contains("ctx_id=4711"), "{log}");
    assert!(
        log.contains("retrying"),
        "the transient fault was logged as retried: {log}"
    );
    assert!(!log.contains("user-pw-1234"), "user password leaked: {log}");
    assert!(
        !log.contains("admin-pw-5678"),
        "admin password leaked: {log}"
    );
}
