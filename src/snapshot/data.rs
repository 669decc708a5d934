//! What a collector's run leaves in the snapshot: its typed data, which writes itself as the
//! families its collector declared, and the class that says how fresh it must be.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::metric_model::Writer;

/// A collector's typed data (counts and the per-object rows the metrics need, never raw JSON),
/// which writes itself as the families its collector declares. It is `Any` so that a reader
/// that knows a collector (the tenant's LSS name join) can ask for its concrete type.
pub trait CollectorData: Any + fmt::Debug + Send + Sync + 'static {
    /// Writes the families, each under its descriptor (one of its collector's `families`).
    fn write(&self, w: &mut Writer) -> fmt::Result;

    /// The newest change per microtenant, where the resource carries `modifiedTime`.
    fn last_modified(&self) -> Option<&LastModified> {
        None
    }
}

/// What a collector's run produced. Cheap to clone: the snapshot keeps it, and a collector's
/// entry keeps serving it while later runs fail; the encoder knows a new result from an old one
/// by the pointer.
pub(crate) type Data = Arc<dyn CollectorData>;

/// The newest `modifiedTime` per microtenant (Unix seconds), for
/// `zpa_config_last_modified_timestamp_seconds`.
pub(crate) type LastModified = BTreeMap<String, u64>;

/// How fast a resource changes and how much its freshness matters. It sets a collector's
/// default refresh interval, and the order in which the planner stretches intervals when the
/// rate budget is short: reference data first, health last.
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
