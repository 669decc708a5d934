//! One collector's life: sleep until due, run with a ticket for the rate budget, publish the
//! outcome, and choose the next due time — the interval after a success, a short backoff after a
//! failure, a long recheck for a resource the key may not read.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use super::identity::{customer_refused, is_customer_refused};
use super::{backoff, later, Inner};
use crate::collectors::{Class, RunContext};
use crate::snapshot::CollectorStatus;
use zpa_api::error::Chain;
use zpa_api::ratelimit::{Priority, Ticket};
use zpa_api::Error;

/// How often a resource the key may not read (unlicensed, forbidden) is asked again, unless
/// the collector's own interval is longer.
pub const UNAVAILABLE_RECHECK: Duration = Duration::from_secs(30 * 60);

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

/// Runs collector `index` once `released` is true, until `shutdown` turns true.
pub async fn drive(
    inner: Arc<Inner>,
    index: usize,
    mut released: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
) {
    tokio::select! {
        ok = released.wait_for(|go| *go) => if ok.is_err() { return },
        _ = shutdown.wait_for(|stop| *stop) => return,
    }
    let scheduled = &inner.collectors[index];
    let name = scheduled.collector.name();
    let mut due = Instant::now();
    // After a success, the next run is due one interval after this; when the plan changes
    // meanwhile, the due time moves with it.
    let mut cadence_from: Option<Instant> = None;
    let mut plan_changes = inner.plan_version.subscribe();
    let mut failures = 0u32;
    loop {
        loop {
            if scheduled.class == Class::Health {
                inner.api.limiter().expect_high(name, due);
            }
            inner
                .store
                .update_collector(name, |s| s.next_run = Some(wall(due)));
            tokio::select! {
                _ = tokio::time::sleep_until(due) => break,
                _ = plan_changes.changed() => {
                    if let Some(from) = cadence_from {
                        due = later(from, inner.interval(index)).max(Instant::now());
                    }
                }
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
        let interval = inner.interval(index);
        // The run should be done before its successor is due: that is its deadline.
        let ticket = Ticket::new(priority(scheduled.class), later(due, interval));
        let run = RunContext {
            api: inner.api.as_ref(),
            ticket: &ticket,
            shared: &inner.shared,
            interval,
        };
        let attempt_at = SystemTime::now();
        let started = Instant::now();
        let result = tokio::select! {
            result = scheduled.collector.collect(&run) => result,
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        let duration = started.elapsed();
        let requests = ticket.sent();
        cadence_from = None;
        let now = Instant::now();
        // Decided outside the store's lock, applied in one update: a scrape sees the whole
        // outcome of the run or none of it.
        let mut clear_customer_error = false;
        let mut set_config_error = None;
        let outcome: Box<dyn FnOnce(&mut CollectorStatus) + Send> = match result {
            Ok(data) => {
                failures = 0;
                inner.observe_calls(index, ticket.needed());
                // Keep the cadence; a run that overran its interval is followed at once.
                cadence_from = Some(due);
                due = later(due, inner.interval(index)).max(now);
                clear_customer_error = true;
                Box::new(move |s| {
                    if s.unavailable {
                        tracing::info!(collector = name, "collector is available again");
                    }
                    s.data = Some(data);
                    s.success = true;
                    s.unavailable = false;
                    s.last_success = Some(SystemTime::now());
                    s.last_error = None;
                })
            }
            Err(err) if err.is_unavailable() => {
                failures = 0;
                let recheck = interval.max(UNAVAILABLE_RECHECK);
                due = later(now, recheck);
                Box::new(move |s| {
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
                })
            }
            Err(err) => {
                failures += 1;
                // An oversized body will be oversized again in a few seconds; each try costs a
                // slot of the budget and the download, so only the next regular run tries.
                let wait = if matches!(err, Error::BodyTooLarge { .. }) {
                    interval
                } else {
                    backoff(failures, interval)
                };
                due = later(now, wait);
                if matches!(err, Error::CustomerNotAuthorized { .. }) {
                    let problem = customer_refused(inner.api.customer_id());
                    tracing::error!(
                        collector = name,
                        "configuration error: {problem}; no data can be collected"
                    );
                    set_config_error = Some(problem);
                } else {
                    tracing::warn!(
                        collector = name,
                        error = %Chain(&err),
                        consecutive_failures = failures,
                        retry_in = %humantime::format_duration(wait),
                        "collector failed; serving its last good values"
                    );
                }
                Box::new(move |s| {
                    s.success = false;
                    s.last_error = Some(Chain(&err).to_string());
                })
            }
        };
        inner.store.update(|snapshot| {
            if set_config_error.is_some() {
                snapshot.config_error = set_config_error;
            } else if clear_customer_error
                && snapshot
                    .config_error
                    .as_deref()
                    .is_some_and(is_customer_refused)
            {
                tracing::info!("ZPA accepts the customer id again");
                snapshot.config_error = None;
            }
            if let Some(s) = snapshot.collectors.iter_mut().find(|c| c.name == name) {
                outcome(s);
                s.interval = inner.interval(index);
                s.runs += 1;
                s.duration = duration;
                s.last_attempt = Some(attempt_at);
                s.last_run_requests = requests;
            }
        });
    }
}
