//! Client side of `ox-sim removeadvertisementconfigs`: one HTTP/1.1 POST to
//! `/__sim/removeadvertisementconfigs` of a running ox-sim.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cli::RemoveAdsArgs;
use crate::http::RemoveRequest;

/// Failures of the command.
#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    /// Connection or I/O failure.
    #[error("cannot reach {addr}: {source}")]
    Io {
        /// host:port.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
    /// No answer within --responsetimeout.
    #[error("no response within {0}s")]
    Timeout(u64),
    /// The server refused or failed.
    #[error("server answered {status}: {body}")]
    Server {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// Unparsable response.
    #[error("malformed response")]
    Malformed,
}

/// Sends the request and returns the response body on success.
pub async fn run(a: &RemoveAdsArgs) -> Result<String, RemoveError> {
    let req = RemoveRequest {
        login: a.adminuser.clone().unwrap_or_default(),
        password: a.adminpass.clone().unwrap_or_default(),
        reseller: a.reseller.clone(),
        clean: a.clean,
        include_previews: a.include_previews,
    };
    let body = serde_json::to_string(&req).map_err(|_| RemoveError::Malformed)?;
    let addr = format!("{}:{}", a.server, a.port);
    let exchange = async {
        let io = |source| RemoveError::Io {
            addr: addr.clone(),
            source,
        };
        let mut s = TcpStream::connect(&addr).await.map_err(io)?;
        let head = format!(
            "POST /__sim/removeadvertisementconfigs HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).await.map_err(io)?;
        s.write_all(body.as_bytes()).await.map_err(io)?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.map_err(io)?;
        Ok::<_, RemoveError>(buf)
    };
    let raw = if a.responsetimeout > 0 {
        tokio::time::timeout(Duration::from_secs(a.responsetimeout), exchange)
            .await
            .map_err(|_| RemoveError::Timeout(a.responsetimeout))??
    } else {
        exchange.await?
    };
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<String, RemoveError> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or(RemoveError::Malformed)?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(RemoveError::Malformed)?;
    if status == 200 {
        Ok(body.to_string())
    } else {
        Err(RemoveError::Server {
            status,
            body: body.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status() {
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").unwrap(),
            "{}"
        );
        assert!(matches!(
            parse_response(b"HTTP/1.1 401 Unauthorized\r\n\r\nx"),
            Err(RemoveError::Server { status: 401, .. })
        ));
        assert!(matches!(
            parse_response(b"junk"),
            Err(RemoveError::Malformed)
        ));
    }
}
