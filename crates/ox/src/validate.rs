//! Local checks with OX's own rules, so bad input is rejected before a call is made (and, in a
//! job queue, before a poisoned job blocks anything).
//!
//! The character rules are OX's defaults (AdminDaemon properties `CHECK_USER_UID_REGEXP` =
//! `[$@%\.+a-zA-Z0-9_-]` and `CHECK_GROUP_UID_REGEXP` / `CHECK_RES_UID_REGEXP` =
//! `[ $@%\.+a-zA-Z0-9_-]`). Like OX, the characters left after removing the allowed ones are
//! reported as `Illegal chars: "..."`, in order and with repeats.

use crate::types::User;

/// Input that OX would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The OX field (element name) at fault.
    pub field: &'static str,
    /// The message, worded as OX words it where OX has a message for the case.
    pub message: String,
}

impl ValidationError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        ValidationError {
            field,
            message: message.into(),
        }
    }
}

fn is_user_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '$' | '@' | '%' | '.' | '+' | '_' | '-')
}

fn check_chars(
    field: &'static str,
    value: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), ValidationError> {
    let illegal: String = value.chars().filter(|c| !allowed(*c)).collect();
    if illegal.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("Illegal chars: \"{illegal}\""),
        ))
    }
}

/// A user login name: `[$@%.+a-zA-Z0-9_-]`, not empty.
pub fn user_name(name: &str) -> Result<(), ValidationError> {
    if name.is_empty() {
        return Err(ValidationError::new("name", "Invalid user name"));
    }
    check_chars("name", name, is_user_name_char)
}

/// A group name: the user-name characters plus space, not empty.
pub fn group_name(name: &str) -> Result<(), ValidationError> {
    if name.trim().is_empty() {
        return Err(ValidationError::new("name", "Invalid group name"));
    }
    check_chars("name", name, |c| c == ' ' || is_user_name_char(c))
}

/// A resource name: the same rules as a group name.
pub fn resource_name(name: &str) -> Result<(), ValidationError> {
    if name.trim().is_empty() {
        return Err(ValidationError::new("name", "Invalid resource name"));
    }
    check_chars("name", name, |c| c == ' ' || is_user_name_char(c))
}

/// A plausible mail address: one `@`, non-empty local part and domain, no whitespace or
/// control characters, a dot-separated domain without empty labels. (OX parses with
/// `javax.mail.internet.InternetAddress`; this is a conservative subset.)
pub fn mail_address(field: &'static str, address: &str) -> Result<(), ValidationError> {
    let invalid = || ValidationError::new(field, format!("Invalid email address {address:?}"));
    let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
    let bad_char = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '"')
    };
    if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || address.chars().any(bad_char)
        || domain.split('.').any(str::is_empty)
    {
        return Err(invalid());
    }
    Ok(())
}

/// OX's rule that `primaryEmail` equals `email1` (when both are given).
pub fn primary_matches_email1(user: &User) -> Result<(), ValidationError> {
    match (&user.primary_email, &user.email1) {
        (Some(p), Some(e)) if !p.eq_ignore_ascii_case(e) => Err(ValidationError::new(
            "primaryEmail",
            "primarymail must have the same value as email1",
        )),
        _ => Ok(()),
    }
}

/// The checks OX applies on user create: mandatory fields (name, display_name, password,
/// given_name, sur_name, primaryEmail, email1), name characters, address syntax,
/// primaryEmail == email1, and a `defaultSenderAddress` among the user's addresses.
pub fn user_for_create(user: &User) -> Result<(), ValidationError> {
    let mandatory: [(&'static str, bool); 7] = [
        ("name", user.name.as_deref().is_some_and(|s| !s.is_empty())),
        (
            "display_name",
            user.display_name.as_deref().is_some_and(|s| !s.is_empty()),
        ),
        (
            "password",
            user.password
                .as_ref()
                .is_some_and(|p| !p.expose().is_empty()),
        ),
        (
            "given_name",
            user.given_name.as_deref().is_some_and(|s| !s.is_empty()),
        ),
        (
            "sur_name",
            user.sur_name.as_deref().is_some_and(|s| !s.is_empty()),
        ),
        (
            "primaryEmail",
            user.primary_email.as_deref().is_some_and(|s| !s.is_empty()),
        ),
        (
            "email1",
            user.email1.as_deref().is_some_and(|s| !s.is_empty()),
        ),
    ];
    if let Some((field, _)) = mandatory.iter().find(|(_, present)| !present) {
        return Err(ValidationError::new(
            field,
            format!("Mandatory field {field} is not set"),
        ));
    }
    user_for_change(user)
}

/// The checks that apply to whatever fields a change carries.
pub fn user_for_change(user: &User) -> Result<(), ValidationError> {
    if let Some(name) = &user.name {
        user_name(name)?;
    }
    for (field, value) in [
        ("primaryEmail", &user.primary_email),
        ("email1", &user.email1),
        ("defaultSenderAddress", &user.default_sender_address),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            mail_address(field, v)?;
        }
    }
    for alias in &user.aliases {
        mail_address("aliases", alias)?;
    }
    primary_matches_email1(user)?;
    if let Some(sender) = user
        .default_sender_address
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        let known = user
            .primary_email
            .iter()
            .chain(user.aliases.iter())
            .any(|a| a.eq_ignore_ascii_case(sender));
        if !known && (user.primary_email.is_some() || !user.aliases.is_empty()) {
            return Err(ValidationError::new(
                "defaultSenderAddress",
                format!("Default sender address {sender} is not one of the user's addresses"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_chars_are_listed_like_ox_does() {
        assert_eq!(
            user_name("alice.b-c_d+e@x%y$z9").map_err(|e| e.message),
            Ok(())
        );
        assert_eq!(
            user_name("al ice&&").unwrap_err().message,
            "Illegal chars: \" &&\""
        );
        assert_eq!(
            group_name("Sales & Marketing").unwrap_err().message,
            "Illegal chars: \"&\""
        );
        assert!(group_name("Sales Team").is_ok());
        assert_eq!(
            resource_name("Room #1").unwrap_err().message,
            "Illegal chars: \"#\""
        );
        assert!(user_name("").is_err());
        assert!(group_name("  ").is_err());
        assert_eq!(
            user_name("jürgen").unwrap_err().message,
            "Illegal chars: \"ü\""
        );
    }

    #[test]
    fn mail_addresses() {
        for ok in ["a@b.c", "first.last+tag@sub.example.com"] {
            assert!(mail_address("email1", ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "@b.c", "a@", "a@@b.c", "a b@c.d", "a@b..c", "a@b.c.",
        ] {
            assert!(mail_address("email1", bad).is_err(), "{bad}");
        }
    }

    fn valid_user() -> User {
        User {
            name: Some("alice".into()),
            display_name: Some("Alice A".into()),
            password: Some("pw".into()),
            given_name: Some("Alice".into()),
            sur_name: Some("A".into()),
            ..Default::default()
        }
        .with_primary_address("alice@example.com")
    }

    #[test]
    fn create_rules() {
        assert!(user_for_create(&valid_user()).is_ok());
        let mut u = valid_user();
        u.email1 = Some("other@example.com".into());
        assert_eq!(
            user_for_create(&u).unwrap_err().message,
            "primarymail must have the same value as email1"
        );
        let mut u = valid_user();
        u.sur_name = None;
        assert_eq!(user_for_create(&u).unwrap_err().field, "sur_name");
        let mut u = valid_user();
        u.default_sender_address = Some("stranger@example.com".into());
        assert_eq!(
            user_for_create(&u).unwrap_err().field,
            "defaultSenderAddress"
        );
        u.aliases.push("stranger@example.com".into());
        assert!(user_for_create(&u).is_ok());
    }

    #[test]
    fn change_accepts_clearing_and_partial_users() {
        let u = User {
            id: Some(5),
            email2: Some(String::new()),
            ..Default::default()
        };
        assert!(user_for_change(&u).is_ok());
    }
}
