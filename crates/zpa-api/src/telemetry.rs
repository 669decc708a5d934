//! The client's own counters: API requests, retries and sign-ins.
//!
//! These accumulate across polls, so unlike the inventory (rebuilt each poll from a snapshot)
//! they are live prometheus-client metrics that the client updates as it works.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::registry::Registry;

use super::error::SignInFailure;

type Labels2 = [(&'static str, String); 2];
type Labels1 = [(&'static str, &'static str); 1];

/// Why a request was sent again; the `reason` label of `zpa_api_retries_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    RateLimited,
    ServerError,
    Network,
    Unauthorized,
}

impl RetryReason {
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate_limited",
            RetryReason::ServerError => "server_error",
            RetryReason::Network => "network",
            RetryReason::Unauthorized => "unauthorized",
        }
    }
}

#[derive(Debug, Default)]
pub struct ApiTelemetry {
    requests: Family<Labels2, Counter>,
    retries: Family<Labels2, Counter>,
    signin_attempts: Counter,
    signin_failures: Family<Labels1, Counter>,
    signin_consecutive_failures: Gauge,
    token_expiry: TokenExpiry,
    requests_total: std::sync::atomic::AtomicU64,
}

/// Exported only once a token exists: a zero would read as "expired in 1970".
#[derive(Debug, Default)]
struct TokenExpiry(Mutex<Option<f64>>);

impl Collector for TokenExpiry {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(at) = *self.0.lock().unwrap_or_else(|e| e.into_inner()) else {
            return Ok(());
        };
        let gauge = ConstGauge::new(at);
        let metric = encoder.encode_descriptor(
            "zpa_token_expiry_timestamp_seconds",
            "When the current ZPA API bearer token expires (Unix time); absent before the first sign-in.",
            None,
            gauge.metric_type(),
        )?;
        gauge.encode(metric)
    }
}

impl ApiTelemetry {
    pub fn new() -> Self {
        let t = ApiTelemetry::default();
        // Every reason is present from the start so `increase()` sees the first failure.
        for reason in SignInFailure::ALL {
            let _ = t
                .signin_failures
                .get_or_create(&[("reason", reason.label())]);
        }
        t
    }

    /// Registers everything on `registry`; `self` must outlive it (hence the `Arc`).
    pub fn register(self: &std::sync::Arc<Self>, registry: &mut Registry) {
        registry.register(
            "zpa_api_requests",
            "ZPA API requests sent, by resource and HTTP status code (\"error\" when no response arrived)",
            self.requests.clone(),
        );
        registry.register(
            "zpa_api_retries",
            "ZPA API requests sent again, by resource and reason (rate_limited, server_error, network, unauthorized)",
            self.retries.clone(),
        );
        registry.register(
            "zpa_signin_attempts",
            "Sign-in attempts against the ZPA API",
            self.signin_attempts.clone(),
        );
        registry.register(
            "zpa_signin_failures",
            "Failed sign-ins against the ZPA API, by reason",
            self.signin_failures.clone(),
        );
        registry.register(
            "zpa_signin_consecutive_failures",
            "Failed sign-ins since the last successful one (0 when healthy)",
            self.signin_consecutive_failures.clone(),
        );
        registry.register_collector(Box::new(ArcCollector(self.clone())));
    }

    pub fn record_request(&self, endpoint: &'static str, status: Option<u16>) {
        self.requests_total
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let code = status.map_or_else(|| "error".to_string(), |s| s.to_string());
        self.requests
            .get_or_create(&[("endpoint", endpoint.to_string()), ("code", code)])
            .inc();
    }

    pub fn record_retry(&self, endpoint: &'static str, reason: RetryReason) {
        self.retries
            .get_or_create(&[
                ("endpoint", endpoint.to_string()),
                ("reason", reason.label().to_string()),
            ])
            .inc();
    }

    pub fn record_signin_success(&self, expires_at: SystemTime) {
        self.signin_attempts.inc();
        self.signin_consecutive_failures.set(0);
        let at = expires_at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        *self
            .token_expiry
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(at);
    }

    pub fn record_signin_failure(&self, reason: SignInFailure) {
        self.signin_attempts.inc();
        self.signin_consecutive_failures.inc();
        self.signin_failures
            .get_or_create(&[("reason", reason.label())])
            .inc();
    }

    pub fn signin_consecutive_failures(&self) -> i64 {
        self.signin_consecutive_failures.get()
    }

    /// Requests sent in total, whatever the answer: the cost of a poll cycle.
    pub fn total_requests(&self) -> u64 {
        self.requests_total
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[derive(Debug)]
struct ArcCollector(std::sync::Arc<ApiTelemetry>);

impl Collector for ArcCollector {
    fn encode(&self, encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        self.0.token_expiry.encode(encoder)
    }
}
