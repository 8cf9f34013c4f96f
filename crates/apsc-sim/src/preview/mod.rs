//! A preview of a package's control panel screens: a plain-HTTP server on `127.0.0.1:0` that a
//! browser opens (browsers cannot present the controller's client certificates).
//!
//! - `/` (and `/view/<id>?…`): the customer control panel frame ("CCP", [`SHELL_HTML`]): the menu
//!   built from the package's `APP-META.xml` navigation ([`nav`]), the platform's own Users tab,
//!   hash routing `#/view/<id>?<params>`, views loaded with `import()` and run as
//!   `default(root, ctx)`, errors in a banner, a language switch;
//! - `/ui/…`, `/i18n/…`, `/images/…`: the package files ([`files`]);
//! - `/aps/…`: the simulator's REST API acting as the customer's staff member ([`proxy`]);
//! - `/_shell/…`: the frame's assets and `config.json` (navigation, account, user, locale).
//!
//! The server stops with the controller.

pub mod files;
pub mod nav;
mod proxy;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::{SimError, SimResult};
use crate::handle::SimHandle;
use crate::platform::type_ids::{CORE_ACCOUNT, CORE_USER};

/// The frame's page.
const SHELL_HTML: &str = include_str!("shell.html");
/// The frame's script (routing, menu, view runner).
const SHELL_JS: &str = include_str!("shell.js");
/// The frame's styles.
const SHELL_CSS: &str = include_str!("shell.css");
/// The platform's Users tab (list, "Add user" wizard with the package's view plugins).
const USERS_TAB_JS: &str = include_str!("users-tab.js");

/// What to preview, and as whom.
#[derive(Debug, Clone, Default)]
pub struct PreviewSpec {
    /// The unpacked package: path inside the package → bytes (`APP-META.xml`, `ui/…`, …).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The customer's account.
    pub account_id: String,
    /// The customer's staff member the panel acts as (`APS-Identity-ID` towards endpoints).
    pub user_id: String,
    /// The initial language, `en` or `de` (empty: `en`).
    pub locale: String,
}

/// A running preview.
#[derive(Debug, Clone)]
pub struct Preview {
    /// `http://127.0.0.1:<port>/`.
    pub url: String,
}

struct PreviewState {
    files: Arc<BTreeMap<String, Vec<u8>>>,
    config: Value,
    gateway: proxy::Gateway,
    /// `http://127.0.0.1:<port>`.
    origin: String,
}

impl SimHandle {
    /// Starts a preview of `spec`'s control panel screens (see [`crate::preview`]). The
    /// account and user must exist; the package must have an `APP-META.xml`.
    pub async fn start_preview(&self, spec: PreviewSpec) -> SimResult<Preview> {
        let meta = spec
            .files
            .get("APP-META.xml")
            .ok_or_else(|| SimError::BadRequest("the package has no APP-META.xml".into()))?;
        let meta = std::str::from_utf8(meta)
            .map_err(|e| SimError::BadRequest(format!("APP-META.xml: {e}")))?;
        let navigations = nav::parse(meta)?;
        let (account_ok, user_ok) = self.shared.read(|st| {
            let is = |id: &str, ty: &str| {
                st.store
                    .get(id)
                    .is_some_and(|r| st.store.types.implements(&r.type_id, ty))
            };
            (
                is(&spec.account_id, CORE_ACCOUNT),
                // The panel user must be the customer's staff, not anyone's.
                is(&spec.user_id, CORE_USER)
                    && st.account_of(&spec.user_id).as_deref() == Some(spec.account_id.as_str()),
            )
        });
        if !account_ok {
            return Err(SimError::NotFound(format!("account {}", spec.account_id)));
        }
        if !user_ok {
            return Err(SimError::NotFound(format!("user {}", spec.user_id)));
        }
        let locale = if spec.locale.is_empty() {
            "en".to_owned()
        } else {
            spec.locale.clone()
        };
        let config = json!({
            "navigations": navigations,
            "accountId": spec.account_id,
            "userId": spec.user_id,
            "locale": locale,
            "apsBase": "/aps/2",
        });
        let gateway = proxy::Gateway::new(
            self.shared.clone(),
            &spec.account_id,
            &spec.user_id,
            spec.files
                .iter()
                .filter(|(path, _)| path.starts_with("schemas/"))
                .map(|(_, bytes)| bytes.as_slice()),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| SimError::BadRequest(format!("preview listener: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| SimError::BadRequest(format!("preview listener: {e}")))?;
        let state = Arc::new(PreviewState {
            files: Arc::new(spec.files),
            config,
            gateway,
            origin: format!("http://{addr}"),
        });
        let app = Router::new()
            .route("/", get(shell))
            .route("/view/{*rest}", get(shell))
            .route("/_shell/{file}", get(shell_asset))
            .route("/ui/{*path}", get(package_file))
            .route("/i18n/{*path}", get(package_file))
            .route("/images/{*path}", get(package_file))
            .fallback(api)
            .with_state(state);
        let mut stop = self.shared.shutdown.subscribe();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "preview server stopped");
            }
        });
        let url = format!("http://{addr}/");
        tracing::info!(%url, "control panel preview listening");
        Ok(Preview { url })
    }
}

async fn shell() -> Response {
    files::file_response("shell.html", SHELL_HTML.as_bytes().to_vec())
}

async fn shell_asset(State(st): State<Arc<PreviewState>>, Path(file): Path<String>) -> Response {
    let body = match file.as_str() {
        "shell.js" => SHELL_JS,
        "shell.css" => SHELL_CSS,
        "users-tab.js" => USERS_TAB_JS,
        "config.json" => {
            return files::file_response("config.json", st.config.to_string().into_bytes());
        }
        _ => return files::package_file(&st.files, &file),
    };
    files::file_response(&file, body.as_bytes().to_vec())
}

async fn package_file(State(st): State<Arc<PreviewState>>, req: Request) -> Response {
    let path = req.uri().path().trim_start_matches('/');
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    files::package_file(&st.files, &path)
}

async fn api(State(st): State<Arc<PreviewState>>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/aps" || path.starts_with("/aps/") {
        return st.gateway.handle(&st.origin, req).await;
    }
    (
        axum::http::StatusCode::NOT_FOUND,
        axum::Json(json!(
            aps::ApsError::not_found(format!("{path}: no such preview path")).body()
        )),
    )
        .into_response()
}
