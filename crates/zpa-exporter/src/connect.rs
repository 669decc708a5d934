//! Builds the ZPA client a configuration asks for: how it signs in, its rate limiter and its
//! retry policy.

use std::sync::Arc;
use std::time::Duration;

use zpa_api::auth::{Authenticator, LegacyApiKey};
use zpa_api::ratelimit::RateLimiter;
use zpa_api::stats::ApiStats;
use zpa_api::{Client, RetryPolicy, Tenant};

use crate::collectors;
use crate::config::{Config, ZpaTarget};
use crate::exporter::StartError;

/// The client for `target`, signing in with its legacy API key.
pub fn client(
    config: &Config,
    target: &ZpaTarget,
    stats: Arc<ApiStats>,
) -> Result<Client, StartError> {
    let http = Client::http_client(config.request_timeout).map_err(StartError::HttpClient)?;
    let source = LegacyApiKey {
        base_url: target.base_url.clone(),
        client_id: target.client_id.clone(),
        client_secret: target.client_secret.clone(),
        stats: stats.clone(),
    };
    // Failed sign-ins are retried at least as often as the most frequent collector runs.
    let max_backoff = collectors::ALL
        .iter()
        .map(|spec| config.requested_interval(spec))
        .min()
        .unwrap_or(Duration::from_secs(60));
    let auth = Authenticator::new(Box::new(source), stats, max_backoff);
    let retry = RetryPolicy {
        request_timeout: config.request_timeout,
        ..RetryPolicy::default()
    };
    let tenant = Tenant {
        api_root: target.base_url.clone(),
        customer_id: target.customer_id.clone(),
        microtenant_id: target.microtenant_id.clone(),
    };
    Ok(Client::new(
        http,
        tenant,
        auth,
        RateLimiter::new(config.rate_limit),
        retry,
    ))
}
