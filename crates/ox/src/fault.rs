//! SOAP faults: reading them, and classifying them into [`OxError`] variants.
//!
//! OX rethrows every admin exception as a SOAP 1.1 fault (HTTP 500, `faultcode` `soap:Server`)
//! whose `faultstring` is the Java message, since 7.10.4 with `; exceptionId <n>-<k>` appended.
//! A `detail` element named after the exception (`InvalidDataException`, ...) may follow.
//! Classification looks at the message first (with the exception id stripped) and at the
//! detail element's name second, because the detail content is not documented.

use std::fmt;

use crate::error::{ObjectKind, OxError, Transient};
use crate::xml::Element;

/// A SOAP fault as OX sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode`, e.g. `soap:Server`.
    pub code: String,
    /// `faultstring` without the `; exceptionId ...` suffix.
    pub message: String,
    /// The `exceptionId` (`<n>-<k>`), for finding the call in the OX log.
    pub exception_id: Option<String>,
    /// Local name of the first element inside `detail` (`InvalidDataException`, ...).
    pub exception: Option<String>,
    /// HTTP status of the response that carried the fault.
    pub http_status: u16,
}

impl Fault {
    /// A server fault with just a message (for tests and synthetic faults).
    pub fn new(message: impl Into<String>) -> Self {
        Fault {
            code: "soap:Server".into(),
            message: message.into(),
            exception_id: None,
            exception: None,
            http_status: 500,
        }
    }

    /// Reads a `Fault` element (SOAP 1.1 `faultcode`/`faultstring`/`detail`; SOAP 1.2
    /// `Code/Value`/`Reason/Text`/`Detail` are accepted too).
    pub fn from_element(fault: &Element, http_status: u16) -> Self {
        let code = fault
            .child("faultcode")
            .or_else(|| fault.child("Code").and_then(|c| c.child("Value")))
            .map(|c| c.text().trim().to_owned())
            .unwrap_or_default();
        let raw = fault
            .child("faultstring")
            .or_else(|| fault.child("Reason").and_then(|r| r.child("Text")))
            .map(|c| c.text())
            .unwrap_or_default();
        let (message, exception_id) = split_exception_id(raw);
        let exception = fault
            .child("detail")
            .or_else(|| fault.child("Detail"))
            .and_then(|d| d.children().first())
            .map(|e| e.name().to_owned());
        Fault {
            code,
            message: message.to_owned(),
            exception_id: exception_id.map(str::to_owned),
            exception,
            http_status,
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(exc) = &self.exception {
            write!(f, " ({exc})")?;
        }
        if let Some(id) = &self.exception_id {
            write!(f, " [exceptionId {id}]")?;
        }
        Ok(())
    }
}

/// Splits `"<message>; exceptionId <n>-<k>"` into the message and the id.
pub fn split_exception_id(faultstring: &str) -> (&str, Option<&str>) {
    let trimmed = faultstring.trim();
    const MARK: &str = "; exceptionId";
    match trimmed.rfind(MARK) {
        Some(at) => {
            let rest = &trimmed[at + MARK.len()..];
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                return (trimmed, None);
            }
            let id = rest.trim();
            (trimmed[..at].trim_end(), (!id.is_empty()).then_some(id))
        }
        None => (trimmed, None),
    }
}

/// Turns a fault into the matching [`OxError`] variant.
pub fn classify(fault: Fault) -> OxError {
    let lower = fault.message.to_ascii_lowercase();
    let exception = fault.exception.clone().unwrap_or_default();
    let exc = exception.as_str();

    if exc == "RemoteException"
        || exc == "DatabaseUpdateException"
        || is_missing_instance(&fault.message)
    {
        return OxError::Transient(Transient::Fault(fault));
    }
    // "ContextID 5 does not belong to brand1": a subadmin acting on a context it does not own.
    if exc == "InvalidCredentialsException"
        || lower.starts_with("authentication failed")
        || lower.contains("invalid credentials")
        || lower.contains("does not belong to")
    {
        return OxError::InvalidCredentials(fault);
    }
    if (lower.starts_with("maximum ") && lower.contains("reached"))
        || (exc == "OXResellerException"
            && (fault.message.contains(".Max") || lower.contains("maximum")))
    {
        return OxError::QuotaExceeded(fault);
    }
    if exc == "ContextExistsException" {
        return OxError::AlreadyExists {
            what: ObjectKind::Context,
            fault,
        };
    }
    if lower.contains("already exists")
        || lower.contains("is already used")
        || lower.contains("already in use")
    {
        return OxError::AlreadyExists {
            what: subject(&lower),
            fault,
        };
    }
    if let Some(what) = not_found_exception(exc) {
        return OxError::NotFound { what, fault };
    }
    // "No such access combination name ..." names bad input, not a missing object: treating it as
    // not-found would let an idempotent delete or adoption silently succeed.
    if lower.starts_with("no such access combination") {
        return OxError::InvalidData(fault);
    }
    if lower.starts_with("no such ")
        || lower.contains("does not exist")
        || fault.message.contains("NoSuchObjectException")
    {
        return OxError::NotFound {
            what: subject(&lower),
            fault,
        };
    }
    match exc {
        "InvalidDataException" | "OXResellerException" | "DuplicateExtensionException" => {
            OxError::InvalidData(fault)
        }
        "StorageException" => OxError::Storage(fault),
        _ if is_invalid_data_message(&lower) => OxError::InvalidData(fault),
        _ => OxError::Fault(fault),
    }
}

/// `Missing <interface> instance.`: OX's RMI backend is not (yet) available.
fn is_missing_instance(message: &str) -> bool {
    let m = message.trim().trim_end_matches('.');
    m.starts_with("Missing ") && m.ends_with(" instance")
}

fn not_found_exception(exc: &str) -> Option<ObjectKind> {
    Some(match exc {
        "NoSuchContextException" => ObjectKind::Context,
        "NoSuchUserException" => ObjectKind::User,
        "NoSuchGroupException" => ObjectKind::Group,
        "NoSuchResourceException" => ObjectKind::Resource,
        "NoSuchObjectException"
        | "NoSuchDatabaseException"
        | "NoSuchFilestoreException"
        | "NoSuchReasonException" => ObjectKind::Other,
        _ => return None,
    })
}

fn is_invalid_data_message(lower: &str) -> bool {
    [
        "illegal chars",
        "invalid ",
        "primarymail must",
        "missing quota value",
        "mandatory field",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// What a (lower-cased) message talks about, judged by how it starts.
fn subject(lower: &str) -> ObjectKind {
    let s = lower.strip_prefix("no such ").unwrap_or(lower);
    let s = s.strip_prefix("the ").unwrap_or(s);
    const PREFIXES: [(&str, ObjectKind); 11] = [
        ("contextid", ObjectKind::Context),
        ("context", ObjectKind::Context),
        ("user", ObjectKind::User),
        ("group", ObjectKind::Group),
        ("resource", ObjectKind::Resource),
        ("reseller", ObjectKind::Reseller),
        ("subadmin", ObjectKind::Reseller),
        ("member", ObjectKind::Member),
        ("primary mail address", ObjectKind::MailAddress),
        ("mail address", ObjectKind::MailAddress),
        ("displayname", ObjectKind::DisplayName),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| s.starts_with(p))
        .map(|(_, k)| *k)
        .or_else(|| {
            (s.starts_with("alias") || s.starts_with("email")).then_some(ObjectKind::MailAddress)
        })
        .or_else(|| {
            s.starts_with("display name")
                .then_some(ObjectKind::DisplayName)
        })
        .unwrap_or(ObjectKind::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_id_is_split_off() {
        assert_eq!(
            split_exception_id("No such user(s) 3227 in context 10; exceptionId -592283074-2544"),
            (
                "No such user(s) 3227 in context 10",
                Some("-592283074-2544")
            )
        );
        assert_eq!(
            split_exception_id(" plain message "),
            ("plain message", None)
        );
        assert_eq!(split_exception_id("x; exceptionId "), ("x", None));
        assert_eq!(
            split_exception_id("x; exceptionIdentity"),
            ("x; exceptionIdentity", None)
        );
    }

    fn kind(message: &str, exception: Option<&str>) -> String {
        let mut f = Fault::new(message);
        f.exception = exception.map(str::to_owned);
        match classify(f) {
            OxError::AlreadyExists { what, .. } => format!("exists:{what}"),
            OxError::NotFound { what, .. } => format!("notfound:{what}"),
            other => format!("{other:?}")
                .split('(')
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    #[test]
    fn an_unknown_access_combination_is_invalid_data_not_a_missing_object() {
        let k = kind(
            "No such access combination name \"platinum\"",
            Some("InvalidDataException"),
        );
        assert_eq!(k, "InvalidData");
        assert_eq!(
            kind("No such access combination name \"x\"", None),
            "InvalidData"
        );
        assert_eq!(kind("No such user 5 in context 1", None), "notfound:user");
    }

    #[test]
    fn subjects_of_messages() {
        assert_eq!(kind("Context 5 already exists!", None), "exists:context");
        assert_eq!(
            kind(
                "User bob already exists in this context",
                Some("InvalidDataException")
            ),
            "exists:user"
        );
        assert_eq!(
            kind(
                "The displayname is already used",
                Some("InvalidDataException")
            ),
            "exists:display name"
        );
        assert_eq!(
            kind(
                "Primary mail address \"a@b.c\" already exists in context 5",
                None
            ),
            "exists:mail address"
        );
        assert_eq!(
            kind("Member already exists in group", None),
            "exists:group member"
        );
        assert_eq!(
            kind("Reseller admin already exists: brand1", None),
            "exists:reseller admin"
        );
        assert_eq!(
            kind(
                "Reseller admin does not exist: Max",
                Some("OXResellerException")
            ),
            "notfound:reseller admin"
        );
        assert_eq!(
            kind("Subadmin.MaxContext exceeded", Some("OXResellerException")),
            "QuotaExceeded"
        );
        assert_eq!(kind("No such group 4 in context 5", None), "notfound:group");
        assert_eq!(
            kind("No such resource 4 in context 5", None),
            "notfound:resource"
        );
        assert_eq!(
            kind("ContextID 5 does not belong to brand1", None),
            "InvalidCredentials"
        );
        assert_eq!(
            kind("anything", Some("NoSuchUserException")),
            "notfound:user"
        );
        assert_eq!(kind("Illegal chars: \"&\"", None), "InvalidData");
        assert_eq!(kind("something odd", None), "Fault");
    }
}
