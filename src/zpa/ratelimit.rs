//! Client-side rate limiting for ZPA's "20 GET requests per 10 seconds" rule, and `retry-after`
//! parsing for when the server says we went too fast anyway.
//!
//! The limiter keeps a sliding window of send times: no window of `period` ever holds more than
//! `max` requests, which also keeps us under ZPA's fixed windows (they start at the first call),
//! so a poll never causes a 429 on its own.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How many GETs may be sent per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
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

#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            state: Mutex::new(LimiterState::default()),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits until one more request may be sent, and books it.
    pub async fn acquire(&self) {
        let window = self.limit.period + SAFETY_MARGIN;
        loop {
            let wait_until = {
                let mut state = self.state.lock().await;
                let now = Instant::now();
                while state
                    .sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= window)
                {
                    state.sent.pop_front();
                }
                match state.paused_until {
                    Some(until) if until > now => until,
                    _ if state.sent.len() < self.limit.max as usize => {
                        state.sent.push_back(now);
                        return;
                    }
                    _ => *state.sent.front().expect("window is full") + window,
                }
            };
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// After a 429, nothing is sent until the server's `retry-after` has passed.
    pub async fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.state.lock().await;
        if state.paused_until.is_none_or(|t| t < until) {
            state.paused_until = Some(until);
        }
    }
}

/// Parses a `retry-after` value: seconds with or without an `s` suffix (`4s`, `4`, ZPA sends the
/// former), a humantime duration, or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.trim_end_matches('s').trim().parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    if let Ok(d) = humantime::parse_duration(v) {
        return Some(d);
    }
    httpdate::parse_http_date(v)
        .ok()
        .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO))
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

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_window() {
        let limiter = RateLimiter::new(RateLimit {
            max: 3,
            period: Duration::from_secs(10),
        });
        let start = Instant::now();
        let mut sent = Vec::new();
        for _ in 0..7 {
            limiter.acquire().await;
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
    }

    #[tokio::test(start_paused = true)]
    async fn pause_holds_requests_back() {
        let limiter = RateLimiter::new(RateLimit::ZPA_DEFAULT);
        let start = Instant::now();
        limiter.pause_for(Duration::from_secs(4)).await;
        limiter.acquire().await;
        assert!(Instant::now().duration_since(start) >= Duration::from_secs(4));
    }
}
