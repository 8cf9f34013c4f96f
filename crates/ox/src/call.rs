//! Building one request envelope: the generic write path every typed method goes through.

use bytes::Bytes;

use crate::error::OxError;
use crate::ns::{self, Ns};
use crate::service::Service;
use crate::types::Credentials;
use crate::validate::ValidationError;
use crate::xml::{Value, XmlWriter};

/// One SOAP call under construction: `<s:{op}>` with its parameters, in the order added.
///
/// The typed service methods build a `Call` and hand it to [`crate::OxClient::execute`]; you
/// can do the same for operations without a typed method:
///
/// ```
/// # use ox::{Call, Context, Credentials, Service};
/// let call = Call::new(Service::Context, "downgrade")
///     .arg("ctx", &Context::with_id(5))
///     .credentials(&Credentials::new("oxadminmaster", "secret"));
/// assert_eq!(call.op(), "downgrade");
/// ```
#[derive(Debug)]
pub struct Call {
    service: Service,
    op: &'static str,
    context_id: Option<i32>,
    w: XmlWriter,
}

impl Call {
    /// Starts the envelope for `op` on `service`.
    pub fn new(service: Service, op: &'static str) -> Self {
        let mut w = XmlWriter::new();
        w.raw(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let mut attrs = vec![
            ("xmlns:soapenv", ns::SOAP_ENV),
            ("xmlns:s", service.namespace()),
            ("xmlns:d", ns::DATA),
            ("xmlns:r", ns::RMI_DATA),
        ];
        if service.is_reseller() {
            attrs.push(("xmlns:rr", ns::RESELLER_RMI_DATA));
            attrs.push(("xmlns:rd", ns::RESELLER_DATA));
        }
        w.open_with_attrs(Ns::SoapEnv, "Envelope", &attrs);
        w.open(Ns::SoapEnv, "Body");
        w.open(Ns::Service, op);
        Call {
            service,
            op,
            context_id: None,
            w,
        }
    }

    /// Adds a parameter (a data object or a scalar) as `<s:{name}>`.
    pub fn arg<V: Value>(mut self, name: &str, value: &V) -> Self {
        value.encode(&mut self.w, Ns::Service, name);
        self
    }

    /// Adds a parameter when it is `Some`.
    pub fn opt_arg<V: Value>(self, name: &str, value: Option<&V>) -> Self {
        match value {
            Some(v) => self.arg(name, v),
            None => self,
        }
    }

    /// Adds an array parameter: the element repeated once per item.
    pub fn args<V: Value>(mut self, name: &str, values: &[V]) -> Self {
        for v in values {
            v.encode(&mut self.w, Ns::Service, name);
        }
        self
    }

    /// Adds a string parameter.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.w.leaf(Ns::Service, name, value);
        self
    }

    /// Adds the credentials as `auth` (or `creds` on OXResellerService).
    pub fn credentials(self, credentials: &Credentials) -> Self {
        let name = self.service.credentials_element();
        self.arg(name, credentials)
    }

    /// Records the context id for tracing (not written to the envelope).
    pub fn context_id(mut self, id: Option<i32>) -> Self {
        self.context_id = id;
        self
    }

    /// The service called.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The operation name.
    pub fn op(&self) -> &'static str {
        self.op
    }

    /// The context id recorded for tracing.
    pub fn traced_context_id(&self) -> Option<i32> {
        self.context_id
    }

    /// Closes the envelope and returns its bytes. Fails when a value held a character that
    /// XML 1.0 cannot carry (control characters other than tab, newline and carriage return).
    pub fn into_body(mut self) -> Result<Bytes, OxError> {
        if let Some(c) = self.w.invalid_char() {
            return Err(OxError::InvalidInput(ValidationError {
                field: "request",
                message: format!("character U+{:04X} cannot be sent in XML", u32::from(c)),
            }));
        }
        self.w.close(Ns::Service, self.op);
        self.w.close(Ns::SoapEnv, "Body");
        self.w.close(Ns::SoapEnv, "Envelope");
        let mut s = self.w.into_string();
        s.push('\n');
        Ok(Bytes::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Context;

    #[test]
    fn envelope_shape() {
        let body = Call::new(Service::Context, "exists")
            .arg("ctx", &Context::with_id(42))
            .credentials(&Credentials::new("oxadminmaster", "pw"))
            .into_body()
            .unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="http://soap.admin.openexchange.com" xmlns:d="http://dataobjects.soap.admin.openexchange.com/xsd" xmlns:r="http://dataobjects.rmi.admin.openexchange.com/xsd">
  <soapenv:Body>
    <s:exists>
      <s:ctx>
        <d:id>42</d:id>
      </s:ctx>
      <s:auth>
        <r:login>oxadminmaster</r:login>
        <r:password>pw</r:password>
      </s:auth>
    </s:exists>
  </soapenv:Body>
</soapenv:Envelope>
"#;
        assert_eq!(std::str::from_utf8(&body).unwrap(), expected);
    }

    #[test]
    fn reseller_envelope_declares_reseller_namespaces_and_creds() {
        let body = Call::new(Service::Reseller, "getAvailableRestrictions")
            .credentials(&Credentials::new("oxadminmaster", "pw"))
            .into_body()
            .unwrap();
        let s = std::str::from_utf8(&body).unwrap();
        assert!(s.contains(r#"xmlns:s="http://soap.reseller.admin.openexchange.com""#));
        assert!(
            s.contains(r#"xmlns:rr="http://dataobjects.rmi.reseller.admin.openexchange.com/xsd""#)
        );
        assert!(s.contains("<s:creds>"));
    }

    #[test]
    fn control_characters_are_refused() {
        let err = Call::new(Service::User, "change")
            .text("x", "a\u{0}b")
            .into_body()
            .unwrap_err();
        assert!(matches!(err, OxError::InvalidInput(_)));
    }
}
