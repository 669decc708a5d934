//! One collector per ZPA resource: each lists its endpoint and turns the objects into a small,
//! immutable [`Part`] that knows how to write its own metrics.
//!
//! Adding a resource means one new module here (model, collector, part, fixture test) and one
//! line in [`ALL`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use prometheus_client::encoding::{
    DescriptorEncoder, EncodeGaugeValue, EncodeLabelSet, EncodeMetric,
};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use zpa_api::auth::BoxFuture;
use zpa_api::ratelimit::Ticket;
use zpa_api::{Client, Endpoint, Error};

pub mod app_connectors;
pub mod application_segments;
pub mod certificates;
pub mod fleet;
pub mod groups;
pub mod identity_providers;
pub mod microtenants;
pub mod policy_rules;
pub mod scim_groups;
pub mod service_edges;

/// A collector: fetches one resource and summarises it.
pub trait Collector: Send + Sync {
    /// The `collector` label value, also the `--collector.<name>` flag.
    fn name(&self) -> &'static str;

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>>;
}

/// The summary a collector keeps of its resource, encoded on every scrape.
pub trait Part: fmt::Debug + Send + Sync {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result;

    /// Newest `modifiedTime` per microtenant, for `zpa_config_last_modified_timestamp_seconds`.
    fn last_modified(&self) -> Vec<(String, f64)> {
        Vec::new()
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
    pub fn label(self) -> &'static str {
        match self {
            Class::Health => "health",
            Class::Inventory => "inventory",
            Class::Reference => "reference",
        }
    }
}

/// What one run of a collector may use: the client, its place in the rate budget, and the
/// facts collectors share.
pub struct RunContext<'a> {
    pub client: &'a Client,
    pub ticket: &'a Ticket,
    pub shared: &'a SharedFacts,
    /// The collector's own refresh interval: shared facts older than half of it are fetched
    /// again rather than reused.
    pub interval: Duration,
}

impl RunContext<'_> {
    /// Every object of `endpoint`, each page in this run's place in the rate budget.
    pub async fn list<T: DeserializeOwned>(&self, endpoint: &Endpoint) -> Result<Vec<T>, Error> {
        self.client.list(endpoint, self.ticket).await
    }

    /// The identity providers, reused from another collector's fetch when recent enough.
    pub async fn identity_providers(
        &self,
    ) -> Result<Arc<Vec<identity_providers::IdentityProvider>>, Error> {
        self.shared.identity_providers(self).await
    }

    /// Microtenant names from the last successful microtenants listing, so per-microtenant
    /// counts can export zeros for microtenants that have nothing.
    pub fn known_microtenants(&self) -> BTreeSet<String> {
        self.shared.known_microtenants()
    }
}

/// Facts several collectors need. No collector relies on another having run first: the
/// microtenant names are whatever the microtenants collector last published (none yet is
/// fine), and the IdP listing is fetched on demand by whoever needs it and cached with its age.
#[derive(Debug, Default)]
pub struct SharedFacts {
    microtenants: RwLock<BTreeSet<String>>,
    identity_providers: tokio::sync::Mutex<Option<(Instant, IdpListing)>>,
}

type IdpListing = Arc<Vec<identity_providers::IdentityProvider>>;

impl SharedFacts {
    /// One fetch at a time: a second caller waits for the first and reuses its listing.
    /// Failures are not cached; each caller reports its own.
    async fn identity_providers(&self, run: &RunContext<'_>) -> Result<IdpListing, Error> {
        let mut cached = self.identity_providers.lock().await;
        if let Some((at, listing)) = cached.as_ref() {
            if at.elapsed() <= run.interval / 2 {
                return Ok(listing.clone());
            }
        }
        let listing = Arc::new(identity_providers::fetch(run).await?);
        *cached = Some((Instant::now(), listing.clone()));
        Ok(listing)
    }

    pub fn known_microtenants(&self) -> BTreeSet<String> {
        self.microtenants
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_known_microtenants(&self, names: BTreeSet<String>) {
        *self.microtenants.write().unwrap_or_else(|e| e.into_inner()) = names;
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
    pub name: &'static str,
    pub default_enabled: bool,
    pub class: Class,
    /// How often it refreshes unless `--collector.<name>.interval` or `--poll.interval` say
    /// otherwise.
    pub default_interval: Duration,
    /// API calls one run needs on a small tenant: the planner's guess until it has measured.
    pub estimated_calls: u32,
    pub build: fn(&CollectorOptions) -> Box<dyn Collector>,
}

const MINUTE: Duration = Duration::from_secs(60);

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
        build: |_| Box::new(fleet::FleetCollector::<app_connectors::AppConnector>::default()),
    },
    CollectorSpec {
        name: service_edges::NAME,
        default_enabled: true,
        class: Class::Health,
        default_interval: MINUTE,
        estimated_calls: 1,
        build: |_| Box::new(fleet::FleetCollector::<service_edges::ServiceEdge>::default()),
    },
    CollectorSpec {
        name: "app_connector_groups",
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build: |_| Box::new(groups::Groups(&groups::APP_CONNECTOR_GROUPS)),
    },
    CollectorSpec {
        name: "service_edge_groups",
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build: |_| Box::new(groups::Groups(&groups::SERVICE_EDGE_GROUPS)),
    },
    CollectorSpec {
        name: "segment_groups",
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build: |_| Box::new(groups::Groups(&groups::SEGMENT_GROUPS)),
    },
    CollectorSpec {
        name: "server_groups",
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        build: |_| Box::new(groups::Groups(&groups::SERVER_GROUPS)),
    },
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
) -> Vec<(String, f64)> {
    let mut newest: BTreeMap<&String, u64> = BTreeMap::new();
    for (mt, t) in items {
        if let Some(t) = t {
            let slot = newest.entry(mt).or_insert(0);
            *slot = (*slot).max(t);
        }
    }
    newest
        .into_iter()
        .map(|(mt, t)| (mt.clone(), t as f64))
        .collect()
}

/// The value of a boolean label: `true` or `false`.
pub fn bool_label(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The microtenant label of an object: its `microtenantName`, "Default" when absent.
pub fn microtenant_label(name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => "Default".to_string(),
    }
}

/// Writes gauge families; every HELP text says how fresh the values are.
pub struct MetricWriter<'a, 'b> {
    encoder: &'a mut DescriptorEncoder<'b>,
    freshness: &'a str,
}

impl<'a, 'b> MetricWriter<'a, 'b> {
    pub fn new(encoder: &'a mut DescriptorEncoder<'b>, freshness: &'a str) -> Self {
        MetricWriter { encoder, freshness }
    }

    /// One gauge family; nothing at all when `rows` is empty.
    pub fn gauge<L, V>(
        &mut self,
        name: &str,
        help: &str,
        rows: impl IntoIterator<Item = (L, V)>,
    ) -> fmt::Result
    where
        L: EncodeLabelSet,
        V: EncodeGaugeValue + Clone + fmt::Debug + Send + Sync + 'static,
        ConstGauge<V>: EncodeMetric,
    {
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let help = if self.freshness.is_empty() {
            help.to_string()
        } else {
            format!("{help} {}", self.freshness)
        };
        let mut family = self
            .encoder
            .encode_descriptor(name, &help, None, MetricType::Gauge)?;
        for (labels, value) in rows {
            let metric = family.encode_family(&labels)?;
            ConstGauge::new(value).encode(metric)?;
        }
        Ok(())
    }
}
