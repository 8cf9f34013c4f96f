//! The module-access combinations of OX's `ModuleAccessDefinitions.properties` as data.
//!
//! OX resolves `createModuleAccessByName`/`changeModuleAccessByName` with this table and maps a
//! user's rights back to a name in `getAccessCombinationName` (exact set match, else null).
//! The table is the stock file of appsuite-middleware (commit 74aa2cb; `drive` had a different
//! set in older versions); installations can edit theirs, so treat it as the default.
//!
//! Both oxaps (to send complete rights with `changeByModuleAccess`) and ox-sim (to answer
//! `...ByName` and `getAccessCombinationName`) use it.

use crate::types::Right::{self, *};
use crate::types::UserModuleAccess;

/// One named combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combination {
    /// The name (`groupware_premium`, ...).
    pub name: &'static str,
    /// The rights it grants; every other right is off.
    pub rights: &'static [Right],
    /// Marked deprecated in the OX file (`webmail_plus`, `pim_plus`, `groupware_plus`, `premium`).
    pub deprecated: bool,
}

impl Combination {
    /// The combination as a complete [`UserModuleAccess`].
    pub fn access(&self) -> UserModuleAccess {
        UserModuleAccess::from_rights(self.rights.iter().copied())
    }
}

const PIM: [Right; 10] = [
    Webmail,
    Calendar,
    Contacts,
    Tasks,
    GlobalAddressBookDisabled,
    CollectEmailAddresses,
    MultipleMailAccounts,
    Subscription,
    Publication,
    EditPassword,
];

/// Every combination of the stock file, in file order.
pub const COMBINATIONS: &[Combination] = &[
    Combination {
        name: "webmail_plus",
        rights: &[Contacts, Webmail],
        deprecated: true,
    },
    Combination {
        name: "pim_plus",
        rights: &[Contacts, Webmail, Calendar, Tasks],
        deprecated: true,
    },
    Combination {
        name: "groupware_plus",
        rights: &[
            Contacts,
            Webmail,
            Calendar,
            DelegateTask,
            Tasks,
            EditPublicFolders,
            Infostore,
            PublicFolderEditable,
            ReadCreateSharedFolders,
        ],
        deprecated: true,
    },
    Combination {
        name: "premium",
        rights: &[
            Contacts,
            Webmail,
            Calendar,
            DelegateTask,
            Tasks,
            EditPublicFolders,
            Infostore,
            PublicFolderEditable,
            ReadCreateSharedFolders,
            Ical,
            Vcard,
            Webdav,
            WebdavXml,
        ],
        deprecated: true,
    },
    Combination {
        name: "groupware",
        rights: &[
            Calendar,
            Contacts,
            DelegateTask,
            EditPublicFolders,
            Ical,
            Infostore,
            PublicFolderEditable,
            ReadCreateSharedFolders,
            Tasks,
            Vcard,
            Webdav,
            WebdavXml,
            Webmail,
            EditResource,
            EditGroup,
            EditPassword,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
        ],
        deprecated: false,
    },
    Combination {
        name: "webmail",
        rights: &[
            Webmail,
            Contacts,
            GlobalAddressBookDisabled,
            CollectEmailAddresses,
            EditPassword,
        ],
        deprecated: false,
    },
    Combination {
        name: "pim",
        rights: &PIM,
        deprecated: false,
    },
    Combination {
        name: "pim_infostore",
        rights: &[
            Webmail,
            Calendar,
            Contacts,
            Tasks,
            Infostore,
            Webdav,
            GlobalAddressBookDisabled,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
            EditPassword,
        ],
        deprecated: false,
    },
    Combination {
        name: "pim_mobility",
        rights: &[
            Webmail,
            Calendar,
            Contacts,
            Tasks,
            Syncml,
            Usm,
            ActiveSync,
            GlobalAddressBookDisabled,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
            EditPassword,
        ],
        deprecated: false,
    },
    Combination {
        name: "groupware_standard",
        rights: &[
            Webmail,
            Calendar,
            Contacts,
            Infostore,
            Tasks,
            Webdav,
            Ical,
            Vcard,
            ReadCreateSharedFolders,
            DelegateTask,
            EditPublicFolders,
            EditGroup,
            EditResource,
            EditPassword,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
        ],
        deprecated: false,
    },
    Combination {
        name: "groupware_premium",
        rights: &[
            Webmail,
            Calendar,
            Contacts,
            Infostore,
            Tasks,
            Webdav,
            WebdavXml,
            Ical,
            Vcard,
            Syncml,
            Usm,
            Olox20,
            ActiveSync,
            ReadCreateSharedFolders,
            DelegateTask,
            EditPublicFolders,
            EditGroup,
            EditResource,
            EditPassword,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
        ],
        deprecated: false,
    },
    Combination {
        name: "drive",
        rights: &[Infostore, DeniedPortal, Contacts, CollectEmailAddresses],
        deprecated: false,
    },
    Combination {
        name: "all",
        rights: &[
            Webmail,
            Calendar,
            Contacts,
            Infostore,
            Tasks,
            Webdav,
            WebdavXml,
            Ical,
            Vcard,
            Syncml,
            Usm,
            Olox20,
            ActiveSync,
            ReadCreateSharedFolders,
            DelegateTask,
            EditPublicFolders,
            EditGroup,
            EditResource,
            EditPassword,
            PublicFolderEditable,
            CollectEmailAddresses,
            MultipleMailAccounts,
            Subscription,
            Publication,
        ],
        deprecated: false,
    },
];

/// The combination with this name.
pub fn combination(name: &str) -> Option<&'static Combination> {
    COMBINATIONS.iter().find(|c| c.name == name)
}

/// The rights of a named combination, as a complete set.
pub fn by_name(name: &str) -> Option<UserModuleAccess> {
    combination(name).map(Combination::access)
}

/// The name whose rights equal `access` exactly (what `getAccessCombinationName` answers), or
/// `None` when the rights match no combination.
pub fn name_of(access: &UserModuleAccess) -> Option<&'static str> {
    COMBINATIONS
        .iter()
        .find(|c| c.access() == *access)
        .map(|c| c.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sets_are_distinct() {
        for (i, a) in COMBINATIONS.iter().enumerate() {
            for b in &COMBINATIONS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(
                    a.access(),
                    b.access(),
                    "{} and {} grant the same rights",
                    a.name,
                    b.name
                );
            }
        }
    }

    #[test]
    fn round_trips_through_name_of() {
        for c in COMBINATIONS {
            assert_eq!(name_of(&c.access()), Some(c.name));
            assert_eq!(
                c.access().rights().len(),
                c.rights.len(),
                "{} lists a right twice",
                c.name
            );
        }
        assert_eq!(name_of(&UserModuleAccess::default()), None);
    }

    #[test]
    fn relations_stated_in_the_file_hold() {
        let premium = by_name("groupware_premium").unwrap();
        let mut all = premium.clone();
        all.set(Right::PublicFolderEditable, true);
        assert_eq!(by_name("all"), Some(all));
        let mut infostore = by_name("pim").unwrap();
        infostore.set(Right::Infostore, true);
        infostore.set(Right::Webdav, true);
        assert_eq!(by_name("pim_infostore"), Some(infostore));
        assert_eq!(by_name("webmail").unwrap().rights().len(), 5);
        assert!(by_name("nonsense").is_none());
    }
}
