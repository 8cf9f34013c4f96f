//! The `advertisement.properties` equivalent: per reseller a package scheme and,
//! for `TaxonomyTypes`, the list of taxonomy types.

use std::collections::HashMap;

/// Property prefix, as in OX.
pub const PREFIX: &str = "com.openexchange.advertisement.";

/// How a user's package is determined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// The only package is `default`.
    Global,
    /// The user's access combination name.
    AccessCombinations,
    /// The first configured taxonomy type found on the user or context.
    TaxonomyTypes,
}

impl Scheme {
    /// OX's scheme id.
    pub fn id(self) -> &'static str {
        match self {
            Scheme::Global => "Global",
            Scheme::AccessCombinations => "AccessCombinations",
            Scheme::TaxonomyTypes => "TaxonomyTypes",
        }
    }

    fn parse(s: &str) -> Option<Scheme> {
        [
            Scheme::Global,
            Scheme::AccessCombinations,
            Scheme::TaxonomyTypes,
        ]
        .into_iter()
        .find(|x| x.id() == s)
    }
}

/// Errors in the properties file.
#[derive(Debug, thiserror::Error)]
pub enum PropsError {
    /// Unreadable file.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Unknown scheme id.
    #[error(
        "line {line}: unknown packageScheme {value:?} (Global, AccessCombinations, TaxonomyTypes)"
    )]
    Scheme {
        /// 1-based line.
        line: usize,
        /// Value.
        value: String,
    },
}

/// Parsed settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdsSettings {
    schemes: HashMap<String, Scheme>,
    taxonomies: HashMap<String, Vec<String>>,
}

impl AdsSettings {
    /// Parses `key=value` lines (`#`/`!` comments, `:` also separates, blanks ignored).
    /// Unrelated keys are ignored.
    pub fn parse(text: &str) -> Result<AdsSettings, PropsError> {
        let mut out = AdsSettings::default();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some(pos) = line.find(['=', ':']) else {
                continue;
            };
            let (key, value) = (line[..pos].trim(), line[pos + 1..].trim());
            let Some(rest) = key.strip_prefix(PREFIX) else {
                continue;
            };
            if let Some(reseller) = rest.strip_suffix(".packageScheme") {
                let scheme = Scheme::parse(value).ok_or_else(|| PropsError::Scheme {
                    line: n + 1,
                    value: value.to_string(),
                })?;
                out.schemes.insert(reseller.to_string(), scheme);
            } else if let Some(reseller) = rest.strip_suffix(".taxonomy.types") {
                let types = value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                out.taxonomies.insert(reseller.to_string(), types);
            }
        }
        Ok(out)
    }

    /// Reads and parses a file.
    pub fn load(path: &std::path::Path) -> Result<AdsSettings, PropsError> {
        let text = std::fs::read_to_string(path).map_err(|source| PropsError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    /// The scheme of a reseller: by name, else by id, else `Global`.
    pub fn scheme(&self, name: &str, id: Option<i64>) -> Scheme {
        self.schemes
            .get(name)
            .or_else(|| id.and_then(|i| self.schemes.get(&i.to_string())))
            .copied()
            .unwrap_or(Scheme::Global)
    }

    /// The configured taxonomy types of a reseller (by name, else by id).
    pub fn taxonomy_types(&self, name: &str, id: Option<i64>) -> &[String] {
        self.taxonomies
            .get(name)
            .or_else(|| id.and_then(|i| self.taxonomies.get(&i.to_string())))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schemes_and_types() {
        let s = AdsSettings::parse(
            "# c\ncom.openexchange.advertisement.default.packageScheme=AccessCombinations\n\
             com.openexchange.advertisement.brand1.packageScheme = TaxonomyTypes\n\
             com.openexchange.advertisement.brand1.taxonomy.types=free, paid\n\
             other.key=1\n",
        )
        .unwrap();
        assert_eq!(s.scheme("default", None), Scheme::AccessCombinations);
        assert_eq!(s.scheme("brand1", Some(4)), Scheme::TaxonomyTypes);
        assert_eq!(s.scheme("brand2", None), Scheme::Global);
        assert_eq!(s.taxonomy_types("brand1", None), ["free", "paid"]);
        assert!(s.taxonomy_types("default", None).is_empty());
    }

    #[test]
    fn scheme_by_id_fallback_and_bad_value() {
        let s = AdsSettings::parse("com.openexchange.advertisement.7.packageScheme=Global\ncom.openexchange.advertisement.7.taxonomy.types=x").unwrap();
        assert_eq!(s.scheme("brand7", Some(7)), Scheme::Global);
        assert_eq!(s.taxonomy_types("brand7", Some(7)), ["x"]);
        let e = AdsSettings::parse("com.openexchange.advertisement.x.packageScheme=Foo");
        assert!(matches!(e, Err(PropsError::Scheme { line: 1, .. })));
    }
}
