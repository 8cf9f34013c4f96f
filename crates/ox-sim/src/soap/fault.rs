//! SOAP 1.1 faults shaped like OX's (CXF): HTTP 500, `soap:Server`, the Java message
//! with `; exceptionId <n>-<k>` appended, and a detail element named after the
//! exception.

use std::sync::atomic::{AtomicU64, Ordering};

use super::encode::{XSI, envelope_end, envelope_start, escape_into};
use crate::error::{Exception, OxError};
use crate::schema::Ns;

/// Produces OX-style exception ids (`<server>-<counter>`).
#[derive(Debug)]
pub struct ExceptionIds {
    server: i64,
    counter: AtomicU64,
}

impl ExceptionIds {
    /// Deterministic ids are `1-1`, `1-2`, ...; otherwise the first part is random
    /// per process, like OX's per-JVM hash.
    pub fn new(deterministic: bool) -> Self {
        let server = if deterministic {
            1
        } else {
            i64::from(rand::random::<i32>())
        };
        ExceptionIds {
            server,
            counter: AtomicU64::new(0),
        }
    }

    /// The next id.
    pub fn next(&self) -> String {
        let k = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{}", self.server, k)
    }
}

/// The full faultstring: OX appends the exception id to admin exceptions, not to
/// java.rmi.RemoteException.
pub fn fault_string(err: &OxError, ids: &ExceptionIds) -> String {
    if err.exception == Exception::Remote {
        err.message.clone()
    } else {
        format!("{}; exceptionId {}", err.message, ids.next())
    }
}

/// A `soap:Server` fault for a domain error.
pub fn server_fault(tns: Ns, err: &OxError, ids: &ExceptionIds) -> String {
    let name = err.exception.name();
    let (type_ns, extra) = match err.exception {
        Exception::Remote => (Ns::RmiJava, true),
        Exception::OxReseller => (Ns::ResellerExceptions, false),
        _ => (Ns::Exceptions, false),
    };
    let text = fault_string(err, ids);
    let mut out = String::with_capacity(512);
    envelope_start(&mut out);
    out.push_str("<soap:Fault><faultcode>soap:Server</faultcode><faultstring>");
    escape_into(&mut out, &text);
    out.push_str("</faultstring><detail>");
    let p = tns.prefix();
    out.push_str(&format!("<{p}:{name} xmlns:{p}=\"{}\">", tns.uri()));
    out.push_str(&format!(
        "<{p}:{name} xmlns:xsi=\"{XSI}\" xmlns:{tp}=\"{tu}\" xsi:type=\"{tp}:{name}\"",
        tp = type_ns.prefix(),
        tu = type_ns.uri()
    ));
    if extra {
        out.push_str(&format!("><{tp}:message>", tp = type_ns.prefix()));
        escape_into(&mut out, &err.message);
        out.push_str(&format!(
            "</{tp}:message></{p}:{name}>",
            tp = type_ns.prefix()
        ));
    } else {
        out.push_str("/>");
    }
    out.push_str(&format!("</{p}:{name}>"));
    out.push_str("</detail></soap:Fault>");
    envelope_end(&mut out);
    out
}

/// A `soap:Client` fault (malformed request, unknown operation).
pub fn client_fault(message: &str) -> String {
    let mut out = String::with_capacity(256);
    envelope_start(&mut out);
    out.push_str("<soap:Fault><faultcode>soap:Client</faultcode><faultstring>");
    escape_into(&mut out, message);
    out.push_str("</faultstring></soap:Fault>");
    envelope_end(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::envelope::parse_document;

    #[test]
    fn deterministic_ids_count_up() {
        let ids = ExceptionIds::new(true);
        assert_eq!(ids.next(), "1-1");
        assert_eq!(ids.next(), "1-2");
    }

    #[test]
    fn server_fault_shape() {
        let ids = ExceptionIds::new(true);
        let err = OxError::invalid("primarymail must have the same value as email1");
        let xml = server_fault(Ns::Soap, &err, &ids);
        let root = parse_document(&xml).unwrap();
        let fault = root.child("Body").unwrap().child("Fault").unwrap();
        assert_eq!(fault.child("faultcode").unwrap().text, "soap:Server");
        assert_eq!(
            fault.child("faultstring").unwrap().text,
            "primarymail must have the same value as email1; exceptionId 1-1"
        );
        let detail = fault.child("detail").unwrap();
        let outer = &detail.children[0];
        assert_eq!(outer.local, "InvalidDataException");
        assert_eq!(outer.ns.as_deref(), Some(Ns::Soap.uri()));
        assert_eq!(outer.children[0].local, "InvalidDataException");
    }

    #[test]
    fn remote_exception_has_no_id() {
        let ids = ExceptionIds::new(true);
        let err = OxError::new(Exception::Remote, "Missing OXUserInterface instance.");
        let xml = server_fault(Ns::Soap, &err, &ids);
        assert!(xml.contains("<faultstring>Missing OXUserInterface instance.</faultstring>"));
        assert!(xml.contains("<ns1:message>Missing OXUserInterface instance.</ns1:message>"));
    }
}
