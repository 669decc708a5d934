//! One collector's life: sleep until due, run with a ticket for the rate budget, publish the
//! outcome, and choose the next due time — the interval after a success, a short backoff after a
//! failure, a long recheck for a resource the key may not read.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use super::key_scope::customer_refused;
use super::{backoff, later, Schedule};
use crate::collectors::{Class, Data, RunContext};
use crate::snapshot::{CollectorStatus, ConfigProblem, ProblemKind};
use zpa_api::error::Chain;
use zpa_api::ratelimit::{Priority, Ticket};
use zpa_api::Error;

/// How often a resource the key may not read (unlicensed, forbidden) is asked again, unless
/// the collector's own interval is longer.
pub(super) const UNAVAILABLE_RECHECK: Duration = Duration::from_secs(30 * 60);

/// The wall-clock time of a tokio instant, for the metrics.
fn wall(at: Instant) -> SystemTime {
    let (now, wall_now) = (Instant::now(), SystemTime::now());
    let moved = if at >= now {
        wall_now.checked_add(at - now)
    } else {
        wall_now.checked_sub(now - at)
    };
    moved.unwrap_or(wall_now)
}

fn priority(class: Class) -> Priority {
    match class {
        Class::Health => Priority::High,
        Class::Inventory | Class::Reference => Priority::Normal,
    }
}

/// Runs collector `index` once `released` is true, until `shutdown` turns true: sleep until
/// due, run, decide the outcome and the next due time, publish.
pub(super) async fn drive(
    inner: Arc<Schedule>,
    index: usize,
    mut released: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    tokio::select! {
        ok = released.wait_for(|go| *go) => if ok.is_err() { return },
        _ = shutdown.wait_for(|stop| *stop) => return,
    }
    let mut task = Task {
        inner: &inner,
        index,
        name: inner.collectors[index].collector.name(),
        due: Instant::now(),
        cadence_from: None,
        failures: 0,
    };
    let mut plan_changes = inner.plan_version.subscribe();
    loop {
        if !task.sleep_until_due(&mut plan_changes, &mut shutdown).await {
            return;
        }
        let Some(run) = task.run(&mut shutdown).await else {
            return;
        };
        let outcome = task.decide(run.result, run.interval);
        task.publish(outcome, &run.meta);
    }
}

/// One collector's schedule between runs.
struct Task<'a> {
    inner: &'a Schedule,
    index: usize,
    name: &'static str,
    due: Instant,
    /// After a success, the next run is due one interval after this; when the plan changes
    /// meanwhile, the due time moves with it.
    cadence_from: Option<Instant>,
    failures: u32,
}

/// A finished run: its result, the interval it ran under, and what it cost.
struct Finished {
    result: Result<Data, Error>,
    interval: Duration,
    meta: RunMeta,
}

/// What every outcome publishes about the run itself.
struct RunMeta {
    attempt_at: SystemTime,
    duration: Duration,
    requests: u64,
}

/// A run's outcome, decided outside the store's lock and applied in one update, so a scrape
/// sees the whole outcome of the run or none of it.
struct Outcome {
    status: Box<dyn FnOnce(&mut CollectorStatus) + Send>,
    config: ConfigChange,
}

/// What an outcome does to the snapshot's configuration error.
enum ConfigChange {
    Keep,
    /// ZPA refused the customer id.
    Set(ConfigProblem),
    /// A success: a customer id ZPA refused before is evidently accepted now.
    ClearCustomerRefused,
}

impl Task<'_> {
    /// Publishes the due time and sleeps until it, following plan changes; `false` on shutdown.
    async fn sleep_until_due(
        &mut self,
        plan_changes: &mut watch::Receiver<u64>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> bool {
        loop {
            if self.inner.collectors[self.index].class == Class::Health {
                self.inner.upstream.budget.expect_high(self.name, self.due);
            }
            let due = self.due;
            self.inner
                .store
                .update_collector(self.name, |s| s.next_run = Some(wall(due)));
            tokio::select! {
                _ = tokio::time::sleep_until(self.due) => return true,
                _ = plan_changes.changed() => {
                    if let Some(from) = self.cadence_from {
                        self.due = later(from, self.inner.interval(self.index)).max(Instant::now());
                    }
                }
                _ = shutdown.wait_for(|stop| *stop) => return false,
            }
        }
    }

    /// Runs the collector once with a ticket whose deadline is its successor's due time;
    /// `None` on shutdown.
    async fn run(&mut self, shutdown: &mut watch::Receiver<bool>) -> Option<Finished> {
        let inner = self.inner;
        let scheduled = &inner.collectors[self.index];
        let interval = inner.interval(self.index);
        let ticket = Ticket::new(priority(scheduled.class), later(self.due, interval));
        let run = RunContext {
            api: inner.upstream.api.as_ref(),
            microtenant_id: inner.upstream.microtenant_id.as_deref(),
            ticket: &ticket,
            shared: &inner.shared,
            interval,
        };
        let attempt_at = SystemTime::now();
        let started = Instant::now();
        let result = tokio::select! {
            result = scheduled.collector.collect(&run) => result,
            _ = shutdown.wait_for(|stop| *stop) => return None,
        };
        if result.is_ok() {
            inner.observe_calls(self.index, ticket.needed());
        }
        Some(Finished {
            result,
            interval,
            meta: RunMeta {
                attempt_at,
                duration: started.elapsed(),
                requests: ticket.sent(),
            },
        })
    }

    /// The outcome of a run under `interval`, and when the next one is due.
    fn decide(&mut self, result: Result<Data, Error>, interval: Duration) -> Outcome {
        self.cadence_from = None;
        match result {
            Ok(data) => self.succeeded(data),
            Err(err) if err.is_unavailable() => self.unavailable(err, interval),
            Err(err) => self.failed(err, interval),
        }
    }

    /// Keeps the cadence: a run that overran its interval is followed at once.
    fn succeeded(&mut self, data: Data) -> Outcome {
        let name = self.name;
        self.failures = 0;
        self.cadence_from = Some(self.due);
        self.due = later(self.due, self.inner.interval(self.index)).max(Instant::now());
        Outcome {
            config: ConfigChange::ClearCustomerRefused,
            status: Box::new(move |s| {
                if s.unavailable {
                    tracing::info!(collector = name, "collector is available again");
                }
                s.data = Some(data);
                s.success = true;
                s.unavailable = false;
                s.last_success = Some(SystemTime::now());
                s.last_error = None;
            }),
        }
    }

    /// Not licensed or forbidden: not a failure; asked again after a long recheck.
    fn unavailable(&mut self, err: Error, interval: Duration) -> Outcome {
        let name = self.name;
        self.failures = 0;
        let recheck = interval.max(UNAVAILABLE_RECHECK);
        self.due = later(Instant::now(), recheck);
        Outcome {
            config: ConfigChange::Keep,
            status: Box::new(move |s| {
                if !s.unavailable {
                    tracing::warn!(
                        collector = name,
                        error = %Chain(&err),
                        "resource not available to this API key (not licensed or forbidden); \
                         checking again every {}",
                        humantime::format_duration(recheck)
                    );
                }
                s.data = None;
                s.success = false;
                s.unavailable = true;
                s.last_error = Some(Chain(&err).to_string());
            }),
        }
    }

    /// A failure: the last good data stays served; the next try follows a backoff.
    fn failed(&mut self, err: Error, interval: Duration) -> Outcome {
        let name = self.name;
        self.failures += 1;
        // An oversized body will be oversized again in a few seconds; each try costs a slot
        // of the budget and the download, so only the next regular run tries.
        let wait = if matches!(err, Error::BodyTooLarge { .. }) {
            interval
        } else {
            backoff(self.failures, interval)
        };
        self.due = later(Instant::now(), wait);
        let config = if matches!(err, Error::CustomerNotAuthorized { .. }) {
            let problem = customer_refused(&self.inner.upstream.customer_id);
            tracing::error!(
                collector = name,
                "configuration error: {problem}; no data can be collected"
            );
            ConfigChange::Set(problem)
        } else {
            tracing::warn!(
                collector = name,
                error = %Chain(&err),
                consecutive_failures = self.failures,
                retry_in = %humantime::format_duration(wait),
                "collector failed; serving its last good values"
            );
            ConfigChange::Keep
        };
        Outcome {
            config,
            status: Box::new(move |s| {
                s.success = false;
                s.last_error = Some(Chain(&err).to_string());
            }),
        }
    }

    /// Applies `outcome` and the run's costs to the snapshot in one update.
    fn publish(&self, outcome: Outcome, meta: &RunMeta) {
        let interval = self.inner.interval(self.index);
        self.inner.store.update(|snapshot| {
            match outcome.config {
                ConfigChange::Set(problem) => snapshot.config_error = Some(problem),
                ConfigChange::ClearCustomerRefused
                    if snapshot
                        .config_error
                        .as_ref()
                        .is_some_and(|p| p.kind == ProblemKind::CustomerRefused) =>
                {
                    tracing::info!("ZPA accepts the customer id again");
                    snapshot.config_error = None;
                }
                ConfigChange::ClearCustomerRefused | ConfigChange::Keep => {}
            }
            if let Some(s) = snapshot.collectors.iter_mut().find(|c| c.name == self.name) {
                (outcome.status)(s);
                s.interval = interval;
                s.runs += 1;
                s.duration = meta.duration;
                s.last_attempt = Some(meta.attempt_at);
                s.last_run_requests = meta.requests;
            }
        });
    }
}
