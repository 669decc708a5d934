//! Client-side rate limiting for ZPA's "20 GET requests per 10 seconds" rule, shared by every
//! collector of a tenant, and `retry-after` parsing for when the server says we went too fast.
//!
//! The limiter keeps a sliding window of send times: no window of `period` ever holds more than
//! `max` requests, which also keeps us under ZPA's fixed windows (they start at the first call),
//! so the exporter never causes a 429 on its own.
//!
//! Requests queue in front of the window in *earliest-deadline-first* order: every request
//! carries the [`Ticket`] of the collector run it belongs to, and a run's deadline is when its
//! next run would be due. A short health listing due now therefore overtakes the pages of a long
//! inventory listing that is not due again for minutes, while an inventory run that has waited
//! long enough becomes the earliest deadline itself (ageing: nothing waits forever). On top of
//! that, [`Priority::High`] tickets may use the last [`RateLimiter::reserved`] slots of the
//! window that [`Priority::Normal`] ones may not, so a due health listing finds a free slot at
//! once even while a 200-page listing keeps the window busy. The reserve is held back only
//! while high-priority work is queued or announced ([`RateLimiter::expect_high`]) within one
//! window from now: the rest of the time a long listing may use the whole budget. A ticket past
//! its deadline may use the reserve too, so even a stream of high-priority work cannot starve
//! it.
//!
//! Through OneAPI the gateway's quota applies as well: [`RateLimiter::report_quota`] takes in
//! what its answers say ([`crate::quota`]), and the limiter holds every request back, like a
//! pause, from when the quota is down to its reserve until the gateway's window ends.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use tokio::time::Instant;

use crate::quota::{GatewayQuota, QuotaTracker, MAX_ANNOUNCED};

/// How many GETs may be sent per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per period.
    pub max: u32,
    /// The period.
    pub period: Duration,
}

impl RateLimit {
    /// ZPA's documented limit per organisation and source IP.
    pub const ZPA_DEFAULT: RateLimit = RateLimit {
        max: 20,
        period: Duration::from_secs(10),
    };
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            self.max,
            humantime::format_duration(self.period)
        )
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `20/10s`: a count, a slash, a humantime duration.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (max, period) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not of the form COUNT/DURATION, e.g. 20/10s"))?;
        let max: u32 = max
            .trim()
            .parse()
            .map_err(|_| format!("{max:?} is not a whole number of requests"))?;
        let period = humantime::parse_duration(period.trim())
            .map_err(|e| format!("{period:?} is not a duration: {e}"))?;
        if max == 0 || period.is_zero() {
            return Err("both the count and the duration must be above zero".into());
        }
        Ok(RateLimit { max, period })
    }
}

/// Requests arrive at ZPA a little after we send them; keeping this much extra distance stops
/// latency jitter from squeezing 21 arrivals into one server window.
const SAFETY_MARGIN: Duration = Duration::from_millis(250);

/// Which slots of the window a request may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Health listings (App Connectors, Service Edges): may use the reserved slots.
    High,
    /// Everything else.
    Normal,
}

/// One collector run's claim on the budget: its priority, its deadline, and counts of what it
/// sent, the planner's measure of what a run costs.
#[derive(Debug)]
pub struct Ticket {
    priority: Priority,
    deadline: Instant,
    sent: AtomicU64,
    needed: AtomicU64,
}

impl Ticket {
    /// A ticket of `priority` whose run should be done by `deadline`.
    pub fn new(priority: Priority, deadline: Instant) -> Self {
        Ticket {
            priority,
            deadline,
            sent: AtomicU64::new(0),
            needed: AtomicU64::new(0),
        }
    }

    /// Requests sent under this ticket so far, retries included.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Distinct requests (pages) asked for, retries not counted: what a run costs when ZPA
    /// behaves, so one bad run does not reshape the schedule.
    pub fn needed(&self) -> u64 {
        self.needed.load(Ordering::Relaxed)
    }

    /// Counts one more distinct request.
    pub fn count_needed(&self) {
        self.needed.fetch_add(1, Ordering::Relaxed);
    }
}

/// One tenant's request budget: a sliding window with an earliest-deadline-first queue.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    reserved: usize,
    state: Mutex<LimiterState>,
    /// Wakes queued requests when a slot may have become theirs: a request left the queue,
    /// a pause was set.
    changed: Notify,
}

/// Queue order: earliest deadline, then first come.
type WaiterKey = (Instant, u64);

#[derive(Debug, Default)]
struct LimiterState {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    waiters: BTreeMap<WaiterKey, Priority>,
    next_seq: u64,
    /// When each announced source of high-priority work next needs the budget.
    expected_high: HashMap<&'static str, Instant>,
    /// Requests sent since the start: the last one's place in the send order.
    total_sent: u64,
    /// The OneAPI gateway's quota, as its answers report it.
    quota: QuotaTracker,
}

impl LimiterState {
    fn forget_before(&mut self, now: Instant, window: Duration) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.sent.pop_front();
        }
    }
}

impl RateLimiter {
    /// A limiter allowing `limit`.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            // A fifth of the window, at least one slot, but never all of it.
            reserved: (limit.max as usize)
                .div_ceil(5)
                .min(limit.max.saturating_sub(1) as usize),
            state: Mutex::new(LimiterState::default()),
            changed: Notify::new(),
        }
    }

    /// The limit it enforces.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Slots of each window that only [`Priority::High`] requests may use.
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// Requests per second the limiter lets through at most, the safety margin included.
    pub fn requests_per_second(&self) -> f64 {
        f64::from(self.limit.max) / (self.limit.period + SAFETY_MARGIN).as_secs_f64()
    }

    /// Announces that `source` (a health collector) will need the budget at `at`, so that
    /// normal requests leave the reserve free from one window before then.
    pub fn expect_high(&self, source: &'static str, at: Instant) {
        self.lock().expected_high.insert(source, at);
        self.changed.notify_waiters();
    }

    /// Slots of the window a request may fill: all for high priority, for a request whose
    /// deadline has passed (so nothing starves behind a stream of high-priority work), and for
    /// anyone while no high-priority work is queued or due within a window.
    fn capacity(
        &self,
        priority: Priority,
        deadline: Instant,
        holding_reserve: bool,
        now: Instant,
    ) -> usize {
        if priority == Priority::High || deadline <= now || !holding_reserve {
            self.limit.max as usize
        } else {
            self.limit.max as usize - self.reserved
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `ticket` may send one more request, books it, and returns its place in the
    /// send order (for [`RateLimiter::report_quota`]).
    pub async fn acquire(&self, ticket: &Ticket) -> u64 {
        let window = self.limit.period + SAFETY_MARGIN;
        let key = {
            let mut state = self.lock();
            let key = (ticket.deadline, state.next_seq);
            state.next_seq += 1;
            state.waiters.insert(key, ticket.priority);
            key
        };
        // Leaves the queue however this future ends, cancellation included.
        let queued = Queued { limiter: self, key };
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wake_at = {
                let mut state = self.lock();
                let now = Instant::now();
                state.forget_before(now, window);
                let paused = state.paused_until.filter(|until| *until > now);
                let sent = state.total_sent;
                let quota_spent = state.quota.blocked_until(sent, now);
                match paused.max(quota_spent) {
                    Some(until) => Some(until),
                    None => {
                        let used = state.sent.len();
                        let holding_reserve = state.waiters.values().any(|p| *p == Priority::High)
                            || state.expected_high.values().any(|at| *at < now + window);
                        let next = state
                            .waiters
                            .iter()
                            .find(|((deadline, _), p)| {
                                used < self.capacity(**p, *deadline, holding_reserve, now)
                            })
                            .map(|(k, _)| *k);
                        if next == Some(key) {
                            state.sent.push_back(now);
                            state.total_sent += 1;
                            let seq = state.total_sent;
                            drop(state);
                            ticket.sent.fetch_add(1, Ordering::Relaxed);
                            drop(queued);
                            return seq;
                        }
                        // Another request goes first (and wakes us when it leaves), or the
                        // window is full until its oldest request ages out or our deadline
                        // passes and lets us use the reserve. Announcements wake us themselves.
                        next.is_none().then(|| {
                            let slot_frees =
                                *state.sent.front().expect("a full window holds requests") + window;
                            if ticket.deadline > now {
                                slot_frees.min(ticket.deadline)
                            } else {
                                slot_frees
                            }
                        })
                    }
                }
            };
            match wake_at {
                Some(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = &mut notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    /// After a 429, nothing is sent until the server's `retry-after` has passed.
    pub fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.lock();
        if state.paused_until.is_none_or(|t| t < until) {
            state.paused_until = Some(until);
        }
        drop(state);
        self.changed.notify_waiters();
    }
}

impl RateLimiter {
    /// Takes in the OneAPI gateway's quota as reported in the answer to the `seq`-th request
    /// (from [`RateLimiter::acquire`]).
    pub fn report_quota(&self, seq: u64, quota: &GatewayQuota) {
        self.lock().quota.report(seq, quota, Instant::now());
        self.changed.notify_waiters();
    }
}

/// A place in the limiter's queue, given up on drop.
struct Queued<'a> {
    limiter: &'a RateLimiter,
    key: WaiterKey,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.limiter.lock().waiters.remove(&self.key);
        self.limiter.changed.notify_waiters();
    }
}

/// Parses a `retry-after` value (at most [`MAX_ANNOUNCED`]): seconds with or without an `s`
/// suffix (`4s`, `4`, ZPA sends the former), a humantime duration, or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    let wait = if let Ok(secs) = v.trim_end_matches('s').trim().parse::<f64>() {
        let capped = secs.min(MAX_ANNOUNCED.as_secs_f64());
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(capped))
    } else if let Ok(d) = humantime::parse_duration(v) {
        Some(d)
    } else {
        httpdate::parse_http_date(v)
            .ok()
            .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
    };
    wait.map(|w| w.min(MAX_ANNOUNCED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after("4s", now), Some(Duration::from_secs(4)));
        assert_eq!(parse_retry_after("13", now), Some(Duration::from_secs(13)));
        assert_eq!(parse_retry_after(" 2s ", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("1m", now), Some(Duration::from_secs(60)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        // Absurd values are capped, not a panic in the clock arithmetic.
        for absurd in ["1e30", "99999999999999999999", "5000000000000h"] {
            assert_eq!(
                parse_retry_after(absurd, now),
                Some(MAX_ANNOUNCED),
                "{absurd}"
            );
        }
    }

    #[test]
    fn rate_limit_parses() {
        assert_eq!(
            "20/10s".parse::<RateLimit>().unwrap(),
            RateLimit::ZPA_DEFAULT
        );
        assert!("20".parse::<RateLimit>().is_err());
        assert!("0/10s".parse::<RateLimit>().is_err());
        assert!("x/10s".parse::<RateLimit>().is_err());
    }

    fn normal() -> Ticket {
        Ticket::new(Priority::Normal, Instant::now() + Duration::from_secs(60))
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window() {
        let limiter = RateLimiter::new(RateLimit {
            max: 3,
            period: Duration::from_secs(10),
        });
        let ticket = Ticket::new(Priority::High, Instant::now());
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..7 {
            limiter.acquire(&ticket).await;
            sent.push(Instant::now().duration_since(start));
        }
        for (i, t) in sent.iter().enumerate().skip(3) {
            assert!(
                *t >= sent[i - 3] + Duration::from_secs(10),
                "request {i} at {t:?} is within 10 s of request {} at {:?}",
                i - 3,
                sent[i - 3]
            );
        }
        assert_eq!(sent[2], Duration::ZERO, "the first burst goes out at once");
        assert_eq!(ticket.sent(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn pause_holds_requests_back() {
        let limiter = RateLimiter::new(RateLimit::ZPA_DEFAULT);
        let start = Instant::now();
        limiter.pause_for(Duration::from_secs(4));
        limiter.acquire(&normal()).await;
        assert!(Instant::now().duration_since(start) >= Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_nearly_spent_gateway_quota_holds_requests_until_its_window_ends() {
        let limiter = RateLimiter::new(RateLimit::ZPA_DEFAULT);
        let ticket = normal();
        let start = Instant::now();
        let first = limiter.acquire(&ticket).await;
        let second = limiter.acquire(&ticket).await;
        assert_eq!((first, second), (1, 2));
        // The first request's answer: 3 left of 10 for 7 s more. The second is in flight, so
        // 2 are left, and the reserve is 1: one more may go, then nothing until the reset.
        let quota = GatewayQuota {
            limit: Some(10),
            remaining: 3,
            reset: Some(Duration::from_secs(7)),
            window: None,
        };
        limiter.report_quota(first, &quota);
        limiter.acquire(&ticket).await;
        assert_eq!(Instant::now(), start);
        limiter.acquire(&ticket).await;
        assert_eq!(Instant::now().duration_since(start), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn normal_requests_leave_the_reserved_slots_free_for_announced_health_work() {
        let limiter = RateLimiter::new(RateLimit::ZPA_DEFAULT);
        assert_eq!(limiter.reserved(), 4);
        limiter.expect_high("app_connectors", Instant::now() + Duration::from_secs(5));
        let bulk = normal();
        for _ in 0..16 {
            limiter.acquire(&bulk).await;
        }
        let start = Instant::now();
        // A 17th normal request must wait for the window; a high one goes at once.
        let blocked = tokio::time::timeout(Duration::from_secs(1), limiter.acquire(&bulk)).await;
        assert!(blocked.is_err(), "the reserve is not for normal requests");
        let health = Ticket::new(Priority::High, Instant::now() + Duration::from_secs(600));
        for _ in 0..4 {
            limiter.acquire(&health).await;
        }
        assert_eq!(Instant::now().duration_since(start), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn without_health_work_in_sight_normal_requests_use_the_whole_window() {
        let limiter = RateLimiter::new(RateLimit::ZPA_DEFAULT);
        // Due in a minute: more than one window away.
        limiter.expect_high("app_connectors", Instant::now() + Duration::from_secs(60));
        let bulk = normal();
        let start = Instant::now();
        for _ in 0..20 {
            limiter.acquire(&bulk).await;
        }
        assert_eq!(Instant::now(), start, "all 20 at once");
        // Once the health run comes within a window, the reserve is held back again.
        tokio::time::sleep(Duration::from_secs(50)).await;
        for _ in 0..16 {
            limiter.acquire(&bulk).await;
        }
        let blocked = tokio::time::timeout(Duration::from_secs(1), limiter.acquire(&bulk)).await;
        assert!(blocked.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn earliest_deadline_goes_first_when_a_slot_frees() {
        let limiter = std::sync::Arc::new(RateLimiter::new(RateLimit {
            max: 1,
            period: Duration::from_secs(1),
        }));
        let now = Instant::now();
        limiter.acquire(&normal()).await;
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, deadline) in [("late", 90), ("early", 30), ("middle", 60)] {
            let (limiter, order) = (limiter.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let ticket = Ticket::new(Priority::Normal, now + Duration::from_secs(deadline));
                limiter.acquire(&ticket).await;
                order.lock().unwrap().push(name);
            }));
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["early", "middle", "late"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_overdue_request_is_not_starved_by_high_priority_work() {
        let limiter = std::sync::Arc::new(RateLimiter::new(RateLimit {
            max: 5,
            period: Duration::from_secs(1),
        }));
        let start = Instant::now();
        // High-priority work that asks faster than the window allows, spread out so the window
        // frees one slot at a time and never drops below the normal requests' share.
        limiter.expect_high("flood", start);
        let flood = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                loop {
                    let ticket =
                        Ticket::new(Priority::High, Instant::now() + Duration::from_secs(60));
                    limiter.acquire(&ticket).await;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        };
        tokio::time::sleep(Duration::from_secs(3)).await;
        let old = Ticket::new(Priority::Normal, start + Duration::from_secs(10));
        let served = tokio::time::timeout(Duration::from_secs(60), limiter.acquire(&old)).await;
        assert!(served.is_ok(), "starved for a minute");
        let waited = Instant::now().duration_since(start);
        flood.abort();
        assert!(
            waited >= Duration::from_secs(10) && waited <= Duration::from_secs(12),
            "served soon after its deadline, not never: {waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_request_gives_its_place_back() {
        let limiter = RateLimiter::new(RateLimit {
            max: 1,
            period: Duration::from_secs(1),
        });
        limiter.acquire(&normal()).await;
        let first = Ticket::new(Priority::Normal, Instant::now());
        assert!(
            tokio::time::timeout(Duration::from_millis(100), limiter.acquire(&first))
                .await
                .is_err()
        );
        assert_eq!(first.sent(), 0);
        let second = normal();
        limiter.acquire(&second).await;
        assert_eq!(second.sent(), 1, "nobody waits for the abandoned place");
    }
}
