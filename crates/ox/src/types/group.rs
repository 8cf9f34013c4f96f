//! Group.

use crate::ns::Ns;
use crate::xml::codec::ox_object;

ox_object! {
    /// An OX group. `name` allows `[ $@%.+a-zA-Z0-9_-]` (see [`crate::validate::group_name`]);
    /// `members` are OX user ids.
    pub struct Group {
        in Ns::Data => {
            displayname: Option<String> = "displayname",
            id: Option<i32> = "id",
            members: Vec<i32> = "members",
            name: Option<String> = "name",
        }
    }
}

impl Group {
    /// A group reference by id.
    pub fn by_id(id: i32) -> Self {
        Group {
            id: Some(id),
            ..Default::default()
        }
    }

    /// A group reference by name.
    pub fn by_name(name: impl Into<String>) -> Self {
        Group {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}
