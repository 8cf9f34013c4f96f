//! Encrypted properties at rest: properties a type declares `encrypted` are sealed before a
//! resource body is stored and opened when it is read back.

use aps::typedef::TypeDef;
use serde_json::{Map, Value};

use crate::secrets::{SecretBox, SecretError};

/// Seals every string property that `def` marks encrypted (already sealed values stay as they are).
pub fn seal(def: &TypeDef, secrets: &SecretBox, props: &mut Map<String, Value>) {
    for (name, prop) in &def.properties {
        if !prop.encrypted {
            continue;
        }
        if let Some(Value::String(s)) = props.get_mut(name)
            && !SecretBox::is_sealed(s)
        {
            *s = secrets.seal(s);
        }
    }
}

/// Opens every sealed property.
pub fn open(
    def: &TypeDef,
    secrets: &SecretBox,
    props: &mut Map<String, Value>,
) -> Result<(), SecretError> {
    for (name, prop) in &def.properties {
        if !prop.encrypted {
            continue;
        }
        if let Some(Value::String(s)) = props.get_mut(name)
            && SecretBox::is_sealed(s)
        {
            *s = secrets.open(s)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aps::typedef::Property;

    #[test]
    fn only_encrypted_properties_are_sealed_and_round_trip() {
        let mut def = TypeDef::new("t", "http://t/1.0");
        let mut p = Property::of("string");
        p.encrypted = true;
        def.properties.insert("password".into(), p);
        def.properties.insert("name".into(), Property::of("string"));
        let secrets = SecretBox::from_key([3; 32]);
        let mut props: Map<String, Value> =
            serde_json::from_value(serde_json::json!({"password": "pw", "name": "n"})).unwrap();
        seal(&def, &secrets, &mut props);
        assert_ne!(props["password"], "pw");
        assert_eq!(props["name"], "n");
        let sealed_once = props["password"].clone();
        seal(&def, &secrets, &mut props);
        assert_eq!(props["password"], sealed_once);
        open(&def, &secrets, &mut props).unwrap();
        assert_eq!(props["password"], "pw");
    }
}
