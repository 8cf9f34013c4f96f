//! `GET api/upsell?t=<token>&missing=<capability>&lang=<language>`: the page OX's `simple-wizard`
//! plugin shows in its iframe. Self-contained (inline CSS and JS, allowed by a per-response nonce
//! in a strict Content-Security-Policy), English or German.

use aps::ApsError;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::{HeaderValue, StatusCode, header};
use rand::RngCore;
use serde_json::{Value, json};

use super::options;
use crate::app::App;

const TEMPLATE: &str = include_str!("page.html");

/// The path below the webmail URL that closes the wizard's iframe.
pub const CLOSE_PATH: &str = "/appsuite/apps/plugins/upsell/simple-wizard/close.html";

/// The page for a valid token, or the APS error for an invalid one.
pub async fn serve(
    app: &App,
    token: Option<&str>,
    missing: Option<&str>,
    lang: Option<&str>,
) -> Result<Response, ApsError> {
    let scope = options::authorize(app, token, None).await?;
    let webmail = webmail_url(app, &scope.instance.id).await?;
    let lang = if lang.is_some_and(|l| l.to_ascii_lowercase().starts_with("de")) {
        "de"
    } else {
        "en"
    };
    // OX leaves a placeholder it cannot fill as it is.
    let missing = missing
        .map(str::trim)
        .filter(|m| !m.is_empty() && !m.starts_with('$'))
        .map(|m| m.chars().take(256).collect::<String>());
    let config = json!({
        "token": token.unwrap_or_default().trim(),
        "login": scope.login(),
        "missing": missing,
        "lang": lang,
        "closeUrl": webmail.as_deref().map(close_url),
    });
    let mut nonce = [0u8; 16];
    rand::rng().fill_bytes(&mut nonce);
    let nonce = base64::engine::general_purpose::STANDARD.encode(nonce);
    let html = render(&nonce, lang, &config);
    let mut resp = (StatusCode::OK, html).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let csp = csp(&nonce, webmail.as_deref().and_then(origin).as_deref());
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(resp)
}

/// The page's policy: nothing but its own nonce'd inline code, fetches to its own origin, framed
/// only by the webmail origin (any HTTPS origin when none is configured).
pub fn csp(nonce: &str, frame_origin: Option<&str>) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {}",
        frame_origin.unwrap_or("https:")
    )
}

fn render(nonce: &str, lang: &str, config: &Value) -> String {
    // JSON inside <script>: no `<` may appear literally.
    let config = config.to_string().replace('<', "\\u003c");
    TEMPLATE
        .replace("{{NONCE}}", nonce)
        .replace("{{LANG}}", lang)
        .replace("{{CONFIG}}", &config)
}

async fn webmail_url(app: &App, instance: &str) -> Result<Option<String>, ApsError> {
    let row = app
        .store
        .resource(instance, instance)
        .await
        .map_err(crate::services::internal)?;
    Ok(row
        .and_then(|r| {
            r.body
                .get("webmailUrl")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .filter(|u| u.starts_with("https://") || u.starts_with("http://")))
}

/// The URL that closes the wizard: `<webmail>/appsuite/apps/plugins/upsell/simple-wizard/close.html`.
pub fn close_url(webmail: &str) -> String {
    let base = webmail.trim().trim_end_matches('/');
    let base = base.strip_suffix("/appsuite").unwrap_or(base);
    format!("{base}{CLOSE_PATH}")
}

fn origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let o = u.origin();
    o.is_tuple().then(|| o.ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_url_and_origin() {
        assert_eq!(
            close_url("https://mail.example/appsuite/"),
            "https://mail.example/appsuite/apps/plugins/upsell/simple-wizard/close.html"
        );
        assert_eq!(
            close_url("https://mail.example"),
            "https://mail.example/appsuite/apps/plugins/upsell/simple-wizard/close.html"
        );
        assert_eq!(
            origin("https://mail.example:8443/x").as_deref(),
            Some("https://mail.example:8443")
        );
    }

    #[test]
    fn config_cannot_break_out_of_its_script() {
        let html = render("n", "en", &json!({"missing": "</script><script>x"}));
        assert!(!html.contains("</script><script>x"));
        assert!(html.contains("nonce=\"n\""));
        assert!(csp("n", None).contains("script-src 'nonce-n'"));
    }
}
