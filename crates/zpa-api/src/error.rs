//! Errors of the ZPA client, classified the way the poller and the metrics need them.

use std::fmt;

/// Why a sign-in failed; the values are the `reason` label of `zpa_signin_failures_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignInFailure {
    InvalidCredentials,
    RateLimited,
    ServerError,
    Network,
    BadResponse,
}

impl SignInFailure {
    pub const ALL: [SignInFailure; 5] = [
        SignInFailure::InvalidCredentials,
        SignInFailure::RateLimited,
        SignInFailure::ServerError,
        SignInFailure::Network,
        SignInFailure::BadResponse,
    ];

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

/// Everything that can go wrong talking to ZPA. Messages never contain secrets: tokens travel
/// in headers, never in URLs, and bodies are quoted only through their `id`/`reason` fields.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("sign-in failed ({reason}): {detail}")]
    SignIn {
        reason: SignInFailure,
        detail: String,
    },
    /// The key may not read this resource (feature not licensed, or forbidden): not a failure
    /// of the exporter, so the collector reports itself unavailable instead of failed.
    #[error("{endpoint}: not available to this API key (HTTP {status}{})", id_suffix(.id))]
    Unavailable {
        endpoint: &'static str,
        status: u16,
        id: Option<String>,
    },
    /// ZPA refuses the customer id for this API key: a configuration error, not a problem of
    /// one resource.
    #[error("{endpoint}: HTTP {status}, customer.not.authorized: the API key does not belong to this customer id")]
    CustomerNotAuthorized { endpoint: &'static str, status: u16 },
    #[error("{endpoint}: HTTP {status}{}", id_suffix(.id))]
    Status {
        endpoint: &'static str,
        status: u16,
        id: Option<String>,
    },
    #[error("{endpoint}: still rate limited after {attempts} attempts")]
    RateLimited {
        endpoint: &'static str,
        attempts: u32,
    },
    #[error("{endpoint}: {message}")]
    Transport {
        endpoint: &'static str,
        message: String,
    },
    #[error("{endpoint}: unreadable response: {message}")]
    Decode {
        endpoint: &'static str,
        message: String,
    },
    #[error("{endpoint}: {message}")]
    Paging {
        endpoint: &'static str,
        message: String,
    },
}

fn id_suffix(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(", {id}"),
        None => String::new(),
    }
}

impl Error {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable { .. })
    }

    /// Failures that say nothing about one resource but about ZPA as a whole (cannot sign in,
    /// cannot connect, still rate limited): worth retrying soon, but not a resource problem.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::SignIn { .. } | Error::Transport { .. } | Error::RateLimited { .. }
        ) || matches!(self, Error::Status { status, .. } if *status >= 500)
    }
}
