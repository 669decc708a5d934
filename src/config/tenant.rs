//! One tenant, validated: where its API is, who signs in and how (secrets resolved), its own
//! rate budget and intervals, and its name. The single-tenant flags give one, the tenants file
//! many; the rest of the exporter cannot tell where a tenant came from.

use std::collections::BTreeMap;
use std::time::Duration;

use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;

use super::Auth;
use crate::collectors::CollectorSpec;
use crate::lss::TenantLss;

/// A ZPA tenant and the key to read it with.
#[derive(Debug, Clone)]
pub struct ZpaTarget {
    /// API root: the legacy cloud's host, e.g. `https://config.private.zscaler.com`, or through
    /// OneAPI the gateway with ZPA's prefix, e.g. `https://api.zsapi.net/zpa`.
    pub base_url: String,
    /// The tenant id.
    pub customer_id: String,
    /// The client id: the legacy API key's, or the OneAPI API client's.
    pub client_id: String,
    /// The legacy API key's secret; empty with OneAPI, whose credential is in `auth`.
    pub client_secret: Secret,
    /// The microtenant every call is scoped to, if any.
    pub microtenant_id: Option<String>,
    /// How to sign in, and why that way.
    pub auth: Auth,
}

/// One tenant, validated: what the single-tenant flags describe, plus its name.
#[derive(Debug, Clone)]
pub struct TenantSpec {
    /// The `tenant` label value; unique among the tenants.
    pub name: String,
    /// Where and how to read it (secrets resolved).
    pub target: ZpaTarget,
    /// Its own client-side GET budget.
    pub rate_limit: RateLimit,
    /// The interval of every collector without its own (`poll_interval`).
    pub poll_interval: Option<Duration>,
    /// Per-collector intervals: the defaults' merged with the tenant's own.
    pub collector_intervals: BTreeMap<&'static str, Duration>,
    /// Its own LSS receiver, if any: its series carry its name and its API's names.
    pub lss: Option<TenantLss>,
    /// The shard ordinal that runs it, when pinned (`shard:` in the tenants file: a tenant
    /// whose App Connectors stream to it needs one stable address); else rendezvous hashing.
    pub shard: Option<u32>,
}

impl TenantSpec {
    /// `target` with every flag at its default, named by its customer id (as the flags name a
    /// tenant without `--zpa.tenant-name`).
    pub fn for_target(target: ZpaTarget) -> TenantSpec {
        DemoTenant::default().spec(target)
    }

    /// The interval a collector is asked to refresh at: its own, else `poll_interval`, else
    /// the collector's default.
    pub fn requested_interval(&self, spec: &CollectorSpec) -> Duration {
        self.collector_intervals
            .get(spec.name)
            .copied()
            .or(self.poll_interval)
            .unwrap_or(spec.default_interval)
    }
}

/// Label values may be anything, but a name also appears in logs, paths and shard hashing:
/// keep it to what needs no quoting anywhere.
pub(crate) fn is_tenant_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// `--demo`'s tenant before the simulator behind it has started: the flags' name, budget and
/// intervals, waiting for the simulator's address and key.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    /// `--zpa.tenant-name`, else the simulated customer id.
    pub name: Option<String>,
    /// `--zpa.rate-limit`.
    pub rate_limit: RateLimit,
    /// `--poll.interval`.
    pub poll_interval: Option<Duration>,
    /// `--collector.<name>.interval`.
    pub collector_intervals: BTreeMap<&'static str, Duration>,
}

impl Default for DemoTenant {
    fn default() -> Self {
        DemoTenant {
            name: None,
            rate_limit: RateLimit::ZPA_DEFAULT,
            poll_interval: None,
            collector_intervals: BTreeMap::new(),
        }
    }
}

impl DemoTenant {
    /// The tenant, reading `target` (the started simulator).
    pub fn spec(&self, target: ZpaTarget) -> TenantSpec {
        TenantSpec {
            name: self
                .name
                .clone()
                .unwrap_or_else(|| target.customer_id.clone()),
            target,
            rate_limit: self.rate_limit,
            poll_interval: self.poll_interval,
            collector_intervals: self.collector_intervals.clone(),
            lss: None,
            shard: None,
        }
    }
}
