//! The background poll loop: runs every collector once per interval, within a deadline, and
//! swaps in a fresh snapshot. Polls never overlap; scrapes never wait for them.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::time::Instant;

use crate::collectors::{Collector, PollContext};
use crate::snapshot::{CollectorStatus, Snapshot, SnapshotStore};
use crate::zpa::{Client, Error};

/// How often an unavailable (unlicensed, forbidden) resource is asked again, in cycles.
const UNAVAILABLE_RECHECK_CYCLES: u64 = 30;

pub struct Poller {
    client: Arc<Client>,
    collectors: Vec<Box<dyn Collector>>,
    store: Arc<SnapshotStore>,
    context: PollContext,
    interval: Duration,
    deadline: Duration,
}

impl Poller {
    pub fn new(
        client: Arc<Client>,
        collectors: Vec<Box<dyn Collector>>,
        store: Arc<SnapshotStore>,
        interval: Duration,
        deadline: Duration,
    ) -> Self {
        Poller {
            client,
            collectors,
            store,
            context: PollContext::default(),
            interval,
            deadline,
        }
    }

    /// Polls until `shutdown` turns true. The first poll starts at once; each later one starts
    /// an interval after the previous one started, or right after it ended if it overran.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let started = Instant::now();
            tokio::select! {
                _ = self.poll_once() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            let elapsed = started.elapsed();
            if elapsed > self.interval {
                tracing::warn!(
                    took = ?elapsed,
                    interval = ?self.interval,
                    "poll cycle took longer than --poll.interval; raise the interval"
                );
            }
            tokio::select! {
                _ = tokio::time::sleep_until(started + self.interval) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// One poll cycle: every collector in order, then an atomic swap of the snapshot.
    pub async fn poll_once(&mut self) {
        let previous = self.store.load();
        let cycle = previous.cycles + 1;
        let cycle_deadline = Instant::now() + self.deadline;
        let requests_before = self.client.telemetry().total_requests();
        self.context.begin_cycle(cycle);
        let mut statuses = Vec::with_capacity(self.collectors.len());
        let mut abandoned: Option<String> = None;
        for collector in &self.collectors {
            let name = collector.name();
            let mut status = previous
                .collector(name)
                .cloned()
                .unwrap_or_else(|| CollectorStatus::new(name));
            if status.unavailable && cycle % UNAVAILABLE_RECHECK_CYCLES != 1 {
                statuses.push(status);
                continue;
            }
            let attempt_at = SystemTime::now();
            if let Some(reason) = &abandoned {
                status.success = false;
                status.last_attempt = Some(attempt_at);
                status.duration = Duration::ZERO;
                status.last_error = Some(format!("skipped this cycle: {reason}"));
                statuses.push(status);
                continue;
            }
            let started = Instant::now();
            let result = match tokio::time::timeout_at(
                cycle_deadline,
                collector.collect(&self.client, &self.context),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(Error::Deadline(self.deadline)),
            };
            status.duration = started.elapsed();
            status.last_attempt = Some(attempt_at);
            match result {
                Ok(part) => {
                    if status.unavailable {
                        tracing::info!(collector = name, "collector is available again");
                    }
                    status.part = Some(part);
                    status.success = true;
                    status.unavailable = false;
                    status.last_success = Some(SystemTime::now());
                    status.last_error = None;
                }
                Err(err) if err.is_unavailable() => {
                    if !status.unavailable {
                        tracing::warn!(
                            collector = name,
                            error = %err,
                            "resource not available to this API key (not licensed or forbidden); \
                             checking again every {UNAVAILABLE_RECHECK_CYCLES} polls"
                        );
                    }
                    status.part = None;
                    status.success = false;
                    status.unavailable = true;
                    status.last_error = Some(err.to_string());
                }
                Err(err) => {
                    tracing::warn!(
                        collector = name,
                        error = %err,
                        "collector failed; serving its last good values"
                    );
                    status.success = false;
                    status.last_error = Some(err.to_string());
                    if err.affects_every_endpoint() {
                        abandoned = Some(err.to_string());
                    }
                }
            }
            statuses.push(status);
        }
        let requests = self.client.telemetry().total_requests() - requests_before;
        let snapshot = Snapshot {
            ever_succeeded: previous.ever_succeeded || statuses.iter().all(CollectorStatus::ok),
            collectors: statuses,
            cycles: cycle,
            completed_at: Some(SystemTime::now()),
        };
        tracing::info!(cycle, up = snapshot.up(), requests, "poll cycle finished");
        self.warn_if_interval_too_short(requests);
        self.store.store(snapshot);
    }

    /// At the configured rate limit, `requests` need this long; an interval below that means
    /// polls run back to back and data ages more than the user expects.
    fn warn_if_interval_too_short(&self, requests: u64) {
        let limit = self.client.rate_limiter().limit();
        let windows = requests.div_ceil(limit.max as u64).saturating_sub(1);
        let needed = limit.period.saturating_mul(windows as u32);
        if needed > self.interval {
            tracing::warn!(
                requests,
                needed = ?needed,
                interval = ?self.interval,
                "the last poll needed more API calls than the rate limit allows per --poll.interval"
            );
        }
    }
}
