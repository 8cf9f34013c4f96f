//! Typed, thin wrappers over [`crate::OxClient::execute`], one per OX service.
//!
//! The core and reseller variants of the context, user, group and resource services have the
//! same operations and parameter names; they differ in the service URL and namespace and in the
//! context type (`Context` vs `ResellerContext`). One generic implementation serves both,
//! selected by the [`Flavor`] marker: `ContextService<Core>` is OXContextService,
//! `ContextService<Reseller>` is OXResellerContextService, and so on. Operations OX has only on
//! the core service (`changeCapabilities`, `changeQuota`) live in `impl ...<Core>` blocks.
//!
//! Parameters follow OX's order (`ctx` first, credentials last).

mod context;
mod group;
mod reseller;
mod resource;
mod user;

use std::fmt::Debug;

pub use context::ContextService;
pub use group::GroupService;
pub use reseller::ResellerService;
pub use resource::ResourceService;
pub use user::UserService;

use crate::service::Service;
use crate::types::{Context, ResellerContext};
use crate::xml::{Value, XmlObject};

/// The context type a service family uses.
pub trait ContextArg: Value + XmlObject + Clone + Default + Debug + Send + Sync + 'static {
    /// The context id (for tracing).
    fn context_id(&self) -> Option<i32>;
    /// A reference carrying only the id.
    fn from_id(id: i32) -> Self;
}

impl ContextArg for Context {
    fn context_id(&self) -> Option<i32> {
        self.id
    }

    fn from_id(id: i32) -> Self {
        Context::with_id(id)
    }
}

impl ContextArg for ResellerContext {
    fn context_id(&self) -> Option<i32> {
        self.id
    }

    fn from_id(id: i32) -> Self {
        ResellerContext::with_id(id)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Core {}
    impl Sealed for super::Reseller {}
}

/// Core (on-premise, master admin / context admin) or reseller (OX Cloud, subadmin) services.
pub trait Flavor: sealed::Sealed + Send + Sync + 'static {
    /// `Context` or `ResellerContext`.
    type Ctx: ContextArg;
    /// Whether this is the reseller family.
    const RESELLER: bool;
}

/// The core services: OXContextService, OXUserService, OXGroupService, OXResourceService.
#[derive(Debug, Clone, Copy)]
pub struct Core;

/// The reseller services: OXResellerContextService, OXResellerUserService,
/// OXResellerGroupService, OXResellerResourceService.
#[derive(Debug, Clone, Copy)]
pub struct Reseller;

impl Flavor for Core {
    type Ctx = Context;
    const RESELLER: bool = false;
}

impl Flavor for Reseller {
    type Ctx = ResellerContext;
    const RESELLER: bool = true;
}

pub(crate) const fn pick<F: Flavor>(core: Service, reseller: Service) -> Service {
    if F::RESELLER { reseller } else { core }
}

impl crate::OxClient {
    /// OXContextService (master admin credentials).
    pub fn contexts(&self) -> ContextService<Core> {
        ContextService::new(self.clone())
    }

    /// OXResellerContextService (subadmin credentials).
    pub fn reseller_contexts(&self) -> ContextService<Reseller> {
        ContextService::new(self.clone())
    }

    /// OXUserService (context admin credentials).
    pub fn users(&self) -> UserService<Core> {
        UserService::new(self.clone())
    }

    /// OXResellerUserService (subadmin credentials).
    pub fn reseller_users(&self) -> UserService<Reseller> {
        UserService::new(self.clone())
    }

    /// OXGroupService (context admin credentials).
    pub fn groups(&self) -> GroupService<Core> {
        GroupService::new(self.clone())
    }

    /// OXResellerGroupService (subadmin credentials).
    pub fn reseller_groups(&self) -> GroupService<Reseller> {
        GroupService::new(self.clone())
    }

    /// OXResourceService (context admin credentials).
    pub fn resources(&self) -> ResourceService<Core> {
        ResourceService::new(self.clone())
    }

    /// OXResellerResourceService (subadmin credentials).
    pub fn reseller_resources(&self) -> ResourceService<Reseller> {
        ResourceService::new(self.clone())
    }

    /// OXResellerService (master admin, or a subadmin that may create subadmins).
    pub fn resellers(&self) -> ResellerService {
        ResellerService::new(self.clone())
    }
}
