//! `rate_limit`: one process-wide token bucket, as the toolkit's `rate.Limiter` (starts full,
//! `burst` tokens, one more every `interval`), applied as an axum middleware that answers
//! `429 Too Many Requests` when the bucket is empty.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;

/// A validated `rate_limit` section with a non-zero interval.
#[derive(Debug, Clone, Copy)]
pub(super) struct RateLimit {
    pub per_token: Duration,
    pub burst: u32,
}

/// Adds the limit to `app`.
pub(super) fn apply(app: Router, limit: RateLimit) -> Router {
    let bucket = Arc::new(TokenBucket::new(limit));
    app.layer(axum::middleware::from_fn_with_state(bucket, limited))
}

async fn limited(State(bucket): State<Arc<TokenBucket>>, request: Request, next: Next) -> Response {
    if bucket.allow() {
        next.run(request).await
    } else {
        (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests\n").into_response()
    }
}

struct TokenBucket {
    per_token: Duration,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    fn new(limit: RateLimit) -> TokenBucket {
        TokenBucket {
            per_token: limit.per_token,
            burst: f64::from(limit.burst),
            // Starts full, like Go's rate.Limiter.
            state: Mutex::new((f64::from(limit.burst), Instant::now())),
        }
    }

    fn allow(&self) -> bool {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let refill = now.duration_since(state.1).as_secs_f64() / self.per_token.as_secs_f64();
        state.0 = (state.0 + refill).min(self.burst);
        state.1 = now;
        if state.0 >= 1.0 {
            state.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bucket_refuses_after_burst() {
        let bucket = TokenBucket::new(RateLimit {
            per_token: Duration::from_secs(3600),
            burst: 2,
        });
        assert!(bucket.allow());
        assert!(bucket.allow());
        assert!(!bucket.allow());
    }

    #[test]
    fn token_bucket_refills_one_per_interval() {
        let bucket = TokenBucket::new(RateLimit {
            per_token: Duration::from_millis(20),
            burst: 1,
        });
        assert!(bucket.allow());
        assert!(!bucket.allow());
        std::thread::sleep(Duration::from_millis(30));
        assert!(bucket.allow());
        assert!(!bucket.allow());
    }
}
