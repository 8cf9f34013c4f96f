//! OX's user data checks (`checkCreateUserData`, `checkChangeUserData`) without the
//! database lookups, which the callers do in OX's order.

use serde_json::{Value, json};

use super::args::{Obj, s, strs};
use super::text::{check_mail, check_name_chars};
use crate::error::{OxError, OxResult};
use crate::model::UserRow;

/// Fields OX requires on create, in its order.
const MANDATORY: &[&str] = &[
    "name",
    "display_name",
    "given_name",
    "sur_name",
    "primaryEmail",
    "email1",
];

/// Fields a client cannot set directly.
const SERVER_OWNED: &[&str] = &[
    "id",
    "contextadmin",
    "usedQuota",
    "passwordMech",
    "password",
];

/// Default language when none is sent (OX's fallback `en_US`).
pub const DEFAULT_LANGUAGE: &str = "en_US";
/// Default time zone.
pub const DEFAULT_TIMEZONE: &str = "Europe/Berlin";

fn nonempty<'a>(u: &'a Obj, k: &str) -> Option<&'a str> {
    s(u, k).filter(|v| !v.trim().is_empty())
}

/// First step: password and mandatory fields.
pub fn precheck(u: &Obj) -> OxResult<()> {
    if nonempty(u, "password").is_none() {
        return Err(OxError::invalid("Empty password is not allowed."));
    }
    let missing: Vec<&str> = MANDATORY
        .iter()
        .copied()
        .filter(|f| nonempty(u, f).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(OxError::invalid(format!(
            "Mandatory fields not set: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

fn check_language(u: &Obj) -> OxResult<()> {
    match s(u, "language") {
        Some(l) if !l.contains('_') => Err(OxError::invalid(
            "language must contain an underscore, e.g. en_US",
        )),
        _ => Ok(()),
    }
}

fn check_mails(u: &Obj) -> OxResult<()> {
    for k in [
        "primaryEmail",
        "email1",
        "email2",
        "email3",
        "defaultSenderAddress",
    ] {
        if let Some(v) = nonempty(u, k) {
            check_mail(v)?;
        }
    }
    for a in strs(u, "aliases").unwrap_or_default() {
        check_mail(&a)?;
    }
    Ok(())
}

/// Second step (after the display-name check): name characters, addresses,
/// primaryEmail == email1, aliases completed with defaultSenderAddress and the
/// primary address, defaults for language and time zone. Returns the data to store.
pub fn finish(u: &Obj) -> OxResult<Obj> {
    let name = nonempty(u, "name").unwrap_or_default();
    check_name_chars(name, false)?;
    check_mails(u)?;
    let primary = nonempty(u, "primaryEmail").unwrap_or_default().to_string();
    if Some(primary.as_str()) != nonempty(u, "email1") {
        return Err(OxError::invalid(
            "primarymail must have the same value as email1",
        ));
    }
    check_language(u)?;
    let mut data: Obj = u
        .iter()
        .filter(|(k, v)| !v.is_null() && !SERVER_OWNED.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut aliases = strs(u, "aliases").unwrap_or_default();
    match nonempty(u, "defaultSenderAddress") {
        Some(d) => push_unique(&mut aliases, d),
        None => {
            data.insert("defaultSenderAddress".into(), json!(primary));
        }
    }
    push_unique(&mut aliases, &primary);
    data.insert("aliases".into(), json!(aliases));
    data.entry("language")
        .or_insert_with(|| json!(DEFAULT_LANGUAGE));
    data.entry("timezone")
        .or_insert_with(|| json!(DEFAULT_TIMEZONE));
    data.entry("mailenabled").or_insert(Value::Bool(true));
    Ok(data)
}

fn push_unique(list: &mut Vec<String>, v: &str) {
    if !list.iter().any(|x| x.eq_ignore_ascii_case(v)) {
        list.push(v.to_string());
    }
}

/// Checks a partial change like OX's `checkChangeUserData` (mail checks are skipped
/// for the context admin, as in OX). Returns whether the primary address changes.
pub fn check_change(new: &Obj, db: &UserRow) -> OxResult<bool> {
    if let Some(n) = s(new, "name")
        && n != db.name
    {
        check_name_chars(n, false)?;
        return Err(OxError::invalid("Changing username is disabled!"));
    }
    if let Some(l) = s(new, "language")
        && !l.contains('_')
    {
        return Err(OxError::invalid(
            "Language must contain an underscore, e.g. en_US.",
        ));
    }
    if let Some(p) = s(new, "password")
        && p.trim().is_empty()
    {
        return Err(OxError::invalid("Empty password is not allowed."));
    }
    let primary_new = nonempty(new, "primaryEmail");
    let changes_primary = primary_new.is_some_and(|p| !p.eq_ignore_ascii_case(&db.primary_email));
    if db.is_admin {
        return Ok(changes_primary);
    }
    check_mails(new)?;
    let email1_new = nonempty(new, "email1");
    if let (Some(p), Some(e)) = (primary_new, email1_new)
        && !p.eq_ignore_ascii_case(e)
    {
        return Err(OxError::invalid("email1 not equal with primarymail!"));
    }
    let aliases = strs(new, "aliases")
        .or_else(|| strs(&db.data, "aliases"))
        .unwrap_or_default();
    let has = |a: Option<&str>| a.is_none_or(|a| aliases.iter().any(|x| x.eq_ignore_ascii_case(a)));
    let primary = primary_new.or(Some(db.primary_email.as_str()));
    let email1 = email1_new.or_else(|| s(&db.data, "email1"));
    let sender =
        nonempty(new, "defaultSenderAddress").or_else(|| s(&db.data, "defaultSenderAddress"));
    if !has(primary) || !has(email1) || !has(sender) {
        return Err(OxError::invalid(
            "primaryMail, Email1 and defaultSenderAddress must be present in set of aliases.",
        ));
    }
    if primary_new.is_some() && email1_new.is_none() {
        return Err(OxError::invalid("email1 not sent but required!"));
    }
    Ok(changes_primary)
}

/// Merges a partial change into the stored data: nil values are ignored (OX ignores
/// `xsi:nil` on change), everything else replaces the stored value.
pub fn merge(db: &mut UserRow, new: &Obj) {
    for (k, v) in new {
        if v.is_null() || SERVER_OWNED.contains(&k.as_str()) || k == "name" {
            continue;
        }
        if k == "userAttributes" {
            merge_attributes(db, v);
            continue;
        }
        db.data.insert(k.clone(), v.clone());
        match k.as_str() {
            "display_name" => db.display_name = v.as_str().unwrap_or_default().to_string(),
            "primaryEmail" => db.primary_email = v.as_str().unwrap_or_default().to_string(),
            _ => {}
        }
    }
}

/// Merges `userAttributes` per namespace and key, as OX does: an empty or nil value removes the
/// key, other keys stay.
fn merge_attributes(db: &mut UserRow, change: &Value) {
    let mut all = super::args::map_map(db.data.get("userAttributes"));
    for (ns, inner) in super::args::map_map(Some(change)) {
        let target = all.entry(ns).or_insert_with(|| Value::Object(Obj::new()));
        if let (Some(t), Some(inner)) = (target.as_object_mut(), inner.as_object()) {
            for (k, v) in inner {
                match v.as_str() {
                    Some(s) if !s.is_empty() => {
                        t.insert(k.clone(), v.clone());
                    }
                    _ => {
                        t.remove(k);
                    }
                }
            }
        }
    }
    all.retain(|_, v| v.as_object().is_some_and(|o| !o.is_empty()));
    db.data
        .insert("userAttributes".into(), super::args::to_map_map(&all));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> Obj {
        json!({
            "name": "jdoe", "display_name": "John Doe", "given_name": "John",
            "sur_name": "Doe", "primaryEmail": "j@x.com", "email1": "j@x.com",
            "password": "pw", "id": 99
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn create_completes_aliases_and_defaults() {
        let u = user();
        precheck(&u).unwrap();
        let d = finish(&u).unwrap();
        assert_eq!(d["aliases"], json!(["j@x.com"]));
        assert_eq!(d["defaultSenderAddress"], "j@x.com");
        assert_eq!(d["language"], "en_US");
        assert!(d.get("password").is_none() && d.get("id").is_none());
        let mut u = user();
        u.insert("defaultSenderAddress".into(), json!("alias@x.com"));
        let d = finish(&u).unwrap();
        assert_eq!(d["aliases"], json!(["alias@x.com", "j@x.com"]));
    }

    #[test]
    fn create_errors_in_ox_order() {
        let mut u = user();
        u.insert("password".into(), json!(""));
        assert_eq!(
            precheck(&u).unwrap_err().message,
            "Empty password is not allowed."
        );
        let mut u = user();
        u.remove("sur_name");
        u.remove("email1");
        assert_eq!(
            precheck(&u).unwrap_err().message,
            "Mandatory fields not set: sur_name, email1"
        );
        let mut u = user();
        u.insert("email1".into(), json!("other@x.com"));
        assert_eq!(
            finish(&u).unwrap_err().message,
            "primarymail must have the same value as email1"
        );
        let mut u = user();
        u.insert("name".into(), json!("j doe!"));
        assert_eq!(finish(&u).unwrap_err().message, "Illegal chars: \" !\"");
    }
}
