//! The immutable result of a poll cycle, and the store that swaps it in atomically.
//!
//! Scrapes read whatever snapshot is current; the poller builds the next one on the side and
//! swaps it in whole, so a scrape never sees half a poll and never waits for one.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;

use crate::collectors::Part;

/// What one collector produced, and how its last attempt went.
#[derive(Debug, Clone)]
pub struct CollectorStatus {
    pub name: &'static str,
    /// The last good data: kept, and still served, while later attempts fail.
    pub part: Option<Arc<dyn Part>>,
    pub success: bool,
    /// The API key may not read this resource (unlicensed feature, 403): not a failure.
    pub unavailable: bool,
    pub duration: Duration,
    pub last_success: Option<SystemTime>,
    pub last_attempt: Option<SystemTime>,
    pub last_error: Option<String>,
}

impl CollectorStatus {
    pub fn new(name: &'static str) -> Self {
        CollectorStatus {
            name,
            part: None,
            success: false,
            unavailable: false,
            duration: Duration::ZERO,
            last_success: None,
            last_attempt: None,
            last_error: None,
        }
    }

    /// Healthy, or not applicable to this tenant.
    pub fn ok(&self) -> bool {
        self.success || self.unavailable
    }
}

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub collectors: Vec<CollectorStatus>,
    /// Finished poll cycles; 0 until the first one completes.
    pub cycles: u64,
    pub completed_at: Option<SystemTime>,
    /// Some cycle has succeeded for every collector (readiness).
    pub ever_succeeded: bool,
}

impl Snapshot {
    pub fn empty(collectors: &[&'static str]) -> Self {
        Snapshot {
            collectors: collectors.iter().map(|n| CollectorStatus::new(n)).collect(),
            ..Snapshot::default()
        }
    }

    /// The last cycle succeeded for every collector that is available.
    pub fn up(&self) -> bool {
        self.cycles > 0 && self.collectors.iter().all(CollectorStatus::ok)
    }

    pub fn collector(&self, name: &str) -> Option<&CollectorStatus> {
        self.collectors.iter().find(|c| c.name == name)
    }
}

/// The current snapshot, replaced atomically.
#[derive(Debug)]
pub struct SnapshotStore(ArcSwap<Snapshot>);

impl SnapshotStore {
    pub fn new(initial: Snapshot) -> Self {
        SnapshotStore(ArcSwap::from_pointee(initial))
    }

    pub fn load(&self) -> Arc<Snapshot> {
        self.0.load_full()
    }

    pub fn store(&self, snapshot: Snapshot) {
        self.0.store(Arc::new(snapshot));
    }
}
