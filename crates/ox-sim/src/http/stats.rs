//! Request counters (in memory; diagnostics only, not simulated state).

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

/// Counters by `Service.operation` and by injected fault.
#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<Snapshot>,
}

/// A copy of the counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Processed SOAP calls by `Service.operation`.
    pub requests: BTreeMap<String, u64>,
    /// Faults returned by exception name (domain faults) or injection kind.
    pub faults: BTreeMap<String, u64>,
}

impl Stats {
    fn with<R>(&self, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        match self.inner.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    /// Counts a processed call.
    pub fn request(&self, key: String) {
        self.with(|s| *s.requests.entry(key).or_default() += 1);
    }

    /// Counts a fault.
    pub fn fault(&self, key: &str) {
        self.with(|s| *s.faults.entry(key.to_string()).or_default() += 1);
    }

    /// Current counters.
    pub fn snapshot(&self) -> Snapshot {
        self.with(|s| s.clone())
    }

    /// Zeroes all counters.
    pub fn reset(&self) {
        self.with(|s| *s = Snapshot::default());
    }
}
