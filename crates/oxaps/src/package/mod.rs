//! The APS package (`<name>-<version>-<release>.app.zip`) that providers import into OSA.
//!
//! The package is the checked-in tree `crates/oxaps/package/` (screens, translations, images),
//! embedded at compile time by `build.rs`, plus generated files: `APP-META.xml` ([`meta`]),
//! `schemas/<service>.schema` from the endpoint's own type definitions ([`schema`]),
//! `security.json` ([`security`]) and `APP-LIST.xml` over all of them ([`list`]). [`zip`] writes the
//! archive byte for byte reproducibly; [`check`] validates any package (`oxaps package --check`).

pub mod check;
pub mod list;
pub mod meta;
pub mod schema;
pub mod security;
pub mod xml;
pub mod zip;

use std::collections::BTreeMap;

mod tree {
    include!(concat!(env!("OUT_DIR"), "/package_tree.rs"));
}

/// The application id (`<id>` in APP-META.xml). Stable across versions: OSA matches upgrades by it.
/// The same id the demo and the controller simulator install (`cli::demo::package`).
pub const APP_ID: &str = "http://oxaps.org/app";

/// The application name (`<name>`, and the start of the file name).
pub const APP_NAME: &str = "oxaps";

/// The application version: the crate's version.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Options of a package build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageOptions {
    /// The package release (`<release>`), counted up for every package of the same version.
    pub release: u32,
    /// The timestamp of every zip entry, seconds since the epoch (`SOURCE_DATE_EPOCH`);
    /// `None` is 1980-01-01 00:00, the earliest zip time.
    pub source_date_epoch: Option<i64>,
}

impl Default for PackageOptions {
    fn default() -> Self {
        PackageOptions {
            release: 1,
            source_date_epoch: None,
        }
    }
}

impl PackageOptions {
    /// Release 1, with the timestamp from `SOURCE_DATE_EPOCH` when it is set.
    pub fn from_env(release: u32) -> Result<Self, PackageError> {
        let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => Some(v.trim().parse::<i64>().map_err(|_| {
                PackageError::Invalid(format!("SOURCE_DATE_EPOCH is not a number: {v:?}"))
            })?),
            Err(_) => None,
        };
        Ok(PackageOptions {
            release,
            source_date_epoch,
        })
    }
}

/// Why a package could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// Writing XML failed.
    #[error("cannot write {file}: {reason}")]
    Xml {
        /// The file being written.
        file: &'static str,
        /// What failed.
        reason: String,
    },
    /// Serialising a schema failed.
    #[error("cannot write schemas/{service}.schema: {source}")]
    Schema {
        /// The service.
        service: String,
        /// The serde error.
        source: serde_json::Error,
    },
    /// Writing the archive failed.
    #[error("cannot write the zip archive: {0}")]
    Zip(String),
    /// An option or input was invalid.
    #[error("{0}")]
    Invalid(String),
}

/// The checked-in part of the package: package path → content.
pub fn source_tree() -> BTreeMap<String, Vec<u8>> {
    tree::TREE
        .iter()
        .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
        .collect()
}

/// The package's content before zipping: package path → bytes, `APP-LIST.xml` included.
pub fn files(opts: &PackageOptions) -> Result<BTreeMap<String, Vec<u8>>, PackageError> {
    let mut files = source_tree();
    for (path, bytes) in schema::files()? {
        files.insert(path, bytes);
    }
    files.insert(security::PATH.to_owned(), security::json());
    files.insert(meta::PATH.to_owned(), meta::app_meta(opts)?);
    let listing = list::app_list(&files)?;
    files.insert(list::PATH.to_owned(), listing);
    Ok(files)
}

/// The package's file name: `<name>-<version>-<release>.app.zip`.
pub fn file_name(opts: &PackageOptions) -> String {
    format!("{APP_NAME}-{APP_VERSION}-{}.app.zip", opts.release)
}

/// Builds the package: its file name and the zip archive's bytes (reproducible for equal options).
pub fn build(opts: &PackageOptions) -> Result<(String, Vec<u8>), PackageError> {
    let files = files(opts)?;
    let bytes = zip::write(&files, opts.source_date_epoch)?;
    Ok((file_name(opts), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_has_name_version_release() {
        let opts = PackageOptions {
            release: 7,
            ..Default::default()
        };
        assert_eq!(
            file_name(&opts),
            format!("oxaps-{}-7.app.zip", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn files_hold_generated_and_checked_in_parts() {
        let files = files(&PackageOptions::default()).unwrap();
        for p in [
            "APP-META.xml",
            "APP-LIST.xml",
            "security.json",
            "schemas/globals.schema",
            "images/icon.png",
            "i18n/en_US.po",
            "i18n/de_DE.po",
        ] {
            assert!(files.contains_key(p), "{p} missing");
        }
    }

    #[test]
    fn build_is_reproducible() {
        let opts = PackageOptions::default();
        assert_eq!(build(&opts).unwrap(), build(&opts).unwrap());
        let later = PackageOptions {
            source_date_epoch: Some(1_700_000_000),
            ..opts.clone()
        };
        assert_eq!(build(&later).unwrap(), build(&later).unwrap());
        assert_ne!(build(&opts).unwrap().1, build(&later).unwrap().1);
    }
}
