//! Services and operations. Parameter names and order follow OX's live WSDL (zeep
//! dump in univention ox-connector `services.py`) and the `*PortType.java` classes.
//! The context, user, group and resource tables are shared by the core and the
//! reseller family; `CTX` is `Context` or `ResellerContext`.

use super::spec::operation;
use super::{Ns, Operation, SchemaError, Service};

/// Core services or the OXReseller* services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `http://soap.admin.openexchange.com`, plain `Context`.
    Core,
    /// `http://soap.reseller.admin.openexchange.com`, `ResellerContext`.
    Reseller,
}

impl Family {
    /// Target namespace of the family's services.
    pub fn tns(self) -> Ns {
        match self {
            Family::Core => Ns::Soap,
            Family::Reseller => Ns::ResellerSoap,
        }
    }

    fn ctx_type(self) -> &'static str {
        match self {
            Family::Core => "Context",
            Family::Reseller => "ResellerContext",
        }
    }
}

/// What a service manages; selects the domain handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Contexts (tenants).
    Context,
    /// Users of a context.
    User,
    /// Groups of a context.
    Group,
    /// Resources of a context.
    Resource,
    /// Reseller subadmins (OXResellerService).
    Reseller,
}

const CONTEXT_OPS: &[&str] = &[
    "change(ctx:CTX, auth:Credentials)",
    "changeCapabilities(ctx:CTX, capsToAdd:S, capsToRemove:S, capsToDrop:S, auth:Credentials)",
    "changeModuleAccess(ctx:CTX, access:UserModuleAccess, auth:Credentials)",
    "changeModuleAccessByName(ctx:CTX, access_combination_name:S, auth:Credentials)",
    "changeQuota(ctx:CTX, module:S, quotaValue:S, auth:Credentials)",
    "create(ctx:CTX, admin_user:User, auth:Credentials, \
        schema_select_strategy:SchemaSelectStrategy) -> CTX",
    "createModuleAccess(ctx:CTX, admin_user:User, access:UserModuleAccess, \
        auth:Credentials, schema_select_strategy:SchemaSelectStrategy) -> CTX",
    "createModuleAccessByName(ctx:CTX, admin_user:User, access_combination_name:S, \
        auth:Credentials, schema_select_strategy:SchemaSelectStrategy) -> CTX",
    "delete(ctx:CTX, auth:Credentials)",
    "disable(ctx:CTX, auth:Credentials)",
    "disableAll(auth:Credentials)",
    "downgrade(ctx:CTX, auth:Credentials)",
    "enable(ctx:CTX, auth:Credentials)",
    "enableAll(auth:Credentials)",
    "exists(ctx:CTX, auth:Credentials) -> B",
    "getAccessCombinationName(ctx:CTX, auth:Credentials) -> S",
    "getAdminId(ctx:CTX, auth:Credentials) -> I",
    "getContextCapabilities(ctx:CTX, auth:Credentials) -> S",
    "getData(ctx:CTX, auth:Credentials) -> CTX",
    "getModuleAccess(ctx:CTX, auth:Credentials) -> UserModuleAccess",
    "list(search_pattern:S, auth:Credentials) -> CTX*",
    "listAll(auth:Credentials) -> CTX*",
    "listQuota(ctx:CTX, auth:Credentials) -> Quota*",
];

const USER_OPS: &[&str] = &[
    "change(ctx:CTX, usrdata:User, auth:Credentials)",
    "changeByModuleAccess(ctx:CTX, user:User, moduleAccess:UserModuleAccess, auth:Credentials)",
    "changeByModuleAccessName(ctx:CTX, user:User, access_combination_name:S, auth:Credentials)",
    "changeCapabilities(ctx:CTX, user:User, capsToAdd:S, capsToRemove:S, capsToDrop:S, \
        auth:Credentials)",
    "create(ctx:CTX, usrdata:User, auth:Credentials) -> User",
    "createByModuleAccess(ctx:CTX, usrdata:User, access:UserModuleAccess, \
        auth:Credentials) -> User",
    "createByModuleAccessName(ctx:CTX, usrdata:User, access_combination_name:S, \
        auth:Credentials) -> User",
    "delete(ctx:CTX, user:User, auth:Credentials, reassign:I)",
    "deleteMultiple(ctx:CTX, users:User*, auth:Credentials, reassign:I)",
    "exists(ctx:CTX, user:User, auth:Credentials) -> B",
    "getAccessCombinationName(ctx:CTX, user:User, auth:Credentials) -> S",
    "getContextAdmin(ctx:CTX, auth:Credentials) -> User",
    "getData(ctx:CTX, user:User, auth:Credentials) -> User",
    "getModuleAccess(ctx:CTX, user:User, auth:Credentials) -> UserModuleAccess",
    "getMultipleData(ctx:CTX, users:User*, auth:Credentials) -> User*",
    "getUserCapabilities(ctx:CTX, user:User, auth:Credentials) -> S",
    "list(ctx:CTX, search_pattern:S, auth:Credentials, include_guests:B, \
        exclude_users:B) -> User*",
    "listAll(ctx:CTX, auth:Credentials, include_guests:B, exclude_users:B) -> User*",
    "listByAliasDomain(ctx:CTX, alias_domain:S, auth:Credentials) -> User*",
    "listCaseInsensitive(ctx:CTX, search_pattern:S, auth:Credentials) -> User*",
];

const GROUP_OPS: &[&str] = &[
    "addMember(ctx:CTX, grp:Group, members:User*, auth:Credentials)",
    "change(ctx:CTX, grp:Group, auth:Credentials)",
    "create(ctx:CTX, grp:Group, auth:Credentials) -> Group",
    "delete(ctx:CTX, grp:Group, auth:Credentials)",
    "deleteMultiple(ctx:CTX, grps:Group*, auth:Credentials)",
    "getData(ctx:CTX, grp:Group, auth:Credentials) -> Group",
    "getDefaultGroup(ctx:CTX, auth:Credentials) -> Group",
    "getMembers(ctx:CTX, grp:Group, auth:Credentials) -> User*",
    "getMultipleData(ctx:CTX, grps:Group*, auth:Credentials) -> Group*",
    "list(ctx:CTX, pattern:S, auth:Credentials) -> Group*",
    "listAll(ctx:CTX, auth:Credentials) -> Group*",
    "listGroupsForUser(ctx:CTX, usr:User, auth:Credentials) -> Group*",
    "removeMember(ctx:CTX, grp:Group, members:User*, auth:Credentials)",
];

const RESOURCE_OPS: &[&str] = &[
    "change(ctx:CTX, res:Resource, auth:Credentials)",
    "create(ctx:CTX, res:Resource, auth:Credentials) -> Resource",
    "delete(ctx:CTX, res:Resource, auth:Credentials)",
    "getData(ctx:CTX, res:Resource, auth:Credentials) -> Resource",
    "getMultipleData(ctx:CTX, resources:Resource*, auth:Credentials) -> Resource*",
    "list(ctx:CTX, pattern:S, auth:Credentials) -> Resource*",
    "listAll(ctx:CTX, auth:Credentials) -> Resource*",
];

const RESELLER_OPS: &[&str] = &[
    "change(adm:ResellerAdmin, creds:Credentials)",
    "create(adm:ResellerAdmin, creds:Credentials) -> ResellerAdmin",
    "delete(adm:ResellerAdmin, creds:Credentials)",
    "getAvailableRestrictions(creds:Credentials) -> Restriction*",
    "getData(adm:ResellerAdmin, creds:Credentials) -> ResellerAdmin",
    "getMultipleData(admins:ResellerAdmin*, creds:Credentials) -> ResellerAdmin*",
    "getRestrictionsFromContext(ctx:ResellerContext, creds:Credentials) -> Restriction*",
    "list(search_pattern:S, creds:Credentials) -> ResellerAdmin*",
];

const CONTEXT_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "ContextExistsException",
    "NoSuchDatabaseException",
    "NoSuchFilestoreException",
    "NoSuchReasonException",
    "OXContextException",
    "DatabaseUpdateException",
    "RemoteException",
];
const RESELLER_CONTEXT_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "ContextExistsException",
    "NoSuchDatabaseException",
    "NoSuchFilestoreException",
    "NoSuchReasonException",
    "OXContextException",
    "DatabaseUpdateException",
    "DuplicateExtensionException",
    "OXResellerException",
    "RemoteException",
];
const USER_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchUserException",
    "NoSuchFilestoreException",
    "DatabaseUpdateException",
    "RemoteException",
];
const GROUP_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchGroupException",
    "NoSuchUserException",
    "DatabaseUpdateException",
    "RemoteException",
];
const RESOURCE_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchResourceException",
    "DatabaseUpdateException",
    "RemoteException",
];
const RESELLER_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "OXResellerException",
    "RemoteException",
];

fn service(
    name: &'static str,
    family: Family,
    kind: Kind,
    ops: &'static [&'static str],
    faults: &'static [&'static str],
) -> Result<Service, SchemaError> {
    let ops = ops
        .iter()
        .map(|line| operation(line, family.ctx_type()))
        .collect::<Result<Vec<Operation>, _>>()?;
    Ok(Service {
        name,
        family,
        kind,
        ops,
        faults,
    })
}

/// All services ox-sim serves.
pub fn all() -> Result<Vec<Service>, SchemaError> {
    use Family::*;
    Ok(vec![
        service(
            "OXContextService",
            Core,
            Kind::Context,
            CONTEXT_OPS,
            CONTEXT_FAULTS,
        )?,
        service("OXUserService", Core, Kind::User, USER_OPS, USER_FAULTS)?,
        service("OXGroupService", Core, Kind::Group, GROUP_OPS, GROUP_FAULTS)?,
        service(
            "OXResourceService",
            Core,
            Kind::Resource,
            RESOURCE_OPS,
            RESOURCE_FAULTS,
        )?,
        service(
            "OXResellerService",
            Reseller,
            Kind::Reseller,
            RESELLER_OPS,
            RESELLER_FAULTS,
        )?,
        service(
            "OXResellerContextService",
            Reseller,
            Kind::Context,
            CONTEXT_OPS,
            RESELLER_CONTEXT_FAULTS,
        )?,
        service(
            "OXResellerUserService",
            Reseller,
            Kind::User,
            USER_OPS,
            RESELLER_USER_FAULTS,
        )?,
        service(
            "OXResellerGroupService",
            Reseller,
            Kind::Group,
            GROUP_OPS,
            RESELLER_GROUP_FAULTS,
        )?,
        service(
            "OXResellerResourceService",
            Reseller,
            Kind::Resource,
            RESOURCE_OPS,
            RESELLER_RESOURCE_FAULTS,
        )?,
    ])
}

const RESELLER_USER_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchUserException",
    "NoSuchFilestoreException",
    "DatabaseUpdateException",
    "DuplicateExtensionException",
    "OXResellerException",
    "RemoteException",
];
const RESELLER_GROUP_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchGroupException",
    "NoSuchUserException",
    "DatabaseUpdateException",
    "DuplicateExtensionException",
    "OXResellerException",
    "RemoteException",
];
const RESELLER_RESOURCE_FAULTS: &[&str] = &[
    "StorageException",
    "InvalidCredentialsException",
    "InvalidDataException",
    "NoSuchContextException",
    "NoSuchResourceException",
    "DatabaseUpdateException",
    "DuplicateExtensionException",
    "OXResellerException",
    "RemoteException",
];
