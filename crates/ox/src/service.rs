//! The OX SOAP services this client talks to.

use crate::ns;

/// An OX SOAP service, reachable at `<base>/webservices/<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `OXContextService` (master admin).
    Context,
    /// `OXUserService` (context admin).
    User,
    /// `OXGroupService` (context admin).
    Group,
    /// `OXResourceService` (context admin).
    Resource,
    /// `OXResellerService` (master admin or a subadmin allowed to create subadmins).
    Reseller,
    /// `OXResellerContextService` (subadmin).
    ResellerContext,
    /// `OXResellerUserService` (subadmin).
    ResellerUser,
    /// `OXResellerGroupService` (subadmin).
    ResellerGroup,
    /// `OXResellerResourceService` (subadmin).
    ResellerResource,
}

impl Service {
    /// Every service.
    pub const ALL: [Service; 9] = [
        Service::Context,
        Service::User,
        Service::Group,
        Service::Resource,
        Service::Reseller,
        Service::ResellerContext,
        Service::ResellerUser,
        Service::ResellerGroup,
        Service::ResellerResource,
    ];

    /// The service name, the last segment of its URL.
    pub const fn name(self) -> &'static str {
        match self {
            Service::Context => "OXContextService",
            Service::User => "OXUserService",
            Service::Group => "OXGroupService",
            Service::Resource => "OXResourceService",
            Service::Reseller => "OXResellerService",
            Service::ResellerContext => "OXResellerContextService",
            Service::ResellerUser => "OXResellerUserService",
            Service::ResellerGroup => "OXResellerGroupService",
            Service::ResellerResource => "OXResellerResourceService",
        }
    }

    /// Whether this is one of the reseller services.
    pub const fn is_reseller(self) -> bool {
        matches!(
            self,
            Service::Reseller
                | Service::ResellerContext
                | Service::ResellerUser
                | Service::ResellerGroup
                | Service::ResellerResource
        )
    }

    /// The namespace of the operation wrappers and their children.
    pub const fn namespace(self) -> &'static str {
        if self.is_reseller() {
            ns::RESELLER_SERVICE
        } else {
            ns::CORE_SERVICE
        }
    }

    /// The name of the credentials parameter: `creds` on OXResellerService, `auth` elsewhere.
    pub const fn credentials_element(self) -> &'static str {
        match self {
            Service::Reseller => "creds",
            _ => "auth",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_matches_position_in_all() {
        for (i, s) in Service::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        assert_eq!(Service::Reseller.credentials_element(), "creds");
        assert_eq!(Service::ResellerUser.credentials_element(), "auth");
        assert_eq!(Service::ResellerUser.namespace(), ns::RESELLER_SERVICE);
        assert_eq!(Service::Group.namespace(), ns::CORE_SERVICE);
    }
}
