//! Bearer tokens and fixed-window rate limits: the gates every API request passes. Tokens
//! remember which front door issued them (legacy `/signin` or the OneAPI token endpoint), since
//! each is only accepted on its own routes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The audience of OneAPI tokens: the `aud` claim of those issued here, and the `audience` form
/// field and assertion `aud` the token endpoint insists on.
pub const AUDIENCE: &str = "https://api.zscaler.com";

/// Which front door issued a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// `POST /signin`: valid on the un-prefixed ZPA routes only.
    Legacy,
    /// `POST /oauth2/v1/token`: valid under `/zpa` (behind the OneAPI gateway) only.
    OneApi,
}

#[derive(Debug)]
struct Live {
    until: Instant,
    kind: TokenKind,
}

/// Issued tokens and when each stops being accepted. `Debug` shows only how many there are:
/// the keys are bearer tokens.
#[derive(Default)]
pub(crate) struct Tokens {
    live: Mutex<HashMap<String, Live>>,
    issued: AtomicU64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let live = self.live.lock().map(|l| l.len()).unwrap_or(0);
        f.debug_struct("Tokens").field("live", &live).finish()
    }
}

impl Tokens {
    /// A JWT-shaped token: the SDKs decode the payload's `exp` to decide when to renew, so it
    /// must parse; the signature is random bytes since nobody can verify it anyway.
    pub fn issue(
        &self,
        kind: TokenKind,
        subject: &str,
        customer_id: &str,
        ttl: Duration,
    ) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let iat = crate::unix_now();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let mut payload = serde_json::json!({
            "iss": "zpa-simulator",
            "sub": subject,
            "customerId": customer_id,
            "iat": iat,
            // Never later than the server-side expiry below, so clients renewing on `exp`
            // are never caught out by second rounding.
            "exp": iat + ttl.as_secs(),
            "jti": format!("{:016x}{n:08x}", fastrand::u64(..)),
        });
        if kind == TokenKind::OneApi {
            payload["aud"] = AUDIENCE.into();
        }
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
        let token = format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(signature));
        let now = Instant::now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        // Expired tokens are dropped here, so the set stays small however long the run.
        live.retain(|_, t| t.until > now);
        live.insert(
            token.clone(),
            Live {
                until: now + ttl,
                kind,
            },
        );
        token
    }

    /// Who issued `token`, if it is live (issued here, not expired, not revoked).
    pub fn kind(&self, token: &str) -> Option<TokenKind> {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .filter(|t| t.until > Instant::now())
            .map(|t| t.kind)
    }

    pub fn revoke(&self, token: &str) -> bool {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token)
            .is_some()
    }

    pub fn revoke_all(&self) {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Where a request left a quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quota {
    /// False when the request is over the limit (it was not counted).
    pub allowed: bool,
    pub limit: u32,
    pub window: Duration,
    /// Requests left in the current window after this one.
    pub remaining: u32,
    /// Time until the current window ends.
    pub reset: Duration,
}

impl Quota {
    /// `reset` in whole seconds, rounded up (never 0 while the window runs).
    pub fn reset_secs(&self) -> u64 {
        self.reset.as_secs() + u64::from(self.reset.subsec_nanos() > 0)
    }
}

/// At most `max` requests per fixed window that starts with the first request: ZPA's documented
/// GET limit, and the OneAPI gateway's quota.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: Option<(u32, Duration)>,
    window: Mutex<Option<(Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: Option<(u32, Duration)>) -> Self {
        RateLimiter {
            limit,
            window: Mutex::new(None),
        }
    }

    /// Counts one GET; `Err` with the quota (and so the time until the window ends) when over
    /// the limit.
    pub fn check(&self) -> Result<(), Quota> {
        match self.take() {
            Some(q) if !q.allowed => Err(q),
            _ => Ok(()),
        }
    }

    /// Counts one request and reports the quota; `None` when unlimited.
    pub fn take(&self) -> Option<Quota> {
        let (max, period) = self.limit?;
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let (start, count) = match *window {
            Some((start, count)) if now < start + period => (start, count),
            _ => (now, 0),
        };
        let allowed = count < max;
        let count = if allowed { count + 1 } else { count };
        *window = Some((start, count));
        Some(Quota {
            allowed,
            limit: max,
            window: period,
            remaining: max - count,
            reset: start + period - now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_revoke() {
        let tokens = Tokens::default();
        let a = tokens.issue(TokenKind::Legacy, "c", "1", Duration::from_secs(60));
        let b = tokens.issue(TokenKind::Legacy, "c", "1", Duration::ZERO);
        let c = tokens.issue(TokenKind::OneApi, "c", "1", Duration::from_secs(60));
        assert_ne!(a, b);
        assert_eq!(tokens.kind(&a), Some(TokenKind::Legacy));
        assert_eq!(tokens.kind(&c), Some(TokenKind::OneApi));
        assert_eq!(tokens.kind(&b), None, "zero TTL is already expired");
        assert_eq!(tokens.kind("eyJ.bogus.token"), None);
        assert!(tokens.revoke(&a));
        assert_eq!(tokens.kind(&a), None);
        tokens.revoke_all();
        assert_eq!(tokens.kind(&c), None);
        assert!(!format!("{tokens:?}").contains("eyJ"), "Debug hides tokens");
    }

    #[test]
    fn fixed_window_limits_and_reports_the_wait() {
        let limiter = RateLimiter::new(Some((2, Duration::from_secs(10))));
        assert!(limiter.check().is_ok());
        assert!(limiter.check().is_ok());
        let wait = limiter.check().unwrap_err().reset;
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        assert!(RateLimiter::new(None).check().is_ok());
        assert_eq!(RateLimiter::new(None).take(), None);
    }

    #[test]
    fn quota_reports_remaining_and_reset() {
        let limiter = RateLimiter::new(Some((3, Duration::from_secs(60))));
        let remaining: Vec<u32> = (0..4).map(|_| limiter.take().unwrap().remaining).collect();
        assert_eq!(remaining, [2, 1, 0, 0]);
        let q = limiter.take().unwrap();
        assert!(!q.allowed);
        assert_eq!((q.limit, q.window), (3, Duration::from_secs(60)));
        assert!((59..=60).contains(&q.reset_secs()), "{q:?}");
    }
}
