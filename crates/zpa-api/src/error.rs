//! Errors of the ZPA client, classified the way callers need them (retry soon, resource not
//! licensed, configuration wrong), each keeping its cause as a `source`.
//!
//! Messages never contain secrets: tokens travel in headers, never in URLs, and response bodies
//! are quoted only through their `id` field.

use std::fmt;
use std::sync::Arc;

/// Why a sign-in failed; the values are the `reason` label of `zpa_signin_failures_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignInFailure {
    /// The sign-in endpoint refused the credentials (any 4xx but 404, 405 and 429).
    InvalidCredentials,
    /// It answered 429.
    RateLimited,
    /// It answered 5xx.
    ServerError,
    /// No answer arrived (connection, timeout).
    Network,
    /// An answer without a usable token, or 404/405: no sign-in endpoint at that URL, so
    /// the base URL or cloud is wrong, not the credentials.
    BadResponse,
}

impl SignInFailure {
    /// Every reason, for metrics that show each from the start.
    pub const ALL: [SignInFailure; 5] = [
        SignInFailure::InvalidCredentials,
        SignInFailure::RateLimited,
        SignInFailure::ServerError,
        SignInFailure::Network,
        SignInFailure::BadResponse,
    ];

    /// The `reason` label value.
    pub fn label(self) -> &'static str {
        match self {
            SignInFailure::InvalidCredentials => "invalid_credentials",
            SignInFailure::RateLimited => "rate_limited",
            SignInFailure::ServerError => "server_error",
            SignInFailure::Network => "network",
            SignInFailure::BadResponse => "bad_response",
        }
    }

    /// Classifies an HTTP status returned by a sign-in endpoint.
    pub fn from_status(status: u16) -> SignInFailure {
        match status {
            429 => SignInFailure::RateLimited,
            500..=599 => SignInFailure::ServerError,
            404 | 405 => SignInFailure::BadResponse,
            400..=499 => SignInFailure::InvalidCredentials,
            _ => SignInFailure::BadResponse,
        }
    }
}

impl fmt::Display for SignInFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A cause kept behind an `Arc`, so errors stay cheap to clone (the authenticator hands its
/// last sign-in error to every caller while it backs off).
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong talking to ZPA.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Signing in failed; while it keeps failing the authenticator hands this out without
    /// trying again until its backoff has passed.
    #[error("sign-in failed ({reason}): {detail}")]
    SignIn {
        /// The class of failure (the `reason` label).
        reason: SignInFailure,
        /// What happened, without any secret.
        detail: String,
        /// The transport or body error underneath, if any.
        #[source]
        source: Option<Cause>,
    },
    /// The key may not read this resource (feature not licensed, or forbidden): not a failure
    /// of the exporter, so the collector reports itself unavailable instead of failed.
    #[error("{endpoint}: not available to this API key (HTTP {status}{})", id_suffix(.id))]
    Unavailable {
        /// The endpoint's name.
        endpoint: &'static str,
        /// 401 or 403.
        status: u16,
        /// The error body's `id`, e.g. `authz.featureflag.permission.denied`.
        id: Option<String>,
    },
    /// ZPA refuses the customer id for this API key: a configuration error, not a problem of
    /// one resource.
    #[error("{endpoint}: HTTP {status}, customer.not.authorized: the API key does not belong to this customer id")]
    CustomerNotAuthorized {
        /// The endpoint's name.
        endpoint: &'static str,
        /// 401 or 403.
        status: u16,
    },
    /// Any other unsuccessful status, after the retries it deserved.
    #[error("{endpoint}: HTTP {status}{}", id_suffix(.id))]
    Status {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// The error body's `id`, if it had one.
        id: Option<String>,
    },
    /// 429 on every attempt, or a `retry-after` too long to wait.
    #[error("{endpoint}: still rate limited after {attempts} attempts")]
    RateLimited {
        /// The endpoint's name.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
    },
    /// No response arrived: connection refused, timed out, broken body.
    #[error("{endpoint}: {}", transport_kind(.source))]
    Transport {
        /// The endpoint's name.
        endpoint: &'static str,
        /// What reqwest reported.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// A body over the size limit: refused, and not fetched again.
    #[error(
        "{endpoint}: response body {} exceeds the limit of {limit} bytes; reading stopped there and the request is not retried",
        declared.map_or("(streamed, no Content-Length)".to_string(), |n| format!("of {n} bytes (Content-Length)"))
    )]
    BodyTooLarge {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The limit in bytes.
        limit: usize,
        /// The size the response announced, if it did.
        declared: Option<u64>,
    },
    /// A body that is not the JSON expected.
    #[error("{endpoint}: unreadable response{}", page_suffix(*.page))]
    Decode {
        /// The endpoint's name.
        endpoint: &'static str,
        /// Which page, for list endpoints.
        page: Option<u64>,
        /// serde's error: what and where.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// Paging that does not end: a page repeating, `totalPages` beyond any real tenant.
    #[error("{endpoint}: {message}")]
    Paging {
        /// The endpoint's name.
        endpoint: &'static str,
        /// What is wrong with the paging.
        message: String,
    },
}

/// `, {id}` after an HTTP status, or nothing.
pub(crate) fn id_suffix(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(", {id}"),
        None => String::new(),
    }
}

fn page_suffix(page: Option<u64>) -> String {
    page.map(|p| format!(" (page {p})")).unwrap_or_default()
}

/// What kind of transport failure, in words (the chain of sources carries the details).
pub fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "response body broken"
    } else if e.is_request() {
        "request failed"
    } else {
        "transport error"
    }
}

impl Error {
    /// The key may not read the resource: the collector is unavailable, not failing.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable { .. })
    }

    /// Failures that say nothing about one resource but about ZPA as a whole (cannot sign in,
    /// cannot connect, still rate limited, 5xx): worth retrying soon.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::SignIn { .. } | Error::Transport { .. } | Error::RateLimited { .. }
        ) || matches!(self, Error::Status { status, .. } if *status >= 500)
    }

    pub(crate) fn transport(endpoint: &'static str, source: reqwest::Error) -> Error {
        Error::Transport {
            endpoint,
            source: Arc::new(source),
        }
    }
}

/// Formats an error with its whole chain of causes, `outer: inner: innermost`, for logs and
/// the landing page.
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'a));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

/// The dotted `id` of a ZPA error body (`{"id":"resource.not.found","reason":...}`), if any.
/// Only a dotted lowercase code is taken: the id goes to logs and the landing page, and an
/// endpoint that echoes the request must not carry a secret there.
pub fn error_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        id: Option<String>,
    }
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.id)
        .filter(|id| {
            id.len() <= 128
                && id.contains('.')
                && id.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_ids_are_dotted_codes_only() {
        let id = |body: &str| error_id(body.as_bytes());
        assert_eq!(
            id(r#"{"id":"authz.featureflag.permission.denied","reason":"x"}"#).as_deref(),
            Some("authz.featureflag.permission.denied")
        );
        assert_eq!(
            id(r#"{"id":"invalid.toomanyrequests"}"#).as_deref(),
            Some("invalid.toomanyrequests")
        );
        for echoed in [
            r#"{"id":"Hunter2-Secret"}"#,
            r#"{"id":"client_secret=x.y"}"#,
            r#"{"id":""}"#,
        ] {
            assert_eq!(id(echoed), None, "{echoed}");
        }
    }

    #[test]
    fn error_ids() {
        assert_eq!(
            error_id(br#"{"id":"authz.featureflag.permission.denied","reason":"x"}"#).as_deref(),
            Some("authz.featureflag.permission.denied")
        );
        assert_eq!(error_id(b"<html>"), None);
    }

    #[test]
    fn the_chain_names_every_cause() {
        let json = serde_json::from_str::<u8>("[").unwrap_err();
        let err = Error::Decode {
            endpoint: "application",
            page: Some(3),
            source: Arc::new(json),
        };
        let text = Chain(&err).to_string();
        assert!(
            text.starts_with("application: unreadable response (page 3): invalid type"),
            "{text}"
        );
    }
}
