//! XML namespaces of the OX admin SOAP API and the fixed prefixes this client writes.
//!
//! OX's CXF/JAXB stack uses `elementFormDefault=QUALIFIED` everywhere: the children of an
//! operation wrapper are in the service namespace, and the fields of a data object are in the
//! namespace of the package that defines the object's type. Prefixes are arbitrary on the wire;
//! this client always declares all of them on `soapenv:Envelope` so its bytes are stable.

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// XML Schema instance namespace (`xsi:nil`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Service namespace of the core services (OXContextService, OXUserService, ...).
pub const CORE_SERVICE: &str = "http://soap.admin.openexchange.com";
/// Service namespace of the reseller services (OXResellerService, OXReseller*Service).
pub const RESELLER_SERVICE: &str = "http://soap.reseller.admin.openexchange.com";
/// Context, User, Group, Resource, UserModuleAccess, Database and the string maps.
pub const DATA: &str = "http://dataobjects.soap.admin.openexchange.com/xsd";
/// Credentials and Quota.
pub const RMI_DATA: &str = "http://dataobjects.rmi.admin.openexchange.com/xsd";
/// ResellerAdmin and Restriction.
pub const RESELLER_RMI_DATA: &str = "http://dataobjects.rmi.reseller.admin.openexchange.com/xsd";
/// ResellerContext (its own fields; the inherited Context fields stay in [`DATA`]).
pub const RESELLER_DATA: &str = "http://dataobjects.soap.reseller.admin.openexchange.com/xsd";

/// A namespace as the envelope writer addresses it, by its fixed prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ns {
    /// `soapenv`: [`SOAP_ENV`].
    SoapEnv,
    /// `s`: the service namespace of the service being called (core or reseller).
    Service,
    /// `d`: [`DATA`].
    Data,
    /// `r`: [`RMI_DATA`].
    Rmi,
    /// `rr`: [`RESELLER_RMI_DATA`].
    ResellerRmi,
    /// `rd`: [`RESELLER_DATA`].
    ResellerData,
}

impl Ns {
    /// The prefix this client writes for the namespace.
    pub const fn prefix(self) -> &'static str {
        match self {
            Ns::SoapEnv => "soapenv",
            Ns::Service => "s",
            Ns::Data => "d",
            Ns::Rmi => "r",
            Ns::ResellerRmi => "rr",
            Ns::ResellerData => "rd",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_distinct() {
        let all = [
            Ns::SoapEnv,
            Ns::Service,
            Ns::Data,
            Ns::Rmi,
            Ns::ResellerRmi,
            Ns::ResellerData,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.prefix(), b.prefix());
            }
        }
    }
}
