//! The legacy ZPA API key: `POST {base}/signin` with a form body, `POST {base}/signout`; and
//! what a tenant migrated to ZIdentity answers instead ([`OneApiOnly`]).

use std::sync::Arc;

use super::{form, parse_token_response, Method, Token, TokenSource};
use crate::error::{Error, SignInFailure};
use crate::secret::Secret;
use crate::stats::ApiStats;
use crate::BoxFuture;

/// A legacy API key of one tenant.
#[derive(Debug)]
pub struct LegacyApiKey {
    /// The cloud's API root, where `/signin` lives.
    pub base_url: String,
    /// The API key's client id.
    pub client_id: String,
    /// The API key's secret.
    pub client_secret: Secret,
    /// Where sign-in requests are counted.
    pub stats: Arc<ApiStats>,
}

/// The tenant refuses legacy API keys: it was moved to ZIdentity and accepts API clients only
/// through OneAPI. The cause of the [`Error::SignIn`] (`invalid_credentials`) such a refusal
/// becomes; [`is_oneapi_only`] recognises it.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the tenant accepts API calls only through Zscaler OneAPI; legacy API keys are refused")]
pub struct OneApiOnly;

/// Whether `err` is a legacy sign-in refused because the tenant only accepts OneAPI.
pub fn is_oneapi_only(err: &Error) -> bool {
    matches!(err, Error::SignIn { source: Some(cause), .. } if cause.is::<OneApiOnly>())
}

/// The refusal of a OneAPI-only tenant: production sends it as a body that is not JSON and
/// contains "only through Zscaler OneAPI"; Zscaler's Go SDK recognises it the same way
/// (any status, case-insensitive).
pub(crate) fn refuses_legacy(content_type: Option<&str>, body: &[u8]) -> bool {
    const PHRASE: &[u8] = b"only through zscaler oneapi";
    let json = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    !json
        && body
            .to_ascii_lowercase()
            .windows(PHRASE.len())
            .any(|w| w == PHRASE)
}

/// The error a OneAPI-only refusal with `status` becomes.
pub(crate) fn oneapi_only_error(status: u16) -> Error {
    Error::SignIn {
        reason: SignInFailure::InvalidCredentials,
        detail: format!("HTTP {status}"),
        source: Some(Arc::new(OneApiOnly)),
    }
}

impl TokenSource for LegacyApiKey {
    fn method(&self) -> Method {
        Method::Legacy
    }

    fn sign_in<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            let url = format!("{}/signin", self.base_url);
            let fields = [
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ];
            let answer = form::post(http, &url, "signin", &fields, &self.stats).await?;
            let status = answer.status;
            if status != 200 {
                if refuses_legacy(answer.content_type.as_deref(), &answer.body) {
                    return Err(oneapi_only_error(status));
                }
                let hint = if matches!(status, 404 | 405) {
                    format!(
                        ": there is no sign-in endpoint at {url}; the URL looks wrong \
                         (check --zpa.base-url or --zpa.cloud)"
                    )
                } else {
                    String::new()
                };
                return Err(Error::SignIn {
                    reason: SignInFailure::from_status(status),
                    detail: format!(
                        "HTTP {status}{}{hint}",
                        crate::error::id_suffix(&crate::error::error_id(&answer.body))
                    ),
                    source: None,
                });
            }
            parse_token_response(&answer.body)
        })
    }

    fn sign_out<'a>(&'a self, http: &'a reqwest::Client, token: &'a Secret) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let url = format!("{}/signout", self.base_url);
            let result = http
                .post(&url)
                .bearer_auth(token.expose())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .send()
                .await;
            match result {
                Ok(r) => {
                    self.stats
                        .record_request("signout", Some(r.status().as_u16()));
                    tracing::debug!(status = r.status().as_u16(), "signed out of ZPA");
                }
                Err(e) => {
                    self.stats.record_request("signout", None);
                    tracing::debug!(error = %crate::error::Chain(&e), "sign-out failed");
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oneapi_only_refusal_is_recognised() {
        let text = b"This API endpoint can be accessed only through Zscaler OneAPI";
        assert!(refuses_legacy(Some("text/plain;charset=UTF-8"), text));
        assert!(refuses_legacy(
            None,
            b"<html>... ONLY THROUGH ZSCALER ONEAPI ...</html>"
        ));
        assert!(
            !refuses_legacy(Some("application/json"), text),
            "a JSON body is an ordinary ZPA error"
        );
        assert!(!refuses_legacy(Some("text/plain"), b"Forbidden"));
        let err = oneapi_only_error(403);
        assert!(is_oneapi_only(&err));
        assert!(matches!(
            err,
            Error::SignIn {
                reason: SignInFailure::InvalidCredentials,
                ..
            }
        ));
        assert_eq!(
            crate::error::Chain(&err).to_string(),
            "sign-in failed (invalid_credentials): HTTP 403: the tenant accepts API calls only \
             through Zscaler OneAPI; legacy API keys are refused"
        );
        assert!(!is_oneapi_only(&Error::SignIn {
            reason: SignInFailure::InvalidCredentials,
            detail: "HTTP 401".into(),
            source: None
        }));
    }
}
