//! OX's string maps: `SOAPStringMap` (key → value) and `SOAPStringMapMap` (namespace → map),
//! used for `userAttributes`, `guiPreferencesForSoap` and the reseller `configuration`.

use std::collections::BTreeMap;

use crate::ns::Ns;
use crate::xml::codec::ox_object;

ox_object! {
    /// `Entry{key, value}`.
    pub struct Entry {
        in Ns::Data => {
            key: Option<String> = "key",
            value: Option<String> = "value",
        }
    }
}

ox_object! {
    /// `SOAPStringMap{entries: Entry[]}`.
    pub struct SoapStringMap {
        in Ns::Data => {
            entries: Vec<Entry> = "entries",
        }
    }
}

ox_object! {
    /// `SOAPMapEntry{key, value: SOAPStringMap}`.
    pub struct SoapMapEntry {
        in Ns::Data => {
            key: Option<String> = "key",
            value: Option<SoapStringMap> = "value",
        }
    }
}

ox_object! {
    /// `SOAPStringMapMap{entries: SOAPMapEntry[]}`: namespace → (key → value). A context's
    /// taxonomy, for instance, is namespace `taxonomy`, key `types`.
    pub struct SoapStringMapMap {
        in Ns::Data => {
            entries: Vec<SoapMapEntry> = "entries",
        }
    }
}

impl SoapStringMap {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key.as_deref() == Some(key))
            .and_then(|e| e.value.as_deref())
    }

    /// Sets `key` (replacing an existing entry). An empty value asks OX to remove the attribute.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = Some(value.into());
        match self
            .entries
            .iter_mut()
            .find(|e| e.key.as_deref() == Some(key.as_str()))
        {
            Some(e) => e.value = value,
            None => self.entries.push(Entry {
                key: Some(key),
                value,
            }),
        }
    }

    /// The entries as an ordered map (entries without a key are skipped).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.entries
            .iter()
            .filter_map(|e| Some((e.key.clone()?, e.value.clone().unwrap_or_default())))
            .collect()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for SoapStringMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SoapStringMap::default();
        for (k, v) in iter {
            map.set(k, v);
        }
        map
    }
}

impl SoapStringMapMap {
    /// The value of `key` in namespace `ns`.
    pub fn get(&self, ns: &str, key: &str) -> Option<&str> {
        self.namespace(ns).and_then(|m| m.get(key))
    }

    /// The map of one namespace.
    pub fn namespace(&self, ns: &str) -> Option<&SoapStringMap> {
        self.entries
            .iter()
            .find(|e| e.key.as_deref() == Some(ns))
            .and_then(|e| e.value.as_ref())
    }

    /// Sets `key` in namespace `ns`, creating the namespace when needed.
    pub fn set(&mut self, ns: impl Into<String>, key: impl Into<String>, value: impl Into<String>) {
        let ns = ns.into();
        let idx = match self
            .entries
            .iter()
            .position(|e| e.key.as_deref() == Some(ns.as_str()))
        {
            Some(i) => i,
            None => {
                self.entries.push(SoapMapEntry {
                    key: Some(ns),
                    value: Some(SoapStringMap::default()),
                });
                self.entries.len() - 1
            }
        };
        if let Some(entry) = self.entries.get_mut(idx) {
            entry
                .value
                .get_or_insert_with(SoapStringMap::default)
                .set(key, value);
        }
    }

    /// All attributes as nested ordered maps.
    pub fn to_map(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        self.entries
            .iter()
            .filter_map(|e| {
                Some((
                    e.key.clone()?,
                    e.value
                        .as_ref()
                        .map(SoapStringMap::to_map)
                        .unwrap_or_default(),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{Value, XmlWriter, parse};

    #[test]
    fn nested_map_round_trip_and_helpers() {
        let mut m = SoapStringMapMap::default();
        m.set("taxonomy", "types", "gold");
        m.set("config", "com.openexchange.a", "1");
        m.set("taxonomy", "types", "gold,silver");
        assert_eq!(m.get("taxonomy", "types"), Some("gold,silver"));
        assert_eq!(m.entries.len(), 2);

        let mut w = XmlWriter::new();
        m.encode(&mut w, Ns::Data, "userAttributes");
        let back = SoapStringMapMap::decode(&parse(w.as_str().as_bytes()).unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.to_map()["config"]["com.openexchange.a"], "1");
    }

    #[test]
    fn string_map_from_pairs() {
        let m: SoapStringMap = [("a", "1"), ("b", "2"), ("a", "3")].into_iter().collect();
        assert_eq!(m.get("a"), Some("3"));
        assert_eq!(m.to_map().len(), 2);
    }
}
