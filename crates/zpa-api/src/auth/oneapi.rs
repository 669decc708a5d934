//! A OneAPI (ZIdentity) API client: OAuth2 client credentials at the tenant's token endpoint,
//! authenticated by a client secret or by an RS256 client assertion ([`PrivateKey`]). The
//! token it gets is valid at the OneAPI gateway, where ZPA lives below `/zpa`.

use std::sync::Arc;
use std::time::SystemTime;

use super::{form, parse_token_response, Method, PrivateKey, Token, TokenSource};
use crate::error::{Error, SignInFailure};
use crate::secret::Secret;
use crate::stats::ApiStats;
use crate::BoxFuture;

/// The `audience` of every token request, and the assertion's `aud`.
pub const AUDIENCE: &str = "https://api.zscaler.com";
/// RFC 7523's `client_assertion_type` for a signed JWT.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How a OneAPI API client proves who it is.
#[derive(Debug, Clone)]
pub enum OneApiCredential {
    /// The client secret (`client_secret`).
    Secret(Secret),
    /// A private key whose public half is registered with the API client
    /// (`client_assertion`).
    PrivateKey(PrivateKey),
}

/// A OneAPI API client of one tenant.
#[derive(Debug)]
pub struct OneApiClient {
    /// The token endpoint, e.g. `https://acme.zslogin.net/oauth2/v1/token`.
    pub token_url: String,
    /// The API client's id.
    pub client_id: String,
    /// Its secret or private key.
    pub credential: OneApiCredential,
    /// Where token requests are counted.
    pub stats: Arc<ApiStats>,
}

impl TokenSource for OneApiClient {
    fn method(&self) -> Method {
        match self.credential {
            OneApiCredential::Secret(_) => Method::OneApiSecret,
            OneApiCredential::PrivateKey(_) => Method::OneApiPrivateKey,
        }
    }

    fn sign_in<'a>(&'a self, http: &'a reqwest::Client) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            let assertion: Secret;
            let mut fields = vec![
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
            ];
            match &self.credential {
                OneApiCredential::Secret(secret) => fields.push(("client_secret", secret.expose())),
                OneApiCredential::PrivateKey(key) => {
                    // Made per request: each assertion has its own jti and ten-minute expiry.
                    assertion = key
                        .assertion(&self.client_id, SystemTime::now())
                        .map_err(|e| Error::SignIn {
                            reason: SignInFailure::BadResponse,
                            detail: "cannot sign the client assertion".into(),
                            source: Some(Arc::new(e)),
                        })?;
                    fields.push(("client_assertion", assertion.expose()));
                    fields.push(("client_assertion_type", ASSERTION_TYPE));
                }
            }
            fields.push(("audience", AUDIENCE));
            let answer = form::post(http, &self.token_url, "token", &fields, &self.stats).await?;
            if answer.status != 200 {
                return Err(Error::SignIn {
                    reason: SignInFailure::from_status(answer.status),
                    detail: format!(
                        "HTTP {}{}",
                        answer.status,
                        crate::error::id_suffix(&oauth_error(&answer.body))
                    ),
                    source: None,
                });
            }
            parse_token_response(&answer.body)
        })
    }

    /// OneAPI has no sign-out the SDKs use; the token simply expires.
    fn sign_out<'a>(&'a self, _: &'a reqwest::Client, _: &'a Secret) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// The OAuth2 `error` code of a refusal (`invalid_client`, …; RFC 6749 §5.2). Only a short
/// code of the RFC's character set is kept: `error_description` is left out, since a server
/// could put anything there.
fn oauth_error(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct OAuthError {
        error: Option<String>,
    }
    serde_json::from_slice::<OAuthError>(body)
        .ok()?
        .error
        .filter(|e| {
            !e.is_empty() && e.len() <= 64 && e.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_error_codes_only() {
        assert_eq!(
            oauth_error(br#"{"error":"invalid_client","error_description":"x"}"#).as_deref(),
            Some("invalid_client")
        );
        assert_eq!(oauth_error(br#"{"error":"Secret: hunter2"}"#), None);
        assert_eq!(oauth_error(b"<html>"), None);
    }
}
