//! Links between resources. A link is stored once, with the relation name on each end that has
//! one: `from.relation -> to`, seen from `to` as `back` (when `to`'s type declares a relation
//! pointing at `from`'s type).

use serde::{Deserialize, Serialize};

/// One link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The resource whose relation was set.
    pub from: String,
    /// The relation on `from`.
    pub relation: String,
    /// The linked resource.
    pub to: String,
    /// The relation on `to` that shows `from`, if `to`'s type declares one.
    pub back: Option<String>,
}

impl Link {
    /// The link as seen from `id`: (relation name on `id`'s side, the other resource).
    pub fn seen_from(&self, id: &str) -> Option<(&str, &str)> {
        if self.from == id {
            Some((&self.relation, &self.to))
        } else if self.to == id {
            self.back.as_deref().map(|b| (b, self.from.as_str()))
        } else {
            None
        }
    }

    /// Whether the link joins `a` and `b` (either way round).
    pub fn joins(&self, a: &str, b: &str) -> bool {
        (self.from == a && self.to == b) || (self.from == b && self.to == a)
    }

    /// Whether `id` is either end.
    pub fn touches(&self, id: &str) -> bool {
        self.from == id || self.to == id
    }
}

/// All links.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LinkSet {
    links: Vec<Link>,
}

impl LinkSet {
    /// Adds a link (the caller checks for duplicates).
    pub fn push(&mut self, link: Link) {
        self.links.push(link);
    }

    /// Every link.
    pub fn iter(&self) -> impl Iterator<Item = &Link> {
        self.links.iter()
    }

    /// The other ends of `id`'s relation `relation`, in link order.
    pub fn linked(&self, id: &str, relation: &str) -> Vec<String> {
        self.links
            .iter()
            .filter_map(|l| l.seen_from(id))
            .filter(|(rel, _)| *rel == relation)
            .map(|(_, other)| other.to_owned())
            .collect()
    }

    /// `(relation, other)` for every named link of `id`.
    pub fn named_links(&self, id: &str) -> Vec<(String, String)> {
        self.links
            .iter()
            .filter_map(|l| l.seen_from(id))
            .map(|(r, o)| (r.to_owned(), o.to_owned()))
            .collect()
    }

    /// Whether `a` and `b` are linked, whatever the relation names.
    pub fn are_linked(&self, a: &str, b: &str) -> bool {
        self.links.iter().any(|l| l.joins(a, b))
    }

    /// Every resource linked with `id`, whatever the relation names.
    pub fn neighbours(&self, id: &str) -> Vec<String> {
        self.links
            .iter()
            .filter_map(|l| {
                if l.from == id {
                    Some(l.to.clone())
                } else if l.to == id {
                    Some(l.from.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    /// Removes and returns the links matching `pred`.
    pub fn take_where(&mut self, pred: impl Fn(&Link) -> bool) -> Vec<Link> {
        let (taken, kept): (Vec<Link>, Vec<Link>) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|l| pred(l));
        self.links = kept;
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> LinkSet {
        let mut s = LinkSet::default();
        s.push(Link {
            from: "u1".into(),
            relation: "organization".into(),
            to: "acc".into(),
            back: Some("users".into()),
        });
        s.push(Link {
            from: "u2".into(),
            relation: "organization".into(),
            to: "acc".into(),
            back: Some("users".into()),
        });
        s.push(Link {
            from: "t".into(),
            relation: "account".into(),
            to: "acc".into(),
            back: None,
        });
        s
    }

    #[test]
    fn both_ends_see_named_links() {
        let s = set();
        assert_eq!(s.linked("acc", "users"), vec!["u1", "u2"]);
        assert_eq!(s.linked("u1", "organization"), vec!["acc"]);
        assert_eq!(s.linked("t", "account"), vec!["acc"]);
        assert!(s.named_links("acc").iter().all(|(r, _)| r == "users"));
        assert!(s.are_linked("acc", "t"));
        assert_eq!(s.neighbours("acc").len(), 3);
    }

    #[test]
    fn take_where_removes() {
        let mut s = set();
        let taken = s.take_where(|l| l.touches("u1"));
        assert_eq!(taken.len(), 1);
        assert_eq!(s.linked("acc", "users"), vec!["u2"]);
    }
}
