//! One collector per ZPA resource: each lists its endpoint and turns the objects into a small,
//! immutable [`Part`] that knows how to write its own metrics.
//!
//! Adding a resource means one new module here (model, collector, part, fixture test) and one
//! line in [`ALL`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use prometheus_client::encoding::{
    DescriptorEncoder, EncodeGaugeValue, EncodeLabelSet, EncodeMetric,
};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use crate::zpa::auth::BoxFuture;
use crate::zpa::{Client, Error};

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
        client: &'a Client,
        context: &'a PollContext,
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

/// Facts one collector learns that others use in the same or later cycles.
#[derive(Debug, Default)]
pub struct PollContext {
    microtenants: RwLock<BTreeSet<String>>,
    cycle: AtomicU64,
    /// The IdP listing of the current cycle: three collectors need it, ZPA is asked once.
    identity_providers: tokio::sync::Mutex<Option<(u64, IdpListing)>>,
}

type IdpListing = Result<Arc<Vec<identity_providers::IdentityProvider>>, Error>;

impl PollContext {
    /// Marks the start of a poll cycle: per-cycle caches are refreshed from now on.
    pub fn begin_cycle(&self, cycle: u64) {
        self.cycle.store(cycle, Ordering::Relaxed);
    }

    /// The identity providers, fetched at most once per cycle (failures included).
    pub async fn identity_providers(
        &self,
        client: &Client,
    ) -> Result<Arc<Vec<identity_providers::IdentityProvider>>, Error> {
        let cycle = self.cycle.load(Ordering::Relaxed);
        let mut cached = self.identity_providers.lock().await;
        if let Some((at, listing)) = cached.as_ref() {
            if *at == cycle {
                return listing.clone();
            }
        }
        let listing = identity_providers::fetch(client).await.map(Arc::new);
        *cached = Some((cycle, listing.clone()));
        listing
    }

    /// Microtenant names known from the microtenants collector, so per-microtenant counts can
    /// export zeros for microtenants that have nothing.
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

/// A collector's name, whether it runs by default, and how to build it.
pub struct CollectorSpec {
    pub name: &'static str,
    pub default_enabled: bool,
    pub build: fn(&CollectorOptions) -> Box<dyn Collector>,
}

/// Every collector, in the order a poll cycle runs them (microtenants first: others use them).
pub const ALL: &[CollectorSpec] = &[
    CollectorSpec {
        name: microtenants::NAME,
        default_enabled: true,
        build: |_| Box::new(microtenants::Microtenants),
    },
    CollectorSpec {
        name: application_segments::NAME,
        default_enabled: true,
        build: |o| {
            Box::new(application_segments::ApplicationSegments {
                per_segment_info: o.segment_info,
            })
        },
    },
    CollectorSpec {
        name: app_connectors::NAME,
        default_enabled: true,
        build: |_| Box::new(fleet::FleetCollector::<app_connectors::AppConnector>::default()),
    },
    CollectorSpec {
        name: service_edges::NAME,
        default_enabled: true,
        build: |_| Box::new(fleet::FleetCollector::<service_edges::ServiceEdge>::default()),
    },
    CollectorSpec {
        name: "app_connector_groups",
        default_enabled: true,
        build: |_| Box::new(groups::Groups(&groups::APP_CONNECTOR_GROUPS)),
    },
    CollectorSpec {
        name: "service_edge_groups",
        default_enabled: true,
        build: |_| Box::new(groups::Groups(&groups::SERVICE_EDGE_GROUPS)),
    },
    CollectorSpec {
        name: "segment_groups",
        default_enabled: true,
        build: |_| Box::new(groups::Groups(&groups::SEGMENT_GROUPS)),
    },
    CollectorSpec {
        name: "server_groups",
        default_enabled: true,
        build: |_| Box::new(groups::Groups(&groups::SERVER_GROUPS)),
    },
    CollectorSpec {
        name: identity_providers::NAME,
        default_enabled: true,
        build: |_| Box::new(identity_providers::IdentityProviders),
    },
    CollectorSpec {
        name: certificates::NAME,
        default_enabled: true,
        build: |_| Box::new(certificates::Certificates),
    },
    CollectorSpec {
        name: scim_groups::NAME,
        default_enabled: true,
        build: |_| Box::new(scim_groups::ScimGroups),
    },
    CollectorSpec {
        name: policy_rules::NAME,
        default_enabled: true,
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
        let help = format!("{help} {}", self.freshness);
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
