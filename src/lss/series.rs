//! Label-keyed series with a cardinality cap: label values are interned once into small ids,
//! so the hot path hashes a few integers and allocates nothing for a series it already has.
//!
//! A family holds at most `cap` series. A sample that would need a new series beyond that goes
//! to the family's `other` series instead — the name-like labels (application, group, reason…)
//! become `other`, the closed-set labels (status, result, direction) are kept — and counts in
//! the family's `dropped`. The interner itself is bounded too: once full, new values fold the
//! same way, so a stream of unique names cannot grow memory.

use std::sync::Arc;

use rustc_hash::FxHashMap;

/// The id of `other`, interned first (with `none` and `unknown`).
pub(super) const OTHER: u32 = 0;

/// Label values ↔ ids.
#[derive(Debug)]
pub(crate) struct Interner {
    ids: FxHashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
    cap: usize,
}

impl Interner {
    /// An interner that holds at most `cap` values (plus the three fixed ones).
    pub(crate) fn new(cap: usize) -> Self {
        let mut interner = Interner {
            ids: FxHashMap::default(),
            names: Vec::new(),
            cap: cap + 3,
        };
        for fixed in ["other", "none", "unknown"] {
            interner.intern(fixed);
        }
        interner
    }

    pub(crate) fn get(&self, value: &str) -> Option<u32> {
        self.ids.get(value).copied()
    }

    /// The id of `value`, adding it if there is room.
    pub(crate) fn intern(&mut self, value: &str) -> Option<u32> {
        if let Some(id) = self.get(value) {
            return Some(id);
        }
        if self.names.len() >= self.cap {
            return None;
        }
        let id = self.names.len() as u32;
        let name: Arc<str> = Arc::from(value);
        self.names.push(name.clone());
        self.ids.insert(name, id);
        Some(id)
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// One family's series: `N` label ids → a value.
#[derive(Debug)]
pub(super) struct Family<const N: usize, V> {
    /// The `family` label of `zpa_lss_series_dropped_total`.
    pub name: &'static str,
    /// Which labels become `other` when the family is full.
    fold: [bool; N],
    map: FxHashMap<[u32; N], V>,
    /// Samples folded into `other`.
    pub dropped: u64,
}

impl<const N: usize, V: Default> Family<N, V> {
    pub(super) fn new(name: &'static str, fold: [bool; N]) -> Self {
        Family {
            name,
            fold,
            map: FxHashMap::default(),
            dropped: 0,
        }
    }

    /// The value of the series `labels`, created if the cap allows, else the `other` series.
    pub(super) fn entry(&mut self, names: &mut Interner, cap: usize, labels: [&str; N]) -> &mut V {
        let key = self.key(names, cap, labels);
        self.map.entry(key).or_default()
    }

    fn key(&mut self, names: &mut Interner, cap: usize, labels: [&str; N]) -> [u32; N] {
        let mut key = [OTHER; N];
        let mut known = true;
        for (slot, label) in key.iter_mut().zip(labels) {
            match names.get(label) {
                Some(id) => *slot = id,
                None => {
                    known = false;
                    break;
                }
            }
        }
        let room = self.map.len() < cap;
        if known && (room || self.map.contains_key(&key)) {
            return key;
        }
        if !known && room {
            let mut all = true;
            for (slot, label) in key.iter_mut().zip(labels) {
                match names.intern(label) {
                    Some(id) => *slot = id,
                    None => all = false,
                }
            }
            if all {
                return key;
            }
        }
        self.dropped += 1;
        for ((slot, label), fold) in key.iter_mut().zip(labels).zip(self.fold) {
            *slot = if fold {
                OTHER
            } else {
                names.intern(label).unwrap_or(OTHER)
            };
        }
        key
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&[u32; N], &V)> {
        self.map.iter()
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }
}

/// A histogram with fixed bounds: per-bucket (not cumulative) counts, the last one `+Inf`.
#[derive(Debug, Clone)]
pub(super) struct Histogram<const B: usize> {
    pub buckets: [u64; B],
    pub sum: f64,
    pub count: u64,
}

impl<const B: usize> Default for Histogram<B> {
    fn default() -> Self {
        Histogram {
            buckets: [0; B],
            sum: 0.0,
            count: 0,
        }
    }
}

impl<const B: usize> Histogram<B> {
    /// Adds `value` given the finite upper bounds (`B - 1` of them; the last bucket is
    /// `+Inf`).
    pub(super) fn observe(&mut self, bounds: &[f64], value: f64) {
        let i = bounds.iter().position(|b| value <= *b).unwrap_or(B - 1);
        self.buckets[i] += 1;
        self.sum += value;
        self.count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_folds_name_labels_and_counts() {
        let mut names = Interner::new(100);
        let mut f: Family<2, u64> = Family::new("f", [true, false]);
        for app in ["a", "b", "c", "d"] {
            *f.entry(&mut names, 2, [app, "close"]) += 1;
        }
        // a and b have series; c and d went to other, keeping their status.
        assert_eq!(f.len(), 3);
        assert_eq!(f.dropped, 2);
        let other = [OTHER, names.get("close").unwrap()];
        assert_eq!(
            f.iter().find(|(k, _)| **k == other).map(|(_, v)| *v),
            Some(2)
        );
        // An existing series keeps counting at the cap.
        *f.entry(&mut names, 2, ["a", "close"]) += 1;
        assert_eq!(f.dropped, 2);
        let a = [names.get("a").unwrap(), names.get("close").unwrap()];
        assert_eq!(f.iter().find(|(k, _)| **k == a).map(|(_, v)| *v), Some(2));
    }

    #[test]
    fn a_full_interner_folds_too() {
        let mut names = Interner::new(2);
        let mut f: Family<1, u64> = Family::new("f", [true]);
        for app in ["a", "b", "c"] {
            *f.entry(&mut names, 100, [app]) += 1;
        }
        assert_eq!(names.len(), 5);
        assert_eq!(f.dropped, 1);
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn histogram_buckets() {
        let mut h: Histogram<3> = Histogram::default();
        for v in [0.5, 1.0, 1.5, 99.0] {
            h.observe(&[1.0, 2.0], v);
        }
        assert_eq!(h.buckets, [2, 1, 1]);
        assert_eq!(h.count, 4);
        assert_eq!(h.sum, 102.0);
    }
}
