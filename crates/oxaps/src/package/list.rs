//! `APP-LIST.xml`: every file of the package except itself, with its size and SHA-256.
//!
//! Format as in real APS packages: `<files xmlns="http://apstandard.com/ns/1">` with one
//! `<file name="…" size="…" sha256="…"/>` per file (lowercase hex digest), sorted by name.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use sha2::{Digest, Sha256};

use super::PackageError;

/// The package path.
pub const PATH: &str = "APP-LIST.xml";

/// The namespace of the list.
pub const NAMESPACE: &str = "http://apstandard.com/ns/1";

/// The lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn xml_err(e: impl std::fmt::Display) -> PackageError {
    PackageError::Xml {
        file: PATH,
        reason: e.to_string(),
    }
}

/// The list over `files` (an `APP-LIST.xml` among them is left out).
pub fn app_list(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, PackageError> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(xml_err)?;
    let mut root = BytesStart::new("files");
    root.push_attribute(("xmlns", NAMESPACE));
    w.write_event(Event::Start(root)).map_err(xml_err)?;
    for (name, bytes) in files.iter().filter(|(name, _)| name.as_str() != PATH) {
        let size = bytes.len().to_string();
        let digest = sha256_hex(bytes);
        let mut file = BytesStart::new("file");
        file.push_attribute(("name", name.as_str()));
        file.push_attribute(("size", size.as_str()));
        file.push_attribute(("sha256", digest.as_str()));
        w.write_event(Event::Empty(file)).map_err(xml_err)?;
    }
    w.write_event(Event::End(BytesEnd::new("files")))
        .map_err(xml_err)?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_file_but_itself() {
        let mut files = BTreeMap::new();
        files.insert("b.txt".to_owned(), b"abc".to_vec());
        files.insert("a/x&y.js".to_owned(), Vec::new());
        files.insert(PATH.to_owned(), b"old".to_vec());
        let xml = String::from_utf8(app_list(&files).unwrap()).unwrap();
        assert!(
            xml.contains(r#"<files xmlns="http://apstandard.com/ns/1">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"<file name="b.txt" size="3" sha256="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"/>"#), "{xml}");
        assert!(xml.contains(r#"name="a/x&amp;y.js" size="0""#), "{xml}");
        assert!(!xml.contains("APP-LIST"), "{xml}");
        assert!(xml.find("a/x").unwrap() < xml.find("b.txt").unwrap());
    }
}
