//! The legacy ZPA API key: `POST {base}/signin` with a form body, `POST {base}/signout`.

use std::sync::Arc;

use super::{parse_token_response, Token, TokenSource};
use crate::body::{read_capped, ERROR_BODY_LIMIT};
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

impl TokenSource for LegacyApiKey {
    fn kind(&self) -> &'static str {
        "legacy API key"
    }

    fn sign_in<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            let url = format!("{}/signin", self.base_url);
            let form = [
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose()),
            ];
            let response = match http.post(&url).form(&form).send().await {
                Ok(r) => r,
                Err(e) => {
                    self.stats.record_request("signin", None);
                    return Err(Error::SignIn {
                        reason: SignInFailure::Network,
                        detail: crate::error::transport_kind(&e).to_string(),
                        source: Some(Arc::new(e)),
                    });
                }
            };
            let status = response.status().as_u16();
            self.stats.record_request("signin", Some(status));
            let body = read_capped("signin", response, ERROR_BODY_LIMIT).await;
            if status != 200 {
                // The status says what happened; the body only adds an `id`, if it is readable
                // within the limit.
                let body = body.unwrap_or_default();
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
                        crate::error::error_id(&body)
                            .map(|id| format!(", {id}"))
                            .unwrap_or_default()
                    ),
                    source: None,
                });
            }
            let body = body.map_err(|e| Error::SignIn {
                reason: match e {
                    Error::BodyTooLarge { .. } => SignInFailure::BadResponse,
                    _ => SignInFailure::Network,
                },
                detail: "reading the sign-in response".into(),
                source: Some(Arc::new(e)),
            })?;
            parse_token_response(&body)
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
