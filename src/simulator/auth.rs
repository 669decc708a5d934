//! Bearer tokens and the server-side rate limit: the two gates every API request passes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Issued tokens and when each stops being accepted.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    live: Mutex<HashMap<String, Instant>>,
    issued: AtomicU64,
}

impl Tokens {
    /// A JWT-shaped token: the SDKs decode the payload's `exp` to decide when to renew, so it
    /// must parse; the signature is random bytes since nobody can verify it anyway.
    pub fn issue(&self, subject: &str, customer_id: &str, ttl: Duration) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let iat = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = serde_json::json!({
            "iss": "zpa-simulator",
            "sub": subject,
            "customerId": customer_id,
            "iat": iat,
            // Never later than the server-side expiry below, so clients renewing on `exp`
            // are never caught out by second rounding.
            "exp": iat + ttl.as_secs(),
            "jti": format!("{:016x}{n:08x}", fastrand::u64(..)),
        });
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
        let token = format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(signature));
        let now = Instant::now();
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        // Expired tokens are dropped here, so the set stays small however long the run.
        live.retain(|_, until| *until > now);
        live.insert(token.clone(), now + ttl);
        token
    }

    pub fn valid(&self, token: &str) -> bool {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .is_some_and(|until| *until > Instant::now())
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

/// ZPA's documented limit: at most `max` GETs per fixed window that starts with the first GET.
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

    /// Counts one GET; `Err(wait)` when over the limit, with the time until the window ends.
    pub fn check(&self) -> Result<(), Duration> {
        let Some((max, period)) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let (start, count) = match *window {
            Some((start, count)) if now < start + period => (start, count),
            _ => (now, 0),
        };
        if count >= max {
            *window = Some((start, count));
            return Err(start + period - now);
        }
        *window = Some((start, count + 1));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_revoke() {
        let tokens = Tokens::default();
        let a = tokens.issue("c", "1", Duration::from_secs(60));
        let b = tokens.issue("c", "1", Duration::ZERO);
        assert_ne!(a, b);
        assert!(tokens.valid(&a));
        assert!(!tokens.valid(&b), "zero TTL is already expired");
        assert!(!tokens.valid("eyJ.bogus.token"));
        assert!(tokens.revoke(&a));
        assert!(!tokens.valid(&a));
    }

    #[test]
    fn fixed_window_limits_and_reports_the_wait() {
        let limiter = RateLimiter::new(Some((2, Duration::from_secs(10))));
        assert!(limiter.check().is_ok());
        assert!(limiter.check().is_ok());
        let wait = limiter.check().unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        assert!(RateLimiter::new(None).check().is_ok());
    }
}
