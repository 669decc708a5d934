//! The ZPA API client: authenticated, rate-limited, retrying GETs and the page loop.
//!
//! Every request the exporter makes goes through [`Client::list`], so the rate limit, the retry
//! budget, the body size limit and the request metrics hold for all of them.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;

use super::auth::Authenticator;
use super::error::Error;
use super::paging::parse_page;
use super::ratelimit::{parse_retry_after, RateLimiter, Ticket};
use super::telemetry::{ApiTelemetry, RetryReason};

/// ZPA's largest page size.
pub const PAGE_SIZE: u32 = 500;

/// A list endpoint: the name used in metrics and logs, and the path below the API root.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub name: &'static str,
    pub path: String,
    /// Whether the `microtenantId` scope applies (userconfig endpoints take none).
    pub microtenant_scoped: bool,
}

/// Knobs that bound how hard and how long the client tries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `retry-after` honoured; a longer one fails the request instead of stalling
    /// the poll cycle.
    pub max_retry_after: Duration,
    pub request_timeout: Duration,
    /// Bodies above this are refused rather than buffered.
    pub max_body_bytes: usize,
    /// More pages than this means `totalPages` is lying.
    pub max_pages: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024 * 1024,
            // 2 000 pages of 500 = one million objects, far above any real tenant.
            max_pages: 2_000,
        }
    }
}

/// Which tenant to read, and where its API lives.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// API root including any prefix (`https://config.private.zscaler.com`, or `.../zpa`).
    pub api_root: String,
    pub customer_id: String,
    /// Scope every call to this microtenant.
    pub microtenant_id: Option<String>,
}

#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    /// API root including any prefix (`https://config.private.zscaler.com`, or `.../zpa`).
    api_root: String,
    customer_id: String,
    microtenant_id: Option<String>,
    auth: Authenticator,
    limiter: RateLimiter,
    retry: RetryPolicy,
    telemetry: Arc<ApiTelemetry>,
}

impl Client {
    pub fn new(
        http: reqwest::Client,
        tenant: Tenant,
        auth: Authenticator,
        limiter: RateLimiter,
        retry: RetryPolicy,
    ) -> Self {
        Client {
            http,
            api_root: tenant.api_root.trim_end_matches('/').to_string(),
            customer_id: tenant.customer_id,
            microtenant_id: tenant.microtenant_id,
            telemetry: auth.telemetry().clone(),
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

    pub fn telemetry(&self) -> &Arc<ApiTelemetry> {
        &self.telemetry
    }

    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    /// `/mgmtconfig/v1/admin/customers/{id}/{rest}`
    pub fn mgmt_v1(&self, name: &'static str, rest: &str) -> Endpoint {
        Endpoint {
            name,
            path: format!("/mgmtconfig/v1/admin/customers/{}/{rest}", self.customer_id),
            microtenant_scoped: true,
        }
    }

    /// `/mgmtconfig/v2/admin/customers/{id}/{rest}`
    pub fn mgmt_v2(&self, name: &'static str, rest: &str) -> Endpoint {
        Endpoint {
            name,
            path: format!("/mgmtconfig/v2/admin/customers/{}/{rest}", self.customer_id),
            microtenant_scoped: true,
        }
    }

    /// `/userconfig/v1/customers/{id}/{rest}`
    pub fn userconfig_v1(&self, name: &'static str, rest: &str) -> Endpoint {
        Endpoint {
            name,
            path: format!("/userconfig/v1/customers/{}/{rest}", self.customer_id),
            microtenant_scoped: false,
        }
    }

    /// Every object of a list endpoint, following `totalPages`. Each page waits for the rate
    /// limiter in the place `ticket` gives it.
    pub async fn list<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        ticket: &Ticket,
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut page = 1u64;
        let mut previous_fingerprint = None;
        loop {
            let body = self.get_page(endpoint, page, ticket).await?;
            let parsed = parse_page::<T>(&body).map_err(|e| Error::Decode {
                endpoint: endpoint.name,
                message: format!("page {page}: {e}"),
            })?;
            let total_pages = parsed.total_pages;
            if total_pages.is_some_and(|t| t > self.retry.max_pages) {
                return Err(Error::Paging {
                    endpoint: endpoint.name,
                    message: format!(
                        "totalPages {} exceeds the limit of {} pages",
                        total_pages.unwrap_or_default(),
                        self.retry.max_pages
                    ),
                });
            }
            if parsed.items.is_empty() {
                break;
            }
            // A server that serves the same page again would otherwise loop until max_pages.
            let fingerprint = fingerprint(&body);
            if previous_fingerprint == Some(fingerprint) {
                return Err(Error::Paging {
                    endpoint: endpoint.name,
                    message: format!("page {page} repeats page {}", page - 1),
                });
            }
            previous_fingerprint = Some(fingerprint);
            items.extend(parsed.items);
            match total_pages {
                Some(total) if page < total => page += 1,
                _ => break,
            }
            if page > self.retry.max_pages {
                return Err(Error::Paging {
                    endpoint: endpoint.name,
                    message: format!("more than {} pages", self.retry.max_pages),
                });
            }
        }
        Ok(items)
    }

    /// `GET /mgmtconfig/v1/admin/me`: whom the API key belongs to (customer, microtenant).
    pub async fn whoami(&self, ticket: &Ticket) -> Result<KeyIdentity, Error> {
        let endpoint = Endpoint {
            name: "me",
            path: "/mgmtconfig/v1/admin/me".into(),
            microtenant_scoped: false,
        };
        let body = self.get(&endpoint, &[], ticket).await?;
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            endpoint: endpoint.name,
            message: e.to_string(),
        })
    }

    /// `GET /mgmtconfig/v1/admin/customers/{id}/microtenants/{microtenant}`: whether it exists.
    pub async fn microtenant_exists(&self, id: &str, ticket: &Ticket) -> Result<bool, Error> {
        let endpoint = Endpoint {
            name: "microtenant",
            path: format!(
                "/mgmtconfig/v1/admin/customers/{}/microtenants/{id}",
                self.customer_id
            ),
            microtenant_scoped: false,
        };
        match self.get(&endpoint, &[], ticket).await {
            Ok(_) => Ok(true),
            Err(Error::Status {
                status: 400 | 404, ..
            }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn customer_id(&self) -> &str {
        &self.customer_id
    }

    pub fn microtenant_id(&self) -> Option<&str> {
        self.microtenant_id.as_deref()
    }

    /// One page of a list endpoint.
    async fn get_page(
        &self,
        endpoint: &Endpoint,
        page: u64,
        ticket: &Ticket,
    ) -> Result<Vec<u8>, Error> {
        let mut query: Vec<(&str, String)> = vec![
            ("page", page.to_string()),
            ("pagesize", PAGE_SIZE.to_string()),
        ];
        if let (true, Some(mt)) = (endpoint.microtenant_scoped, &self.microtenant_id) {
            query.push(("microtenantId", mt.clone()));
        }
        self.get(endpoint, &query, ticket).await
    }

    /// One GET, with rate limiting, retries and a single re-sign-in after a 401.
    async fn get(
        &self,
        endpoint: &Endpoint,
        query: &[(&str, String)],
        ticket: &Ticket,
    ) -> Result<Vec<u8>, Error> {
        let url = format!("{}{}", self.api_root, endpoint.path);
        ticket.count_needed();
        let mut signed_in_again = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            // Wait for the rate limit first: a token fetched before a long wait could expire
            // while the request is queued.
            self.limiter.acquire(ticket).await;
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
                    self.telemetry.record_request(endpoint.name, None);
                    let message = describe_transport_error(&e);
                    if attempt >= self.retry.max_attempts {
                        return Err(Error::Transport {
                            endpoint: endpoint.name,
                            message,
                        });
                    }
                    self.backoff(endpoint, attempt, RetryReason::Network, &message)
                        .await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            self.telemetry.record_request(endpoint.name, Some(status));
            match status {
                200..=299 => match self.read_body(endpoint, response).await {
                    Ok(body) => return Ok(body),
                    Err(e) if attempt < self.retry.max_attempts => {
                        self.backoff(endpoint, attempt, RetryReason::Network, &e.to_string())
                            .await;
                    }
                    Err(e) => return Err(e),
                },
                429 => {
                    let wait = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()))
                        .unwrap_or(Duration::from_secs(2));
                    if attempt >= self.retry.max_attempts || wait > self.retry.max_retry_after {
                        return Err(Error::RateLimited {
                            endpoint: endpoint.name,
                            attempts: attempt,
                        });
                    }
                    self.telemetry
                        .record_retry(endpoint.name, RetryReason::RateLimited);
                    tracing::warn!(
                        endpoint = endpoint.name,
                        retry_after = ?wait,
                        "ZPA rate limit hit; pausing requests"
                    );
                    self.limiter.pause_for(wait);
                }
                401 | 403 => {
                    let body = response.bytes().await.unwrap_or_default();
                    let id = error_id(&body);
                    if id.as_deref() == Some(CUSTOMER_NOT_AUTHORIZED) {
                        return Err(Error::CustomerNotAuthorized {
                            endpoint: endpoint.name,
                            status,
                        });
                    }
                    let feature_denied = id.as_deref() == Some(FEATURE_DENIED);
                    if status == 403 || feature_denied {
                        return Err(Error::Unavailable {
                            endpoint: endpoint.name,
                            status,
                            id,
                        });
                    }
                    if signed_in_again {
                        return Err(Error::Status {
                            endpoint: endpoint.name,
                            status,
                            id,
                        });
                    }
                    tracing::info!(
                        endpoint = endpoint.name,
                        "token rejected (401); signing in again"
                    );
                    self.telemetry
                        .record_retry(endpoint.name, RetryReason::Unauthorized);
                    self.auth.invalidate(&token).await;
                    signed_in_again = true;
                    // The re-sign-in does not use up the retry budget.
                    attempt -= 1;
                }
                500..=599 if attempt < self.retry.max_attempts => {
                    let detail = format!("HTTP {status}");
                    self.backoff(endpoint, attempt, RetryReason::ServerError, &detail)
                        .await;
                }
                _ => {
                    let body = response.bytes().await.unwrap_or_default();
                    return Err(Error::Status {
                        endpoint: endpoint.name,
                        status,
                        id: error_id(&body),
                    });
                }
            }
        }
    }

    async fn read_body(
        &self,
        endpoint: &Endpoint,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.retry.max_body_bytes;
        let too_large = || Error::Decode {
            endpoint: endpoint.name,
            message: format!("response body larger than {limit} bytes"),
        };
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => {
                    return Err(Error::Transport {
                        endpoint: endpoint.name,
                        message: format!("reading the body: {}", describe_transport_error(&e)),
                    })
                }
            }
        }
    }

    async fn backoff(&self, endpoint: &Endpoint, attempt: u32, reason: RetryReason, detail: &str) {
        self.telemetry.record_retry(endpoint.name, reason);
        let delay = backoff_delay(&self.retry, attempt);
        tracing::debug!(
            endpoint = endpoint.name,
            attempt,
            ?delay,
            detail,
            "retrying ZPA request"
        );
        tokio::time::sleep(delay).await;
    }

    /// Signs out at shutdown; failures are logged and ignored.
    pub async fn sign_out(&self) {
        self.auth.sign_out(&self.http).await;
    }
}

/// The error id ZPA answers when the customer id in the path is not the API key's.
const CUSTOMER_NOT_AUTHORIZED: &str = "customer.not.authorized";
/// The error id of a feature the tenant has not licensed (sent with HTTP 401).
const FEATURE_DENIED: &str = "authz.featureflag.permission.denied";

/// What `GET /admin/me` says about the calling API key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyIdentity {
    #[serde(default, deserialize_with = "super::paging::opt_id_string")]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Present when the key is scoped to one microtenant.
    #[serde(default, deserialize_with = "super::paging::opt_id_string")]
    pub microtenant_id: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
}

/// Exponential backoff with ±25 % jitter, so many exporters don't retry in lockstep.
fn backoff_delay(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(16);
    let base = policy
        .base_backoff
        .saturating_mul(1u32 << exp)
        .min(policy.max_backoff);
    base.mul_f64(0.75 + fastrand::f64() * 0.5)
}

fn fingerprint(body: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// The dotted `id` of a ZPA error body (`{"id":"resource.not.found","reason":...}`), if any.
pub fn error_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        id: Option<String>,
    }
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.id)
        .filter(|id| id.len() <= 128)
}

/// A transport error without the URL (it carries nothing secret, but is noise in one-line logs).
pub fn describe_transport_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "response body broken"
    } else if e.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    let mut msg = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
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

    #[test]
    fn error_ids() {
        assert_eq!(
            error_id(br#"{"id":"authz.featureflag.permission.denied","reason":"x"}"#).as_deref(),
            Some("authz.featureflag.permission.denied")
        );
        assert_eq!(error_id(b"<html>"), None);
    }
}
