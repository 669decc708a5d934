//! The steps of one GET attempt after it is sent: what each kind of answer means (a body, a
//! rate limit, a refusal, a server error, no answer at all) and whether another attempt is
//! worth it. [`Client::get_with_retries`](super::Client) loops over these.

use std::time::{Duration, SystemTime};

use super::{Client, Endpoint, Error, RetryReason};
use crate::body::{self, read_capped};
use crate::quota::GatewayQuota;
use crate::ratelimit::parse_retry_after;
use crate::Secret;

/// The error id ZPA answers when the customer id in the path is not the API key's.
const CUSTOMER_NOT_AUTHORIZED: &str = "customer.not.authorized";
/// The error id of a feature the tenant has not licensed (sent with HTTP 401).
const FEATURE_DENIED: &str = "authz.featureflag.permission.denied";

/// Where a GET stands across its attempts.
#[derive(Debug, Default)]
pub(super) struct Tries {
    /// This attempt's number, from 1; a re-sign-in does not count.
    pub attempt: u32,
    /// The one new sign-in after a refused token was spent.
    pub signed_in_again: bool,
}

/// What to do after an attempt.
pub(super) enum Next {
    /// The GET is over: its body or why not.
    Done(Result<Vec<u8>, Error>),
    /// Try again (any wait already waited).
    Retry,
}

impl Client {
    fn last_attempt(&self, tries: &Tries) -> bool {
        tries.attempt >= self.retry.max_attempts
    }

    /// No answer (connection, timeout): retried with backoff while attempts are left.
    pub(super) async fn unanswered(
        &self,
        endpoint: &Endpoint,
        tries: &Tries,
        e: reqwest::Error,
    ) -> Next {
        self.stats.record_request(endpoint.name, None);
        let err = Error::transport(endpoint.name, e);
        if self.last_attempt(tries) {
            return Next::Done(Err(err));
        }
        self.backoff(endpoint, tries.attempt, RetryReason::Network, &err)
            .await;
        Next::Retry
    }

    /// An answer: counted, its quota passed to the limiter, and judged by its status.
    pub(super) async fn judge(
        &self,
        endpoint: &Endpoint,
        seq: u64,
        token: &Secret,
        tries: &mut Tries,
        response: reqwest::Response,
    ) -> Next {
        let status = response.status().as_u16();
        self.stats.record_request(endpoint.name, Some(status));
        let quota = GatewayQuota::from_headers(response.headers());
        if let Some(quota) = &quota {
            self.stats.record_ratelimit_remaining(quota.remaining);
            self.limiter.report_quota(seq, quota);
        }
        match status {
            200..=299 => self.success(endpoint, tries, response).await,
            429 => self.rate_limited(endpoint, tries, &response, quota),
            401 | 403 => self.refused(endpoint, status, token, tries, response).await,
            500..=599 if !self.last_attempt(tries) => {
                let err = Error::Status {
                    endpoint: endpoint.name,
                    status,
                    id: None,
                };
                self.backoff(endpoint, tries.attempt, RetryReason::ServerError, &err)
                    .await;
                Next::Retry
            }
            _ => Next::Done(Err(Error::Status {
                endpoint: endpoint.name,
                status,
                id: body::error_id(endpoint.name, response).await,
            })),
        }
    }

    /// 2xx: the body, read within the size bound; a body cut off on the way is retried.
    async fn success(
        &self,
        endpoint: &Endpoint,
        tries: &Tries,
        response: reqwest::Response,
    ) -> Next {
        match read_capped(endpoint.name, response, self.retry.max_body_bytes).await {
            Ok(body) => Next::Done(Ok(body)),
            // Too large stays too large: a retry would only spend the budget again.
            Err(e @ Error::BodyTooLarge { .. }) => Next::Done(Err(e)),
            Err(e) if !self.last_attempt(tries) => {
                self.backoff(endpoint, tries.attempt, RetryReason::Network, &e)
                    .await;
                Next::Retry
            }
            Err(e) => Next::Done(Err(e)),
        }
    }

    /// 429: every request pauses for the server's `retry-after` (or the gateway's window end),
    /// unless that is longer than worth waiting or the attempts are spent.
    fn rate_limited(
        &self,
        endpoint: &Endpoint,
        tries: &Tries,
        response: &reqwest::Response,
        quota: Option<GatewayQuota>,
    ) -> Next {
        let wait = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()))
            // The gateway's own 429 has no retry-after; its window's end will do.
            .or(quota.and_then(|q| q.reset))
            .unwrap_or(Duration::from_secs(2));
        if self.last_attempt(tries) || wait > self.retry.max_retry_after {
            return Next::Done(Err(Error::RateLimited {
                endpoint: endpoint.name,
                attempts: tries.attempt,
            }));
        }
        self.stats
            .record_retry(endpoint.name, RetryReason::RateLimited);
        tracing::warn!(
            endpoint = endpoint.name,
            retry_after = ?wait,
            "ZPA rate limit hit; pausing requests"
        );
        self.limiter.pause_for(wait);
        Next::Retry
    }

    /// 401 or 403: a refusal that names its reason is final (wrong customer, resource not
    /// available to the key); any other is a token problem, worth one new sign-in.
    async fn refused(
        &self,
        endpoint: &Endpoint,
        status: u16,
        token: &Secret,
        tries: &mut Tries,
        response: reqwest::Response,
    ) -> Next {
        let refusal = Refusal::read(endpoint.name, response).await;
        // A tenant moved to OneAPI while this token lived refuses it whatever the status;
        // signing in again meets the same refusal, which says what to do.
        if !refusal.oneapi_only {
            let id = refusal.id.as_deref();
            if id == Some(CUSTOMER_NOT_AUTHORIZED) {
                return Next::Done(Err(Error::CustomerNotAuthorized {
                    endpoint: endpoint.name,
                    status,
                }));
            }
            if status == 403 || id == Some(FEATURE_DENIED) {
                return Next::Done(Err(Error::Unavailable {
                    endpoint: endpoint.name,
                    status,
                    id: refusal.id,
                }));
            }
        }
        if tries.signed_in_again {
            return Next::Done(Err(if refusal.oneapi_only {
                crate::auth::oneapi_only_error(status)
            } else {
                Error::Status {
                    endpoint: endpoint.name,
                    status,
                    id: refusal.id,
                }
            }));
        }
        let why = if refusal.oneapi_only {
            "token refused: the tenant accepts only OneAPI now; signing in again"
        } else {
            "token rejected (401); signing in again"
        };
        tracing::info!(endpoint = endpoint.name, "{why}");
        self.stats
            .record_retry(endpoint.name, RetryReason::Unauthorized);
        self.auth.invalidate(token).await;
        tries.signed_in_again = true;
        // The re-sign-in does not use up the retry budget.
        tries.attempt -= 1;
        Next::Retry
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
