//! The OneAPI gateway's quota, on top of ZPA's own 20 GETs per 10 s: every answer through the
//! gateway says how much is left (`x-ratelimit-limit: 5000, 5000;w=60`,
//! `x-ratelimit-remaining: 4795`, `x-ratelimit-reset: 5` seconds), and once it is spent the
//! gateway answers 429 without `retry-after`. [`QuotaTracker`] turns those answers into a time
//! before which no request should be sent, so the exporter slows down before the gateway has to
//! refuse it.
//!
//! An answer describes the quota as it was when the gateway counted *that* request; requests
//! sent after it were not counted yet. So the tracker remembers the request's place in the
//! limiter's send order and subtracts every request sent since: the estimate stays right while
//! several requests are in flight, without waiting for their answers. When the window ends
//! before a new answer arrives, a new full window is assumed (its length from the `;w=` of
//! `x-ratelimit-limit`), ending no earlier than one window from the first request sent in it,
//! so a queue of waiting requests cannot burst past the quota the moment it resets.
//!
//! Every time an upstream announces (the gateway's reset and window, `retry-after`, a token's
//! `expires_in`) is capped by [`MAX_ANNOUNCED`] before it reaches the clock.

use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// The longest wait or lifetime taken from an upstream's words (`retry-after`,
/// `x-ratelimit-reset`, `expires_in`): a day. Beyond it a hostile or broken answer would
/// overflow the clock arithmetic (`Instant + Duration` panics), and no real answer goes there.
pub const MAX_ANNOUNCED: Duration = Duration::from_secs(86_400);

/// `secs` seconds as an upstream announced them, at most [`MAX_ANNOUNCED`].
pub(crate) fn announced_secs(secs: u64) -> Duration {
    Duration::from_secs(secs).min(MAX_ANNOUNCED)
}

/// What one gateway answer says about the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayQuota {
    /// Requests per window (the first figure of `x-ratelimit-limit`), if sent.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: u64,
    /// Time until the window ends, if sent.
    pub reset: Option<Duration>,
    /// The window's length (`;w=` of the policy with the limit), if sent.
    pub window: Option<Duration>,
}

impl GatewayQuota {
    /// Reads the `x-ratelimit-*` headers; `None` when `x-ratelimit-remaining` is absent or
    /// unreadable (a legacy answer, or not from the gateway).
    pub fn from_headers(headers: &HeaderMap) -> Option<GatewayQuota> {
        let first_number = |name: &str| {
            let value = headers.get(name)?.to_str().ok()?;
            // "5000, 5000;w=60": the first figure, without its parameters.
            let first = value.split(',').next()?.split(';').next()?.trim();
            first.parse::<u64>().ok()
        };
        let limit = first_number("x-ratelimit-limit");
        Some(GatewayQuota {
            limit,
            remaining: first_number("x-ratelimit-remaining")?,
            reset: first_number("x-ratelimit-reset").map(announced_secs),
            window: limit.and_then(|l| window_of(headers, l)),
        })
    }

    /// Requests left untouched: a fiftieth of the limit, at least one, for other users of the
    /// same API client and for answers that arrive out of order.
    pub fn reserve(&self) -> u64 {
        self.limit.map_or(1, |l| (l / 50).max(1))
    }
}

/// The `w` of the policy whose quota is `limit`, in "5000, 5000;w=60".
fn window_of(headers: &HeaderMap, limit: u64) -> Option<Duration> {
    let value = headers.get("x-ratelimit-limit")?.to_str().ok()?;
    value.split(',').skip(1).find_map(|policy| {
        let mut parts = policy.split(';').map(str::trim);
        if parts.next()?.parse::<u64>().ok()? != limit {
            return None;
        }
        parts
            .find_map(|p| p.strip_prefix("w="))
            .and_then(|w| w.parse::<u64>().ok())
            .filter(|w| *w > 0)
            .map(announced_secs)
    })
}

#[derive(Debug, Clone, Copy)]
struct Report {
    /// The reported request's place in the send order (1 = the first request sent).
    seq: u64,
    remaining: u64,
    reserve: u64,
    reset_at: Instant,
    /// The limit and window, to assume the next window when this one ends unannounced.
    next: Option<(u64, Duration)>,
}

/// The latest quota report and what it implies for the next request.
#[derive(Debug, Default)]
pub struct QuotaTracker {
    report: Option<Report>,
}

impl QuotaTracker {
    /// Takes in the answer to the `seq`-th request sent. Without a reset time nothing can be
    /// planned, so such an answer is ignored (the gauge still shows it).
    pub fn report(&mut self, seq: u64, quota: &GatewayQuota, now: Instant) {
        let Some(reset) = quota.reset else { return };
        let newer = self.report.is_none_or(|r| seq > r.seq || now >= r.reset_at);
        if newer {
            self.report = Some(Report {
                seq,
                remaining: quota.remaining,
                reserve: quota.reserve(),
                reset_at: now + reset,
                next: quota.limit.zip(quota.window),
            });
        }
    }

    /// When the next request may be sent, `sent` requests having gone out so far; `None`: now.
    pub fn blocked_until(&mut self, sent: u64, now: Instant) -> Option<Instant> {
        let mut r = self.report?;
        if now >= r.reset_at {
            let Some((limit, window)) = r.next else {
                // Nothing known about the next window: the next answer will say.
                self.report = None;
                return None;
            };
            // A full new window, counted from here; answers to requests sent before belong
            // to the old one and are ignored (their seq is not newer).
            r = Report {
                seq: sent,
                remaining: limit,
                reset_at: now + window,
                ..r
            };
            self.report = Some(r);
        }
        let left = r.remaining.saturating_sub(sent.saturating_sub(r.seq));
        (left <= r.reserve).then_some(r.reset_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_the_recorded_headers() {
        let q = GatewayQuota::from_headers(&headers(&[
            ("x-ratelimit-limit", "5000, 5000;w=60"),
            ("x-ratelimit-remaining", "4795"),
            ("x-ratelimit-reset", "5"),
        ]))
        .unwrap();
        assert_eq!(q.limit, Some(5000));
        assert_eq!(q.remaining, 4795);
        assert_eq!(q.reset, Some(Duration::from_secs(5)));
        assert_eq!(q.window, Some(Duration::from_secs(60)));
        assert_eq!(q.reserve(), 100);
        assert_eq!(GatewayQuota::from_headers(&headers(&[])), None);
        let bare = GatewayQuota::from_headers(&headers(&[("x-ratelimit-remaining", "3")])).unwrap();
        assert_eq!((bare.limit, bare.reset, bare.reserve()), (None, None, 1));
        let token_endpoint = GatewayQuota::from_headers(&headers(&[
            ("x-ratelimit-limit", "500, 500;w=1, 100000;w=60"),
            ("x-ratelimit-remaining", "499"),
        ]))
        .unwrap();
        assert_eq!(token_endpoint.window, Some(Duration::from_secs(1)));
        let absurd = GatewayQuota::from_headers(&headers(&[
            ("x-ratelimit-limit", "5, 5;w=18446744073709551615"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "18446744073709551615"),
        ]))
        .unwrap();
        let cap = Some(MAX_ANNOUNCED);
        assert_eq!((absurd.reset, absurd.window), (cap, cap));
        // And the tracker can take it without overflowing the clock.
        let mut t = QuotaTracker::default();
        t.report(1, &absurd, Instant::now());
    }

    #[test]
    fn holds_back_at_the_reserve_counting_requests_in_flight() {
        let now = Instant::now();
        let mut t = QuotaTracker::default();
        assert_eq!(t.blocked_until(0, now), None, "nothing known, nothing held");
        let q = |remaining| GatewayQuota {
            limit: Some(10),
            remaining,
            reset: Some(Duration::from_secs(5)),
            window: None,
        };
        // The 3rd request left 7; 4 more were sent before its answer came: 3 left, reserve 1.
        t.report(3, &q(7), now);
        assert_eq!(t.blocked_until(7, now), None);
        assert_eq!(t.blocked_until(8, now), None);
        assert_eq!(t.blocked_until(9, now), Some(now + Duration::from_secs(5)));
        // An older answer arriving late changes nothing.
        t.report(2, &q(8), now);
        assert_eq!(t.blocked_until(9, now), Some(now + Duration::from_secs(5)));
        // Once the window has ended, requests go again until the next answer says otherwise.
        let later = now + Duration::from_secs(5);
        assert_eq!(t.blocked_until(9, later), None);
        t.report(10, &q(9), later);
        assert_eq!(t.blocked_until(10, later), None);
    }

    #[test]
    fn a_window_that_ends_unannounced_is_assumed_full_again() {
        let now = Instant::now();
        let mut t = QuotaTracker::default();
        let spent = GatewayQuota {
            limit: Some(10),
            remaining: 1,
            reset: Some(Duration::from_secs(5)),
            window: Some(Duration::from_secs(60)),
        };
        t.report(9, &spent, now);
        assert!(t.blocked_until(9, now).is_some());
        // The window ends with 20 requests queued: 9 of the new 10 go (1 is the reserve), the
        // rest wait a whole window from the first of them.
        let later = now + Duration::from_secs(5);
        let sent_before = 9;
        for n in 0..9 {
            assert_eq!(t.blocked_until(sent_before + n, later), None, "request {n}");
        }
        assert_eq!(
            t.blocked_until(sent_before + 9, later),
            Some(later + Duration::from_secs(60))
        );
        // A late answer from the old window changes nothing; one from the new window counts.
        t.report(8, &spent, later);
        assert!(t.blocked_until(sent_before + 9, later).is_some());
        let fresh = GatewayQuota {
            remaining: 9,
            ..spent
        };
        t.report(sent_before + 1, &fresh, later);
        assert_eq!(t.blocked_until(sent_before + 2, later), None);
    }
}
