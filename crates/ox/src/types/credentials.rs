//! Credentials (`auth`, or `creds` on OXResellerService).

use crate::ns::Ns;
use crate::secret::Password;
use crate::xml::codec::{DecodeError, Value, XmlObject};
use crate::xml::{Element, XmlWriter};

/// Login and password of an OX admin: the master admin (`oxadminmaster`), a context admin
/// (`oxadmin`), or a reseller subadmin. `Debug` redacts the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// Admin login.
    pub login: String,
    /// Admin password.
    pub password: Password,
}

impl Credentials {
    /// Credentials from a login and a password.
    pub fn new(login: impl Into<String>, password: impl Into<Password>) -> Self {
        Credentials {
            login: login.into(),
            password: password.into(),
        }
    }
}

impl XmlObject for Credentials {
    fn write_fields(&self, w: &mut XmlWriter) {
        w.leaf(Ns::Rmi, "login", &self.login);
        w.leaf(Ns::Rmi, "password", self.password.expose());
    }

    fn read_fields(el: &Element) -> Result<Self, DecodeError> {
        let text = |name: &str| {
            el.child(name)
                .map(|c| c.text().to_owned())
                .unwrap_or_default()
        };
        Ok(Credentials {
            login: text("login"),
            password: Password::new(text("password")),
        })
    }
}

impl Value for Credentials {
    fn encode(&self, w: &mut XmlWriter, ns: Ns, name: &str) {
        w.open(ns, name);
        self.write_fields(w);
        w.close(ns, name);
    }

    fn decode(el: &Element) -> Result<Self, DecodeError> {
        Self::read_fields(el)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_fields_are_in_rmi_namespace() {
        let c = Credentials::new("oxadminmaster", "master-secret");
        assert!(!format!("{c:?}").contains("master-secret"));
        let mut w = XmlWriter::new();
        c.encode(&mut w, Ns::Service, "auth");
        assert_eq!(
            w.as_str(),
            "<s:auth>\n  <r:login>oxadminmaster</r:login>\n  <r:password>master-secret</r:password>\n</s:auth>"
        );
    }
}
