//! The OneAPI front door's sign-in (zpa-api.md §1b, §1c, §4): ZIdentity's OAuth2 token endpoint,
//! which takes a client secret or an RS256-signed client assertion, and its configuration. The
//! gateway in front of `/zpa/...` is in [`super::gateway`]; what the legacy front door of a
//! OneAPI-only tenant answers is [`crate::respond::only_through_oneapi`].

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::auth::TokenKind;
pub use crate::auth::AUDIENCE;
use crate::faults::{FaultKind, TOKEN};
use crate::request::{apply_fault, finish, form_pairs, sign_record, Gate};
use crate::respond::truncate;
use crate::Shared;
use zpa_api::Secret;

/// RFC 7523's `client_assertion_type` for a signed JWT.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// A token request is a handful of short fields; anything larger is refused unread.
const MAX_FORM_BYTES: usize = 16 * 1024;
/// An RS256 assertion with a 4096-bit key is well under 2 KiB.
const MAX_ASSERTION_BYTES: usize = 8 * 1024;
/// Clock skew allowed on the assertion's `exp` and `nbf`.
const ASSERTION_LEEWAY_SECS: u64 = 30;

/// The token endpoint's limits as production announces them (zpa-api.md §1b): reported, not
/// enforced, since no test needs 500 token requests a second.
const TOKEN_LIMIT: &str = "500, 500;w=1, 100000;w=60";

/// The ZIdentity API client the simulator accepts, and the gateway's quota. The defaults sign
/// in with client id `sim-oneapi-client` and secret `sim-oneapi-secret`. `Debug` shows no
/// secret ([`Secret`]).
#[derive(Clone, Debug)]
pub struct OneApiConfig {
    pub client_id: String,
    /// `None`: only signed assertions are accepted.
    pub client_secret: Option<Secret>,
    /// RSA public key (PEM, SPKI or PKCS#1) that verifies client assertions; `None`: only the
    /// secret is accepted.
    pub public_key_pem: Option<String>,
    /// Token lifetime; `expires_in` reports it in whole seconds, as a JSON number.
    pub token_ttl: Duration,
    /// Requests under `/zpa` allowed per fixed window (production: 5000 per 60 s).
    pub gateway_quota: (u32, Duration),
}

impl Default for OneApiConfig {
    fn default() -> Self {
        OneApiConfig {
            client_id: "sim-oneapi-client".into(),
            client_secret: Some(Secret::new("sim-oneapi-secret")),
            public_key_pem: None,
            // The lifetime production tokens were seen with (zpa-api.md §1b).
            token_ttl: Duration::from_secs(86_399),
            gateway_quota: (5000, Duration::from_secs(60)),
        }
    }
}

/// The parsed assertion key. `DecodingKey` has no `Debug`; this one says only whether it exists.
pub(crate) struct AssertionKey(pub Option<DecodingKey>);

impl std::fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "AssertionKey(RSA)"
        } else {
            "AssertionKey(none)"
        })
    }
}

/// Parses the configured PEM; the error says why, never echoing the key.
pub(crate) fn parse_public_key(pem: &str) -> Result<DecodingKey, String> {
    DecodingKey::from_rsa_pem(pem.as_bytes())
        .map_err(|e| format!("the OneAPI public key is not an RSA public key in PEM form: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Token endpoint

/// An OAuth2 error answer (RFC 6749 §5.2). Descriptions never quote what the client sent.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

fn invalid_request(description: &'static str) -> OAuthError {
    OAuthError {
        status: StatusCode::BAD_REQUEST,
        error: "invalid_request",
        description,
    }
}

fn invalid_client(description: &'static str) -> OAuthError {
    OAuthError {
        status: StatusCode::UNAUTHORIZED,
        error: "invalid_client",
        description,
    }
}

/// The headers the real token endpoint sends (zpa-api.md §1b; PY cassette `TestActivate.yaml`).
fn token_response(shared: &Shared, status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    h.insert(header::SERVER, HeaderValue::from_static("ingress-gateway"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert("x-ratelimit-limit", HeaderValue::from_static(TOKEN_LIMIT));
    // Production reports the per-second window here (remaining 149 of 150, reset 1).
    if let Some(q) = shared.token_rate.take() {
        h.insert("x-ratelimit-remaining", HeaderValue::from(q.remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(q.reset_secs()));
    }
    resp
}

fn oauth_error(shared: &Shared, e: OAuthError) -> Response {
    let body = serde_json::json!({"error": e.error, "error_description": e.description});
    token_response(shared, e.status, body.to_string())
}

/// `POST /oauth2/v1/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let rec = sign_record(&shared, TOKEN);
    let truncated = match apply_fault(&shared, TOKEN, &rec).await {
        Gate::Respond(resp) => return finish(&shared, rec, resp),
        // A `signinRefused` fault: bad credentials, whatever the client sent.
        Gate::Proceed(Some(FaultKind::SigninRefused)) => {
            let resp = oauth_error(&shared, invalid_client("Client authentication failed"));
            return finish(&shared, rec, resp);
        }
        Gate::Proceed(kind) => kind == Some(FaultKind::Truncated),
    };
    let resp = match grant(&shared, &headers, body).await {
        Ok(mut body) => {
            if truncated {
                body = truncate(&body);
            }
            token_response(&shared, StatusCode::OK, body)
        }
        Err(e) => oauth_error(&shared, e),
    };
    finish(&shared, rec, resp)
}

/// Checks a client-credentials request and issues a token (the response body).
async fn grant(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<String, OAuthError> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(OAuthError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: "invalid_request",
            description: "Request body too large",
        });
    };
    let mut form = std::collections::HashMap::new();
    for (k, v) in form_pairs(&body) {
        // RFC 6749 §3.2: parameters must not be repeated.
        if form.insert(k, v).is_some() {
            return Err(invalid_request("Repeated request parameter"));
        }
    }
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    match field("grant_type") {
        None => return Err(invalid_request("Missing grant_type")),
        Some("client_credentials") => {}
        Some(_) => {
            return Err(OAuthError {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: "Only the client_credentials grant is supported",
            })
        }
    }
    let Some(client_id) = field("client_id") else {
        return Err(invalid_request("Missing client_id"));
    };
    if field("audience") != Some(AUDIENCE) {
        return Err(invalid_request("audience must be https://api.zscaler.com"));
    }
    let cfg = &shared.cfg.oneapi;
    if client_id != cfg.client_id {
        return Err(invalid_client("Client authentication failed"));
    }
    let secret = field("client_secret");
    let assertion = field("client_assertion");
    let assertion_type = field("client_assertion_type");
    match (secret, assertion, assertion_type) {
        (Some(_), Some(_), _) | (Some(_), None, Some(_)) => {
            return Err(invalid_request(
                "Use exactly one client authentication method",
            ))
        }
        (Some(given), None, None) => {
            let ok = cfg
                .client_secret
                .as_ref()
                .is_some_and(|s| constant_time_eq(s.expose().as_bytes(), given.as_bytes()));
            if !ok {
                return Err(invalid_client("Client authentication failed"));
            }
        }
        (None, Some(assertion), kind) => {
            if kind != Some(ASSERTION_TYPE) {
                return Err(invalid_request("Unsupported client_assertion_type"));
            }
            if assertion.len() > MAX_ASSERTION_BYTES {
                return Err(invalid_request("client_assertion too large"));
            }
            let Some(key) = shared.assertion_key.0.as_ref() else {
                return Err(invalid_client(
                    "Client assertions are not enabled for this client",
                ));
            };
            verify_assertion(key, &cfg.client_id, assertion).map_err(invalid_client)?;
        }
        (None, None, Some(_)) => return Err(invalid_request("Missing client_assertion")),
        (None, None, None) => return Err(invalid_client("Client authentication required")),
    }
    let token = shared.tokens.issue(
        TokenKind::OneApi,
        &cfg.client_id,
        &shared.cfg.customer_id,
        cfg.token_ttl,
    );
    Ok(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        // A JSON number here, unlike legacy /signin's string (zpa-api.md §1b, §9.1).
        "expires_in": cfg.token_ttl.as_secs(),
    })
    .to_string())
}

/// RS256 with `iss` = `sub` = the client id and `aud` = [`AUDIENCE`], not expired: what the SDKs
/// sign (GO `authenticateWithCert`, PY `_authenticate_with_private_key`).
fn verify_assertion(
    key: &DecodingKey,
    client_id: &str,
    assertion: &str,
) -> Result<(), &'static str> {
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[AUDIENCE]);
    v.set_issuer(&[client_id]);
    v.sub = Some(client_id.to_string());
    v.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    v.leeway = ASSERTION_LEEWAY_SECS;
    v.validate_nbf = true;
    match jsonwebtoken::decode::<serde_json::Value>(assertion, key, &v) {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.kind() {
            ErrorKind::InvalidSignature => "Client assertion signature is invalid",
            ErrorKind::InvalidAlgorithm => "Client assertion must be signed with RS256",
            ErrorKind::InvalidAudience => "Client assertion audience is not accepted",
            ErrorKind::InvalidIssuer | ErrorKind::InvalidSubject => {
                "Client assertion iss and sub must be the client id"
            }
            ErrorKind::ExpiredSignature => "Client assertion has expired",
            ErrorKind::ImmatureSignature => "Client assertion is not valid yet",
            ErrorKind::MissingRequiredClaim(_) => "Client assertion lacks a required claim",
            _ => "Client assertion is malformed",
        }),
    }
}

/// Equal-length, equal-content comparison whose time does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let cfg = OneApiConfig::default();
        let text = format!("{cfg:?}");
        assert!(!text.contains("sim-oneapi-secret"), "{text}");
        assert!(text.contains("sim-oneapi-client"));
    }
}
