//! Module access rights and the named combinations of OX's
//! `ModuleAccessDefinitions.properties`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::args::Obj;

/// (UserModuleAccess element, right token) for all 26 rights.
pub const RIGHTS: [(&str, &str); 26] = [
    ("OLOX20", "olox20"),
    ("USM", "usm"),
    ("activeSync", "activesync"),
    ("calendar", "calendar"),
    ("collectEmailAddresses", "collectemailaddresses"),
    ("contacts", "contacts"),
    ("delegateTask", "delegatetask"),
    ("deniedPortal", "deniedportal"),
    ("editGroup", "editgroup"),
    ("editPassword", "editpassword"),
    ("editPublicFolders", "editpublicfolders"),
    ("editResource", "editresource"),
    ("globalAddressBookDisabled", "globaladdressbookdisabled"),
    ("ical", "ical"),
    ("infostore", "infostore"),
    ("multipleMailAccounts", "multiplemailaccounts"),
    ("publicFolderEditable", "publicfoldereditable"),
    ("publication", "publication"),
    ("readCreateSharedFolders", "readcreatesharedfolders"),
    ("subscription", "subscription"),
    ("syncml", "syncml"),
    ("tasks", "tasks"),
    ("vcard", "vcard"),
    ("webdav", "webdav"),
    ("webdavXml", "webdavxml"),
    ("webmail", "webmail"),
];

/// The context-admin-only right stripped from normal users.
pub const ADMIN_ONLY: &str = "publicfoldereditable";

/// The combination a context admin gets when none is named.
pub const DEFAULT_ADMIN_COMBINATION: &str = "all";

const WEBMAIL: &[&str] = &[
    "webmail",
    "contacts",
    "globaladdressbookdisabled",
    "collectemailaddresses",
    "editpassword",
];
const PIM: &[&str] = &[
    "webmail",
    "calendar",
    "contacts",
    "tasks",
    "globaladdressbookdisabled",
    "collectemailaddresses",
    "multiplemailaccounts",
    "subscription",
    "publication",
    "editpassword",
];
const GROUPWARE_STANDARD: &[&str] = &[
    "webmail",
    "calendar",
    "contacts",
    "infostore",
    "tasks",
    "webdav",
    "ical",
    "vcard",
    "readcreatesharedfolders",
    "delegatetask",
    "editpublicfolders",
    "editgroup",
    "editresource",
    "editpassword",
    "collectemailaddresses",
    "multiplemailaccounts",
    "subscription",
    "publication",
];
const PREMIUM_EXTRA: &[&str] = &["webdavxml", "syncml", "usm", "olox20", "activesync"];
const DRIVE: &[&str] = &[
    "infostore",
    "deniedportal",
    "contacts",
    "collectemailaddresses",
];

/// Combination names in lookup order (the first exact match wins).
pub const NAMES: &[&str] = &[
    "webmail",
    "pim",
    "pim_infostore",
    "pim_mobility",
    "groupware_standard",
    "groupware_premium",
    "all",
    "drive",
    "groupware",
];

/// The rights of a named combination as defined (including admin-only rights).
pub fn combination(name: &str) -> Option<BTreeSet<String>> {
    let parts: Vec<&[&str]> = match name {
        "webmail" => vec![WEBMAIL],
        "pim" => vec![PIM],
        "pim_infostore" => vec![PIM, &["infostore", "webdav"]],
        "pim_mobility" => vec![PIM, &["syncml", "usm", "activesync"]],
        "groupware_standard" => vec![GROUPWARE_STANDARD],
        "groupware_premium" => vec![GROUPWARE_STANDARD, PREMIUM_EXTRA],
        "all" => vec![GROUPWARE_STANDARD, PREMIUM_EXTRA, &[ADMIN_ONLY]],
        "drive" => vec![DRIVE],
        "groupware" => vec![GROUPWARE_STANDARD, &["webdavxml", ADMIN_ONLY]],
        _ => return None,
    };
    Some(
        parts
            .into_iter()
            .flatten()
            .map(|s| (*s).to_string())
            .collect(),
    )
}

/// Rights as applied to a user: normal users never get admin-only rights.
pub fn for_user(mut rights: BTreeSet<String>, is_admin: bool) -> BTreeSet<String> {
    if !is_admin {
        rights.remove(ADMIN_ONLY);
    }
    rights
}

/// The name whose definition equals `rights` exactly, if any.
pub fn name_of(rights: &BTreeSet<String>) -> Option<&'static str> {
    NAMES
        .iter()
        .copied()
        .find(|n| combination(n).as_ref() == Some(rights))
}

/// A `UserModuleAccess` object with all 26 booleans.
pub fn to_json(rights: &BTreeSet<String>) -> Value {
    let mut o = Obj::new();
    for (elem, token) in RIGHTS {
        o.insert(elem.to_string(), Value::Bool(rights.contains(token)));
    }
    Value::Object(o)
}

/// Rights from a `UserModuleAccess` object (missing booleans are false, like OX).
pub fn from_json(o: &Obj) -> BTreeSet<String> {
    RIGHTS
        .iter()
        .filter(|(elem, _)| o.get(*elem).and_then(Value::as_bool).unwrap_or(false))
        .map(|(_, token)| (*token).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn premium_user_maps_back_to_premium_and_admin_to_all() {
        let all = combination("all").unwrap();
        assert_eq!(name_of(&all), Some("all"));
        let user = for_user(all, false);
        assert_eq!(name_of(&user), Some("groupware_premium"));
        assert_eq!(combination("pim_infostore").unwrap().len(), 12);
    }

    #[test]
    fn unknown_sets_have_no_name() {
        let mut s = combination("webmail").unwrap();
        s.insert("calendar".into());
        assert_eq!(name_of(&s), None);
        assert!(combination("nope").is_none());
    }

    #[test]
    fn json_roundtrip() {
        let s = combination("drive").unwrap();
        let j = to_json(&s);
        assert_eq!(j["deniedPortal"], true);
        assert_eq!(j["webmail"], false);
        assert_eq!(from_json(j.as_object().unwrap()), s);
    }
}
