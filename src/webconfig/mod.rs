//! The web security layer: `--web.config.file` in the format of Prometheus' exporter-toolkit
//! (TLS, mutual TLS, extra response headers, bcrypt basic auth, rate limit) and the server that
//! serves an axum [`Router`](axum::Router) over plain TCP or TLS with graceful shutdown.
//!
//! [`WebConfig::load`] validates the whole file at startup, including reading the certificate,
//! key and CA files and building the rustls configuration once, so that a bad file is a startup
//! error rather than a failure on the first scrape. [`serve`] then serves with it.
//!
//! Who does what:
//!
//! * `schema.rs`: the toolkit's YAML fields and their validation (ours: no crate knows them).
//! * `tls.rs` and `client_auth.rs`: the rustls `ServerConfig` (ring provider), the client
//!   certificate modes and the `client_allowed_sans` check; SANs are read with x509-parser.
//! * `reload.rs`: a background task that notices rotated certificate files and swaps the
//!   configuration into axum-server's `RustlsConfig`.
//! * `auth.rs`: basic auth as a tower-http `AsyncRequireAuthorizationLayer`, with the bcrypt
//!   success cache; user names are compared with `subtle`.
//! * `limit.rs`: the token bucket, as an axum middleware.
//! * `serve.rs`: axum-server (accept loop, TLS handshake, HTTP/1.1, graceful
//!   shutdown); response headers are tower-http `SetResponseHeaderLayer`s.
//!
//! Behaviour compared with exporter-toolkit (the Go implementation), and why:
//!
//! * Unknown YAML fields are rejected, as the toolkit's `UnmarshalStrict` does. Relative file
//!   paths are resolved against the directory of the web config file, as the toolkit does.
//! * Only the certificate, key and client CA *files* are re-read at runtime (a background task
//!   looks at their metadata every [`CERT_RELOAD_INTERVAL`] and re-reads them when it changed)
//!   so that certificate rotation needs no restart. The toolkit re-reads the whole YAML file on
//!   every request; here users, headers and TLS options are read at startup only. A rotated
//!   file that fails to load (unreadable, not PEM, key not matching the certificate) is logged
//!   once at error level and the previous good certificate stays in use.
//! * TLS versions: rustls implements TLS 1.2 and 1.3 only, so `min_version: TLS10`/`TLS11` are
//!   rejected with an error saying so instead of being silently raised.
//! * `cipher_suites` take the Go (IANA) names. The TLS 1.2 AEAD suites are supported; the CBC
//!   suites Go still lists are not implemented by rustls and are rejected. As in Go, the list
//!   only affects TLS 1.2: TLS 1.3 suites are not configurable and TLS 1.3 names are accepted
//!   and ignored. `prefer_server_cipher_suites` maps to rustls' `ignore_client_order`.
//! * `curve_preferences`: `X25519`, `CurveP256` and `CurveP384`; `CurveP521` is rejected because
//!   the *ring* provider does not implement it.
//! * `client_auth_type`: `NoClientCert` (default) offers no client authentication;
//!   `RequestClientCert` asks for a certificate and `RequireAnyClientCert` (alias
//!   `RequireClientCert`) demands one, neither checking it against a CA (the client must still
//!   prove possession of the key); `VerifyClientCertIfGiven` and `RequireAndVerifyClientCert`
//!   use rustls' WebPKI verifier. Gap: Go falls back to the system roots when no `client_ca`
//!   is given for the two verifying modes; here a client CA is required for them, so an
//!   operator never trusts every public CA by accident.
//! * `client_allowed_sans`: like the toolkit, exact string match against the client
//!   certificate's DNS, e-mail, IP and URI subject alternative names; only with
//!   `RequireAnyClientCert` or `RequireAndVerifyClientCert`. A certificate whose SAN extension
//!   cannot be parsed, or that has two of them, is refused (Go's parser refuses both too).
//! * `http_server_config.http2` is accepted for compatibility, but only HTTP/1.1 is served
//!   (ALPN `http/1.1`); a scrape needs nothing more. The allowed `headers` and their value
//!   checks are the toolkit's; they are added to every response, including 401 and 429.
//! * `basic_auth_users`: bcrypt hashes, validated at startup. Successful verifications are
//!   cached (keyed by a salted SHA-256 of user and password, never the password itself, at most
//!   [`AUTH_CACHE_CAPACITY`] entries); failed ones are not, so guessing always pays the bcrypt
//!   cost. An unknown user is verified against a dummy hash with the highest cost among the
//!   configured users, so it takes as long as a wrong password for a known user.
//! * `rate_limit` is implemented as one process-wide token bucket (as the toolkit's
//!   `rate.Limiter`): `interval` per token, `burst` tokens, 429 when empty, `interval: 0`
//!   disables it. Unlike Go, `burst: 0` with a non-zero interval is rejected, because it would
//!   refuse every request.
//! * TLS-only options (`min_version`, `cipher_suites`, `client_allowed_sans`, ...) without any
//!   certificate are an error here; the toolkit silently serves plain HTTP in that case.

mod auth;
mod client_auth;
mod conn;
mod limit;
mod reload;
mod schema;
mod serve;
mod slots;
mod tls;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};

/// The TLS configuration for another listener (the LSS receiver), kept current when the
/// certificate files rotate while the watcher lives.
pub(crate) use self::reload::{start as tls_config, Watcher as TlsWatcher};
pub use self::serve::serve;

/// How long in-flight requests may run after shutdown was requested before their
/// connections are dropped. With the 2 s sign-out bound, a stop takes well under the 30 s that
/// systemd and Kubernetes grant.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// A response write that makes no progress for this long (the client stopped reading) closes
/// the connection.
pub(crate) const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(20);
/// The default cap on open connections (`--web.max-connections`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// A client that has not finished the TLS handshake by then is disconnected, so slow or
/// silent clients cannot hold a task and a socket forever.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Same idea for the request head (slowloris protection), on plain and TLS connections.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the certificate, key and CA files are checked for changes.
pub(crate) const CERT_RELOAD_INTERVAL: Duration = Duration::from_secs(1);
/// Bound on the basic-auth success cache; it is cleared when full, which only costs one
/// bcrypt verification per client afterwards.
pub(crate) const AUTH_CACHE_CAPACITY: usize = 1024;

/// Why a web config file cannot be used. Every message is one line naming the file and,
/// where there is one, the field.
#[derive(Debug, thiserror::Error)]
pub enum WebConfigError {
    /// The file cannot be read.
    #[error("web config file {path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        source: io::Error,
    },
    /// The file is not the exporter-toolkit YAML.
    #[error("web config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the YAML parser says.
        message: String,
    },
    /// A field's value cannot be used.
    #[error("web config file {path}: {field}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field, e.g. `tls_server_config.cert_file`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A parsed and validated web config file. Cheap to share behind an [`Arc`].
pub struct WebConfig {
    path: PathBuf,
    tls: Option<tls::TlsSettings>,
    headers: Vec<(HeaderName, HeaderValue)>,
    users: Vec<(String, String)>,
    rate_limit: Option<limit::RateLimit>,
    warnings: Vec<String>,
}

impl WebConfig {
    /// Reads and validates `path`; see the module documentation for what is checked.
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        let schema::Parsed {
            raw,
            empty_file,
            null_sections,
        } = schema::read(path)?;
        let ctx = schema::LoadingFile { path };
        let tls = match raw.tls_server_config {
            Some(raw) => tls::TlsSettings::from_raw(raw, &ctx)?,
            None => None,
        };
        let http = raw.http_server_config.unwrap_or_default();
        let headers = schema::validate_headers(http.headers.unwrap_or_default(), &ctx)?;
        let users = schema::validate_users(raw.basic_auth_users.unwrap_or_default(), &ctx)?;
        let rate_limit = match raw.rate_limit {
            Some(r) => schema::validate_rate_limit(r, &ctx)?,
            None => None,
        };
        if let Some(tls) = &tls {
            // Read the files and build the rustls configuration once, so that unreadable files,
            // a key that does not match the certificate or an unusable protocol/cipher
            // combination are startup errors. `serve` builds its own when it starts, so that no
            // copy of a key that rotation replaced stays in memory here.
            reload::Baseline::load(tls, &ctx)?;
        }
        let mut warnings: Vec<String> = null_sections
            .iter()
            .map(|section| {
                format!(
                    "web config file {}: {section} is present but empty, so it is off",
                    path.display()
                )
            })
            .collect();
        if tls.is_none() && users.is_empty() {
            let why = if empty_file {
                "is empty"
            } else {
                "sets neither tls_server_config nor basic_auth_users"
            };
            warnings.push(format!(
                "web config file {} {why}: serving plain HTTP without authentication",
                path.display()
            ));
        }
        Ok(WebConfig {
            path: path.to_path_buf(),
            tls,
            headers,
            users,
            rate_limit,
            warnings,
        })
    }

    /// What the file leaves unprotected that its author probably meant to protect: an empty
    /// file, a section written down with nothing in it. Logged at start; the toolkit accepts
    /// all of these, so they are not errors.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Whether connections are served over TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls.is_some()
    }

    /// The TLS settings with `client_ca_file` as the only client CA, every client required to
    /// present a certificate it signed (an LSS tenant accepting only its own App Connectors);
    /// nothing of the HTTP side (users, headers, rate limit). `None` without TLS.
    pub(crate) fn requiring_clients_of(&self, client_ca_file: &Path) -> Option<WebConfig> {
        let mut tls = self.tls.clone()?;
        tls.client_ca = Some(tls::PemInput::client_ca_file(client_ca_file.to_path_buf()));
        tls.client_auth = client_auth::ClientAuth::RequireAndVerifyClientCert;
        tls.allowed_sans = None;
        Some(WebConfig {
            path: self.path.clone(),
            tls: Some(tls),
            headers: Vec::new(),
            users: Vec::new(),
            rate_limit: None,
            warnings: Vec::new(),
        })
    }
}

impl fmt::Debug for WebConfig {
    // Hand-written so that hashes and inline keys never reach a log line: users are listed by
    // name and bcrypt cost only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<String> = self
            .users
            .iter()
            .map(|(user, hash)| format!("{user} (bcrypt cost {})", schema::bcrypt_cost(hash)))
            .collect();
        f.debug_struct("WebConfig")
            .field("path", &self.path)
            .field("tls", &self.tls)
            .field("headers", &self.headers)
            .field("basic_auth_users", &users)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// What [`serve`] needs besides the listener and the router.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The loaded `--web.config.file`; `None` serves plain HTTP without auth.
    pub web_config: Option<Arc<WebConfig>>,
    /// Exact request paths that skip basic auth (e.g. `/-/healthy` for probes that cannot send
    /// credentials). Headers and the rate limit still apply to them.
    pub unauthenticated_paths: Vec<String>,
    /// Connections beyond this many open ones are closed at once.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            web_config: None,
            unauthenticated_paths: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}
