//! Embeds the checked-in package tree (`package/`) into the binary: `oxaps package` adds the
//! generated files (APP-META.xml, APP-LIST.xml, schemas, security.json) to it.
//!
//! A build script instead of `include_dir!`: `rerun-if-changed` on the directory makes Cargo rebuild
//! when a file is added, removed or changed anywhere below it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The file types the package ships.
const SHIPPED: &[&str] = &["js", "css", "json", "po", "png", "svg", "html"];

fn shipped(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| SHIPPED.contains(&ext))
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_file() && !shipped(&name) {
            // Editor backups, patches or notes must not end up in providers' packages (and would
            // make the same commit build different bytes on different checkouts).
            panic!(
                "{}: not a file type the APS package ships (allowed: {}); move it out of package/",
                path.display(),
                SHIPPED.join(", ")
            );
        }
        if path.is_dir() {
            walk(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = manifest.join("package");
    println!("cargo:rerun-if-changed=package");
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    files.sort();
    let mut code =
        String::from("/// The checked-in package tree: (package path, content), sorted by path.\n");
    code.push_str("pub static TREE: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("package_tree.rs");
    std::fs::write(out, code).expect("write package_tree.rs");
}
