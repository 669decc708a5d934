//! The ZPA API client: one tenant's authenticated, rate-limited, retrying GET.
//!
//! Every request the exporter makes goes through [`Client`]'s [`Api::get`], so the rate limit,
//! the retry budget, the body size limits and the request counters hold for all of them. The
//! same client serves both ways in: only the API root (`…/zpa` through OneAPI) and the
//! [`Authenticator`]'s token source differ; answers from the OneAPI gateway also feed its quota
//! into the limiter.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::api::{Api, Endpoint};
use crate::auth::{Authenticator, Method};
use crate::body::{self, read_capped};
use crate::error::Error;
use crate::quota::GatewayQuota;
use crate::ratelimit::{parse_retry_after, RateLimiter, Ticket};
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
    limiter: RateLimiter,
    retry: RetryPolicy,
    stats: Arc<ApiStats>,
}

impl Client {
    /// A client for `tenant`, signing in through `auth`, within `limiter`.
    pub fn new(
        http: reqwest::Client,
        mut tenant: Tenant,
        auth: Authenticator,
        limiter: RateLimiter,
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

    /// What the client has done.
    pub fn stats(&self) -> &Arc<ApiStats> {
        &self.stats
    }

    /// How this client signs in.
    pub fn auth_method(&self) -> Method {
        self.auth.method()
    }

    /// One GET, with rate limiting, retries and a single re-sign-in after a 401.
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
        let mut signed_in_again = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
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
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    self.stats.record_request(endpoint.name, None);
                    let err = Error::transport(endpoint.name, e);
                    if attempt >= self.retry.max_attempts {
                        return Err(err);
                    }
                    self.backoff(endpoint, attempt, RetryReason::Network, &err)
                        .await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            self.stats.record_request(endpoint.name, Some(status));
            let quota = GatewayQuota::from_headers(response.headers());
            if let Some(quota) = &quota {
                self.stats.record_ratelimit_remaining(quota.remaining);
                self.limiter.report_quota(seq, quota);
            }
            match status {
                200..=299 => {
                    match read_capped(endpoint.name, response, self.retry.max_body_bytes).await {
                        Ok(body) => return Ok(body),
                        // Too large stays too large: a retry would only spend the budget again.
                        Err(e @ Error::BodyTooLarge { .. }) => return Err(e),
                        Err(e) if attempt < self.retry.max_attempts => {
                            self.backoff(endpoint, attempt, RetryReason::Network, &e)
                                .await;
                        }
                        Err(e) => return Err(e),
                    }
                }
                429 => {
                    let wait = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()))
                        // The gateway's own 429 has no retry-after; its window's end will do.
                        .or(quota.and_then(|q| q.reset))
                        .unwrap_or(Duration::from_secs(2));
                    if attempt >= self.retry.max_attempts || wait > self.retry.max_retry_after {
                        return Err(Error::RateLimited {
                            endpoint: endpoint.name,
                            attempts: attempt,
                        });
                    }
                    self.stats
                        .record_retry(endpoint.name, RetryReason::RateLimited);
                    tracing::warn!(
                        endpoint = endpoint.name,
                        retry_after = ?wait,
                        "ZPA rate limit hit; pausing requests"
                    );
                    self.limiter.pause_for(wait);
                }
                401 | 403 => {
                    let refusal = Refusal::read(endpoint.name, response).await;
                    // A tenant moved to OneAPI while this token lived refuses it whatever the
                    // status; signing in again meets the same refusal, which says what to do.
                    if !refusal.oneapi_only {
                        let id = refusal.id.as_deref();
                        if id == Some(CUSTOMER_NOT_AUTHORIZED) {
                            return Err(Error::CustomerNotAuthorized {
                                endpoint: endpoint.name,
                                status,
                            });
                        }
                        if status == 403 || id == Some(FEATURE_DENIED) {
                            return Err(Error::Unavailable {
                                endpoint: endpoint.name,
                                status,
                                id: refusal.id,
                            });
                        }
                    }
                    if signed_in_again {
                        return Err(if refusal.oneapi_only {
                            crate::auth::oneapi_only_error(status)
                        } else {
                            Error::Status {
                                endpoint: endpoint.name,
                                status,
                                id: refusal.id,
                            }
                        });
                    }
                    let why = if refusal.oneapi_only {
                        "token refused: the tenant accepts only OneAPI now; signing in again"
                    } else {
                        "token rejected (401); signing in again"
                    };
                    tracing::info!(endpoint = endpoint.name, "{why}");
                    self.stats
                        .record_retry(endpoint.name, RetryReason::Unauthorized);
                    self.auth.invalidate(&token).await;
                    signed_in_again = true;
                    // The re-sign-in does not use up the retry budget.
                    attempt -= 1;
                }
                500..=599 if attempt < self.retry.max_attempts => {
                    let err = Error::Status {
                        endpoint: endpoint.name,
                        status,
                        id: None,
                    };
                    self.backoff(endpoint, attempt, RetryReason::ServerError, &err)
                        .await;
                }
                _ => {
                    return Err(Error::Status {
                        endpoint: endpoint.name,
                        status,
                        id: body::error_id(endpoint.name, response).await,
                    });
                }
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

    fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    fn customer_id(&self) -> &str {
        &self.tenant.customer_id
    }

    fn microtenant_id(&self) -> Option<&str> {
        self.tenant.microtenant_id.as_deref()
    }
}

/// What a 401 or 403 says: ZPA's error `id`, or the refusal of a OneAPI-only tenant. Every
/// other 401 (the gateway's `{"detail":"unauthorized"}`, a session that is no longer valid) is
/// a token problem, worth one new sign-in.
struct Refusal {
    id: Option<String>,
    oneapi_only: bool,
}

impl Refusal {
    async fn read(endpoint: &'static str, response: reqwest::Response) -> Refusal {
        let content_type = body::content_type(&response);
        let body = body::error_body(endpoint, response).await;
        Refusal {
            id: crate::error::error_id(&body),
            oneapi_only: crate::auth::refuses_legacy(content_type.as_deref(), &body),
        }
    }
}

/// The error id ZPA answers when the customer id in the path is not the API key's.
const CUSTOMER_NOT_AUTHORIZED: &str = "customer.not.authorized";
/// The error id of a feature the tenant has not licensed (sent with HTTP 401).
const FEATURE_DENIED: &str = "authz.featureflag.permission.denied";

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
