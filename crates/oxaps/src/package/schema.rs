//! `schemas/<service>.schema`: the endpoint's own type definitions ([`crate::types::all`]) written
//! out as APS schema JSON. The endpoint validates with the same `TypeDef`s, so the two cannot drift.

use crate::types;

use super::PackageError;

/// The package path of a service's schema.
pub fn path(service: &str) -> String {
    format!("schemas/{service}.schema")
}

/// One schema file: pretty-printed JSON with a final newline.
pub fn json(t: &aps::typedef::TypeDef) -> Result<Vec<u8>, PackageError> {
    let mut bytes = serde_json::to_vec_pretty(t).map_err(|source| PackageError::Schema {
        service: t.name.clone(),
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every type's schema file: (package path, bytes), in route order.
pub fn files() -> Result<Vec<(String, Vec<u8>)>, PackageError> {
    types::all()
        .iter()
        .map(|t| Ok((path(&t.name), json(t)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_parse_back_to_the_endpoint_types() {
        for (p, bytes) in files().unwrap() {
            let t: aps::typedef::TypeDef = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(p, path(&t.name));
            assert_eq!(Some(t), types::of(&p[8..p.len() - 7]));
        }
    }
}
