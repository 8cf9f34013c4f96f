//! UserModuleAccess: the full set of module rights, and the [`Right`] names.

use std::fmt;
use std::str::FromStr;

use crate::ns::Ns;
use crate::xml::codec::ox_object;

ox_object! {
    /// A user's module rights. Unlike the other data objects every field is a plain `bool` and
    /// ALWAYS written: OX reads a missing boolean as `false`, so a partial set would silently
    /// revoke rights. Start from [`UserModuleAccess::default`] (nothing) or from a named
    /// combination ([`crate::access::by_name`]).
    pub struct UserModuleAccess {
        in Ns::Data => {
            /// Right `olox20`.
            olox20: bool = "OLOX20",
            /// Right `usm`.
            usm: bool = "USM",
            /// Right `activesync`.
            active_sync: bool = "activeSync",
            /// Right `calendar`.
            calendar: bool = "calendar",
            /// Right `collectemailaddresses`.
            collect_email_addresses: bool = "collectEmailAddresses",
            /// Right `contacts`.
            contacts: bool = "contacts",
            /// Right `delegatetask`.
            delegate_task: bool = "delegateTask",
            /// Right `deniedportal`.
            denied_portal: bool = "deniedPortal",
            /// Right `editgroup`.
            edit_group: bool = "editGroup",
            /// Right `editpassword`.
            edit_password: bool = "editPassword",
            /// Right `editpublicfolders`.
            edit_public_folders: bool = "editPublicFolders",
            /// Right `editresource`.
            edit_resource: bool = "editResource",
            /// Right `globaladdressbookdisabled`.
            global_address_book_disabled: bool = "globalAddressBookDisabled",
            /// Right `ical`.
            ical: bool = "ical",
            /// Right `infostore`.
            infostore: bool = "infostore",
            /// Right `multiplemailaccounts`.
            multiple_mail_accounts: bool = "multipleMailAccounts",
            /// Right `publicfoldereditable`.
            public_folder_editable: bool = "publicFolderEditable",
            /// Right `publication`.
            publication: bool = "publication",
            /// Right `readcreatesharedfolders`.
            read_create_shared_folders: bool = "readCreateSharedFolders",
            /// Right `subscription`.
            subscription: bool = "subscription",
            /// Right `syncml`.
            syncml: bool = "syncml",
            /// Right `tasks`.
            tasks: bool = "tasks",
            /// Right `vcard`.
            vcard: bool = "vcard",
            /// Right `webdav`.
            webdav: bool = "webdav",
            /// Right `webdavxml`.
            webdav_xml: bool = "webdavXml",
            /// Right `webmail`.
            webmail: bool = "webmail",
        }
    }
}

/// One right of [`UserModuleAccess`], named as in `ModuleAccessDefinitions.properties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Right {
    /// `olox20` (element `OLOX20`).
    Olox20,
    /// `usm` (element `USM`).
    Usm,
    /// `activesync` (element `activeSync`).
    ActiveSync,
    /// `calendar` (element `calendar`).
    Calendar,
    /// `collectemailaddresses` (element `collectEmailAddresses`).
    CollectEmailAddresses,
    /// `contacts` (element `contacts`).
    Contacts,
    /// `delegatetask` (element `delegateTask`).
    DelegateTask,
    /// `deniedportal` (element `deniedPortal`).
    DeniedPortal,
    /// `editgroup` (element `editGroup`).
    EditGroup,
    /// `editpassword` (element `editPassword`).
    EditPassword,
    /// `editpublicfolders` (element `editPublicFolders`).
    EditPublicFolders,
    /// `editresource` (element `editResource`).
    EditResource,
    /// `globaladdressbookdisabled` (element `globalAddressBookDisabled`).
    GlobalAddressBookDisabled,
    /// `ical` (element `ical`).
    Ical,
    /// `infostore` (element `infostore`).
    Infostore,
    /// `multiplemailaccounts` (element `multipleMailAccounts`).
    MultipleMailAccounts,
    /// `publicfoldereditable` (element `publicFolderEditable`).
    PublicFolderEditable,
    /// `publication` (element `publication`).
    Publication,
    /// `readcreatesharedfolders` (element `readCreateSharedFolders`).
    ReadCreateSharedFolders,
    /// `subscription` (element `subscription`).
    Subscription,
    /// `syncml` (element `syncml`).
    Syncml,
    /// `tasks` (element `tasks`).
    Tasks,
    /// `vcard` (element `vcard`).
    Vcard,
    /// `webdav` (element `webdav`).
    Webdav,
    /// `webdavxml` (element `webdavXml`).
    WebdavXml,
    /// `webmail` (element `webmail`).
    Webmail,
}

impl Right {
    /// Every right, in schema order.
    pub const ALL: [Right; 26] = [
        Right::Olox20,
        Right::Usm,
        Right::ActiveSync,
        Right::Calendar,
        Right::CollectEmailAddresses,
        Right::Contacts,
        Right::DelegateTask,
        Right::DeniedPortal,
        Right::EditGroup,
        Right::EditPassword,
        Right::EditPublicFolders,
        Right::EditResource,
        Right::GlobalAddressBookDisabled,
        Right::Ical,
        Right::Infostore,
        Right::MultipleMailAccounts,
        Right::PublicFolderEditable,
        Right::Publication,
        Right::ReadCreateSharedFolders,
        Right::Subscription,
        Right::Syncml,
        Right::Tasks,
        Right::Vcard,
        Right::Webdav,
        Right::WebdavXml,
        Right::Webmail,
    ];

    /// The lower-case token used in `ModuleAccessDefinitions.properties`.
    pub const fn token(self) -> &'static str {
        match self {
            Right::Olox20 => "olox20",
            Right::Usm => "usm",
            Right::ActiveSync => "activesync",
            Right::Calendar => "calendar",
            Right::CollectEmailAddresses => "collectemailaddresses",
            Right::Contacts => "contacts",
            Right::DelegateTask => "delegatetask",
            Right::DeniedPortal => "deniedportal",
            Right::EditGroup => "editgroup",
            Right::EditPassword => "editpassword",
            Right::EditPublicFolders => "editpublicfolders",
            Right::EditResource => "editresource",
            Right::GlobalAddressBookDisabled => "globaladdressbookdisabled",
            Right::Ical => "ical",
            Right::Infostore => "infostore",
            Right::MultipleMailAccounts => "multiplemailaccounts",
            Right::PublicFolderEditable => "publicfoldereditable",
            Right::Publication => "publication",
            Right::ReadCreateSharedFolders => "readcreatesharedfolders",
            Right::Subscription => "subscription",
            Right::Syncml => "syncml",
            Right::Tasks => "tasks",
            Right::Vcard => "vcard",
            Right::Webdav => "webdav",
            Right::WebdavXml => "webdavxml",
            Right::Webmail => "webmail",
        }
    }

    /// The element name in `UserModuleAccess`.
    pub const fn element(self) -> &'static str {
        match self {
            Right::Olox20 => "OLOX20",
            Right::Usm => "USM",
            Right::ActiveSync => "activeSync",
            Right::Calendar => "calendar",
            Right::CollectEmailAddresses => "collectEmailAddresses",
            Right::Contacts => "contacts",
            Right::DelegateTask => "delegateTask",
            Right::DeniedPortal => "deniedPortal",
            Right::EditGroup => "editGroup",
            Right::EditPassword => "editPassword",
            Right::EditPublicFolders => "editPublicFolders",
            Right::EditResource => "editResource",
            Right::GlobalAddressBookDisabled => "globalAddressBookDisabled",
            Right::Ical => "ical",
            Right::Infostore => "infostore",
            Right::MultipleMailAccounts => "multipleMailAccounts",
            Right::PublicFolderEditable => "publicFolderEditable",
            Right::Publication => "publication",
            Right::ReadCreateSharedFolders => "readCreateSharedFolders",
            Right::Subscription => "subscription",
            Right::Syncml => "syncml",
            Right::Tasks => "tasks",
            Right::Vcard => "vcard",
            Right::Webdav => "webdav",
            Right::WebdavXml => "webdavXml",
            Right::Webmail => "webmail",
        }
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

/// A token that names no right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown module right {0:?}")]
pub struct UnknownRight(pub String);

impl FromStr for Right {
    type Err = UnknownRight;

    /// Accepts the token (`webdavxml`) or the element name (`webdavXml`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Right::ALL
            .into_iter()
            .find(|r| {
                r.token().eq_ignore_ascii_case(wanted) || r.element().eq_ignore_ascii_case(wanted)
            })
            .ok_or_else(|| UnknownRight(s.to_owned()))
    }
}

impl UserModuleAccess {
    /// Whether the right is granted.
    pub fn get(&self, right: Right) -> bool {
        match right {
            Right::Olox20 => self.olox20,
            Right::Usm => self.usm,
            Right::ActiveSync => self.active_sync,
            Right::Calendar => self.calendar,
            Right::CollectEmailAddresses => self.collect_email_addresses,
            Right::Contacts => self.contacts,
            Right::DelegateTask => self.delegate_task,
            Right::DeniedPortal => self.denied_portal,
            Right::EditGroup => self.edit_group,
            Right::EditPassword => self.edit_password,
            Right::EditPublicFolders => self.edit_public_folders,
            Right::EditResource => self.edit_resource,
            Right::GlobalAddressBookDisabled => self.global_address_book_disabled,
            Right::Ical => self.ical,
            Right::Infostore => self.infostore,
            Right::MultipleMailAccounts => self.multiple_mail_accounts,
            Right::PublicFolderEditable => self.public_folder_editable,
            Right::Publication => self.publication,
            Right::ReadCreateSharedFolders => self.read_create_shared_folders,
            Right::Subscription => self.subscription,
            Right::Syncml => self.syncml,
            Right::Tasks => self.tasks,
            Right::Vcard => self.vcard,
            Right::Webdav => self.webdav,
            Right::WebdavXml => self.webdav_xml,
            Right::Webmail => self.webmail,
        }
    }

    /// Grants or revokes the right.
    pub fn set(&mut self, right: Right, on: bool) {
        match right {
            Right::Olox20 => self.olox20 = on,
            Right::Usm => self.usm = on,
            Right::ActiveSync => self.active_sync = on,
            Right::Calendar => self.calendar = on,
            Right::CollectEmailAddresses => self.collect_email_addresses = on,
            Right::Contacts => self.contacts = on,
            Right::DelegateTask => self.delegate_task = on,
            Right::DeniedPortal => self.denied_portal = on,
            Right::EditGroup => self.edit_group = on,
            Right::EditPassword => self.edit_password = on,
            Right::EditPublicFolders => self.edit_public_folders = on,
            Right::EditResource => self.edit_resource = on,
            Right::GlobalAddressBookDisabled => self.global_address_book_disabled = on,
            Right::Ical => self.ical = on,
            Right::Infostore => self.infostore = on,
            Right::MultipleMailAccounts => self.multiple_mail_accounts = on,
            Right::PublicFolderEditable => self.public_folder_editable = on,
            Right::Publication => self.publication = on,
            Right::ReadCreateSharedFolders => self.read_create_shared_folders = on,
            Right::Subscription => self.subscription = on,
            Right::Syncml => self.syncml = on,
            Right::Tasks => self.tasks = on,
            Right::Vcard => self.vcard = on,
            Right::Webdav => self.webdav = on,
            Right::WebdavXml => self.webdav_xml = on,
            Right::Webmail => self.webmail = on,
        }
    }

    /// Exactly these rights, everything else off.
    pub fn from_rights(rights: impl IntoIterator<Item = Right>) -> Self {
        let mut access = UserModuleAccess::default();
        for r in rights {
            access.set(r, true);
        }
        access
    }

    /// The granted rights, in schema order.
    pub fn rights(&self) -> Vec<Right> {
        Right::ALL.into_iter().filter(|r| self.get(*r)).collect()
    }

    /// Parses a comma list of tokens (`webmail,contacts`), the format of
    /// `ModuleAccessDefinitions.properties`.
    pub fn parse_list(list: &str) -> Result<Self, UnknownRight> {
        let rights = list
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(Right::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UserModuleAccess::from_rights(rights))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{Value, XmlObject, XmlWriter, parse};

    #[test]
    fn every_right_maps_to_its_own_field() {
        for r in Right::ALL {
            let a = UserModuleAccess::from_rights([r]);
            assert_eq!(a.rights(), vec![r]);
            assert_eq!(r.token().parse::<Right>(), Ok(r));
            assert_eq!(r.element().parse::<Right>(), Ok(r));
        }
    }

    #[test]
    fn always_writes_the_full_set() {
        let mut w = XmlWriter::new();
        UserModuleAccess::from_rights([Right::Webmail]).encode(&mut w, Ns::Service, "access");
        let xml = w.into_string();
        assert_eq!(xml.matches("<d:").count(), 26);
        assert!(xml.contains("<d:webmail>true</d:webmail>"));
        assert!(xml.contains("<d:OLOX20>false</d:OLOX20>"));
    }

    #[test]
    fn missing_booleans_read_as_false() {
        let el = parse(b"<return><webmail>true</webmail><USM>1</USM></return>").unwrap();
        let a = UserModuleAccess::read_fields(&el).unwrap();
        assert_eq!(a.rights(), vec![Right::Usm, Right::Webmail]);
    }

    #[test]
    fn parse_list_rejects_unknown_tokens() {
        assert_eq!(
            UserModuleAccess::parse_list("webmail, contacts")
                .unwrap()
                .rights(),
            vec![Right::Contacts, Right::Webmail]
        );
        assert!(UserModuleAccess::parse_list("webmail,forum").is_err());
    }
}
