//! The log types the receiver turns into metrics, one file each: its record (the fields it
//! reads, declared with `lss_record!`), its families, how it counts a record into its
//! [`Tally`], and the keys that tell it apart ([`Telltale`]). [`ALL`], the registry, is the
//! one list the rest of the receiver reads: the listeners' `TYPE=` names, detection on untyped
//! listeners, the counting, the families in the catalog and the README. Adding a log type is
//! one file here and one line in the `registry!` below.
//!
//! Log types of one shape share their record and counting (`node_status.rs`,
//! `node_metrics.rs`: App Connectors and Private Service Edges report the same way), as
//! `collectors/fleet.rs` does for the API.

mod labels;
mod machine;
pub(crate) mod node_metrics;
pub(crate) mod node_status;

use std::fmt;

use super::fields::Reject;
use super::names::Names;
use super::series::Interner;
use super::LogType;
use crate::metric_model::{Descriptor, Writer};

/// Declares each log type's module and lists their specs, in this order, as [`ALL`]: the order
/// of `/metrics` and the README.
macro_rules! registry {
    ($($module:ident::$spec:ident),+ $(,)?) => {
        $(pub(crate) mod $module;)+

        /// Every log type the receiver counts, in the order `/metrics` and the README list
        /// their families.
        pub(crate) const ALL: &[LogTypeSpec] = &[$($module::$spec,)+];
    };
}

registry! {
    user_activity::SPEC,
    app_connector_metrics::SPEC,
    service_edge_metrics::SPEC,
    app_connector_status::SPEC,
    service_edge_status::SPEC,
    user_status::SPEC,
}

/// One log type: what it is, what it serves, how it is recognised and counted.
#[derive(Debug)]
pub(crate) struct LogTypeSpec {
    /// The wire type (`sourceLogType`, the listener's `TYPE=` name).
    pub log_type: LogType,
    /// The families its tally writes, in the order it writes them.
    pub families: &'static [&'static Descriptor],
    /// The keys that say a record is of this type (detection on untyped listeners).
    pub telltale: Telltale,
    /// Where untyped detection tries it: lower first. A type whose keys are a superset of
    /// another's goes first.
    pub detect_order: u8,
    /// A fresh, empty tally.
    pub tally: fn() -> Box<dyn Tally>,
}

/// What one receiver's records of one log type add up to.
pub(crate) trait Tally: fmt::Debug + Send {
    /// Parses `line` as this type's record and counts it; the reason when it is not a record.
    fn count(&mut self, line: &[u8], at: &mut Counting<'_>) -> Result<(), Reject>;

    /// Writes the type's families.
    fn write(&self, w: &mut Writer, labels: &Interner) -> fmt::Result;

    /// Per series family of the tally (the `family` label of `zpa_lss_series_dropped_total`),
    /// the samples folded into its `other` series.
    fn dropped(&self) -> Vec<(&'static str, u64)>;
}

/// What counting one record may use: the label interner and its cap, the API's names, and when.
pub(crate) struct Counting<'a> {
    /// Label values ↔ ids, shared by every type of the receiver.
    pub labels: &'a mut Interner,
    /// Series per family (`--lss.max-series`).
    pub cap: usize,
    /// Names from the tenant's API snapshot.
    pub names: &'a Names,
    /// When the record arrived (Unix seconds).
    pub now: f64,
}

/// The keys that identify a log type: every key of `all`, at least one of `any` (or one of
/// `values` with that value), and none of `none`. Empty `any` and `values`: `all` decides.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Telltale {
    pub all: &'static [&'static str],
    pub any: &'static [&'static str],
    pub values: &'static [(&'static str, &'static str)],
    pub none: &'static [&'static str],
}

impl Telltale {
    /// No key at all (a type that is never detected, only named).
    pub(crate) const NONE: Telltale = Telltale {
        all: &[],
        any: &[],
        values: &[],
        none: &[],
    };

    /// Whether a record with these keys (and, for `values`, these values) is of the type.
    pub(crate) fn matches<'v>(
        &self,
        has: impl Fn(&str) -> bool,
        value: impl Fn(&str) -> Option<&'v str>,
    ) -> bool {
        let says_something =
            !(self.all.is_empty() && self.any.is_empty() && self.values.is_empty());
        let all = self.all.iter().all(|k| has(k));
        let either = (self.any.is_empty() && self.values.is_empty())
            || self.any.iter().any(|k| has(k))
            || self.values.iter().any(|(k, v)| value(k) == Some(*v));
        let none = !self.none.iter().any(|k| has(k));
        says_something && all && either && none
    }
}

/// Its place in [`ALL`].
pub(crate) fn position(log_type: LogType) -> Option<usize> {
    ALL.iter().position(|s| s.log_type == log_type)
}
