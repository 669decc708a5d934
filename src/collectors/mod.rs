//! One collector per ZPA resource: each lists its endpoint through the [`RunContext`] and
//! summarises the objects into typed [`Data`] — counts and the per-object rows the metrics
//! need, never raw JSON. It does not know how its data becomes metrics; `crate::metrics` does.
//!
//! Adding a resource means a model in `zpa_api::models`, one module here (collector, data,
//! fixture test), a variant of [`Data`], its families in the metrics table, and one line in
//! [`ALL`].

pub mod app_connectors;
pub mod application_segments;
pub mod certificates;
mod context;
pub mod fleet;
pub mod groups;
pub mod identity_providers;
pub mod microtenants;
pub mod policy_rules;
pub mod scim_groups;
pub mod service_edges;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use zpa_api::{BoxFuture, Error};

pub use context::{RunContext, SharedFacts};

/// A collector: fetches one resource and summarises it.
pub trait Collector: Send + Sync {
    /// The `collector` label value, also the `--collector.<name>` flag.
    fn name(&self) -> &'static str;

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>>;
}

/// What a collector's run produced. Cheap to clone: the snapshot keeps it behind `Arc`s, and a
/// collector's entry keeps serving it while later runs fail.
#[derive(Debug, Clone)]
pub enum Data {
    Microtenants(Arc<microtenants::MicrotenantList>),
    Segments(Arc<application_segments::Segments>),
    Fleet(Arc<fleet::Fleet>),
    Groups(Arc<groups::GroupCounts>),
    IdentityProviders(Arc<identity_providers::IdpList>),
    Certificates(Arc<certificates::Expiries>),
    ScimGroups(Arc<scim_groups::ScimGroupCounts>),
    PolicyRules(Arc<policy_rules::RuleCounts>),
}

/// The newest `modifiedTime` per microtenant (Unix seconds), for
/// `zpa_config_last_modified_timestamp_seconds`.
pub type LastModified = BTreeMap<String, u64>;

impl Data {
    /// The newest change per microtenant, where the resource carries `modifiedTime`.
    pub fn last_modified(&self) -> Option<&LastModified> {
        match self {
            Data::Segments(d) => Some(&d.last_modified),
            Data::Fleet(d) => Some(&d.last_modified),
            Data::Groups(d) => Some(&d.last_modified),
            Data::IdentityProviders(d) => Some(&d.last_modified),
            Data::Certificates(d) => Some(&d.last_modified),
            Data::PolicyRules(d) => Some(&d.last_modified),
            Data::Microtenants(_) | Data::ScimGroups(_) => None,
        }
    }

    /// Identifies this very result (not its content): the metrics encoder re-encodes a
    /// collector's families only when its data is a new result.
    pub fn identity(&self) -> usize {
        match self {
            Data::Microtenants(d) => Arc::as_ptr(d) as *const () as usize,
            Data::Segments(d) => Arc::as_ptr(d) as *const () as usize,
            Data::Fleet(d) => Arc::as_ptr(d) as *const () as usize,
            Data::Groups(d) => Arc::as_ptr(d) as *const () as usize,
            Data::IdentityProviders(d) => Arc::as_ptr(d) as *const () as usize,
            Data::Certificates(d) => Arc::as_ptr(d) as *const () as usize,
            Data::ScimGroups(d) => Arc::as_ptr(d) as *const () as usize,
            Data::PolicyRules(d) => Arc::as_ptr(d) as *const () as usize,
        }
    }
}

/// How fast a resource changes and how much its freshness matters. It sets the default
/// refresh interval, and the order in which the planner stretches intervals when the rate
/// budget is short: reference data first, health last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Whether the fleet is connected: App Connectors, Service Edges.
    Health,
    /// Configuration that operators change during the day: segments, groups, policy.
    Inventory,
    /// Slow-moving reference data: microtenants, identity providers, SCIM, certificates.
    Reference,
}

impl Class {
    /// The class in words.
    pub fn label(self) -> &'static str {
        match self {
            Class::Health => "health",
            Class::Inventory => "inventory",
            Class::Reference => "reference",
        }
    }
}

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
    /// Builds the collector.
    pub(crate) build: fn(&CollectorOptions) -> Box<dyn Collector>,
}

const MINUTE: Duration = Duration::from_secs(60);

/// A group kind's collector: inventory, every 5 minutes, one page on most tenants.
const fn group_spec(
    kind: groups::GroupKind,
    build: fn(&CollectorOptions) -> Box<dyn Collector>,
) -> CollectorSpec {
    CollectorSpec {
        name: kind.collector(),
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build,
    }
}

/// Every collector. The defaults follow how fast a resource changes and how much a stale value
/// hurts: a disconnected App Connector matters within a minute; segments, groups and policy
/// change by hand during the day; microtenants, IdPs and SCIM groups rarely; certificates
/// expire over weeks.
pub const ALL: &[CollectorSpec] = &[
    CollectorSpec {
        name: microtenants::NAME,
        default_enabled: true,
        class: Class::Reference,
        default_interval: MINUTE.saturating_mul(15),
        estimated_calls: 1,
        build: |_| Box::new(microtenants::Microtenants),
    },
    CollectorSpec {
        name: application_segments::NAME,
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build: |o| {
            Box::new(application_segments::ApplicationSegments {
                per_segment_info: o.segment_info,
            })
        },
    },
    CollectorSpec {
        name: app_connectors::NAME,
        default_enabled: true,
        class: Class::Health,
        default_interval: MINUTE,
        estimated_calls: 1,
        build: |_| {
            Box::new(fleet::FleetCollector::<
                zpa_api::models::connector::AppConnector,
            >::default())
        },
    },
    CollectorSpec {
        name: service_edges::NAME,
        default_enabled: true,
        class: Class::Health,
        default_interval: MINUTE,
        estimated_calls: 1,
        build: |_| {
            Box::new(fleet::FleetCollector::<
                zpa_api::models::service_edge::ServiceEdge,
            >::default())
        },
    },
    group_spec(groups::GroupKind::AppConnector, |_| {
        Box::new(groups::Groups(groups::GroupKind::AppConnector))
    }),
    group_spec(groups::GroupKind::ServiceEdge, |_| {
        Box::new(groups::Groups(groups::GroupKind::ServiceEdge))
    }),
    group_spec(groups::GroupKind::Segment, |_| {
        Box::new(groups::Groups(groups::GroupKind::Segment))
    }),
    group_spec(groups::GroupKind::Server, |_| {
        Box::new(groups::Groups(groups::GroupKind::Server))
    }),
    CollectorSpec {
        name: identity_providers::NAME,
        default_enabled: true,
        class: Class::Reference,
        default_interval: MINUTE.saturating_mul(30),
        estimated_calls: 1,
        build: |_| Box::new(identity_providers::IdentityProviders),
    },
    CollectorSpec {
        name: certificates::NAME,
        default_enabled: true,
        class: Class::Reference,
        default_interval: MINUTE.saturating_mul(60),
        estimated_calls: 3,
        build: |_| Box::new(certificates::Certificates),
    },
    CollectorSpec {
        name: scim_groups::NAME,
        default_enabled: true,
        class: Class::Reference,
        default_interval: MINUTE.saturating_mul(30),
        estimated_calls: 2,
        build: |_| Box::new(scim_groups::ScimGroups),
    },
    CollectorSpec {
        name: policy_rules::NAME,
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(10),
        estimated_calls: 5,
        build: |_| Box::new(policy_rules::PolicyRules),
    },
];

/// The newest `modifiedTime` per microtenant.
pub fn newest_per_microtenant<'a>(
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
pub fn count_enabled<'a>(
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
pub fn microtenant_label(name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => "Default".to_string(),
    }
}
