//! Signing in to ZPA and keeping a valid bearer token.
//!
//! [`TokenSource`] is the one small interface a sign-in method implements: the legacy API key
//! ([`LegacyApiKey`]) and a OneAPI / ZIdentity API client ([`OneApiClient`], with a client
//! secret or a private-key client assertion). [`Authenticator`] wraps any source with what every
//! method needs: caching, renewal before expiry, one forced renewal after a 401, backoff between
//! failed sign-ins, and the sign-in metrics.

mod assertion;
mod form;
mod legacy;
mod oneapi;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{Error, SignInFailure};
use crate::paging::opt_u64;
use crate::secret::Secret;
use crate::stats::ApiStats;
use crate::BoxFuture;

/// How a [`TokenSource`] signs in; it lives with the counters that record it.
pub use crate::stats::Method;
pub use assertion::{KeyError, PrivateKey};
pub use legacy::{is_oneapi_only, LegacyApiKey, OneApiOnly};
pub(crate) use legacy::{oneapi_only_error, refuses_legacy};
pub use oneapi::{OneApiClient, OneApiCredential, ASSERTION_TYPE, AUDIENCE};

#[derive(Deserialize)]
struct SignInResponse {
    access_token: Option<String>,
    /// A JSON string ("3600") from /signin, a number from OAuth2 token endpoints.
    #[serde(default, deserialize_with = "opt_u64")]
    expires_in: Option<u64>,
}

/// Tokens without a usable lifetime are assumed to last ZPA's documented default.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// A bearer token and when it stops working.
#[derive(Debug, Clone)]
pub struct Token {
    /// The bearer token.
    pub access_token: Secret,
    /// How long it is valid from now.
    pub lifetime: Duration,
}

/// A way of obtaining bearer tokens.
pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// Which way in this is.
    fn method(&self) -> Method;

    /// Obtains a fresh token.
    fn sign_in<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Token, Error>>;

    /// Best-effort invalidation at shutdown.
    fn sign_out<'a>(&'a self, http: &'a reqwest::Client, token: &'a Secret) -> BoxFuture<'a, ()>;
}

/// Reads `{"access_token": ..., "expires_in": "3600" | 3600}`.
pub fn parse_token_response(body: &[u8]) -> Result<Token, Error> {
    let parsed: SignInResponse = serde_json::from_slice(body).map_err(|e| Error::SignIn {
        reason: SignInFailure::BadResponse,
        // Only the kind and position, never serde's message: it could quote the token.
        detail: format!("unreadable sign-in response: {}", e.classify_message()),
        source: None,
    })?;
    let access_token = parsed
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::SignIn {
            reason: SignInFailure::BadResponse,
            detail: "sign-in response has no access_token".into(),
            source: None,
        })?;
    let lifetime = parsed
        .expires_in
        .filter(|s| *s > 0)
        .map(crate::quota::announced_secs)
        .unwrap_or(DEFAULT_TOKEN_LIFETIME);
    Ok(Token {
        access_token: Secret::new(access_token),
        lifetime,
    })
}

trait ClassifyMessage {
    fn classify_message(&self) -> String;
}

impl ClassifyMessage for serde_json::Error {
    fn classify_message(&self) -> String {
        format!(
            "{:?} error at line {} column {}",
            self.classify(),
            self.line(),
            self.column()
        )
    }
}

#[derive(Debug)]
struct CachedToken {
    token: Secret,
    renew_at: Instant,
}

#[derive(Debug, Default)]
struct AuthState {
    current: Option<CachedToken>,
    consecutive_failures: u32,
    retry_not_before: Option<Instant>,
    last_error: Option<Error>,
}

/// Hands out valid bearer tokens from a [`TokenSource`].
#[derive(Debug)]
pub struct Authenticator {
    source: Box<dyn TokenSource>,
    stats: Arc<ApiStats>,
    /// The longest wait between failed sign-ins: one attempt per poll interval at most.
    max_backoff: Duration,
    state: Mutex<AuthState>,
}

impl Authenticator {
    /// Hands out tokens from `source`; failed sign-ins back off up to `max_backoff`.
    pub fn new(source: Box<dyn TokenSource>, stats: Arc<ApiStats>, max_backoff: Duration) -> Self {
        stats.record_auth_method(source.method());
        Authenticator {
            source,
            stats,
            max_backoff,
            state: Mutex::new(AuthState::default()),
        }
    }

    /// The counters sign-ins are recorded in.
    pub fn stats(&self) -> &Arc<ApiStats> {
        &self.stats
    }

    /// How the source signs in.
    pub fn method(&self) -> Method {
        self.source.method()
    }

    /// A token that is valid now, signing in if needed. While sign-in is failing, callers get the
    /// last error without a new attempt until the backoff has passed.
    pub async fn bearer(&self, http: &reqwest::Client) -> Result<Secret, Error> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(cached) = &state.current {
            if now < cached.renew_at {
                return Ok(cached.token.clone());
            }
            tracing::debug!("bearer token is due for renewal");
        }
        if let (Some(not_before), Some(err)) = (state.retry_not_before, &state.last_error) {
            if now < not_before {
                return Err(err.clone());
            }
        }
        match self.source.sign_in(http).await {
            Ok(token) => {
                let expires_at = SystemTime::now() + token.lifetime;
                self.stats.record_signin_success(expires_at);
                if state.consecutive_failures > 0 {
                    tracing::info!(
                        after_failures = state.consecutive_failures,
                        "signed in to ZPA again"
                    );
                } else {
                    tracing::debug!(lifetime = ?token.lifetime, "signed in to ZPA");
                }
                state.consecutive_failures = 0;
                state.retry_not_before = None;
                state.last_error = None;
                state.current = Some(CachedToken {
                    token: token.access_token.clone(),
                    renew_at: Instant::now() + renewal_lead(token.lifetime),
                });
                Ok(token.access_token)
            }
            Err(err) => {
                let reason = match &err {
                    Error::SignIn { reason, .. } => *reason,
                    _ => SignInFailure::BadResponse,
                };
                self.stats.record_signin_failure(reason);
                state.consecutive_failures += 1;
                let backoff = crate::backoff::doubling(
                    Duration::from_secs(1),
                    state.consecutive_failures,
                    self.max_backoff,
                );
                tracing::warn!(
                    method = self.source.method().describe(),
                    %reason,
                    error = %crate::error::Chain(&err),
                    consecutive_failures = state.consecutive_failures,
                    next_attempt_in = ?backoff,
                    "ZPA sign-in failed"
                );
                state.retry_not_before = Some(Instant::now() + backoff);
                state.last_error = Some(err.clone());
                state.current = None;
                Err(err)
            }
        }
    }

    /// Drops `rejected` after the API answered 401 with it, so the next call signs in again.
    /// A token already replaced by a concurrent caller is left alone.
    pub async fn invalidate(&self, rejected: &Secret) {
        let mut state = self.state.lock().await;
        if state.current.as_ref().is_some_and(|c| &c.token == rejected) {
            state.current = None;
        }
    }

    /// Invalidates the current token, if any (at shutdown).
    pub async fn sign_out(&self, http: &reqwest::Client) {
        let token = self.state.lock().await.current.take();
        if let Some(cached) = token {
            self.source.sign_out(http, &cached.token).await;
        }
    }
}

/// Renew a minute before expiry; short-lived tokens keep at least 2 s (servers round `exp` down
/// to whole seconds) but never more than half their life.
fn renewal_lead(lifetime: Duration) -> Duration {
    let margin = (lifetime / 10)
        .max(Duration::from_secs(2))
        .min(Duration::from_secs(60))
        .min(lifetime / 2);
    lifetime - margin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_as_string_or_number() {
        let t = parse_token_response(
            br#"{"token_type":"Bearer","access_token":"eyJ.a.b","expires_in":"3600"}"#,
        )
        .unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(3600));
        let t = parse_token_response(br#"{"access_token":"x","expires_in":86399}"#).unwrap();
        assert_eq!(t.lifetime, Duration::from_secs(86399));
        let t = parse_token_response(br#"{"access_token":"x"}"#).unwrap();
        assert_eq!(t.lifetime, DEFAULT_TOKEN_LIFETIME);
        let t = parse_token_response(br#"{"access_token":"x","expires_in":18446744073709551615}"#)
            .unwrap();
        assert_eq!(
            t.lifetime,
            crate::quota::MAX_ANNOUNCED,
            "capped, no clock overflow"
        );
    }

    #[test]
    fn bad_responses_never_echo_the_body() {
        let err = parse_token_response(br#"{"access_token":"s3cr3t-token","expires_in":"soon"}"#)
            .unwrap_err();
        assert!(matches!(
            err,
            Error::SignIn {
                reason: SignInFailure::BadResponse,
                ..
            }
        ));
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
        let err = parse_token_response(br#"{"token_type":"Bearer"}"#).unwrap_err();
        assert!(err.to_string().contains("no access_token"));
    }

    #[test]
    fn renewal_and_backoff_schedules() {
        assert_eq!(
            renewal_lead(Duration::from_secs(3600)),
            Duration::from_secs(3540)
        );
        assert_eq!(
            renewal_lead(Duration::from_secs(10)),
            Duration::from_secs(8)
        );
        assert_eq!(
            renewal_lead(Duration::from_secs(3)),
            Duration::from_millis(1500)
        );
    }
}
