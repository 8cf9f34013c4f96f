//! Mapping between Rust values and OX's JAXB elements.
//!
//! - [`Value`]: one element (`<d:id>5</d:id>`, or an object with its fields as children).
//! - [`Slot`]: how a struct field appears: `Option<T>` is written only when `Some` (omitted
//!   means "leave unchanged" to OX), `Vec<T>` as the element repeated (JAXB lists), `bool` always
//!   (for UserModuleAccess, where OX reads a missing boolean as false).
//! - [`XmlObject`]: a data object, i.e. a sequence of fields in schema order.
//!
//! The `ox_object!` macro derives all three for the data objects in [`crate::types`].

use crate::ns::Ns;
use crate::secret::Password;
use crate::xml::{Element, XmlWriter};

/// A response element could not be turned into the expected Rust value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode <{element}>: {reason}")]
pub struct DecodeError {
    /// Local name of the offending element.
    pub element: String,
    /// What was wrong with it.
    pub reason: String,
}

impl DecodeError {
    pub(crate) fn new(el: &Element, reason: impl Into<String>) -> Self {
        DecodeError {
            element: el.name().to_owned(),
            reason: reason.into(),
        }
    }
}

/// One element's worth of value.
pub trait Value: Sized {
    /// Writes the value as element `name` in namespace `ns`.
    fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str);
    /// Reads the value from a (non-nil) element.
    fn decode(el: &Element) -> Result<Self, DecodeError>;
}

/// A data object: its fields in schema order, each in its own namespace.
pub trait XmlObject: Sized {
    /// Writes the fields as child elements of the (already opened) element.
    fn write_fields(&self, w: &mut XmlWriter);
    /// Reads the fields from an element's children by local name; unknown children are ignored
    /// (newer OX versions add fields).
    fn read_fields(el: &Element) -> Result<Self, DecodeError>;
}

/// How a struct field maps to zero or more elements.
pub trait Slot {
    /// Writes the field (maybe nothing).
    fn write_slot(&self, w: &mut XmlWriter, ns: Ns, name: &str);
    /// Takes one element with the field's name into the field.
    fn read_slot(&mut self, el: &Element) -> Result<(), DecodeError>;
}

impl<T: Value> Slot for Option<T> {
    fn write_slot(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        if let Some(v) = self {
            v.encode(w, ns, name);
        }
    }

    fn read_slot(&mut self, el: &Element) -> Result<(), DecodeError> {
        *self = if el.is_nil() {
            None
        } else {
            Some(T::decode(el)?)
        };
        Ok(())
    }
}

impl<T: Value> Slot for Vec<T> {
    fn write_slot(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        for v in self {
            v.encode(w, ns, name);
        }
    }

    fn read_slot(&mut self, el: &Element) -> Result<(), DecodeError> {
        if !el.is_nil() {
            self.push(T::decode(el)?);
        }
        Ok(())
    }
}

impl Slot for bool {
    fn write_slot(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        self.encode(w, ns, name);
    }

    fn read_slot(&mut self, el: &Element) -> Result<(), DecodeError> {
        *self = !el.is_nil() && bool::decode(el)?;
        Ok(())
    }
}

impl Value for String {
    fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        w.leaf(ns, name, self);
    }

    fn decode(el: &Element) -> Result<Self, DecodeError> {
        Ok(el.text().to_owned())
    }
}

impl Value for Password {
    fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        w.leaf(ns, name, self.expose());
    }

    fn decode(el: &Element) -> Result<Self, DecodeError> {
        Ok(Password::new(el.text()))
    }
}

impl Value for bool {
    fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        w.leaf(ns, name, if *self { "true" } else { "false" });
    }

    fn decode(el: &Element) -> Result<Self, DecodeError> {
        match el.text().trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(DecodeError::new(
                el,
                format!("not an xsd:boolean: {other:?}"),
            )),
        }
    }
}

macro_rules! integer_value {
    ($($t:ty => $xsd:literal),*) => {$(
        impl Value for $t {
            fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
                w.leaf(ns, name, &self.to_string());
            }

            fn decode(el: &Element) -> Result<Self, DecodeError> {
                el.text()
                    .trim()
                    .parse()
                    .map_err(|_| DecodeError::new(el, format!(concat!("not an ", $xsd, ": {:?}"), el.text())))
            }
        }
    )*};
}

integer_value!(i32 => "xsd:int", i64 => "xsd:long");

/// Defines a data object: the struct (every field public) and its [`Value`]/[`XmlObject`]
/// impls. Fields are grouped by namespace and listed in schema order.
macro_rules! ox_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                in $ns:expr => {
                    $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $elem:literal ),* $(,)?
                }
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            $( $( $(#[$fmeta])* pub $field: $ty, )* )+
        }

        impl $crate::xml::codec::XmlObject for $name {
            fn write_fields(&self, w: &mut $crate::xml::XmlWriter) {
                $( $( $crate::xml::codec::Slot::write_slot(&self.$field, w, $ns, $elem); )* )+
            }

            fn read_fields(
                el: &$crate::xml::Element,
            ) -> Result<Self, $crate::xml::codec::DecodeError> {
                let mut out = Self::default();
                for child in el.children() {
                    match child.name() {
                        $( $( $elem => $crate::xml::codec::Slot::read_slot(&mut out.$field, child)?, )* )+
                        _ => {}
                    }
                }
                Ok(out)
            }
        }

        impl $crate::xml::codec::Value for $name {
            fn encode(&self, w: &mut $crate::xml::XmlWriter, ns: $crate::ns::Ns, name: &str) {
                w.open(ns, name);
                $crate::xml::codec::XmlObject::write_fields(self, w);
                w.close(ns, name);
            }

            fn decode(el: &$crate::xml::Element) -> Result<Self, $crate::xml::codec::DecodeError> {
                <Self as $crate::xml::codec::XmlObject>::read_fields(el)
            }
        }
    };
}

pub(crate) use ox_object;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    ox_object! {
        /// Test object.
        pub struct Sample {
            in Ns::Data => {
                flag: bool = "flag",
                id: Option<i32> = "id",
                names: Vec<String> = "names",
            }
            in Ns::Rmi => {
                size: Option<i64> = "size",
            }
        }
    }

    fn decode(xml: &str) -> Result<Sample, DecodeError> {
        Sample::read_fields(&parse(xml.as_bytes()).unwrap())
    }

    #[test]
    fn writes_fields_in_declared_order_with_their_namespaces() {
        let s = Sample {
            flag: false,
            id: Some(7),
            names: vec!["a".into(), "b".into()],
            size: None,
        };
        let mut w = XmlWriter::new();
        s.encode(&mut w, Ns::Service, "obj");
        assert_eq!(
            w.as_str(),
            "<s:obj>\n  <d:flag>false</d:flag>\n  <d:id>7</d:id>\n  <d:names>a</d:names>\n  <d:names>b</d:names>\n</s:obj>"
        );
    }

    #[test]
    fn reads_by_local_name_ignoring_unknown_and_nil() {
        let s = decode(
            r#"<return xmlns:x="urn:x" xmlns:xsi="urn:xsi"><x:names>a</x:names><id> 9 </id><unknown>1</unknown>
               <names xsi:nil="true"/><names>b</names><flag>1</flag><size>12</size></return>"#,
        )
        .unwrap();
        assert_eq!(
            s,
            Sample {
                flag: true,
                id: Some(9),
                names: vec!["a".into(), "b".into()],
                size: Some(12)
            }
        );
        let nil = decode(r#"<r xmlns:xsi="urn:xsi"><id xsi:nil="true"/></r>"#).unwrap();
        assert_eq!(nil.id, None);
        assert!(!nil.flag);
    }

    #[test]
    fn bad_scalars_are_decode_errors() {
        assert_eq!(decode("<r><id>x</id></r>").unwrap_err().element, "id");
        assert!(decode("<r><flag>yes</flag></r>").is_err());
        assert!(decode("<r><size>99999999999999999999</size></r>").is_err());
    }
}
