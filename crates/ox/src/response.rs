//! Reading one HTTP response: the generic read path every call goes through.
//!
//! [`parse_response`] is the single entry point (and the fuzz target). It accepts:
//! - `<{op}Response>` with zero or more `<return>` children (an array is a repeated `return`),
//!   in any namespace or prefix, qualified or not;
//! - for void operations an empty `<{op}Response/>`, an empty `<soap:Body/>`, or an empty HTTP
//!   body with a 2xx status;
//! - a `Fault` in the body, whatever the HTTP status, which becomes a classified [`OxError`].

use crate::error::{OxError, Transient};
use crate::fault::{Fault, classify};
use crate::xml::{Element, Value, parse};

/// The `<return>` elements of a successful response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Returns {
    op: String,
    values: Vec<Element>,
}

impl Returns {
    /// The raw `return` elements.
    pub fn elements(&self) -> &[Element] {
        &self.values
    }

    /// For void operations: whatever came back is fine.
    pub fn void(self) {}

    /// Exactly one value (the first `return`); missing or nil is a protocol error.
    pub fn one<T: Value>(self) -> Result<T, OxError> {
        let op = self.op.clone();
        self.optional()?
            .ok_or_else(|| OxError::Protocol(format!("{op}Response has no return value")))
    }

    /// One value that may be absent or nil (e.g. `getAccessCombinationName`).
    pub fn optional<T: Value>(self) -> Result<Option<T>, OxError> {
        match self.values.first() {
            None => Ok(None),
            Some(el) if el.is_nil() => Ok(None),
            Some(el) => T::decode(el)
                .map(Some)
                .map_err(|e| OxError::Protocol(format!("{}Response: {e}", self.op))),
        }
    }

    /// All values (nil entries skipped).
    pub fn many<T: Value>(self) -> Result<Vec<T>, OxError> {
        self.values
            .iter()
            .filter(|el| !el.is_nil())
            .map(|el| {
                T::decode(el).map_err(|e| OxError::Protocol(format!("{}Response: {e}", self.op)))
            })
            .collect()
    }
}

/// Interprets an HTTP response (status and body) to operation `op`.
pub fn parse_response(status: u16, body: &[u8], op: &str) -> Result<Returns, OxError> {
    let success = (200..300).contains(&status);
    if body.iter().all(u8::is_ascii_whitespace) {
        return if success {
            Ok(Returns {
                op: op.to_owned(),
                values: Vec::new(),
            })
        } else {
            Err(http_error(status))
        };
    }
    let root = match parse(body) {
        Ok(root) => root,
        Err(e) if success => return Err(OxError::Protocol(format!("{op}: {e}"))),
        Err(_) => return Err(http_error(status)),
    };
    if root.name() != "Envelope" || root.child("Body").is_none() {
        return if success {
            Err(OxError::Protocol(format!(
                "{op}: not a SOAP envelope (<{}>)",
                root.name()
            )))
        } else {
            Err(http_error(status))
        };
    }
    let Some(soap_body) = root
        .into_children()
        .into_iter()
        .find(|c| c.name() == "Body")
    else {
        return Err(OxError::Protocol(format!(
            "{op}: SOAP envelope without a body"
        )));
    };
    if let Some(fault) = soap_body.child("Fault") {
        return Err(classify(Fault::from_element(fault, status)));
    }
    if !success {
        return Err(http_error(status));
    }
    let Some(wrapper) = soap_body.into_children().into_iter().next() else {
        return Ok(Returns {
            op: op.to_owned(),
            values: Vec::new(),
        });
    };
    let expected = format!("{op}Response");
    if wrapper.name() != expected {
        return Err(OxError::Protocol(format!(
            "expected <{expected}>, got <{}>",
            wrapper.name()
        )));
    }
    let values = wrapper
        .into_children()
        .into_iter()
        .filter(|c| c.name() == "return")
        .collect();
    Ok(Returns {
        op: op.to_owned(),
        values,
    })
}

/// An HTTP error status without a readable SOAP fault.
pub(crate) fn http_error(status: u16) -> OxError {
    match status {
        500..=599 | 408 | 429 => OxError::Transient(Transient::Http { status }),
        401 | 403 => {
            let mut fault = Fault::new(format!("HTTP {status}"));
            fault.code = "http".into();
            fault.http_status = status;
            OxError::InvalidCredentials(fault)
        }
        _ => OxError::Protocol(format!(
            "HTTP {status} without a SOAP response (wrong base URL or service?)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ObjectKind;
    use crate::types::User;

    const ENV_OPEN: &str =
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
    const ENV_CLOSE: &str = "</soap:Body></soap:Envelope>";

    fn env(inner: &str) -> Vec<u8> {
        format!("{ENV_OPEN}{inner}{ENV_CLOSE}").into_bytes()
    }

    #[test]
    fn returns_in_default_namespace() {
        let body = env(
            r#"<listAllResponse xmlns="http://soap.admin.openexchange.com" xmlns:ns2="http://dataobjects.soap.admin.openexchange.com/xsd">
               <return><ns2:id>3</ns2:id></return><return><ns2:id>4</ns2:id></return></listAllResponse>"#,
        );
        let users: Vec<User> = parse_response(200, &body, "listAll")
            .unwrap()
            .many()
            .unwrap();
        assert_eq!(
            users.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![Some(3), Some(4)]
        );
    }

    #[test]
    fn void_shapes() {
        for body in [
            env("<ns:changeResponse xmlns:ns=\"urn:x\"/>"),
            env(""),
            Vec::new(),
            b" \n".to_vec(),
        ] {
            assert!(parse_response(200, &body, "change").is_ok());
        }
    }

    #[test]
    fn wrong_wrapper_or_non_soap_is_protocol_error() {
        assert!(matches!(
            parse_response(200, &env("<createResponse/>"), "change"),
            Err(OxError::Protocol(_))
        ));
        assert!(matches!(
            parse_response(200, b"<html>hi</html>", "change"),
            Err(OxError::Protocol(_))
        ));
        assert!(matches!(
            parse_response(404, b"<html>not found</html>", "change"),
            Err(OxError::Protocol(_))
        ));
    }

    #[test]
    fn optional_and_nil_returns() {
        let nil = env(
            r#"<getAccessCombinationNameResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><return xsi:nil="true"/></getAccessCombinationNameResponse>"#,
        );
        let r: Option<String> = parse_response(200, &nil, "getAccessCombinationName")
            .unwrap()
            .optional()
            .unwrap();
        assert_eq!(r, None);
        let empty = env("<existsResponse/>");
        assert!(matches!(
            parse_response(200, &empty, "exists").unwrap().one::<bool>(),
            Err(OxError::Protocol(_))
        ));
    }

    #[test]
    fn fault_is_classified_even_with_status_200() {
        let body = env(
            "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>No such user 5 in context 1; exceptionId 1-2</faultstring></soap:Fault>",
        );
        match parse_response(200, &body, "getData") {
            Err(OxError::NotFound {
                what: ObjectKind::User,
                fault,
            }) => assert_eq!(fault.http_status, 200),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn http_errors_without_fault() {
        assert!(
            parse_response(503, b"<html>down</html>", "create")
                .unwrap_err()
                .is_retryable()
        );
        assert!(
            parse_response(502, b"", "create")
                .unwrap_err()
                .is_retryable()
        );
        assert!(matches!(
            parse_response(401, b"", "create"),
            Err(OxError::InvalidCredentials(_))
        ));
        assert!(
            !parse_response(400, b"bad", "create")
                .unwrap_err()
                .is_retryable()
        );
    }
}
