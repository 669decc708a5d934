//! What the exporter knows at one moment, and the store that swaps it in atomically.
//!
//! Scrapes read whatever snapshot is current; the scheduler replaces a collector's entry after
//! each run by building the next snapshot on the side and swapping it in whole, so a scrape
//! never sees half a run and never waits for one. Health ([`Snapshot::up`],
//! [`Snapshot::ready`]) is derived here, from the data, at the moment it is asked for.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use tokio::sync::watch;

mod data;

pub use data::Class;
pub(crate) use data::{CollectorData, Data, LastModified};

/// Data older than twice its interval plus its run time is stale; this much more absorbs the
/// jitter of waiting for the rate limiter.
const STALE_GRACE: Duration = Duration::from_secs(5);

/// What one collector produced, and how its runs went.
#[derive(Debug, Clone)]
pub struct CollectorStatus {
    /// The collector's name.
    pub name: &'static str,
    /// Its class (health, inventory, reference).
    pub class: Class,
    /// The last good data: kept, and still served, while later runs fail.
    pub data: Option<Data>,
    /// Whether the last run succeeded.
    pub success: bool,
    /// The API key may not read this resource (unlicensed feature, 403): not a failure.
    pub unavailable: bool,
    /// Finished runs, whatever their outcome.
    pub runs: u64,
    /// How long the last run took.
    pub duration: Duration,
    /// When the last successful run finished.
    pub last_success: Option<SystemTime>,
    /// When the last run started.
    pub last_attempt: Option<SystemTime>,
    /// The last run's error with its causes, if it failed.
    pub last_error: Option<String>,
    /// The effective refresh interval, after any stretching by the planner.
    pub interval: Duration,
    /// The interval asked for (flag or default), before any stretching: the landing page shows
    /// which collectors the budget slowed down.
    pub requested_interval: Duration,
    /// When the next run is due.
    pub next_run: Option<SystemTime>,
    /// API requests the last run sent.
    pub last_run_requests: u64,
}

impl CollectorStatus {
    /// A collector that has not run yet, planned at the `interval` it asked for.
    pub fn new(name: &'static str, class: Class, interval: Duration) -> Self {
        CollectorStatus {
            name,
            class,
            data: None,
            success: false,
            unavailable: false,
            runs: 0,
            duration: Duration::ZERO,
            last_success: None,
            last_attempt: None,
            last_error: None,
            interval,
            requested_interval: interval,
            next_run: None,
            last_run_requests: 0,
        }
    }

    /// When this collector's data counts as stale: a whole run missed, and then some.
    pub fn stale_after(&self) -> Duration {
        self.interval
            .saturating_mul(2)
            .saturating_add(self.duration)
            .saturating_add(STALE_GRACE)
    }

    /// The last run succeeded and its data is not stale at `now`.
    pub fn fresh(&self, now: SystemTime) -> bool {
        self.success
            && self.last_success.is_some_and(|t| {
                now.duration_since(t).unwrap_or(Duration::ZERO) <= self.stale_after()
            })
    }
}

/// A configuration problem found while running: one line naming the setting to fix, and its
/// kind, which says what clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// What found it, and so what clears it.
    pub kind: ProblemKind,
    /// One line naming the setting to check.
    pub message: String,
}

/// The kinds of [`ConfigProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The identity check found the API key belongs to another customer or microtenant scope;
    /// only the check passing clears it.
    Identity,
    /// ZPA refuses the customer id for this key (`customer.not.authorized`), answered to the
    /// identity check or to a collector; any successful run clears it.
    CustomerRefused,
    /// Every collector's resource was refused; derived from the statuses, never stored.
    AllRefused,
}

impl ConfigProblem {
    /// A problem of `kind` worded `message`.
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Self {
        ConfigProblem {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the budget planner decided.
#[derive(Debug, Clone, Default)]
pub struct BudgetStatus {
    /// Fraction of the GET budget the schedule needs.
    pub utilization: f64,
    /// e.g. `20/10s`.
    pub limit: String,
}

/// Everything the exporter knows at one moment: every collector's status and data, the
/// configuration error if any, and the budget plan.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Counts the updates: what `/metrics` encoding is keyed by.
    pub version: u64,
    /// Every enabled collector, in the order of `COLLECTORS`.
    pub collectors: Vec<CollectorStatus>,
    /// A configuration problem found by checking the API key's identity or by ZPA's answers.
    pub config_error: Option<ConfigProblem>,
    /// What the budget planner decided.
    pub budget: BudgetStatus,
}

impl Snapshot {
    /// A snapshot of collectors that have not run yet.
    pub fn new(collectors: Vec<CollectorStatus>) -> Self {
        Snapshot {
            collectors,
            ..Snapshot::default()
        }
    }

    /// The collector named `name`, if it is enabled.
    pub fn collector(&self, name: &str) -> Option<&CollectorStatus> {
        self.collectors.iter().find(|c| c.name == name)
    }

    /// A configuration error: the one found, or — when every collector's resource was refused
    /// at once — the conclusion that the key or its scope is wrong, since no tenant licenses
    /// nothing at all.
    pub fn config_problem(&self) -> Option<ConfigProblem> {
        if let Some(e) = &self.config_error {
            return Some(e.clone());
        }
        let all_refused =
            !self.collectors.is_empty() && self.collectors.iter().all(|c| c.unavailable);
        all_refused.then(|| {
            ConfigProblem::new(
                ProblemKind::AllRefused,
                "every collector was refused (HTTP 403 or not licensed): check the API key's \
                 role and --zpa.customer-id (ZPA_CUSTOMER_ID) / --zpa.microtenant-id \
                 (ZPA_MICROTENANT_ID)",
            )
        })
    }

    fn available(&self) -> impl Iterator<Item = &CollectorStatus> {
        self.collectors.iter().filter(|c| !c.unavailable)
    }

    /// `zpa_up`: no configuration error, and every enabled, available collector's last run
    /// succeeded with data that is not stale at `now`.
    pub fn up(&self, now: SystemTime) -> bool {
        self.config_problem().is_none()
            && self.available().next().is_some()
            && self.available().all(|c| c.fresh(now))
    }

    /// `/-/ready`: no configuration error, and every enabled, available collector has
    /// succeeded at least once, so `/metrics` has something to say about each.
    pub fn ready(&self) -> bool {
        self.config_problem().is_none()
            && self.available().next().is_some()
            && self.pending().next().is_none()
    }

    /// The available collectors that have not succeeded yet: what keeps `/-/ready` at 503
    /// when nothing else does.
    pub fn pending(&self) -> impl Iterator<Item = &CollectorStatus> {
        self.available().filter(|c| c.last_success.is_none())
    }
}

/// The current snapshot, replaced atomically; each replacement is also announced to
/// subscribers.
#[derive(Debug)]
pub(crate) struct SnapshotStore {
    current: ArcSwap<Snapshot>,
    /// Serialises writers, so two collectors finishing together cannot lose an update.
    writer: Mutex<()>,
    /// The latest snapshot, for whoever waits for a change rather than polling; scrapes read
    /// `current`, which never blocks.
    published: watch::Sender<Arc<Snapshot>>,
}

impl SnapshotStore {
    pub(crate) fn new(initial: Snapshot) -> Self {
        let initial = Arc::new(initial);
        SnapshotStore {
            current: ArcSwap::new(initial.clone()),
            writer: Mutex::new(()),
            published: watch::Sender::new(initial),
        }
    }

    pub(crate) fn load(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Every snapshot published from now on, as it is published (the receiver holds only the
    /// latest: a slow reader skips to it, nothing queues up).
    pub(crate) fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.published.subscribe()
    }

    /// Applies `change` to a copy of the current snapshot and swaps the copy in.
    pub(crate) fn update(&self, change: impl FnOnce(&mut Snapshot)) {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = Snapshot::clone(&self.current.load());
        change(&mut next);
        next.version += 1;
        let next = Arc::new(next);
        self.current.store(next.clone());
        self.published.send_replace(next);
    }

    /// Applies `change` to one collector's entry.
    pub(crate) fn update_collector(&self, name: &str, change: impl FnOnce(&mut CollectorStatus)) {
        self.update(|snapshot| {
            if let Some(status) = snapshot.collectors.iter_mut().find(|c| c.name == name) {
                change(status);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(name: &'static str, interval_s: u64) -> CollectorStatus {
        CollectorStatus::new(name, Class::Inventory, Duration::from_secs(interval_s))
    }

    fn succeeded(mut s: CollectorStatus, at: SystemTime) -> CollectorStatus {
        s.success = true;
        s.runs += 1;
        s.last_success = Some(at);
        s.last_attempt = Some(at);
        s
    }

    #[test]
    fn nothing_collected_is_neither_up_nor_ready() {
        let snap = Snapshot::new(vec![status("a", 60)]);
        let now = SystemTime::now();
        assert!(!snap.up(now));
        assert!(!snap.ready());
        assert!(!Snapshot::default().up(now), "no collectors is not up");
    }

    #[test]
    fn up_follows_each_collectors_own_interval() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let snap = Snapshot::new(vec![
            succeeded(status("fast", 60), t0),
            succeeded(status("slow", 3600), t0),
        ]);
        assert!(snap.up(t0 + Duration::from_secs(120)));
        assert!(snap.ready());
        // The fast one is stale after 2 × 60 s + 5 s; the slow one would still be fine.
        assert!(!snap.up(t0 + Duration::from_secs(126)));
        assert!(snap.ready(), "readiness only needs one success each");
    }

    #[test]
    fn an_interval_too_large_for_the_clock_is_never_stale_and_never_panics() {
        let now = SystemTime::now();
        let mut huge = succeeded(status("a", 60), now);
        huge.interval = Duration::MAX;
        huge.duration = Duration::from_secs(1);
        assert_eq!(huge.stale_after(), Duration::MAX);
        assert!(huge.fresh(now + Duration::from_secs(10 * 365 * 24 * 3600)));
    }

    #[test]
    fn a_failed_last_run_is_down_but_keeps_readiness() {
        let now = SystemTime::now();
        let mut failing = succeeded(status("a", 60), now);
        failing.success = false;
        let snap = Snapshot::new(vec![failing, succeeded(status("b", 60), now)]);
        assert!(!snap.up(now));
        assert!(snap.ready());
    }

    #[test]
    fn unlicensed_collectors_do_not_count_but_all_refused_is_a_config_error() {
        let now = SystemTime::now();
        let mut unlicensed = status("a", 60);
        unlicensed.unavailable = true;
        let snap = Snapshot::new(vec![unlicensed.clone(), succeeded(status("b", 60), now)]);
        assert!(snap.up(now) && snap.ready());
        assert!(snap.config_problem().is_none());

        let snap = Snapshot::new(vec![unlicensed.clone(), unlicensed]);
        assert!(!snap.up(now) && !snap.ready());
        let problem = snap.config_problem().unwrap();
        assert_eq!(problem.kind, ProblemKind::AllRefused);
        assert!(problem.message.contains("--zpa.customer-id"), "{problem}");
    }

    #[test]
    fn a_config_error_overrides_fresh_data() {
        let now = SystemTime::now();
        let mut snap = Snapshot::new(vec![succeeded(status("a", 60), now)]);
        snap.config_error = Some(ConfigProblem::new(
            ProblemKind::Identity,
            "--zpa.customer-id: wrong",
        ));
        assert!(!snap.up(now));
        assert!(!snap.ready());
    }

    #[test]
    fn updates_replace_one_entry() {
        let store = SnapshotStore::new(Snapshot::new(vec![status("a", 60), status("b", 60)]));
        let before = store.load();
        store.update_collector("b", |s| s.runs = 3);
        assert_eq!(store.load().collector("b").unwrap().runs, 3);
        assert_eq!(
            before.collector("b").unwrap().runs,
            0,
            "old snapshots never change"
        );
    }

    #[tokio::test]
    async fn subscribers_see_each_publication_without_polling() {
        let store = Arc::new(SnapshotStore::new(Snapshot::new(vec![status("a", 60)])));
        let mut updates = store.subscribe();
        let writer = store.clone();
        tokio::spawn(async move {
            for runs in 1..=3 {
                writer.update_collector("a", |s| s.runs = runs);
            }
        });
        let seen = updates
            .wait_for(|s| s.collector("a").unwrap().runs == 3)
            .await
            .unwrap()
            .clone();
        assert_eq!(seen.version, store.load().version);
    }
}
