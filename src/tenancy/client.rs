//! Builds the ZPA client a configuration asks for: how it signs in (a legacy API key or a
//! OneAPI API client), its rate limiter and its retry policy. Says in the log which way in was
//! chosen and why, and, when a tenant refuses legacy API keys, what to set instead.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use zpa_api::auth::{
    is_oneapi_only, Authenticator, LegacyApiKey, Method, OneApiClient, Token, TokenSource,
};
use zpa_api::ratelimit::RateLimiter;
use zpa_api::stats::ApiStats;
use zpa_api::{BoxFuture, Client, Error, RetryPolicy, Secret, Tenant};

use super::error::TenantStartError;
use crate::collectors;
use crate::config::{AuthMethod, Config, TenantSpec};

/// The client for `spec`'s tenant, signing in the way its `auth` says, with its rate budget.
pub(super) fn client(
    config: &Config,
    spec: &TenantSpec,
    stats: Arc<ApiStats>,
) -> Result<Client, TenantStartError> {
    let target = &spec.target;
    let http = Client::http_client(config.request_timeout).map_err(TenantStartError::HttpClient)?;
    let source: Box<dyn TokenSource> = match &target.auth.method {
        AuthMethod::Legacy => Box::new(AdviseOneApi {
            inner: LegacyApiKey {
                base_url: target.base_url.clone(),
                client_id: target.client_id.clone(),
                client_secret: target.client_secret.clone(),
                stats: stats.clone(),
            },
            advised: AtomicBool::new(false),
        }),
        AuthMethod::OneApi {
            token_url,
            credential,
        } => Box::new(OneApiClient {
            token_url: token_url.clone(),
            client_id: target.client_id.clone(),
            credential: credential.clone(),
            stats: stats.clone(),
        }),
    };
    let token_url = match &target.auth.method {
        AuthMethod::Legacy => None,
        AuthMethod::OneApi { token_url, .. } => Some(token_url.as_str()),
    };
    tracing::info!(
        method = source.method().label(),
        reason = target.auth.reason,
        token_url,
        api = %target.base_url,
        "signing in with a {}",
        source.method()
    );
    // Failed sign-ins are retried at least as often as the most frequent collector runs.
    let max_backoff = collectors::ALL
        .iter()
        .map(|collector| spec.requested_interval(collector))
        .min()
        .unwrap_or(Duration::from_secs(60));
    let auth = Authenticator::new(source, stats, max_backoff);
    // The request timeout is the HTTP client's (above).
    let retry = RetryPolicy::default();
    let tenant = Tenant {
        api_root: target.base_url.clone(),
        customer_id: target.customer_id.clone(),
        microtenant_id: target.microtenant_id.clone(),
    };
    Ok(Client::new(
        http,
        tenant,
        auth,
        Arc::new(RateLimiter::new(spec.rate_limit)),
        retry,
    ))
}

/// What to do when a tenant refuses legacy API keys, in the exporter's own settings.
const SWITCH_TO_ONEAPI: &str = "this tenant accepts API clients only through Zscaler OneAPI \
     and refuses legacy API keys: sign in with --zpa.auth=oneapi (ZPA_AUTH=oneapi) and a OneAPI \
     API client from ZIdentity: set ZSCALER_CLIENT_ID, ZSCALER_CLIENT_SECRET (or \
     --oneapi.client-secret-file, or --oneapi.private-key-file for a private key), \
     ZSCALER_VANITY_DOMAIN, ZSCALER_CLOUD when not on production, and keep ZPA_CUSTOMER_ID";

/// The legacy API key, saying once, plainly, how to switch when the tenant only takes OneAPI
/// (the authenticator logs every failed attempt; this is the line that says what to do).
#[derive(Debug)]
struct AdviseOneApi {
    inner: LegacyApiKey,
    advised: AtomicBool,
}

impl TokenSource for AdviseOneApi {
    fn method(&self) -> Method {
        self.inner.method()
    }

    fn sign_in<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            let result = self.inner.sign_in(http).await;
            if let Err(e) = &result {
                if is_oneapi_only(e) && !self.advised.swap(true, Ordering::Relaxed) {
                    tracing::error!("{SWITCH_TO_ONEAPI}");
                }
            }
            result
        })
    }

    fn sign_out<'a>(&'a self, http: &'a reqwest::Client, token: &'a Secret) -> BoxFuture<'a, ()> {
        self.inner.sign_out(http, token)
    }
}
