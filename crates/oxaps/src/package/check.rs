//! Validation of a package (`oxaps package --check FILE`): every problem found, not just the first.
//!
//! - `APP-META.xml` and `APP-LIST.xml` are well-formed with the right root and namespace;
//! - `APP-LIST.xml` lists every file except itself, with the right size and SHA-256, and nothing else;
//! - one `<service>` per route of oxaps, each with a schema that is valid JSON, whose property types
//!   and units are allowed and whose relations point at a type of the package or a platform type;
//! - every navigation view, icon and screenshot exists in the package.

use std::collections::{BTreeMap, BTreeSet};

use aps::typedef::UNITS;
use serde_json::Value;

use super::xml::{self, Element};
use super::{list, meta};
use crate::http::route::SERVICES;
use crate::types::platform;

/// Platform types a package may relate to or take structures from.
pub const PLATFORM_TYPES: &[&str] = &[
    platform::CORE_APPLICATION,
    platform::CORE_ACCOUNT,
    platform::CORE_SUBSCRIPTION,
    platform::CORE_SUBSCRIPTION_SERVICE,
    platform::CORE_USER_SERVICE,
    platform::CORE_USER,
    platform::DNS_ZONE,
    "http://aps-standard.org/types/core/resource/1.0",
];

/// Simple property types.
pub const SIMPLE_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// Checks a `.app.zip`; the empty list means the package is valid.
pub fn check(zip_bytes: &[u8]) -> Vec<String> {
    match super::zip::read(zip_bytes) {
        Ok(files) => check_files(&files),
        Err(e) => vec![e],
    }
}

/// Checks a package's files (package path → bytes).
pub fn check_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    check_list(files, &mut problems);
    let Some(app) = parse(
        files,
        meta::PATH,
        "application",
        meta::NAMESPACE,
        &mut problems,
    ) else {
        return problems;
    };
    if app.attr("version") != Some("2.0") {
        problems.push(format!("{}: <application version> must be 2.0", meta::PATH));
    }
    for required in ["id", "name", "version", "release"] {
        if app.first(required).is_none() {
            problems.push(format!("{}: <{required}> is missing", meta::PATH));
        }
    }
    check_security(files, &mut problems);
    let schemas = check_services(&app, files, &mut problems);
    check_schemas(&schemas, &mut problems);
    check_paths(&app, files, &mut problems);
    problems
}

/// `security.json` is required for new applications (aps2.md §4.3): a JSON object saying which
/// impersonation the application needs.
fn check_security(files: &BTreeMap<String, Vec<u8>>, problems: &mut Vec<String>) {
    let path = super::security::PATH;
    match files.get(path) {
        None => problems.push(format!("{path} is missing (required for new applications)")),
        Some(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(v)
                if v.get("impersonation")
                    .is_some_and(serde_json::Value::is_object) => {}
            Ok(_) => problems.push(format!("{path}: must be an object with \"impersonation\"")),
            Err(e) => problems.push(format!("{path}: not JSON: {e}")),
        },
    }
}

fn parse(
    files: &BTreeMap<String, Vec<u8>>,
    path: &str,
    root: &str,
    ns: &str,
    problems: &mut Vec<String>,
) -> Option<Element> {
    let Some(bytes) = files.get(path) else {
        problems.push(format!("{path} is missing"));
        return None;
    };
    match xml::parse(bytes) {
        Ok(el) if el.name == root && el.ns.as_deref() == Some(ns) => Some(el),
        Ok(el) => {
            problems.push(format!(
                "{path}: the root element must be <{root} xmlns=\"{ns}\">, not <{}> in namespace {}",
                el.name,
                el.ns.as_deref().unwrap_or("(none)")
            ));
            None
        }
        Err(e) => {
            problems.push(format!("{path}: {e}"));
            None
        }
    }
}

fn check_list(files: &BTreeMap<String, Vec<u8>>, problems: &mut Vec<String>) {
    let Some(listing) = parse(files, list::PATH, "files", list::NAMESPACE, problems) else {
        return;
    };
    let p = list::PATH;
    let mut listed = BTreeSet::new();
    for f in listing.all("file") {
        let (Some(name), Some(size), Some(sha)) =
            (f.attr("name"), f.attr("size"), f.attr("sha256"))
        else {
            problems.push(format!(
                "{p}: a <file> lacks name, size or sha256: {:?}",
                f.attrs
            ));
            continue;
        };
        if !listed.insert(name.to_owned()) {
            problems.push(format!("{p}: {name} is listed twice"));
            continue;
        }
        if name == p {
            problems.push(format!("{p} lists itself"));
            continue;
        }
        let Some(bytes) = files.get(name) else {
            problems.push(format!("{p} lists {name}, which is not in the package"));
            continue;
        };
        if size != bytes.len().to_string() {
            problems.push(format!(
                "{name}: size {} in the package, {size} in {p}",
                bytes.len()
            ));
        }
        let actual = list::sha256_hex(bytes);
        if !sha.eq_ignore_ascii_case(&actual) {
            problems.push(format!(
                "{name}: sha256 {actual} in the package, {sha} in {p}"
            ));
        }
    }
    for name in files
        .keys()
        .filter(|n| n.as_str() != p && !listed.contains(*n))
    {
        problems.push(format!("{name} is in the package but not in {p}"));
    }
}

/// A schema of the package: (service id, schema path, parsed JSON).
type Schema = (String, String, Value);

fn check_services(
    app: &Element,
    files: &BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<String>,
) -> Vec<Schema> {
    let mut schemas = Vec::new();
    let mut ids = BTreeSet::new();
    for s in app.all("service") {
        let Some(id) = s.attr("id") else {
            problems.push(format!("{}: a <service> has no id", meta::PATH));
            continue;
        };
        if !ids.insert(id.to_owned()) {
            problems.push(format!("{}: service {id} is declared twice", meta::PATH));
        }
        if !SERVICES.contains(&id) {
            problems.push(format!(
                "service {id} is not a route of oxaps (routes: {})",
                SERVICES.join(", ")
            ));
        }
        let Some(path) = s.first("schema").and_then(|e| e.attr("path")) else {
            problems.push(format!("service {id}: no <schema path>"));
            continue;
        };
        let Some(bytes) = files.get(path) else {
            problems.push(format!(
                "service {id}: its schema {path} is not in the package"
            ));
            continue;
        };
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if v.is_object() => schemas.push((id.to_owned(), path.to_owned(), v)),
            Ok(_) => problems.push(format!("{path}: not a JSON object")),
            Err(e) => problems.push(format!("{path}: not valid JSON: {e}")),
        }
    }
    for route in SERVICES.iter().filter(|r| !ids.contains(**r)) {
        problems.push(format!("route {route} has no <service> in {}", meta::PATH));
    }
    schemas
}

fn check_schemas(schemas: &[Schema], problems: &mut Vec<String>) {
    // Type id → its structure names.
    let mut types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, path, v) in schemas {
        match v.get("id").and_then(Value::as_str) {
            Some(id) => {
                let structures = v
                    .get("structures")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                types.insert(id.to_owned(), structures);
            }
            None => problems.push(format!("{path}: no type id")),
        }
    }
    for (service, path, v) in schemas {
        if v.get("name").and_then(Value::as_str) != Some(service.as_str()) {
            problems.push(format!("{path}: name must be the service id {service}"));
        }
        if v.get("apsVersion").and_then(Value::as_str) != Some("2.0") {
            problems.push(format!("{path}: apsVersion must be 2.0"));
        }
        let own: BTreeSet<String> = v
            .get("structures")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let ctx = Ctx {
            path,
            own: &own,
            types: &types,
        };
        ctx.properties("", v.get("properties"), problems);
        if let Some(structures) = v.get("structures").and_then(Value::as_object) {
            for (name, s) in structures {
                ctx.properties(&format!("{name}."), s.get("properties"), problems);
            }
        }
        if let Some(relations) = v.get("relations").and_then(Value::as_object) {
            for (name, r) in relations {
                let t = r.get("type").and_then(Value::as_str).unwrap_or("");
                if !types.contains_key(t) && !PLATFORM_TYPES.contains(&t) {
                    problems.push(format!(
                        "{path}: relation {name} points at {t:?}, neither a type of the package nor a known platform type"
                    ));
                }
            }
        }
    }
}

struct Ctx<'a> {
    path: &'a str,
    own: &'a BTreeSet<String>,
    types: &'a BTreeMap<String, BTreeSet<String>>,
}

impl Ctx<'_> {
    fn properties(&self, prefix: &str, props: Option<&Value>, problems: &mut Vec<String>) {
        let Some(props) = props else { return };
        let Some(props) = props.as_object() else {
            problems.push(format!(
                "{}: {prefix}properties is not an object",
                self.path
            ));
            return;
        };
        for (name, p) in props {
            self.property(&format!("{prefix}{name}"), p, problems);
        }
    }

    fn known_type(&self, t: &str) -> bool {
        if SIMPLE_TYPES.contains(&t) || self.own.contains(t) {
            return true;
        }
        match t.split_once('#') {
            Some((type_id, structure)) if !structure.is_empty() => {
                self.types
                    .get(type_id)
                    .is_some_and(|s| s.contains(structure))
                    || PLATFORM_TYPES.contains(&type_id)
            }
            _ => false,
        }
    }

    fn property(&self, name: &str, p: &Value, problems: &mut Vec<String>) {
        let path = self.path;
        let Some(t) = p.get("type").and_then(Value::as_str) else {
            problems.push(format!("{path}: property {name} has no type"));
            return;
        };
        if !self.known_type(t) {
            problems.push(format!(
                "{path}: property {name} has type {t:?}, which is not allowed"
            ));
        }
        if let Some(unit) = p.get("unit") {
            match unit.as_str() {
                Some(u) if UNITS.contains(&u) => {}
                _ => problems.push(format!(
                    "{path}: property {name} has unit {unit}, not one of {}",
                    UNITS.join(", ")
                )),
            }
        }
        if t == "array" {
            match p.get("items") {
                Some(items) => self.property(&format!("{name}[]"), items, problems),
                None => problems.push(format!("{path}: array property {name} has no items")),
            }
        }
    }
}

fn check_paths(app: &Element, files: &BTreeMap<String, Vec<u8>>, problems: &mut Vec<String>) {
    let Some(presentation) = app.first("presentation") else {
        problems.push(format!("{}: <presentation> is missing", meta::PATH));
        return;
    };
    for el in presentation.descendants() {
        let attr = match el.name.as_str() {
            "view" | "view-plugin" | "popup" => "src",
            "icon" | "screenshot" => "path",
            _ => continue,
        };
        if let Some(p) = el.attr(attr)
            && !files.contains_key(p)
        {
            let id = el.attr("id").unwrap_or("");
            problems.push(format!(
                "<{} {id}> refers to {p}, which is not in the package",
                el.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{PackageOptions, files};

    fn package() -> BTreeMap<String, Vec<u8>> {
        files(&PackageOptions::default()).unwrap()
    }

    /// Changes a file and writes APP-LIST.xml anew, so only the change itself is a problem.
    fn relisted(mut f: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
        let listing = list::app_list(&f).unwrap();
        f.insert(list::PATH.to_owned(), listing);
        f
    }

    fn schema_edit(service: &str, edit: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut f = package();
        let path = format!("schemas/{service}.schema");
        let mut v: Value = serde_json::from_slice(&f[&path]).unwrap();
        edit(&mut v);
        f.insert(path, serde_json::to_vec(&v).unwrap());
        check_files(&relisted(f))
    }

    #[test]
    fn security_json_is_required() {
        let mut f = package();
        f.remove(super::super::security::PATH);
        let problems = check_files(&relisted(f));
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("security.json is missing")),
            "{problems:?}"
        );
        let mut f = package();
        f.insert(super::super::security::PATH.to_owned(), b"[]".to_vec());
        let problems = check_files(&relisted(f));
        assert!(
            problems.iter().any(|p| p.contains("impersonation")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_built_package_passes() {
        assert_eq!(check_files(&package()), Vec::<String>::new());
        let (_, zip) = crate::package::build(&PackageOptions::default()).unwrap();
        assert_eq!(check(&zip), Vec::<String>::new());
    }

    #[test]
    fn list_mismatches_are_each_reported() {
        let mut f = package();
        f.get_mut("images/icon.png").unwrap().push(0);
        f.remove("schemas/cron.schema");
        f.insert("extra.txt".into(), b"x".to_vec());
        let p = check_files(&f);
        assert!(
            p.iter().any(|p| p.starts_with("images/icon.png: size")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p.starts_with("images/icon.png: sha256")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.contains("lists schemas/cron.schema, which is not in the package")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p == "extra.txt is in the package but not in APP-LIST.xml"),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p
                .contains("service cron: its schema schemas/cron.schema is not in the package")),
            "{p:?}"
        );
    }

    #[test]
    fn schema_problems_are_found() {
        let p = schema_edit("user", |v| {
            v["relations"]["tenant"]["type"] = "http://oxaps.org/types/nothing/1.0".into();
        });
        assert!(
            p.iter()
                .any(|p| p
                    .contains("relation tenant points at \"http://oxaps.org/types/nothing/1.0\"")),
            "{p:?}"
        );
        let p = schema_edit("profile", |v| {
            v["properties"]["mailQuotaMb"]["unit"] = "parsec".into();
            v["properties"]["name"]["type"] = "text".into();
        });
        assert!(
            p.iter()
                .any(|p| p.contains("mailQuotaMb has unit \"parsec\"")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p.contains("name has type \"text\"")),
            "{p:?}"
        );
        let mut f = package();
        f.insert("schemas/group.schema".into(), b"{ not json".to_vec());
        let p = check_files(&relisted(f));
        assert!(
            p.iter()
                .any(|p| p.starts_with("schemas/group.schema: not valid JSON")),
            "{p:?}"
        );
    }

    #[test]
    fn meta_problems_are_found() {
        let mut f = package();
        let xml = String::from_utf8(f[meta::PATH].clone()).unwrap();
        let xml = xml
            .replace(r#"src="ui/groups.js""#, r#"src="ui/nowhere.js""#)
            .replace(r#"<service id="crontask">"#, r#"<service id="crontasks">"#);
        f.insert(meta::PATH.into(), xml.into_bytes());
        let p = check_files(&relisted(f));
        assert!(
            p.iter()
                .any(|p| p.contains("<view groups> refers to ui/nowhere.js")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.starts_with("service crontasks is not a route")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.starts_with("route crontask has no <service>")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|p| p.contains("name must be the service id crontasks")),
            "{p:?}"
        );

        let mut f = package();
        f.insert(
            meta::PATH.into(),
            b"<application xmlns=\"http://aps-standard.org/ns/2\">".to_vec(),
        );
        let p = check_files(&relisted(f));
        assert!(p.iter().any(|p| p.contains("is not closed")), "{p:?}");

        let mut f = package();
        f.insert(
            list::PATH.into(),
            b"<files xmlns=\"http://example.com/\"/>".to_vec(),
        );
        let p = check_files(&f);
        assert!(p.iter().any(|p| p.starts_with("APP-LIST.xml: the root element must be <files xmlns=\"http://apstandard.com/ns/1\">")), "{p:?}");
    }

    #[test]
    fn garbage_is_reported() {
        assert_eq!(check(b"garbage").len(), 1);
    }
}
