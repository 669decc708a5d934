//! What can be wrong with the settings: one [`ConfigError`] names the flag or variable, its
//! [`Problem`] says what is wrong, and the problem's source (an I/O or parse error) says why.
//! `main` prints the whole chain on one line and exits 2.

use std::fmt;
use std::path::PathBuf;

use crate::webconfig::WebConfigError;

/// A setting that cannot be used.
#[derive(Debug)]
pub struct ConfigError {
    /// The flag and its environment variable, e.g. `--zpa.customer-id (ZPA_CUSTOMER_ID)`.
    pub setting: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

impl ConfigError {
    pub(crate) fn new(setting: &'static str, problem: Problem) -> Self {
        ConfigError { setting, problem }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {
    /// The problem's own cause: the problem itself is part of this error's message.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.problem)
    }
}

/// What is wrong with a setting.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // Each variant's message is its documentation.
pub enum Problem {
    #[error("is required (or run with --demo)")]
    Missing,
    #[error("{0:?} is not a host:port address")]
    NotAnAddress(String, #[source] std::io::Error),
    #[error("{0:?} resolves to no address")]
    NoAddress(String),
    #[error("{0:?} must start with / and not be the root")]
    TelemetryPathShape(String),
    #[error("must not clash with the health endpoints")]
    TelemetryPathClash,
    #[error(transparent)]
    WebConfig(WebConfigError),
    #[error("{0:?} is not a URL")]
    BadUrl(String, #[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("{0:?} has no host")]
    NoHost(String),
    #[error("plain http:// is only allowed for loopback hosts, not {0:?}; use https://")]
    PlainHttp(String),
    #[error("unsupported scheme {0:?}; use https://")]
    Scheme(String),
    #[error("must not carry a query string or credentials")]
    QueryOrCredentials,
    #[error("{0:?} is not a numeric {1}")]
    NotNumeric(String, &'static str),
    #[error("set only one of {0}")]
    Ambiguous(&'static str),
    #[error("cannot read {}", .0.display())]
    Unreadable(PathBuf, #[source] std::io::Error),
    #[error("{} is empty", .0.display())]
    EmptyFile(PathBuf),
    #[error("every collector is disabled; nothing to export")]
    NothingEnabled,
    #[error("{0:?} is not a vanity domain (the first label of its ZIdentity host, e.g. acme for acme.zslogin.net)")]
    NotAHostLabel(String),
    #[error("{0:?} names no LSS log type ({types})", types = crate::lss::received_type_names())]
    UnknownLogType(String),
    #[error(
        "needs tls_server_config in --web.config.file (the LSS listeners use its certificate)"
    )]
    LssTlsWithoutCertificate,
    #[error(
        "a tenants file is given: each tenant's receiver is its lss: block there \
         (lss.listen_addresses, lss.tls), so its series carry its name and its API's names"
    )]
    LssFlagWithTenantsFile,
    #[error("{} is not a usable RSA private key", .0.display())]
    PrivateKey(PathBuf, #[source] zpa_api::auth::KeyError),
    #[error(transparent)]
    TenantsFile(super::tenants_file::FileError),
    #[error("{0:?} is not a usable tenant name (letters, digits, - _ . only, up to 63)")]
    TenantName(String),
    #[error("{0:?} is not a StatefulSet pod name (<statefulset>-<ordinal>)")]
    NotAPodName(String),
    #[error("{0} is not below --shard.total {1}")]
    ShardIndex(u32, u32),
}
