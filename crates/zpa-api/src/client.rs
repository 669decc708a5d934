//! The ZPA API client: one tenant's authenticated, rate-limited, retrying GET.
//!
//! Every request the exporter makes goes through [`Client`]'s [`Api::get`], so the rate limit,
//! the retry budget, the body size limits and the request counters hold for all of them. The
//! same client serves both ways in: only the API root (`…/zpa` through OneAPI) and the
//! [`Authenticator`]'s token source differ; answers from the OneAPI gateway also feed its quota
//! into the limiter.

use std::sync::Arc;
use std::time::Duration;

mod steps;

use crate::api::{Api, Endpoint};
use crate::auth::{Authenticator, Method};
use crate::error::Error;
use crate::ratelimit::{RateLimiter, Ticket};
use crate::stats::{ApiStats, RetryReason};
use crate::BoxFuture;

/// Knobs that bound how hard and how long the client tries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first retry's wait; it doubles per attempt.
    pub base_backoff: Duration,
    /// The longest wait between retries.
    pub max_backoff: Duration,
    /// The longest `retry-after` honoured; a longer one fails the request instead of stalling
    /// every collector.
    pub max_retry_after: Duration,
    /// Successful bodies above this are refused rather than buffered.
    pub max_body_bytes: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Which tenant to read, and where its API lives.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// API root including any prefix: `https://config.private.zscaler.com` (legacy), or the
    /// OneAPI gateway with ZPA's prefix, `https://api.zsapi.net/zpa`.
    pub api_root: String,
    /// The tenant (customer) id.
    pub customer_id: String,
    /// Scope every call to this microtenant.
    pub microtenant_id: Option<String>,
}

/// The real [`Api`]: HTTPS to ZPA.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    tenant: Tenant,
    auth: Authenticator,
    limiter: Arc<RateLimiter>,
    retry: RetryPolicy,
    stats: Arc<ApiStats>,
}

impl Client {
    /// A client for `tenant`, signing in through `auth`, within `limiter` (shared with whoever
    /// schedules the requests, see [`Client::limiter`]).
    pub fn new(
        http: reqwest::Client,
        mut tenant: Tenant,
        auth: Authenticator,
        limiter: Arc<RateLimiter>,
        retry: RetryPolicy,
    ) -> Self {
        tenant.api_root = tenant.api_root.trim_end_matches('/').to_string();
        Client {
            http,
            tenant,
            stats: auth.stats().clone(),
            auth,
            limiter,
            retry,
        }
    }

    /// A reqwest client with the exporter's defaults: rustls, a user agent, timeouts.
    pub fn http_client(request_timeout: Duration) -> reqwest::Result<reqwest::Client> {
        reqwest::Client::builder()
            .user_agent(concat!("zpa-exporter/", env!("CARGO_PKG_VERSION")))
            .timeout(request_timeout)
            .connect_timeout(Duration::from_secs(10).min(request_timeout))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
    }

    /// The request budget every GET of this client waits for: a scheduler plans with it and
    /// announces upcoming high-priority work to it.
    pub fn limiter(&self) -> &Arc<RateLimiter> {
        &self.limiter
    }

    /// What the client has done.
    pub fn stats(&self) -> &Arc<ApiStats> {
        &self.stats
    }

    /// How this client signs in.
    pub fn auth_method(&self) -> Method {
        self.auth.method()
    }

    /// One GET, with rate limiting, retries and a single re-sign-in after a 401. Each attempt
    /// is admitted by the limiter, sent, and its answer judged ([`steps`]): done, or worth
    /// another attempt.
    async fn get_with_retries(
        &self,
        endpoint: &Endpoint,
        query: &[(&'static str, String)],
        ticket: &Ticket,
    ) -> Result<Vec<u8>, Error> {
        let url = format!(
            "{}{}",
            self.tenant.api_root,
            endpoint.path(&self.tenant.customer_id)
        );
        ticket.count_needed();
        let mut tries = steps::Tries::default();
        loop {
            tries.attempt += 1;
            // Wait for the rate limit first: a token fetched before a long wait could expire
            // while the request is queued.
            let seq = self.limiter.acquire(ticket).await;
            let token = self.auth.bearer(&self.http).await?;
            let sent = self
                .http
                .get(&url)
                .query(query)
                .bearer_auth(token.expose())
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await;
            let next = match sent {
                Ok(response) => {
                    self.judge(endpoint, seq, &token, &mut tries, response)
                        .await
                }
                Err(e) => self.unanswered(endpoint, &tries, e).await,
            };
            if let steps::Next::Done(result) = next {
                return result;
            }
        }
    }

    async fn backoff(&self, endpoint: &Endpoint, attempt: u32, reason: RetryReason, why: &Error) {
        self.stats.record_retry(endpoint.name, reason);
        let delay = backoff_delay(&self.retry, attempt);
        tracing::debug!(
            endpoint = endpoint.name,
            attempt,
            ?delay,
            error = %crate::error::Chain(why),
            "retrying ZPA request"
        );
        tokio::time::sleep(delay).await;
    }

    /// Signs out at shutdown; failures are logged and ignored.
    pub async fn sign_out(&self) {
        self.auth.sign_out(&self.http).await;
    }
}

impl Api for Client {
    fn get<'a>(
        &'a self,
        endpoint: &'a Endpoint,
        query: &'a [(&'static str, String)],
        ticket: &'a Ticket,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>> {
        Box::pin(self.get_with_retries(endpoint, query, ticket))
    }
}

/// Exponential backoff with ±25 % jitter, so many exporters don't retry in lockstep.
fn backoff_delay(policy: &RetryPolicy, attempt: u32) -> Duration {
    crate::backoff::doubling(policy.base_backoff, attempt, policy.max_backoff)
        .mul_f64(0.75 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let d1 = backoff_delay(&p, 1);
            assert!(d1 >= Duration::from_millis(375) && d1 <= Duration::from_millis(625));
            let d10 = backoff_delay(&p, 10);
            assert!(d10 <= Duration::from_secs(10) && d10 >= Duration::from_secs(6));
        }
    }
}
