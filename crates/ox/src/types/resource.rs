//! Resource.

use crate::ns::Ns;
use crate::xml::codec::ox_object;

ox_object! {
    /// An OX resource (room, equipment). `name` follows the group-name rules.
    pub struct Resource {
        in Ns::Data => {
            available: Option<bool> = "available",
            description: Option<String> = "description",
            displayname: Option<String> = "displayname",
            email: Option<String> = "email",
            id: Option<i32> = "id",
            name: Option<String> = "name",
        }
    }
}

impl Resource {
    /// A resource reference by id.
    pub fn by_id(id: i32) -> Self {
        Resource {
            id: Some(id),
            ..Default::default()
        }
    }

    /// A resource reference by name.
    pub fn by_name(name: impl Into<String>) -> Self {
        Resource {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}
