//! Carrying out fault-injection decisions on HTTP responses.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

/// Response extension telling the connection loop to close the socket instead of
/// answering.
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

/// A response the server turns into a closed connection.
pub fn drop_response() -> Response {
    let mut r = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    r.extensions_mut().insert(DropConnection);
    r
}

/// HTTP 503 without a SOAP fault, like a proxy in front of an unavailable OX.
pub fn http_503() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=UTF-8")],
        "Service Temporarily Unavailable",
    )
        .into_response()
}

/// Number of chunks a slow body is cut into.
const SLOW_CHUNKS: usize = 8;

/// A body that trickles `data` out over `total`.
pub fn slow_body(data: String, total: Duration) -> Body {
    let bytes = Bytes::from(data);
    let n = SLOW_CHUNKS.min(bytes.len().max(1));
    let size = bytes.len().div_ceil(n).max(1);
    let chunks: Vec<Bytes> = (0..bytes.len())
        .step_by(size)
        .map(|start| bytes.slice(start..(start + size).min(bytes.len())))
        .collect();
    let pause = total / u32::try_from(chunks.len().max(1)).unwrap_or(1);
    let stream = futures::stream::unfold(
        (chunks.into_iter(), true),
        move |(mut it, first)| async move {
            let chunk = it.next()?;
            if !first {
                tokio::time::sleep(pause).await;
            }
            Some((Ok::<Bytes, std::io::Error>(chunk), (it, false)))
        },
    );
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn slow_body_delivers_everything_and_takes_time() {
        let start = tokio::time::Instant::now();
        let body = slow_body("0123456789abcdef".repeat(10), Duration::from_millis(80));
        let collected = body.collect().await.unwrap().to_bytes();
        assert_eq!(collected.len(), 160);
        assert!(start.elapsed() >= Duration::from_millis(60));
    }
}
