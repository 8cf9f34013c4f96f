//! `security.json`: the impersonation the application asks for.
//!
//! The controller client can act in a customer's context with `APS-Resource-ID`
//! (`aps::controller::ControllerClient::impersonating`), for call-backs on resources the customer
//! owns (DNS zones, service users); the package declares account-level impersonation for them.
//! The file's exact schema is not public: this follows the APS documentation's description
//! ("required level of impersonation") — see docs/package.md.

/// The package path.
pub const PATH: &str = "security.json";

/// The file's content.
pub fn json() -> Vec<u8> {
    let v = serde_json::json!({
        "impersonation": {
            "allowed": true,
            "level": "account"
        }
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn security_json_is_json() {
        let v: serde_json::Value = serde_json::from_slice(&super::json()).unwrap();
        assert_eq!(v["impersonation"]["allowed"], true);
    }
}
