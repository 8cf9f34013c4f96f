//! XML namespaces of OX's SOAP provisioning API.

/// One XML namespace used by the OX SOAP services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ns {
    /// Service namespace of the core services (operation wrappers, fault elements).
    Soap,
    /// Service namespace of all OXReseller*Service.
    ResellerSoap,
    /// Core data objects (Context, User, Group, ...), "ns4" in zeep's dumps.
    DataSoap,
    /// Credentials and Quota, "ns5".
    DataRmi,
    /// ResellerAdmin and Restriction.
    ResellerRmiData,
    /// ResellerContext.
    ResellerSoapData,
    /// Admin exceptions, "ns3".
    Exceptions,
    /// OXResellerException.
    ResellerExceptions,
    /// java.rmi.RemoteException, "ns1".
    RmiJava,
    /// java.io.IOException, "ns2".
    IoJava,
}

impl Ns {
    /// All namespaces, in a fixed order.
    pub const ALL: [Ns; 10] = [
        Ns::Soap,
        Ns::ResellerSoap,
        Ns::DataSoap,
        Ns::DataRmi,
        Ns::ResellerRmiData,
        Ns::ResellerSoapData,
        Ns::Exceptions,
        Ns::ResellerExceptions,
        Ns::RmiJava,
        Ns::IoJava,
    ];

    /// The namespace URI.
    pub fn uri(self) -> &'static str {
        match self {
            Ns::Soap => "http://soap.admin.openexchange.com",
            Ns::ResellerSoap => "http://soap.reseller.admin.openexchange.com",
            Ns::DataSoap => "http://dataobjects.soap.admin.openexchange.com/xsd",
            Ns::DataRmi => "http://dataobjects.rmi.admin.openexchange.com/xsd",
            Ns::ResellerRmiData => "http://dataobjects.rmi.reseller.admin.openexchange.com/xsd",
            Ns::ResellerSoapData => "http://dataobjects.soap.reseller.admin.openexchange.com/xsd",
            Ns::Exceptions => "http://exceptions.rmi.admin.openexchange.com/xsd",
            Ns::ResellerExceptions => "http://exceptions.rmi.reseller.admin.openexchange.com/xsd",
            Ns::RmiJava => "http://rmi.java/xsd",
            Ns::IoJava => "http://io.java/xsd",
        }
    }

    /// The prefix ox-sim uses when it writes this namespace (responses and WSDL).
    pub fn prefix(self) -> &'static str {
        match self {
            Ns::Soap => "ns0",
            Ns::ResellerSoap => "rs0",
            Ns::DataSoap => "ns4",
            Ns::DataRmi => "ns5",
            Ns::ResellerRmiData => "rr",
            Ns::ResellerSoapData => "rd",
            Ns::Exceptions => "ns3",
            Ns::ResellerExceptions => "re",
            Ns::RmiJava => "ns1",
            Ns::IoJava => "ns2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_uris_are_unique() {
        let mut prefixes: Vec<_> = Ns::ALL.iter().map(|n| n.prefix()).collect();
        let mut uris: Vec<_> = Ns::ALL.iter().map(|n| n.uri()).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        uris.sort_unstable();
        uris.dedup();
        assert_eq!(prefixes.len(), Ns::ALL.len());
        assert_eq!(uris.len(), Ns::ALL.len());
    }
}
