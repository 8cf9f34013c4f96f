//! A deterministic zip archive: entries sorted by name, one fixed timestamp (1980-01-01 00:00 or
//! `SOURCE_DATE_EPOCH`), Unix permissions 0644, deflate at a fixed level, no extra fields. The same
//! files give the same bytes on every machine.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, DateTime, System, ZipArchive, ZipWriter};

use super::PackageError;

/// The largest archive or entry `read` accepts (bytes, uncompressed): a package is a few MB.
pub const MAX_SIZE: u64 = 64 * 1024 * 1024;

/// The zip timestamp for seconds since the epoch (UTC), clamped to the zip range 1980–2107.
pub fn timestamp(epoch: Option<i64>) -> Result<DateTime, PackageError> {
    let Some(secs) = epoch else {
        return Ok(DateTime::default());
    };
    let t = time::OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| PackageError::Invalid(format!("SOURCE_DATE_EPOCH {secs}: {e}")))?;
    if t.year() < 1980 {
        return Ok(DateTime::default());
    }
    let year = u16::try_from(t.year()).map_err(|_| {
        PackageError::Invalid(format!("SOURCE_DATE_EPOCH {secs}: year out of range"))
    })?;
    DateTime::from_date_and_time(
        year,
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
    .map_err(|_| PackageError::Invalid(format!("SOURCE_DATE_EPOCH {secs}: not a zip date")))
}

/// Writes `files` (package path → bytes) as a zip archive.
pub fn write(
    files: &BTreeMap<String, Vec<u8>>,
    epoch: Option<i64>,
) -> Result<Vec<u8>, PackageError> {
    let zip_err = |e: &dyn std::fmt::Display| PackageError::Zip(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .system(System::Unix)
        .unix_permissions(0o644)
        .last_modified_time(timestamp(epoch)?);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    // A BTreeMap iterates sorted by path.
    for (path, bytes) in files {
        w.start_file(path.as_str(), options)
            .map_err(|e| zip_err(&e))?;
        w.write_all(bytes).map_err(|e| zip_err(&e))?;
    }
    Ok(w.finish().map_err(|e| zip_err(&e))?.into_inner())
}

/// Reads a zip archive back into package path → bytes (directories left out). Refuses entries
/// with unsafe names (absolute, `..`) and archives larger than [`MAX_SIZE`].
pub fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip archive: {e}"))?;
    let mut files = BTreeMap::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("zip entry {i}: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| format!("zip entry {i}: name: {e}"))?
            .into_owned();
        if !canonical_name(&name) {
            return Err(format!(
                "{name}: unsafe or non-canonical path in the archive (only a/b/c.ext with letters, digits, '.', '_' and '-')"
            ));
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_SIZE - total + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("{name}: {e}"))?;
        total += content.len() as u64;
        if total > MAX_SIZE {
            return Err(format!("the archive unpacks to more than {MAX_SIZE} bytes"));
        }
        if content.len() as u64 != entry.size() {
            return Err(format!(
                "{name}: unpacks to {} bytes, the archive says {}",
                content.len(),
                entry.size()
            ));
        }
        if files
            .keys()
            .any(|k: &String| k.eq_ignore_ascii_case(&name) && *k != name)
        {
            return Err(format!(
                "{name}: in the archive twice (differing only in case)"
            ));
        }
        if files.insert(name.clone(), content).is_some() {
            return Err(format!("{name}: in the archive twice"));
        }
    }
    Ok(files)
}

/// A path every extractor writes to the same place: `a/b/c.ext` below the package root, with
/// components of letters, digits, `.`, `_` and `-` only, none of them empty, `.` or `..` (so no
/// absolute paths, drive letters, backslashes or doubled slashes).
pub fn canonical_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_canonical_entry_names_are_accepted() {
        for ok in ["APP-META.xml", "ui/lib/api.js", "i18n/de_DE.po"] {
            assert!(super::canonical_name(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/cron.d/x",
            "a/../b",
            "./x",
            "ui//users.js",
            "ui\\users.js",
            "C:/x",
            "c:x",
            "..",
        ] {
            assert!(!super::canonical_name(bad), "{bad}");
        }
    }

    use super::*;

    fn sample() -> BTreeMap<String, Vec<u8>> {
        let mut f = BTreeMap::new();
        f.insert("b/two.txt".to_owned(), b"two two two two".to_vec());
        f.insert("a.txt".to_owned(), b"one".to_vec());
        f
    }

    #[test]
    fn round_trips_and_is_deterministic() {
        let a = write(&sample(), None).unwrap();
        assert_eq!(a, write(&sample(), None).unwrap());
        assert_eq!(read(&a).unwrap(), sample());
        let b = write(&sample(), Some(1_700_000_000)).unwrap();
        assert_ne!(a, b);
        assert_eq!(read(&b).unwrap(), sample());
    }

    #[test]
    fn entries_are_sorted_with_fixed_time_and_mode() {
        let bytes = write(&sample(), None).unwrap();
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut by_index = Vec::new();
        for i in 0..archive.len() {
            let e = archive.by_index(i).unwrap();
            by_index.push(e.name().unwrap().into_owned());
            assert_eq!(e.unix_mode(), Some(0o100644));
            assert_eq!(e.compression(), CompressionMethod::Deflated);
            let t = e.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
        }
        assert_eq!(by_index, vec!["a.txt", "b/two.txt"]);
    }

    #[test]
    fn source_date_epoch_sets_the_time() {
        let t = timestamp(Some(1_700_000_000)).unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2023, 11, 14));
        assert_eq!(timestamp(Some(0)).unwrap(), DateTime::default());
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert!(read(b"not a zip").unwrap_err().contains("not a zip"));
    }
}
