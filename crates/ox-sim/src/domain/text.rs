//! Small text rules: capability lists, search patterns, name and address checks.

use crate::error::{OxError, OxResult};
use crate::model::Caps;

/// Parses a comma-separated capability list like OX's `parseToSet`: trimmed,
/// surrounding quotes stripped, lower-cased, empty items dropped.
pub fn parse_caps(s: Option<&str>) -> Vec<String> {
    s.unwrap_or_default()
        .split(',')
        .map(|c| {
            c.trim()
                .trim_matches(|q| q == '"' || q == '\'')
                .trim()
                .to_lowercase()
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// Applies add/remove/drop lists to a capability record.
pub fn apply_caps(caps: &mut Caps, add: &[String], remove: &[String], drop: &[String]) {
    for c in add {
        caps.remove.remove(c);
        caps.add.insert(c.clone());
    }
    for c in remove {
        caps.add.remove(c);
        caps.remove.insert(c.clone());
    }
    for c in drop {
        caps.add.remove(c);
        caps.remove.remove(c);
    }
}

/// Renders capabilities: enabled ones, then disabled ones prefixed with `-`.
pub fn render_caps(caps: &Caps) -> String {
    caps.add
        .iter()
        .cloned()
        .chain(caps.remove.iter().map(|c| format!("-{c}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// SQL-LIKE style search pattern as OX uses it: `*` and `%` match any sequence,
/// `_` one character, `\` escapes; case-insensitive. An empty pattern matches all.
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Any,
        One,
        Lit(char),
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        toks.push(match c {
            '*' | '%' => Tok::Any,
            '_' => Tok::One,
            '\\' => Tok::Lit(chars.next().unwrap_or('\\')),
            c => Tok::Lit(c),
        });
    }
    if toks.is_empty() {
        return true;
    }
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let toks: Vec<Tok> = toks
        .into_iter()
        .map(|t| match t {
            Tok::Lit(c) => Tok::Lit(c.to_lowercase().next().unwrap_or(c)),
            t => t,
        })
        .collect();
    // Iterative wildcard matching with backtracking to the last `Any`.
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < text.len() {
        match toks.get(pi) {
            Some(Tok::Any) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Tok::One) => {
                ti += 1;
                pi += 1;
            }
            Some(Tok::Lit(c)) if text.get(ti) == Some(c) => {
                ti += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[pi..].iter().all(|t| *t == Tok::Any)
}

/// OX's `validateUserName`/group/resource name check: characters outside the
/// allowed class are reported as `Illegal chars: "..."`.
pub fn check_name_chars(name: &str, allow_space: bool) -> OxResult<()> {
    let illegal: String = name
        .chars()
        .filter(|c| {
            !(c.is_ascii_alphanumeric()
                || matches!(c, '$' | '@' | '%' | '.' | '+' | '_' | '-')
                || (allow_space && *c == ' '))
        })
        .collect();
    if illegal.is_empty() {
        Ok(())
    } else {
        Err(OxError::invalid(format!("Illegal chars: \"{illegal}\"")))
    }
}

/// A plausible mail address: one `@`, non-empty local part and domain, no spaces.
pub fn check_mail(addr: &str) -> OxResult<()> {
    let ok = match addr.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !addr.chars().any(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(OxError::invalid("Invalid email address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_normalised() {
        assert_eq!(
            parse_caps(Some(" \"Drive\", 'SPAM' ,,x ")),
            vec!["drive", "spam", "x"]
        );
        let mut c = Caps::default();
        apply_caps(&mut c, &["a".into(), "b".into()], &["c".into()], &[]);
        apply_caps(&mut c, &[], &["a".into()], &["c".into()]);
        assert_eq!(render_caps(&c), "b,-a");
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("*", "anything"));
        assert!(pattern_matches("", "x"));
        assert!(pattern_matches("us*", "User1"));
        assert!(pattern_matches("%.com", "example.COM"));
        assert!(pattern_matches("a_c", "abc"));
        assert!(!pattern_matches("a_c", "abbc"));
        assert!(pattern_matches("\\_x*", "_xy"));
        assert!(!pattern_matches("\\_x*", "axy"));
        assert!(pattern_matches("*b*d", "abcbd"));
        assert!(!pattern_matches("abc", "abcd"));
    }

    #[test]
    fn name_chars() {
        assert!(check_name_chars("john.doe+x@y", false).is_ok());
        let e = check_name_chars("jo hn&", false).unwrap_err();
        assert_eq!(e.message, "Illegal chars: \" &\"");
        assert!(check_name_chars("my group", true).is_ok());
    }

    #[test]
    fn mails() {
        assert!(check_mail("a@b.c").is_ok());
        for bad in ["", "a", "@b", "a@", "a b@c", "a@b@c", "a@.b"] {
            assert!(check_mail(bad).is_err(), "{bad}");
        }
    }
}
