//! The scheduler with fake collectors on tokio's paused clock: each fake "lists" pages by
//! taking slots from the real rate limiter, so priority, interleaving, stretching and backoff
//! are measured in simulated seconds, exactly and without flakiness.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::*;
use crate::collectors::scim_groups::ScimGroupCounts;
use crate::collectors::{Data, RunContext};
use zpa_api::ratelimit::{RateLimit, RateLimiter, Ticket};
use zpa_api::{BoxFuture, Endpoint, Error};

/// The customer the fake API key belongs to.
const CUSTOMER: &str = "1";

/// An API without HTTP: like the real client, every GET takes a slot of the tenant's real
/// limiter; `/admin/me` answers that the key is customer [`CUSTOMER`]'s (that check is not
/// rate-limited here, so the timings below count collector pages only); any other GET is one
/// empty page.
struct FakeApi(Arc<RateLimiter>);

/// What the fake collectors GET for each of their pages.
const PAGE: Endpoint = Endpoint::new("page", zpa_api::api::Area::MgmtV1, "page");

impl Api for FakeApi {
    fn get<'a>(
        &'a self,
        endpoint: &'a Endpoint,
        _query: &'a [(&'static str, String)],
        ticket: &'a Ticket,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(async move {
            if endpoint.name == "me" {
                return Ok(format!(r#"{{"customerId":"{CUSTOMER}"}}"#).into_bytes());
            }
            ticket.count_needed();
            self.0.acquire(ticket).await;
            Ok(b"{}".to_vec())
        })
    }
}

fn nothing() -> Data {
    Arc::new(ScimGroupCounts { counts: Vec::new() })
}

/// One page fetched: by whom, which page, when (seconds since the test began).
#[derive(Debug, Clone, PartialEq)]
struct Page {
    collector: &'static str,
    page: u32,
    at: f64,
}

type Log = Arc<Mutex<Vec<Page>>>;

/// Lists `pages[run]` pages (the last number repeats), each answered after `latency`; fails
/// its first `failures` runs.
struct FakeListing {
    name: &'static str,
    pages: Vec<u32>,
    runs: AtomicU32,
    latency: Duration,
    failures: AtomicU32,
    outcome: fn() -> Error,
    log: Log,
    start: Instant,
}

impl Collector for FakeListing {
    fn name(&self) -> &'static str {
        self.name
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let run_number = self.runs.fetch_add(1, Ordering::Relaxed) as usize;
            let pages = self.pages[run_number.min(self.pages.len() - 1)];
            for page in 1..=pages {
                run.api.get(&PAGE, &[], run.ticket).await?;
                let at = Instant::now().duration_since(self.start).as_secs_f64();
                self.log.lock().unwrap().push(Page {
                    collector: self.name,
                    page,
                    at,
                });
                tokio::time::sleep(self.latency).await;
                if self
                    .failures
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    return Err((self.outcome)());
                }
            }
            Ok(nothing())
        })
    }
}

fn transport_error() -> Error {
    Error::RateLimited {
        endpoint: "fake",
        attempts: 4,
    }
}

fn not_licensed() -> Error {
    Error::Unavailable {
        endpoint: "fake",
        status: 401,
        id: Some("authz.featureflag.permission.denied".into()),
    }
}

struct Harness {
    log: Log,
    start: Instant,
    collectors: Vec<Scheduled>,
}

impl Harness {
    fn new() -> Self {
        Harness {
            log: Arc::default(),
            start: Instant::now(),
            collectors: Vec::new(),
        }
    }

    fn add(
        self,
        name: &'static str,
        class: Class,
        interval_s: u64,
        pages: u32,
        failures: u32,
    ) -> Self {
        self.add_varying(name, class, interval_s, &[pages], failures)
    }

    fn add_varying(
        mut self,
        name: &'static str,
        class: Class,
        interval_s: u64,
        pages: &[u32],
        failures: u32,
    ) -> Self {
        self.collectors.push(Scheduled {
            collector: Box::new(FakeListing {
                name,
                pages: pages.to_vec(),
                runs: AtomicU32::new(0),
                latency: Duration::from_millis(50),
                failures: AtomicU32::new(failures),
                outcome: transport_error,
                log: self.log.clone(),
                start: self.start,
            }),
            class,
            requested: Duration::from_secs(interval_s),
            estimated_calls: 1,
        });
        self
    }

    /// A collector whose first `failures` runs ZPA answers `customer.not.authorized`.
    fn customer_refused(mut self, name: &'static str, interval_s: u64, failures: u32) -> Self {
        self.collectors.push(Scheduled {
            collector: Box::new(FakeListing {
                name,
                pages: vec![1],
                runs: AtomicU32::new(0),
                latency: Duration::ZERO,
                failures: AtomicU32::new(failures),
                outcome: || Error::CustomerNotAuthorized {
                    endpoint: "fake",
                    status: 401,
                },
                log: self.log.clone(),
                start: self.start,
            }),
            class: Class::Inventory,
            requested: Duration::from_secs(interval_s),
            estimated_calls: 1,
        });
        self
    }

    fn not_licensed(mut self, name: &'static str, interval_s: u64) -> Self {
        self.collectors.push(Scheduled {
            collector: Box::new(FakeListing {
                name,
                pages: vec![1],
                runs: AtomicU32::new(0),
                latency: Duration::ZERO,
                failures: AtomicU32::new(u32::MAX),
                outcome: not_licensed,
                log: self.log.clone(),
                start: self.start,
            }),
            class: Class::Inventory,
            requested: Duration::from_secs(interval_s),
            estimated_calls: 1,
        });
        self
    }

    /// Runs the scheduler for `seconds` of simulated time; returns the store and the pages.
    async fn run_for(self, limit: RateLimit, seconds: u64) -> (Arc<SnapshotStore>, Vec<Page>) {
        self.run_watching(limit, seconds, |_| {}).await
    }

    /// [`run_for`](Self::run_for), showing `watch` the snapshot every simulated second.
    async fn run_watching(
        self,
        limit: RateLimit,
        seconds: u64,
        mut watch: impl FnMut(&Snapshot),
    ) -> (Arc<SnapshotStore>, Vec<Page>) {
        let store = Arc::new(SnapshotStore::new(Snapshot::default()));
        let budget = Arc::new(RateLimiter::new(limit));
        let upstream = Upstream {
            api: Arc::new(FakeApi(budget.clone())),
            budget,
            customer_id: CUSTOMER.into(),
            microtenant_id: None,
        };
        let scheduler = Scheduler::new(upstream, self.collectors, store.clone());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(scheduler.run(stopped));
        for _ in 0..seconds {
            tokio::time::sleep(Duration::from_secs(1)).await;
            watch(&store.load());
        }
        stop.send(true).unwrap();
        task.await.unwrap();
        let pages = self.log.lock().unwrap().clone();
        (store, pages)
    }
}

/// Start times of each run of `collector` (its page 1).
fn run_starts(pages: &[Page], collector: &str) -> Vec<f64> {
    pages
        .iter()
        .filter(|p| p.collector == collector && p.page == 1)
        .map(|p| p.at)
        .collect()
}

/// The most requests any window of `window` seconds saw.
fn peak_per_window(pages: &[Page], window: f64) -> usize {
    let mut times: Vec<f64> = pages.iter().map(|p| p.at).collect();
    times.sort_by(f64::total_cmp);
    let mut in_window = VecDeque::new();
    let mut peak = 0;
    for t in times {
        in_window.push_back(t);
        // A microsecond of slack: the times went through floating point.
        while in_window.front().is_some_and(|f| t - f >= window - 1e-6) {
            in_window.pop_front();
        }
        peak = peak.max(in_window.len());
    }
    peak
}

#[tokio::test(start_paused = true)]
async fn a_due_health_listing_overtakes_a_long_listing_page_by_page() {
    let (store, pages) = Harness::new()
        .add("application_segments", Class::Inventory, 600, 200, 0)
        .add("app_connectors", Class::Health, 60, 4, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 290)
        .await;
    let connectors = run_starts(&pages, "app_connectors");
    assert_eq!(
        connectors.len(),
        5,
        "runs at 0, 60, 120, 180, 240: {connectors:?}"
    );
    for (n, start) in connectors.iter().enumerate() {
        let due = 60.0 * n as f64;
        assert!(
            *start - due < 1.0,
            "run {n} due at {due} s started at {start} s"
        );
    }
    // Every connector run finished its four pages within a few seconds of being due, while
    // the segment listing was still running for the first two of them.
    for (n, _) in connectors.iter().enumerate() {
        let last_page = pages
            .iter()
            .filter(|p| p.collector == "app_connectors" && p.page == 4)
            .nth(n)
            .unwrap();
        assert!(last_page.at - 60.0 * n as f64 <= 3.0, "{last_page:?}");
    }
    let segment_pages: Vec<&Page> = pages
        .iter()
        .filter(|p| p.collector == "application_segments")
        .collect();
    assert_eq!(
        segment_pages.len(),
        200,
        "one complete listing, nothing lost or repeated"
    );
    assert!(
        segment_pages[199].at > 60.0,
        "the long listing spans connector runs"
    );
    // Close to the budget's bound for every request sent meanwhile: 20 at once, then 20 per
    // 10.25 s. The reserve held back before each connector run costs little.
    let end = segment_pages[199].at;
    let sent = pages.iter().filter(|p| p.at <= end).count();
    let lower_bound = (sent - 20) as f64 / 20.0 * 10.25;
    assert!(
        end < lower_bound * 1.1,
        "{sent} requests took {end} s, bound {lower_bound} s"
    );
    let peak = peak_per_window(&pages, 10.25);
    assert!(peak <= 20, "never over budget: {peak}");
    let snapshot = store.load();
    let segments = snapshot.collector("application_segments").unwrap();
    assert_eq!((segments.runs, segments.success), (1, true));
    assert_eq!(segments.last_run_requests, 200);
}

#[tokio::test(start_paused = true)]
async fn a_listing_longer_than_its_interval_finishes_and_the_plan_stretches() {
    // 200 pages take about 100 s at 20 per 10 s; 30 s was asked for.
    let (store, pages) = Harness::new()
        .add("application_segments", Class::Inventory, 30, 200, 0)
        .add("app_connectors", Class::Health, 60, 2, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 400)
        .await;
    let snapshot = store.load();
    let segments = snapshot.collector("application_segments").unwrap();
    assert!(segments.runs >= 1 && segments.success);
    assert_eq!(
        segments.last_run_requests, 200,
        "the first run was not cut short"
    );
    // 200 calls within 80 % of ~1.95 GETs/s need at least 128 s between runs.
    assert!(
        segments.interval >= Duration::from_secs(128),
        "{:?}",
        segments.interval
    );
    assert!(snapshot.budget.utilization <= 0.8 + 1e-9);
    assert_eq!(
        snapshot.collector("app_connectors").unwrap().interval,
        Duration::from_secs(60),
        "health is not stretched while inventory can give"
    );
    let starts = run_starts(&pages, "application_segments");
    assert!(
        starts.windows(2).all(|w| w[1] - w[0] >= 128.0),
        "after the first run, runs follow the stretched interval: {starts:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_one_two_four_seconds_up_to_the_interval() {
    let (store, pages) = Harness::new()
        .add("app_connectors", Class::Health, 10, 1, 6)
        .run_for(RateLimit::ZPA_DEFAULT, 45)
        .await;
    let starts: Vec<f64> = run_starts(&pages, "app_connectors")
        .iter()
        .map(|t| (t * 10.0).round() / 10.0)
        .collect();
    // Each failing run takes 0.05 s; then waits 1, 2, 4, 8, 10 (capped), 10 s; then succeeds
    // and keeps a 10 s cadence.
    assert_eq!(starts, [0.0, 1.1, 3.1, 7.2, 15.2, 25.3, 35.3], "{starts:?}");
    let status = store.load().collector("app_connectors").unwrap().clone();
    assert!(status.success);
    assert_eq!(status.runs, 7);
}

#[tokio::test(start_paused = true)]
async fn an_unlicensed_resource_is_asked_again_only_after_the_recheck_time() {
    let (store, pages) = Harness::new()
        .not_licensed("policy_rules", 60)
        .add("app_connectors", Class::Health, 60, 1, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 3700)
        .await;
    let starts = run_starts(&pages, "policy_rules");
    assert_eq!(
        starts,
        [0.0, 1800.0, 3600.0],
        "every 30 min, not every minute"
    );
    let snapshot = store.load();
    assert!(snapshot.collector("policy_rules").unwrap().unavailable);
    assert!(
        snapshot.ready(),
        "an unlicensed resource does not block readiness"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiting_collector_follows_the_plan_when_it_changes() {
    // The first segment listing is huge (an import, say), so the planner stretches the
    // reference collector to the cap; the next listing is small again, the plan shrinks, and
    // the reference collector, waiting for a due time a day away, re-aims at once.
    let (store, pages) = Harness::new()
        .add("scim_groups", Class::Reference, 20, 1, 0)
        .add_varying("application_segments", Class::Inventory, 60, &[300, 10], 0)
        .add("app_connectors", Class::Health, 20, 1, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 400)
        .await;
    let segment_runs = run_starts(&pages, "application_segments");
    assert!(segment_runs.len() >= 2, "{segment_runs:?}");
    let second_listing_end = pages
        .iter()
        .filter(|p| p.collector == "application_segments")
        .nth(309)
        .unwrap()
        .at;
    let scim = run_starts(&pages, "scim_groups");
    assert!(
        scim.iter()
            .any(|t| *t > second_listing_end && *t < second_listing_end + 21.0),
        "scim_groups ran again within one interval of the plan shrinking: {scim:?}, \
         second listing ended at {second_listing_end}"
    );
    let snapshot = store.load();
    assert_eq!(
        snapshot.collector("scim_groups").unwrap().interval,
        Duration::from_secs(20),
        "back to what was asked"
    );
    assert_eq!(
        snapshot.collector("app_connectors").unwrap().interval,
        Duration::from_secs(20),
        "health never stretched"
    );
}

/// When the plan shrinks an interval, the published one (which `zpa_up` and `ZpaDataStale` judge
/// data age by) shrinks only with that collector's own next run: the data it serves until then
/// was collected under the longer interval and is not stale by the shorter.
#[tokio::test(start_paused = true)]
async fn a_shorter_interval_is_published_with_the_collectors_next_run() {
    let mut seen: HashMap<&str, (Duration, u64)> = HashMap::new();
    let mut shrank = 0;
    Harness::new()
        // A reference listing long enough (30 pages, about 15 s) for a look to fall inside it.
        .add("scim_groups", Class::Reference, 60, 30, 0)
        .add_varying("application_segments", Class::Inventory, 60, &[300, 10], 0)
        .add("app_connectors", Class::Health, 20, 1, 0)
        .run_watching(RateLimit::ZPA_DEFAULT, 500, |snapshot| {
            for c in &snapshot.collectors {
                if let Some((interval, runs)) = seen.insert(c.name, (c.interval, c.runs)) {
                    if c.interval < interval {
                        assert!(
                            c.runs > runs,
                            "{} shrank from {interval:?} to {:?} while its run was under way",
                            c.name,
                            c.interval
                        );
                        shrank += 1;
                    }
                }
            }
        })
        .await;
    assert!(shrank > 0, "the plan shrank an interval during the test");
}

#[tokio::test(start_paused = true)]
async fn inventory_of_equal_deadlines_interleaves_instead_of_queueing_behind_one_listing() {
    let (_, pages) = Harness::new()
        .add("application_segments", Class::Inventory, 300, 100, 0)
        .add("segment_groups", Class::Inventory, 300, 1, 0)
        .add("server_groups", Class::Inventory, 300, 1, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 120)
        .await;
    for small in ["segment_groups", "server_groups"] {
        let start = run_starts(&pages, small)[0];
        assert!(
            start < 1.0,
            "{small} waited {start} s behind the long listing"
        );
    }
}

/// An interval too large for the clock (the flags stop at a week, code that embeds the
/// scheduler may not) neither panics the collector's task nor disturbs the others: it runs
/// once, is due again "far in the future", and its neighbour keeps its cadence.
#[tokio::test(start_paused = true)]
async fn an_interval_too_large_for_the_clock_runs_once_without_a_panic() {
    let (store, pages) = Harness::new()
        .add("certificates", Class::Reference, u64::MAX, 1, 0)
        .add("app_connectors", Class::Health, 60, 1, 0)
        .run_for(RateLimit::ZPA_DEFAULT, 130)
        .await;
    let snapshot = store.load();
    let huge = snapshot.collector("certificates").unwrap();
    assert_eq!((huge.runs, huge.success), (1, true));
    let next = huge.next_run.expect("a next run is planned");
    assert!(
        next > std::time::SystemTime::now() + Duration::from_secs(10 * 365 * 24 * 3600),
        "due again far in the future"
    );
    assert!(huge.fresh(std::time::SystemTime::now()));
    assert_eq!(run_starts(&pages, "app_connectors").len(), 3);
}

/// ZPA refusing the customer id is a configuration error of its own kind, named after the
/// configured id; the first success clears exactly that kind.
#[tokio::test(start_paused = true)]
async fn a_refused_customer_id_is_a_typed_config_error_that_a_success_clears() {
    let mut seen = Vec::new();
    let (store, _) = Harness::new()
        .customer_refused("application_segments", 60, 2)
        .run_watching(RateLimit::ZPA_DEFAULT, 10, |s| {
            seen.push(s.config_error.clone());
        })
        .await;
    let first = seen[0]
        .clone()
        .expect("a configuration error after the first refusal");
    assert_eq!(first.kind, crate::snapshot::ProblemKind::CustomerRefused);
    assert!(
        first
            .message
            .starts_with("--zpa.customer-id (ZPA_CUSTOMER_ID): ZPA refuses customer id 1"),
        "{first}"
    );
    let snapshot = store.load();
    assert!(snapshot.config_error.is_none(), "cleared by the success");
    let segments = snapshot.collector("application_segments").unwrap();
    assert_eq!((segments.runs, segments.success), (3, true));
}
