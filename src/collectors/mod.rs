//! One collector per ZPA resource, each in its own file: its spec (name, class, default
//! interval, estimated calls, how to build it), its metric families (name, type, help, labels),
//! how it lists its endpoint through the [`RunContext`], the typed data it summarises the
//! objects into (counts and the per-object rows the metrics need, never raw JSON), and how that
//! data writes itself as its families ([`CollectorData`]).
//!
//! [`ALL`], the registry, is the one list the rest of the exporter reads: the command line's
//! `--collector.*` flags, the schedule, the metrics table (`descriptors::ALL`), the README's
//! metrics reference and the dashboard contract all follow from it. Adding a resource is one
//! file here and one line in the `registry!` below (plus the model in `zpa_api` and the
//! resource in the simulator's tenant when ZPA's API is new to the exporter); CONTRIBUTING.md
//! walks through an example.

mod context;
pub(crate) mod fleet;

use std::collections::BTreeMap;
use std::time::Duration;

use zpa_api::{BoxFuture, Error};

pub(crate) use context::{RunContext, SharedFacts};

use crate::metric_model::{bool_label, Descriptor};
pub use crate::snapshot::Class;
pub(crate) use crate::snapshot::{CollectorData, Data, LastModified};

/// Declares each collector module and lists its specs, in this order, as [`ALL`]: registering a
/// collector is one line, `module::{SPEC}`.
macro_rules! registry {
    ($($module:ident::{$($spec:ident),+ $(,)?}),+ $(,)?) => {
        $(pub(crate) mod $module;)+

        /// Every collector, in the order `/metrics`, the README and the flags list them. The
        /// defaults follow how fast a resource changes and how much a stale value hurts: a
        /// disconnected App Connector matters within a minute; segments, groups and policy
        /// change by hand during the day; microtenants, IdPs and SCIM groups rarely;
        /// certificates expire over weeks.
        pub const ALL: &[CollectorSpec] = &[$($($module::$spec,)+)+];
    };
}

registry! {
    microtenants::{SPEC},
    application_segments::{SPEC},
    app_connectors::{SPEC},
    service_edges::{SPEC},
    groups::{APP_CONNECTOR_GROUPS, SERVICE_EDGE_GROUPS, SEGMENT_GROUPS, SERVER_GROUPS},
    identity_providers::{SPEC},
    certificates::{SPEC},
    scim_groups::{SPEC},
    policy_rules::{SPEC},
}

/// The registered collector called `name`.
pub(crate) fn spec(name: &str) -> Option<&'static CollectorSpec> {
    ALL.iter().find(|spec| spec.name == name)
}

/// A collector: fetches one resource and summarises it.
pub(crate) trait Collector: Send + Sync {
    /// The `collector` label value, also the `--collector.<name>` flag.
    fn name(&self) -> &'static str;

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>>;
}

/// The labels of a count per microtenant and enabled state (see [`count_enabled`]).
pub(crate) const MICROTENANT_ENABLED: &[&str] = &["microtenant", "enabled"];

/// Options that shape what collectors export.
#[derive(Debug, Clone, Default)]
pub struct CollectorOptions {
    /// Export one `zpa_application_segment_info` series per segment (large tenants: 10 000+).
    pub segment_info: bool,
}

/// A collector's name, whether it runs by default, its schedule, and how to build it.
pub struct CollectorSpec {
    /// The name: the `collector` label and the `--collector.<name>` flag.
    pub name: &'static str,
    /// Whether it runs unless switched off.
    pub default_enabled: bool,
    /// How its interval is stretched when the budget is short.
    pub class: Class,
    /// How often it refreshes unless `--collector.<name>.interval` or `--poll.interval` say
    /// otherwise.
    pub default_interval: Duration,
    /// API calls one run needs on a small tenant: the planner's guess until it has measured.
    pub estimated_calls: u32,
    /// The metric families its data writes, in the order it writes them.
    pub families: &'static [&'static Descriptor],
    /// Builds the collector.
    pub(crate) build: fn(&CollectorOptions) -> Box<dyn Collector>,
}

/// A minute, for default intervals.
pub(crate) const MINUTE: Duration = Duration::from_secs(60);

/// The newest `modifiedTime` per microtenant.
pub(crate) fn newest_per_microtenant<'a>(
    items: impl Iterator<Item = (&'a String, Option<u64>)>,
) -> LastModified {
    let mut newest = LastModified::new();
    for (mt, t) in items {
        if let Some(t) = t {
            let slot = newest.entry(mt.clone()).or_insert(0);
            *slot = (*slot).max(t);
        }
    }
    newest
}

/// Counts per (microtenant, enabled), with both states for every microtenant seen or known, so
/// a state that drops to zero shows as 0 instead of vanishing.
pub(crate) fn count_enabled<'a>(
    items: impl Iterator<Item = (String, bool)>,
    known_microtenants: impl IntoIterator<Item = &'a String>,
) -> BTreeMap<(String, bool), u64> {
    let mut counts = BTreeMap::new();
    for mt in known_microtenants {
        counts.insert((mt.clone(), true), 0);
        counts.insert((mt.clone(), false), 0);
    }
    for (mt, enabled) in items {
        counts.entry((mt.clone(), !enabled)).or_insert(0);
        *counts.entry((mt, enabled)).or_insert(0) += 1;
    }
    counts
}

/// The microtenant label of an object: its `microtenantName`, "Default" when absent.
pub(crate) fn microtenant_label(name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => "Default".to_string(),
    }
}

/// The rows of a [`count_enabled`] count, for a family labelled [`MICROTENANT_ENABLED`].
pub(crate) fn enabled_rows(
    counts: &BTreeMap<(String, bool), u64>,
) -> impl Iterator<Item = ([&str; 2], u64)> {
    counts
        .iter()
        .map(|((mt, enabled), n)| ([mt.as_str(), bool_label(*enabled)], *n))
}
