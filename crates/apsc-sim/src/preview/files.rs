//! The package's own files (`/ui/…`, `/i18n/…`, `/images/…`) and the shell's assets, with the
//! content types browsers need (ES modules must be `text/javascript`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The content type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "xml" => "application/xml; charset=utf-8",
        "po" | "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// A file's bytes with its content type; `no-store` so edits show on reload.
pub fn file_response(path: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type(path)),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// Serves `path` (without the leading slash) from the package files; 404 otherwise. Only the
/// package's public trees are served (not `APP-META.xml`, schemas or scripts).
pub fn package_file(files: &Arc<BTreeMap<String, Vec<u8>>>, path: &str) -> Response {
    let public = ["ui/", "i18n/", "images/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    match files.get(path).filter(|_| public && !path.contains("..")) {
        Some(bytes) => file_response(path, bytes.clone()),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{path}: not in the package"),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_javascript() {
        assert_eq!(
            content_type("ui/users.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("images/icon.PNG"), "image/png");
        assert!(content_type("i18n/ui-de.json").starts_with("application/json"));
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn only_public_trees_are_served() {
        let files = Arc::new(BTreeMap::from([
            ("ui/a.js".to_owned(), b"x".to_vec()),
            ("APP-META.xml".to_owned(), b"<x/>".to_vec()),
        ]));
        assert_eq!(package_file(&files, "ui/a.js").status(), StatusCode::OK);
        assert_eq!(
            package_file(&files, "APP-META.xml").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            package_file(&files, "ui/b.js").status(),
            StatusCode::NOT_FOUND
        );
    }
}
