//! The scheduler: runs every collector of one tenant on its own interval, all drawing from the
//! tenant's one rate budget, and publishes each result the moment it is ready.
//!
//! * Each collector is its own task: it sleeps until due, runs, publishes, and works out when it
//!   is due next. A run is never cut short and nothing it fetched is thrown away; what bounds a
//!   run is the client's request timeout and retry budget.
//! * Every request of a run waits for the rate limiter with the run's [`Ticket`]: earliest
//!   deadline first, health collectors with reserved slots. So a due App Connector listing
//!   overtakes the pages of a long segment listing at page granularity (see
//!   [`zpa_api::ratelimit`]).
//! * After each successful run the [`plan`] is redone with the calls the run really needed;
//!   when the requested intervals no longer fit the budget, low-priority intervals stretch, the
//!   change is logged once and exported.
//! * Before any collector runs, [`key_scope`] checks once that the API key belongs to the
//!   configured customer and microtenant, so a wrong id is reported as what it is.
//!
//! One `Scheduler` serves one tenant with one budget (ZPA's limit is per tenant and source
//! IP): a process watching several tenants runs several schedulers.

mod key_scope;
pub(crate) mod plan;
mod runner;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::collectors::{Class, Collector, SharedFacts};
use crate::snapshot::{BudgetStatus, CollectorStatus, Snapshot, SnapshotStore};
use plan::{Demand, Plan};
use zpa_api::ratelimit::RateLimiter;
use zpa_api::Api;

/// A collector with its schedule.
pub(crate) struct Scheduled {
    pub collector: Box<dyn Collector>,
    pub class: Class,
    /// The interval asked for (flag or default), before any stretching.
    pub requested: Duration,
    /// API calls a run needs before one has been measured.
    pub estimated_calls: u32,
}

/// The tenant a scheduler reads: its API, the rate budget that API's requests wait for (the
/// planner divides it, health runs announce themselves to it), and the ids the key-scope check
/// compares with what ZPA says of the key.
pub(crate) struct Upstream {
    pub api: Arc<dyn Api>,
    pub budget: Arc<RateLimiter>,
    pub customer_id: String,
    /// `--zpa.microtenant-id`: every scoped listing is limited to it.
    pub microtenant_id: Option<String>,
}

pub(crate) struct Scheduler {
    inner: Arc<Schedule>,
}

struct Schedule {
    upstream: Upstream,
    collectors: Vec<Scheduled>,
    store: Arc<SnapshotStore>,
    shared: SharedFacts,
    planner: Mutex<Planner>,
    /// Bumped whenever the planned intervals change, so waiting collectors re-aim.
    plan_version: watch::Sender<u64>,
}

struct Planner {
    demands: Vec<Demand>,
    plan: Plan,
}

impl Scheduler {
    /// Plans the schedule from the estimates and publishes it, with every collector pending.
    pub(crate) fn new(
        upstream: Upstream,
        collectors: Vec<Scheduled>,
        store: Arc<SnapshotStore>,
    ) -> Self {
        let demands: Vec<Demand> = collectors
            .iter()
            .map(|c| Demand {
                name: c.collector.name(),
                class: c.class,
                requested: c.requested,
                calls_per_run: f64::from(c.estimated_calls.max(1)),
            })
            .collect();
        let plan = plan::plan(&demands, upstream.budget.requests_per_second());
        let statuses = collectors
            .iter()
            .zip(&plan.intervals)
            .map(|(c, interval)| CollectorStatus {
                requested_interval: c.requested,
                ..CollectorStatus::new(c.collector.name(), c.class, *interval)
            })
            .collect();
        let mut snapshot = Snapshot::new(statuses);
        snapshot.budget = BudgetStatus {
            utilization: plan.utilization,
            limit: upstream.budget.limit().to_string(),
        };
        store.update(|s| *s = snapshot);
        Scheduler {
            inner: Arc::new(Schedule {
                upstream,
                collectors,
                store,
                shared: SharedFacts::default(),
                planner: Mutex::new(Planner { demands, plan }),
                plan_version: watch::Sender::new(0),
            }),
        }
    }

    /// The plan in one line, for the start-up log.
    pub(crate) fn describe_plan(&self) -> String {
        self.inner.describe_plan()
    }

    /// Runs until `shutdown` turns true: the key-scope check first, then every collector.
    pub(crate) async fn run(self, shutdown: watch::Receiver<bool>) {
        let inner = self.inner;
        let (release, released) = watch::channel(false);
        let mut tasks = JoinSet::new();
        tasks.spawn(key_scope::verify(inner.clone(), release, shutdown.clone()));
        for index in 0..inner.collectors.len() {
            tasks.spawn(runner::drive(
                inner.clone(),
                index,
                released.clone(),
                shutdown.clone(),
            ));
        }
        while let Some(done) = tasks.join_next().await {
            if let Err(e) = done {
                if e.is_panic() {
                    tracing::error!(error = %e, "a collector task panicked; it no longer runs");
                }
            }
        }
    }
}

impl Schedule {
    fn interval(&self, index: usize) -> Duration {
        self.lock_planner().plan.intervals[index]
    }

    fn lock_planner(&self) -> std::sync::MutexGuard<'_, Planner> {
        self.planner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn describe_plan(&self) -> String {
        let planner = self.lock_planner();
        let limit = self.upstream.budget.limit().to_string();
        planner.plan.describe(&planner.demands, &limit)
    }

    /// Records what a successful run cost and redoes the plan; a changed schedule is logged
    /// once and published.
    fn observe_calls(&self, index: usize, calls: u64) {
        let (changed, plan) = {
            let mut planner = self.lock_planner();
            let calls = calls.max(1) as f64;
            if planner.demands[index].calls_per_run == calls {
                return;
            }
            planner.demands[index].calls_per_run = calls;
            let plan = plan::plan(&planner.demands, self.upstream.budget.requests_per_second());
            let changed = plan.intervals != planner.plan.intervals;
            planner.plan = plan.clone();
            (changed, plan)
        };
        if changed {
            let line = self.describe_plan();
            if plan.utilization > plan::TARGET_UTILIZATION + 1e-9 {
                tracing::warn!(
                    "schedule changed; even stretched it does not fit the budget, lower the \
                     intervals' demands or raise --zpa.rate-limit if ZPA allows: {line}"
                );
            } else {
                tracing::info!("schedule changed: {line}");
            }
        }
        self.store.update(|snapshot| {
            snapshot.budget.utilization = plan.utilization;
            // A longer interval shows at once; a shorter one only with that collector's next
            // outcome (the runner publishes it), so data collected under the longer interval is
            // not judged stale by the shorter one while its next run is still under way.
            for (status, interval) in snapshot.collectors.iter_mut().zip(&plan.intervals) {
                status.interval = status.interval.max(*interval);
            }
        });
        if changed {
            self.plan_version.send_modify(|v| *v += 1);
        }
    }
}

#[cfg(test)]
mod tests;

/// How far ahead a due time or deadline goes at most: beyond any interval a flag allows
/// (the flags allow at most 7 days), far below where a clock reading overflows.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 24 * 3600);

/// `at + by` without a panic: an interval too large for the clock means "far in the future".
fn later(at: Instant, by: Duration) -> Instant {
    at.checked_add(by.min(FAR_FUTURE)).unwrap_or(at)
}

/// Waits 1 s, 2 s, 4 s … after consecutive failures of a run or of the key-scope check, never
/// longer than `cap`.
fn backoff(failures: u32, cap: Duration) -> Duration {
    zpa_api::backoff::doubling(Duration::from_secs(1), failures, cap)
}
