//! The OX user (`User` in the data-object namespace), with every field OX knows.

use crate::ns::Ns;
use crate::secret::Password;
use crate::types::group::Group;
use crate::types::maps::{SoapStringMap, SoapStringMapMap};
use crate::xml::codec::ox_object;

ox_object! {
    /// An OX user. Fields follow the schema order of OX's JAXB `User` class.
    ///
    /// Every field is optional: `None` is omitted on the wire, which OX reads as "leave
    /// unchanged" (OX also ignores `xsi:nil`). To CLEAR a string field send the empty string,
    /// `Some(String::new())` (or [`crate::cleared()`]).
    ///
    /// `Debug` never shows the password.
    pub struct User {
        in Ns::Data => {
            /// All addresses of the user. OX adds the primary address (and `defaultSenderAddress`) itself, but
            /// send it anyway: the list replaces the stored one on change.
            aliases: Vec<String> = "aliases",
            /// `xsd:date` text such as `2016-04-18` or `2016-04-18Z`.
            anniversary: Option<String> = "anniversary",
            /// Element `assistant_name`.
            assistant_name: Option<String> = "assistant_name",
            /// `xsd:date` text such as `1980-01-31`.
            birthday: Option<String> = "birthday",
            /// Element `branches`.
            branches: Option<String> = "branches",
            /// Element `business_category`.
            business_category: Option<String> = "business_category",
            /// Element `categories`.
            categories: Option<String> = "categories",
            /// Element `cellular_telephone1`.
            cellular_telephone1: Option<String> = "cellular_telephone1",
            /// Element `cellular_telephone2`.
            cellular_telephone2: Option<String> = "cellular_telephone2",
            /// Element `city_business`.
            city_business: Option<String> = "city_business",
            /// Element `city_home`.
            city_home: Option<String> = "city_home",
            /// Element `city_other`.
            city_other: Option<String> = "city_other",
            /// Element `commercial_register`.
            commercial_register: Option<String> = "commercial_register",
            /// Element `company`.
            company: Option<String> = "company",
            /// Whether this is the context admin (read-only in practice).
            context_admin: Option<bool> = "contextadmin",
            /// Element `country_business`.
            country_business: Option<String> = "country_business",
            /// Element `country_home`.
            country_home: Option<String> = "country_home",
            /// Element `country_other`.
            country_other: Option<String> = "country_other",
            /// Drive folder mode (`default`, `normal`, `none`); newer OX versions only.
            drive_user_folder_mode: Option<String> = "drive_user_folder_mode",
            /// Sender address; OX defaults it to `primaryEmail` and rejects one that is not among the user's addresses.
            default_sender_address: Option<String> = "defaultSenderAddress",
            /// Element `default_group`.
            default_group: Option<Group> = "default_group",
            /// Element `department`.
            department: Option<String> = "department",
            /// Display name; must be unique in the context.
            display_name: Option<String> = "display_name",
            /// Must equal `primaryEmail` (OX: `primarymail must have the same value as email1`).
            email1: Option<String> = "email1",
            /// Element `email2`.
            email2: Option<String> = "email2",
            /// Element `email3`.
            email3: Option<String> = "email3",
            /// Element `employeeType`.
            employee_type: Option<String> = "employeeType",
            /// Element `fax_business`.
            fax_business: Option<String> = "fax_business",
            /// Element `fax_home`.
            fax_home: Option<String> = "fax_home",
            /// Element `fax_other`.
            fax_other: Option<String> = "fax_other",
            /// Element `filestoreId`.
            filestore_id: Option<i32> = "filestoreId",
            /// Element `filestore_name`.
            filestore_name: Option<String> = "filestore_name",
            /// Element `folderTree`.
            folder_tree: Option<i32> = "folderTree",
            /// Element `given_name`.
            given_name: Option<String> = "given_name",
            /// Element `guiPreferencesForSoap`.
            gui_preferences: Option<SoapStringMap> = "guiPreferencesForSoap",
            /// Element `gui_spam_filter_enabled`.
            gui_spam_filter_enabled: Option<bool> = "gui_spam_filter_enabled",
            /// OX user id; `name` or `id` identifies the user in lookups.
            id: Option<i32> = "id",
            /// IMAP login name.
            imap_login: Option<String> = "imapLogin",
            /// Element `imapPort`.
            imap_port: Option<i32> = "imapPort",
            /// Element `imapSchema`.
            imap_schema: Option<String> = "imapSchema",
            /// Element `imapServer`.
            imap_server: Option<String> = "imapServer",
            /// Element `imapServerString`.
            imap_server_string: Option<String> = "imapServerString",
            /// Element `info`.
            info: Option<String> = "info",
            /// Element `instant_messenger1`.
            instant_messenger1: Option<String> = "instant_messenger1",
            /// Element `instant_messenger2`.
            instant_messenger2: Option<String> = "instant_messenger2",
            /// Locale such as `de_DE` or `en_US`.
            language: Option<String> = "language",
            /// Element `mail_folder_confirmed_ham_name`.
            mail_folder_confirmed_ham_name: Option<String> = "mail_folder_confirmed_ham_name",
            /// Element `mail_folder_confirmed_spam_name`.
            mail_folder_confirmed_spam_name: Option<String> = "mail_folder_confirmed_spam_name",
            /// Element `mail_folder_drafts_name`.
            mail_folder_drafts_name: Option<String> = "mail_folder_drafts_name",
            /// Element `mail_folder_sent_name`.
            mail_folder_sent_name: Option<String> = "mail_folder_sent_name",
            /// Element `mail_folder_spam_name`.
            mail_folder_spam_name: Option<String> = "mail_folder_spam_name",
            /// Element `mail_folder_trash_name`.
            mail_folder_trash_name: Option<String> = "mail_folder_trash_name",
            /// Element `mail_folder_archive_full_name`.
            mail_folder_archive_full_name: Option<String> = "mail_folder_archive_full_name",
            /// Element `mailenabled`.
            mail_enabled: Option<bool> = "mailenabled",
            /// Element `manager_name`.
            manager_name: Option<String> = "manager_name",
            /// Element `marital_status`.
            marital_status: Option<String> = "marital_status",
            /// Filestore quota in MB (-1 = unlimited).
            max_quota: Option<i64> = "maxQuota",
            /// Element `middle_name`.
            middle_name: Option<String> = "middle_name",
            /// Login name: characters `[$@%.+a-zA-Z0-9_-]` (see [`crate::validate::user_name`]).
            name: Option<String> = "name",
            /// Element `nickname`.
            nickname: Option<String> = "nickname",
            /// Element `note`.
            note: Option<String> = "note",
            /// Element `number_of_children`.
            number_of_children: Option<String> = "number_of_children",
            /// Element `number_of_employee`.
            number_of_employee: Option<String> = "number_of_employee",
            /// Clear-text password (redacted in `Debug`).
            password: Option<Password> = "password",
            /// Hash mechanism such as `{SHA-256}` or `{BCRYPT}`.
            password_mech: Option<String> = "passwordMech",
            /// Element `password_expired`.
            password_expired: Option<bool> = "password_expired",
            /// Element `position`.
            position: Option<String> = "position",
            /// Element `postal_code_business`.
            postal_code_business: Option<String> = "postal_code_business",
            /// Element `postal_code_home`.
            postal_code_home: Option<String> = "postal_code_home",
            /// Element `postal_code_other`.
            postal_code_other: Option<String> = "postal_code_other",
            /// Primary mail address (element `primaryEmail`); equal to `email1`.
            primary_email: Option<String> = "primaryEmail",
            /// Element `profession`.
            profession: Option<String> = "profession",
            /// Element `room_number`.
            room_number: Option<String> = "room_number",
            /// Element `sales_volume`.
            sales_volume: Option<String> = "sales_volume",
            /// Element `smtpPort`.
            smtp_port: Option<i32> = "smtpPort",
            /// Element `smtpSchema`.
            smtp_schema: Option<String> = "smtpSchema",
            /// Element `smtpServer`.
            smtp_server: Option<String> = "smtpServer",
            /// Element `smtpServerString`.
            smtp_server_string: Option<String> = "smtpServerString",
            /// Element `spouse_name`.
            spouse_name: Option<String> = "spouse_name",
            /// Element `state_business`.
            state_business: Option<String> = "state_business",
            /// Element `state_home`.
            state_home: Option<String> = "state_home",
            /// Element `state_other`.
            state_other: Option<String> = "state_other",
            /// Element `street_business`.
            street_business: Option<String> = "street_business",
            /// Element `street_home`.
            street_home: Option<String> = "street_home",
            /// Element `street_other`.
            street_other: Option<String> = "street_other",
            /// Element `suffix`.
            suffix: Option<String> = "suffix",
            /// Element `sur_name`.
            sur_name: Option<String> = "sur_name",
            /// Element `tax_id`.
            tax_id: Option<String> = "tax_id",
            /// Element `telephone_assistant`.
            telephone_assistant: Option<String> = "telephone_assistant",
            /// Element `telephone_business1`.
            telephone_business1: Option<String> = "telephone_business1",
            /// Element `telephone_business2`.
            telephone_business2: Option<String> = "telephone_business2",
            /// Element `telephone_callback`.
            telephone_callback: Option<String> = "telephone_callback",
            /// Element `telephone_car`.
            telephone_car: Option<String> = "telephone_car",
            /// Element `telephone_company`.
            telephone_company: Option<String> = "telephone_company",
            /// Element `telephone_home1`.
            telephone_home1: Option<String> = "telephone_home1",
            /// Element `telephone_home2`.
            telephone_home2: Option<String> = "telephone_home2",
            /// Element `telephone_ip`.
            telephone_ip: Option<String> = "telephone_ip",
            /// Element `telephone_isdn`.
            telephone_isdn: Option<String> = "telephone_isdn",
            /// Element `telephone_other`.
            telephone_other: Option<String> = "telephone_other",
            /// Element `telephone_pager`.
            telephone_pager: Option<String> = "telephone_pager",
            /// Element `telephone_primary`.
            telephone_primary: Option<String> = "telephone_primary",
            /// Element `telephone_radio`.
            telephone_radio: Option<String> = "telephone_radio",
            /// Element `telephone_telex`.
            telephone_telex: Option<String> = "telephone_telex",
            /// Element `telephone_ttytdd`.
            telephone_ttytdd: Option<String> = "telephone_ttytdd",
            /// Time zone such as `Europe/Berlin`.
            timezone: Option<String> = "timezone",
            /// Element `title`.
            title: Option<String> = "title",
            /// Element `uploadFileSizeLimit`.
            upload_file_size_limit: Option<i32> = "uploadFileSizeLimit",
            /// Element `uploadFileSizeLimitPerFile`.
            upload_file_size_limit_per_file: Option<i32> = "uploadFileSizeLimitPerFile",
            /// Element `url`.
            url: Option<String> = "url",
            /// Used filestore space in MB (read-only).
            used_quota: Option<i64> = "usedQuota",
            /// Namespaced attributes (`config/...`, ...).
            user_attributes: Option<SoapStringMapMap> = "userAttributes",
            /// Element `userfield01`.
            userfield01: Option<String> = "userfield01",
            /// Element `userfield02`.
            userfield02: Option<String> = "userfield02",
            /// Element `userfield03`.
            userfield03: Option<String> = "userfield03",
            /// Element `userfield04`.
            userfield04: Option<String> = "userfield04",
            /// Element `userfield05`.
            userfield05: Option<String> = "userfield05",
            /// Element `userfield06`.
            userfield06: Option<String> = "userfield06",
            /// Element `userfield07`.
            userfield07: Option<String> = "userfield07",
            /// Element `userfield08`.
            userfield08: Option<String> = "userfield08",
            /// Element `userfield09`.
            userfield09: Option<String> = "userfield09",
            /// Element `userfield10`.
            userfield10: Option<String> = "userfield10",
            /// Element `userfield11`.
            userfield11: Option<String> = "userfield11",
            /// Element `userfield12`.
            userfield12: Option<String> = "userfield12",
            /// Element `userfield13`.
            userfield13: Option<String> = "userfield13",
            /// Element `userfield14`.
            userfield14: Option<String> = "userfield14",
            /// Element `userfield15`.
            userfield15: Option<String> = "userfield15",
            /// Element `userfield16`.
            userfield16: Option<String> = "userfield16",
            /// Element `userfield17`.
            userfield17: Option<String> = "userfield17",
            /// Element `userfield18`.
            userfield18: Option<String> = "userfield18",
            /// Element `userfield19`.
            userfield19: Option<String> = "userfield19",
            /// Element `userfield20`.
            userfield20: Option<String> = "userfield20",
            /// Element `primaryAccountName`.
            primary_account_name: Option<String> = "primaryAccountName",
            /// Newer OX versions only.
            convert_drive_user_folders: Option<bool> = "convert_drive_user_folders",
        }
    }
}

impl User {
    /// A user reference by OX id (for getData, delete, exists, group members, ...).
    pub fn by_id(id: i32) -> Self {
        User {
            id: Some(id),
            ..Default::default()
        }
    }

    /// A user reference by login name.
    pub fn by_name(name: impl Into<String>) -> Self {
        User {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    /// Sets the primary address the way OX wants it: `primaryEmail` and `email1` both, and the
    /// address first in `aliases` when it is not there yet.
    pub fn set_primary_address(&mut self, address: impl Into<String>) {
        let address = address.into();
        if !self
            .aliases
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&address))
        {
            self.aliases.insert(0, address.clone());
        }
        self.primary_email = Some(address.clone());
        self.email1 = Some(address);
    }

    /// Builder form of [`User::set_primary_address`].
    pub fn with_primary_address(mut self, address: impl Into<String>) -> Self {
        self.set_primary_address(address);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let user = User {
            name: Some("alice".into()),
            password: Some("s3cr3t-pw".into()),
            ..Default::default()
        };
        let dbg = format!("{user:?} {user:#?}");
        assert!(!dbg.contains("s3cr3t-pw"));
        assert!(dbg.contains("alice"));
    }

    #[test]
    fn primary_address_sets_email1_and_alias_once() {
        let mut u = User {
            aliases: vec!["other@example.com".into()],
            ..Default::default()
        };
        u.set_primary_address("alice@example.com");
        u.set_primary_address("alice@example.com");
        assert_eq!(u.primary_email.as_deref(), Some("alice@example.com"));
        assert_eq!(u.email1.as_deref(), Some("alice@example.com"));
        assert_eq!(
            u.aliases,
            vec![
                "alice@example.com".to_string(),
                "other@example.com".to_string()
            ]
        );
    }
}
