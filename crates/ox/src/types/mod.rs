//! The OX data objects, field for field.
//!
//! Conventions shared by all of them:
//! - every field is public; scalar fields are `Option`: `None` is omitted on the wire, which OX
//!   reads as "leave unchanged". OX ignores `xsi:nil`, so to CLEAR a string field send the empty
//!   string (`Some(String::new())`, see [`crate::cleared`]);
//! - repeated elements (`aliases`, `loginMappings`, `members`, ...) are `Vec`: empty means omitted;
//! - [`UserModuleAccess`] is the exception: plain `bool`s, always sent complete.

mod context;
mod credentials;
mod group;
mod maps;
mod module_access;
mod reseller;
mod resource;
mod user;

pub use context::{Context, Database, Quota};
pub use credentials::Credentials;
pub use group::Group;
pub use maps::{Entry, SoapMapEntry, SoapStringMap, SoapStringMapMap};
pub use module_access::{Right, UnknownRight, UserModuleAccess};
pub use reseller::{ResellerAdmin, ResellerContext, Restriction};
pub use resource::Resource;
pub use user::User;
