//! What the client has done: requests by endpoint and status, retries by reason, sign-ins, the
//! current token's expiry, how it signs in, what the OneAPI gateway says is left of its quota.
//! Plain counters that the exporter reads and encodes as metrics; this
//! crate knows nothing of Prometheus.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::SystemTime;

use crate::error::SignInFailure;

/// How the client signs in, whichever token source it uses; the `method` label of
/// `zpa_auth_info`. Defined here, with the counters that record it, so that `auth` depends on
/// `stats` and not the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A legacy ZPA API key (`POST /signin`).
    Legacy,
    /// A OneAPI API client with a client secret.
    OneApiSecret,
    /// A OneAPI API client signing a JWT client assertion with its private key.
    OneApiPrivateKey,
}

impl Method {
    /// The label value: `legacy`, `oneapi_secret`, `oneapi_private_key`.
    pub fn label(self) -> &'static str {
        match self {
            Method::Legacy => "legacy",
            Method::OneApiSecret => "oneapi_secret",
            Method::OneApiPrivateKey => "oneapi_private_key",
        }
    }

    /// In words, for logs.
    pub fn describe(self) -> &'static str {
        match self {
            Method::Legacy => "legacy API key",
            Method::OneApiSecret => "OneAPI client secret",
            Method::OneApiPrivateKey => "OneAPI private key",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why a request was sent again; the `reason` label of `zpa_api_retries_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetryReason {
    /// 429.
    RateLimited,
    /// 5xx.
    ServerError,
    /// No response, or a broken body.
    Network,
    /// 401: signed in again.
    Unauthorized,
}

impl RetryReason {
    /// Every reason.
    pub const ALL: [RetryReason; 4] = [
        RetryReason::RateLimited,
        RetryReason::ServerError,
        RetryReason::Network,
        RetryReason::Unauthorized,
    ];

    /// The `reason` label value.
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate_limited",
            RetryReason::ServerError => "server_error",
            RetryReason::Network => "network",
            RetryReason::Unauthorized => "unauthorized",
        }
    }
}

/// The outcome of one request: an HTTP status, or none when no response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Outcome(pub Option<u16>);

impl Outcome {
    /// The `code` label: the status, or `error`.
    pub fn label(self) -> String {
        self.0
            .map_or_else(|| "error".to_string(), |s| s.to_string())
    }
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Requests per (endpoint, outcome).
    pub requests: BTreeMap<(&'static str, Outcome), u64>,
    /// Retries per (endpoint, reason).
    pub retries: BTreeMap<(&'static str, RetryReason), u64>,
    /// Sign-in attempts, failed or not.
    pub signin_attempts: u64,
    /// Every reason, zeros included, so `increase()` sees the first failure.
    pub signin_failures: BTreeMap<SignInFailure, u64>,
    /// Failed sign-ins since the last success.
    pub signin_consecutive_failures: u64,
    /// When the current bearer token expires; `None` before the first sign-in.
    pub token_expiry: Option<SystemTime>,
    /// How the client signs in; `None` until an authenticator was built.
    pub auth_method: Option<Method>,
    /// `x-ratelimit-remaining` of the OneAPI gateway's latest answer; `None` until a gateway
    /// answered (never, with a legacy API key).
    pub ratelimit_remaining: Option<u64>,
}

impl Stats {
    /// Requests sent in total, whatever the answer.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}

/// The client's counters, updated as it works.
#[derive(Debug)]
pub struct ApiStats(Mutex<Stats>);

impl Default for ApiStats {
    fn default() -> Self {
        let stats = Stats {
            signin_failures: SignInFailure::ALL.iter().map(|r| (*r, 0)).collect(),
            ..Stats::default()
        };
        ApiStats(Mutex::new(stats))
    }
}

impl ApiStats {
    /// Counters at zero, every sign-in failure reason present.
    pub fn new() -> Self {
        ApiStats::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Stats) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A copy of the counters now.
    pub fn snapshot(&self) -> Stats {
        self.with(|s| s.clone())
    }

    /// Counts a request and its outcome (`None`: no response).
    pub fn record_request(&self, endpoint: &'static str, status: Option<u16>) {
        self.with(|s| *s.requests.entry((endpoint, Outcome(status))).or_insert(0) += 1);
    }

    /// Counts a request sent again.
    pub fn record_retry(&self, endpoint: &'static str, reason: RetryReason) {
        self.with(|s| *s.retries.entry((endpoint, reason)).or_insert(0) += 1);
    }

    /// Counts a successful sign-in whose token expires at `expires_at`.
    pub fn record_signin_success(&self, expires_at: SystemTime) {
        self.with(|s| {
            s.signin_attempts += 1;
            s.signin_consecutive_failures = 0;
            s.token_expiry = Some(expires_at);
        });
    }

    /// Notes how the client signs in.
    pub fn record_auth_method(&self, method: Method) {
        self.with(|s| s.auth_method = Some(method));
    }

    /// Notes what the OneAPI gateway says is left of the quota.
    pub fn record_ratelimit_remaining(&self, remaining: u64) {
        self.with(|s| s.ratelimit_remaining = Some(remaining));
    }

    /// Counts a failed sign-in.
    pub fn record_signin_failure(&self, reason: SignInFailure) {
        self.with(|s| {
            s.signin_attempts += 1;
            s.signin_consecutive_failures += 1;
            *s.signin_failures.entry(reason).or_insert(0) += 1;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_zeros() {
        let stats = ApiStats::new();
        assert_eq!(
            stats.snapshot().signin_failures.len(),
            5,
            "every reason from the start"
        );
        stats.record_request("application", Some(200));
        stats.record_request("application", None);
        stats.record_signin_failure(SignInFailure::Network);
        let s = stats.snapshot();
        assert_eq!(s.total_requests(), 2);
        assert_eq!(s.requests[&("application", Outcome(None))], 1);
        assert_eq!(Outcome(None).label(), "error");
        assert_eq!(s.signin_consecutive_failures, 1);
        stats.record_signin_success(SystemTime::now());
        assert_eq!(stats.snapshot().signin_consecutive_failures, 0);
    }
}
