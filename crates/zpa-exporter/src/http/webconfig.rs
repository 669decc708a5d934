//! The web security layer: `--web.config.file` in the format of Prometheus' exporter-toolkit
//! (TLS, mutual TLS, extra response headers, bcrypt basic auth, rate limit) and the server loop
//! that serves an axum [`Router`] over plain TCP or TLS with graceful shutdown.
//!
//! [`WebConfig::load`] validates the whole file at startup, including reading the certificate,
//! key and CA files and building the rustls configuration once, so that a bad file is a startup
//! error rather than a failure on the first scrape. [`serve`] then runs the accept loop.
//!
//! Behaviour compared with exporter-toolkit (the Go implementation), and why:
//!
//! * Unknown YAML fields are rejected, as the toolkit's `UnmarshalStrict` does. Relative file
//!   paths are resolved against the directory of the web config file, as the toolkit does.
//! * Only the certificate, key and client CA *files* are re-read at runtime (at most once per
//!   second, on new connections) so that certificate rotation needs no restart. The toolkit
//!   re-reads the whole YAML file on every request; here users, headers and TLS options are
//!   read at startup only. A rotated file that fails to load (unreadable, not PEM, key not
//!   matching the certificate) is logged once at error level and the previous good certificate
//!   stays in use.
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
//!   `RequireAnyClientCert` or `RequireAndVerifyClientCert`.
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

use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use base64::Engine as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, SupportedKxGroup, WebPkiSupportedAlgorithms};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig,
    SignatureScheme, SupportedCipherSuite, SupportedProtocolVersion,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use serde::Deserialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How long in-flight requests may run after shutdown was requested before their
/// connections are dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// A client that has not finished the TLS handshake by then is disconnected, so slow or
/// silent clients cannot hold a task and a socket forever.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Same idea for the request head (slowloris protection), on plain and TLS connections.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Certificate files are checked for changes at most this often.
pub const CERT_RELOAD_INTERVAL: Duration = Duration::from_secs(1);
/// Bound on the basic-auth success cache; it is cleared when full, which only costs one
/// bcrypt verification per client afterwards.
pub const AUTH_CACHE_CAPACITY: usize = 1024;
const AUTH_REALM: &str = "Basic realm=\"zpa-exporter\"";

/// Why a web config file cannot be used. Every message is one line naming the file and,
/// where there is one, the field.
#[derive(Debug, thiserror::Error)]
pub enum WebConfigError {
    #[error("web config file {path}: cannot read: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("web config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("web config file {path}: {field}: {message}")]
    Invalid {
        path: PathBuf,
        field: String,
        message: String,
    },
}

/// A parsed and validated web config file. Cheap to share behind an [`Arc`].
pub struct WebConfig {
    path: PathBuf,
    tls: Option<TlsSettings>,
    headers: Vec<(HeaderName, HeaderValue)>,
    users: Vec<(String, String)>,
    rate_limit: Option<RateLimit>,
}

#[derive(Debug, Clone, Copy)]
struct RateLimit {
    per_token: Duration,
    burst: u32,
}

impl WebConfig {
    /// Reads and validates `path`; see the module documentation for what is checked.
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| WebConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let parse_error = |e: serde_yaml_ng::Error| WebConfigError::Parse {
            path: path.to_path_buf(),
            message: one_line(&e.to_string()),
        };
        // An empty file (or one with only comments) is valid for the toolkit and means "no TLS,
        // no auth"; serde would call it a premature end of input.
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(parse_error)?;
        let raw: RawFile = if value.is_null() {
            RawFile::default()
        } else {
            serde_yaml_ng::from_str(&text).map_err(parse_error)?
        };
        let ctx = Ctx { path };
        let tls = match raw.tls_server_config {
            Some(t) => TlsSettings::from_raw(t, &ctx)?,
            None => None,
        };
        let http = raw.http_server_config.unwrap_or_default();
        let headers = validate_headers(http.headers.unwrap_or_default(), &ctx)?;
        let users = validate_users(raw.basic_auth_users.unwrap_or_default(), &ctx)?;
        let rate_limit = match raw.rate_limit {
            Some(r) => validate_rate_limit(r, &ctx)?,
            None => None,
        };
        let config = WebConfig {
            path: path.to_path_buf(),
            tls,
            headers,
            users,
            rate_limit,
        };
        if let Some(tls) = &config.tls {
            // Build the rustls configuration once, so that unreadable files, a key that does
            // not match the certificate or an unusable protocol/cipher combination are startup
            // errors.
            let material = tls.read_material(&ctx)?;
            tls.server_config(&material, &ctx)?;
        }
        Ok(config)
    }

    /// Whether connections are served over TLS.
    pub fn tls_enabled(&self) -> bool {
        self.tls.is_some()
    }

    /// Whether `basic_auth_users` is non-empty.
    pub fn basic_auth_enabled(&self) -> bool {
        !self.users.is_empty()
    }

    /// The file this configuration was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for WebConfig {
    // Hand-written so that hashes and inline keys never reach a log line: users are listed by
    // name and bcrypt cost only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<String> = self
            .users
            .iter()
            .map(|(user, hash)| format!("{user} (bcrypt cost {})", bcrypt_cost(hash)))
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
#[derive(Debug, Default, Clone)]
pub struct ServeOptions {
    /// The loaded `--web.config.file`; `None` serves plain HTTP without auth.
    pub web_config: Option<Arc<WebConfig>>,
    /// Exact request paths that skip basic auth (e.g. `/-/healthy` for probes that cannot send
    /// credentials). Headers and the rate limit still apply to them.
    pub unauthenticated_paths: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// YAML schema (exporter-toolkit field names)

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tls_server_config: Option<RawTls>,
    http_server_config: Option<RawHttp>,
    basic_auth_users: Option<BTreeMap<String, String>>,
    rate_limit: Option<RawRateLimit>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert: Option<String>,
    key: Option<String>,
    client_ca: Option<String>,
    cert_file: Option<String>,
    key_file: Option<String>,
    client_auth_type: Option<String>,
    client_ca_file: Option<String>,
    cipher_suites: Option<Vec<String>>,
    curve_preferences: Option<Vec<String>>,
    min_version: Option<String>,
    max_version: Option<String>,
    prefer_server_cipher_suites: Option<bool>,
    client_allowed_sans: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    // Accepted for compatibility; only HTTP/1.1 is served (see the module docs).
    #[serde(rename = "http2")]
    _http2: Option<bool>,
    headers: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRateLimit {
    burst: Option<u32>,
    // Go's yaml decodes a time.Duration from a Go duration string or integer nanoseconds.
    interval: Option<serde_yaml_ng::Value>,
}

/// Error context: the file being loaded.
struct Ctx<'a> {
    path: &'a Path,
}

impl Ctx<'_> {
    fn invalid(&self, field: impl Into<String>, message: impl Into<String>) -> WebConfigError {
        WebConfigError::Invalid {
            path: self.path.to_path_buf(),
            field: field.into(),
            message: one_line(&message.into()),
        }
    }

    /// Relative paths in the file are relative to the file's directory (toolkit `SetDirectory`).
    fn resolve(&self, file: &str) -> PathBuf {
        let file = Path::new(file);
        match self.path.parent() {
            Some(dir) if file.is_relative() => dir.join(file),
            _ => file.to_path_buf(),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Headers, users, rate limit

/// The toolkit's allow-list (`extraHTTPHeaders`): only these may be set, two of them only to
/// well-known values, so every Prometheus component behaves alike.
const ALLOWED_HEADERS: &[(&str, &[&str])] = &[
    ("Strict-Transport-Security", &[]),
    ("X-Content-Type-Options", &["nosniff"]),
    ("X-Frame-Options", &["deny", "sameorigin"]),
    ("X-XSS-Protection", &[]),
    ("Content-Security-Policy", &[]),
];

fn validate_headers(
    headers: BTreeMap<String, String>,
    ctx: &Ctx<'_>,
) -> Result<Vec<(HeaderName, HeaderValue)>, WebConfigError> {
    let mut out = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let field = format!("http_server_config.headers.{name}");
        let Some((_, allowed)) = ALLOWED_HEADERS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = ALLOWED_HEADERS.iter().map(|(n, _)| *n).collect();
            return Err(ctx.invalid(
                field,
                format!(
                    "this header cannot be configured (allowed: {})",
                    names.join(", ")
                ),
            ));
        };
        if !allowed.is_empty() && !allowed.contains(&value.as_str()) {
            return Err(ctx.invalid(
                field,
                format!("invalid value {value:?}, expected one of {allowed:?}"),
            ));
        }
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| ctx.invalid(field.clone(), e.to_string()))?;
        let header_value = HeaderValue::from_str(&value)
            .map_err(|_| ctx.invalid(field, "value contains characters not allowed in a header"))?;
        out.push((header_name, header_value));
    }
    Ok(out)
}

fn validate_users(
    users: BTreeMap<String, String>,
    ctx: &Ctx<'_>,
) -> Result<Vec<(String, String)>, WebConfigError> {
    let mut out = Vec::with_capacity(users.len());
    for (user, hash) in users {
        let field = format!("basic_auth_users.{user}");
        check_bcrypt_hash(&hash).map_err(|reason| {
            ctx.invalid(
                field,
                format!("{reason} (generate one with: htpasswd -nBC 10 \"\" | tr -d ':\\n')"),
            )
        })?;
        out.push((user, hash));
    }
    Ok(out)
}

/// Full syntactic check of a bcrypt hash, so that a typo is a startup error and not a user who
/// can never log in. Never echoes the hash.
fn check_bcrypt_hash(hash: &str) -> Result<(), String> {
    let parts: bcrypt::HashParts = hash
        .parse()
        .map_err(|_| "not a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters)".to_string())?;
    if !hash.starts_with("$2") {
        return Err("not a bcrypt hash: must start with $2a$, $2b$ or $2y$".into());
    }
    let cost = parts.get_cost();
    if !(4..=31).contains(&cost) {
        return Err(format!("bcrypt cost {cost} is outside 4..=31"));
    }
    let salt_ok = matches!(bcrypt::BASE_64.decode(parts.get_salt()), Ok(s) if s.len() == 16);
    // The 31 characters after the 22-character salt are the digest.
    let digest = hash.get(hash.len().saturating_sub(31)..).unwrap_or("");
    let digest_ok = matches!(bcrypt::BASE_64.decode(digest), Ok(d) if d.len() == 23);
    if !salt_ok || !digest_ok {
        return Err("bcrypt hash has an invalid salt or digest encoding".into());
    }
    Ok(())
}

fn bcrypt_cost(hash: &str) -> u32 {
    hash.parse::<bcrypt::HashParts>()
        .map(|p| p.get_cost())
        .unwrap_or(0)
}

fn validate_rate_limit(
    raw: RawRateLimit,
    ctx: &Ctx<'_>,
) -> Result<Option<RateLimit>, WebConfigError> {
    let interval = match raw.interval {
        None | Some(serde_yaml_ng::Value::Null) => Duration::ZERO,
        Some(serde_yaml_ng::Value::Number(n)) => match n.as_u64() {
            Some(ns) => Duration::from_nanos(ns),
            None => return Err(ctx.invalid("rate_limit.interval", "must not be negative")),
        },
        Some(serde_yaml_ng::Value::String(s)) => parse_go_duration(&s)
            .map_err(|e| ctx.invalid("rate_limit.interval", format!("{s:?}: {e}")))?,
        Some(_) => {
            return Err(ctx.invalid(
                "rate_limit.interval",
                "expected a duration such as \"100ms\" or \"1s\"",
            ))
        }
    };
    if interval.is_zero() {
        return Ok(None);
    }
    let burst = raw.burst.unwrap_or(0);
    if burst == 0 {
        return Err(ctx.invalid(
            "rate_limit.burst",
            "must be at least 1 when rate_limit.interval is set (0 would refuse every request)",
        ));
    }
    Ok(Some(RateLimit {
        per_token: interval,
        burst,
    }))
}

/// Go's `time.ParseDuration` for non-negative values: `300ms`, `1.5h`, `1h30m`.
fn parse_go_duration(s: &str) -> Result<Duration, String> {
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| "missing unit (ns, us, ms, s, m, h)".to_string())?;
        let number: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("invalid number {:?}", &rest[..num_len]))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            other => return Err(format!("unknown unit {other:?} (ns, us, ms, s, m, h)")),
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// TLS settings

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientAuth {
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// A PEM input that is either inline in the YAML or a file (re-read for rotation).
struct PemInput {
    field: &'static str,
    source: PemSource,
}

enum PemSource {
    File(PathBuf),
    Inline(String),
}

impl PemInput {
    fn pick(
        inline: Option<String>,
        file: Option<String>,
        inline_field: &'static str,
        file_field: &'static str,
        ctx: &Ctx<'_>,
    ) -> Result<Option<PemInput>, WebConfigError> {
        let inline = inline.filter(|s| !s.is_empty());
        let file = file.filter(|s| !s.is_empty());
        match (inline, file) {
            (Some(_), Some(_)) => Err(ctx.invalid(
                format!("tls_server_config.{file_field}"),
                format!("{inline_field} and {file_field} are mutually exclusive"),
            )),
            (Some(pem), None) => Ok(Some(PemInput {
                field: inline_field,
                source: PemSource::Inline(pem),
            })),
            (None, Some(file)) => Ok(Some(PemInput {
                field: file_field,
                source: PemSource::File(ctx.resolve(&file)),
            })),
            (None, None) => Ok(None),
        }
    }

    /// The field name and, for files, the path, for error messages.
    fn label(&self) -> String {
        match &self.source {
            PemSource::File(p) => format!("tls_server_config.{} {}", self.field, p.display()),
            PemSource::Inline(_) => format!("tls_server_config.{}", self.field),
        }
    }

    fn read(&self, ctx: &Ctx<'_>) -> Result<Vec<u8>, WebConfigError> {
        match &self.source {
            PemSource::Inline(pem) => Ok(pem.as_bytes().to_vec()),
            PemSource::File(p) => {
                std::fs::read(p).map_err(|e| ctx.invalid(self.label(), format!("cannot read: {e}")))
            }
        }
    }

    fn is_file(&self) -> bool {
        matches!(self.source, PemSource::File(_))
    }
}

impl fmt::Debug for PemInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            PemSource::File(p) => write!(f, "{}: {}", self.field, p.display()),
            PemSource::Inline(_) => write!(f, "{}: <inline PEM>", self.field),
        }
    }
}

struct TlsSettings {
    cert: PemInput,
    key: PemInput,
    client_ca: Option<PemInput>,
    client_auth: ClientAuth,
    allowed_sans: Option<Vec<String>>,
    versions: Vec<&'static SupportedProtocolVersion>,
    provider: Arc<CryptoProvider>,
    ignore_client_order: bool,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suites: Vec<_> = self
            .provider
            .cipher_suites
            .iter()
            .map(|s| s.suite())
            .collect();
        f.debug_struct("TlsSettings")
            .field("cert", &self.cert)
            .field("key", &self.key)
            .field("client_ca", &self.client_ca)
            .field("client_auth", &self.client_auth)
            .field("allowed_sans", &self.allowed_sans)
            .field("versions", &self.versions)
            .field("cipher_suites", &suites)
            .field("ignore_client_order", &self.ignore_client_order)
            .finish()
    }
}

/// The bytes of the cert, key and CA inputs as last read; compared to notice rotation.
struct Material {
    cert: Vec<u8>,
    key: Vec<u8>,
    ca: Option<Vec<u8>>,
}

impl Material {
    /// A digest rather than the bytes, so the reload state does not keep a second copy of the
    /// private key around.
    fn fingerprint(&self) -> Vec<u8> {
        let mut ctx = sha256().start();
        for part in [Some(&self.cert), Some(&self.key), self.ca.as_ref()] {
            let part = part.map(Vec::as_slice).unwrap_or(&[]);
            ctx.update(&(part.len() as u64).to_be_bytes());
            ctx.update(part);
        }
        ctx.finish().as_ref().to_vec()
    }
}

impl TlsSettings {
    fn from_raw(raw: RawTls, ctx: &Ctx<'_>) -> Result<Option<TlsSettings>, WebConfigError> {
        let client_auth_set = raw
            .client_auth_type
            .as_deref()
            .is_some_and(|s| !s.is_empty());
        let cert = PemInput::pick(raw.cert, raw.cert_file, "cert", "cert_file", ctx)?;
        let key = PemInput::pick(raw.key, raw.key_file, "key", "key_file", ctx)?;
        let client_ca = PemInput::pick(
            raw.client_ca,
            raw.client_ca_file,
            "client_ca",
            "client_ca_file",
            ctx,
        )?;
        // toolkit IsEnabled(): any of these turns TLS on.
        let enabled = cert.is_some() || key.is_some() || client_ca.is_some() || client_auth_set;
        if !enabled {
            let tls_only = [
                ("min_version", raw.min_version.is_some()),
                ("max_version", raw.max_version.is_some()),
                ("cipher_suites", raw.cipher_suites.is_some()),
                ("curve_preferences", raw.curve_preferences.is_some()),
                ("client_allowed_sans", raw.client_allowed_sans.is_some()),
                (
                    "prefer_server_cipher_suites",
                    raw.prefer_server_cipher_suites.is_some(),
                ),
            ];
            if let Some((field, _)) = tls_only.iter().find(|(_, set)| *set) {
                return Err(ctx.invalid(
                    format!("tls_server_config.{field}"),
                    "set, but neither cert_file nor cert is: TLS would be off and this ignored",
                ));
            }
            return Ok(None);
        }
        let cert = cert.ok_or_else(|| {
            ctx.invalid(
                "tls_server_config.cert_file",
                "missing one of cert or cert_file",
            )
        })?;
        let key = key.ok_or_else(|| {
            ctx.invalid(
                "tls_server_config.key_file",
                "missing one of key or key_file",
            )
        })?;

        let client_auth = match raw.client_auth_type.as_deref().unwrap_or("") {
            "" | "NoClientCert" => ClientAuth::NoClientCert,
            "RequestClientCert" => ClientAuth::RequestClientCert,
            // "RequireClientCert" is the toolkit's backwards-compatible alias.
            "RequireAnyClientCert" | "RequireClientCert" => ClientAuth::RequireAnyClientCert,
            "VerifyClientCertIfGiven" => ClientAuth::VerifyClientCertIfGiven,
            "RequireAndVerifyClientCert" => ClientAuth::RequireAndVerifyClientCert,
            other => {
                return Err(ctx.invalid(
                    "tls_server_config.client_auth_type",
                    format!(
                        "invalid value {other:?}; expected NoClientCert, RequestClientCert, \
                         RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert"
                    ),
                ))
            }
        };
        if client_ca.is_some() && client_auth == ClientAuth::NoClientCert {
            return Err(ctx.invalid(
                "tls_server_config.client_ca_file",
                "a client CA is configured but client_auth_type is NoClientCert",
            ));
        }
        if client_ca.is_none()
            && matches!(
                client_auth,
                ClientAuth::VerifyClientCertIfGiven | ClientAuth::RequireAndVerifyClientCert
            )
        {
            return Err(ctx.invalid(
                "tls_server_config.client_ca_file",
                "required to verify client certificates (client_auth_type verifies against it)",
            ));
        }
        if raw.client_allowed_sans.is_some()
            && !matches!(
                client_auth,
                ClientAuth::RequireAnyClientCert | ClientAuth::RequireAndVerifyClientCert
            )
        {
            return Err(ctx.invalid(
                "tls_server_config.client_allowed_sans",
                "requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert",
            ));
        }

        let min = parse_version(raw.min_version.as_deref(), "min_version", 12, ctx)?;
        let max = parse_version(raw.max_version.as_deref(), "max_version", 13, ctx)?;
        if min > max {
            return Err(ctx.invalid(
                "tls_server_config.min_version",
                "is higher than max_version",
            ));
        }
        let mut versions = Vec::new();
        if min <= 12 {
            versions.push(&rustls::version::TLS12);
        }
        if max >= 13 {
            versions.push(&rustls::version::TLS13);
        }

        let mut provider = rustls::crypto::ring::default_provider();
        if let Some(names) = raw.cipher_suites.filter(|n| !n.is_empty()) {
            provider.cipher_suites = select_cipher_suites(&names, &provider.cipher_suites, ctx)?;
        }
        if let Some(names) = raw.curve_preferences.filter(|n| !n.is_empty()) {
            provider.kx_groups = select_curves(&names, ctx)?;
        }

        Ok(Some(TlsSettings {
            cert,
            key,
            client_ca,
            client_auth,
            allowed_sans: raw.client_allowed_sans,
            versions,
            provider: Arc::new(provider),
            ignore_client_order: raw.prefer_server_cipher_suites.unwrap_or(true),
        }))
    }

    fn has_files(&self) -> bool {
        self.cert.is_file()
            || self.key.is_file()
            || self.client_ca.as_ref().is_some_and(|c| c.is_file())
    }

    fn read_material(&self, ctx: &Ctx<'_>) -> Result<Material, WebConfigError> {
        Ok(Material {
            cert: self.cert.read(ctx)?,
            key: self.key.read(ctx)?,
            ca: self.client_ca.as_ref().map(|c| c.read(ctx)).transpose()?,
        })
    }

    fn server_config(
        &self,
        material: &Material,
        ctx: &Ctx<'_>,
    ) -> Result<ServerConfig, WebConfigError> {
        let certs = CertificateDer::pem_slice_iter(&material.cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ctx.invalid(self.cert.label(), format!("not valid PEM: {e}")))?;
        if certs.is_empty() {
            return Err(ctx.invalid(self.cert.label(), "no CERTIFICATE block found"));
        }
        let key = PrivateKeyDer::from_pem_slice(&material.key)
            .map_err(|e| ctx.invalid(self.key.label(), format!("no usable private key: {e}")))?;
        let certified = CertifiedKey::from_der(certs, key, &self.provider).map_err(|e| {
            let message = match e {
                rustls::Error::InconsistentKeys(_) => format!(
                    "private key does not match the certificate in {}",
                    self.cert.label()
                ),
                other => format!("cannot load private key: {other}"),
            };
            ctx.invalid(self.key.label(), message)
        })?;
        let verifier = self.client_verifier(material, ctx)?;
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&self.versions)
            .map_err(|e| ctx.invalid("tls_server_config", e.to_string()))?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config.ignore_client_order = self.ignore_client_order;
        Ok(config)
    }

    fn client_verifier(
        &self,
        material: &Material,
        ctx: &Ctx<'_>,
    ) -> Result<Arc<dyn ClientCertVerifier>, WebConfigError> {
        let mut roots = RootCertStore::empty();
        if let (Some(input), Some(pem)) = (&self.client_ca, &material.ca) {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert =
                    cert.map_err(|e| ctx.invalid(input.label(), format!("not valid PEM: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| ctx.invalid(input.label(), format!("unusable CA: {e}")))?;
            }
            if roots.is_empty() {
                return Err(ctx.invalid(input.label(), "no CERTIFICATE block found"));
            }
        }
        let roots = Arc::new(roots);
        let algorithms = self.provider.signature_verification_algorithms;
        let webpki = |allow_unauthenticated: bool| {
            let builder =
                WebPkiClientVerifier::builder_with_provider(roots.clone(), self.provider.clone());
            let builder = if allow_unauthenticated {
                builder.allow_unauthenticated()
            } else {
                builder
            };
            builder
                .build()
                .map_err(|e| ctx.invalid("tls_server_config.client_ca_file", e.to_string()))
        };
        let verifier: Arc<dyn ClientCertVerifier> = match self.client_auth {
            ClientAuth::NoClientCert => WebPkiClientVerifier::no_client_auth(),
            ClientAuth::RequestClientCert | ClientAuth::RequireAnyClientCert => {
                Arc::new(AnyClientCert {
                    mandatory: self.client_auth == ClientAuth::RequireAnyClientCert,
                    hints: roots.subjects(),
                    algorithms,
                })
            }
            ClientAuth::VerifyClientCertIfGiven => webpki(true)?,
            ClientAuth::RequireAndVerifyClientCert => webpki(false)?,
        };
        Ok(match &self.allowed_sans {
            Some(allowed) => Arc::new(SanCheck {
                inner: verifier,
                allowed: allowed.clone(),
            }),
            None => verifier,
        })
    }
}

fn parse_version(
    value: Option<&str>,
    field: &str,
    default: u8,
    ctx: &Ctx<'_>,
) -> Result<u8, WebConfigError> {
    match value.unwrap_or("") {
        "" => Ok(default),
        "TLS12" => Ok(12),
        "TLS13" => Ok(13),
        old @ ("TLS10" | "TLS11") => Err(ctx.invalid(
            format!("tls_server_config.{field}"),
            format!("{old} is not supported: rustls implements only TLS12 and TLS13"),
        )),
        other => Err(ctx.invalid(
            format!("tls_server_config.{field}"),
            format!("unknown TLS version {other:?}; expected TLS12 or TLS13"),
        )),
    }
}

/// Maps Go cipher suite names to the provider's suites. TLS 1.3 suites always stay (Go does
/// not let them be configured either); the listed TLS 1.2 suites follow in the given order.
fn select_cipher_suites(
    names: &[String],
    available: &[SupportedCipherSuite],
    ctx: &Ctx<'_>,
) -> Result<Vec<SupportedCipherSuite>, WebConfigError> {
    let mut selected: Vec<SupportedCipherSuite> = available
        .iter()
        .filter(|s| s.tls13().is_some())
        .copied()
        .collect();
    let tls13_go_names = [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    ];
    for name in names {
        if tls13_go_names.contains(&name.as_str()) {
            continue;
        }
        // Go still accepts the pre-1.16 ChaCha20 names without the hash suffix.
        let canonical = match name.as_str() {
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305" => {
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
            }
            other => other,
        };
        let suite = available
            .iter()
            .find(|s| s.tls13().is_none() && format!("{:?}", s.suite()) == canonical);
        match suite {
            Some(s) => {
                if !selected.contains(s) {
                    selected.push(*s);
                }
            }
            None => {
                let supported: Vec<String> = available
                    .iter()
                    .filter(|s| s.tls13().is_none())
                    .map(|s| format!("{:?}", s.suite()))
                    .collect();
                return Err(ctx.invalid(
                    "tls_server_config.cipher_suites",
                    format!(
                        "{name:?} is not supported by rustls; supported TLS 1.2 suites: {}",
                        supported.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(selected)
}

fn select_curves(
    names: &[String],
    ctx: &Ctx<'_>,
) -> Result<Vec<&'static dyn SupportedKxGroup>, WebConfigError> {
    use rustls::crypto::ring::kx_group;
    names
        .iter()
        .map(|name| match name.as_str() {
            "X25519" => Ok(kx_group::X25519),
            "CurveP256" => Ok(kx_group::SECP256R1),
            "CurveP384" => Ok(kx_group::SECP384R1),
            "CurveP521" => Err(ctx.invalid(
                "tls_server_config.curve_preferences",
                "CurveP521 is not supported by the ring provider; use X25519, CurveP256 or CurveP384",
            )),
            other => Err(ctx.invalid(
                "tls_server_config.curve_preferences",
                format!("unknown curve {other:?}; expected X25519, CurveP256 or CurveP384"),
            )),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Client certificate verifiers

/// `RequestClientCert` / `RequireAnyClientCert`: like Go, the chain is not verified; the
/// handshake signature still is, so the client must hold the certificate's private key.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    hints: Vec<DistinguishedName>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `client_allowed_sans`: after the inner verifier accepted the certificate, one of its SANs
/// must equal one of the allowed strings exactly (toolkit `VerifyPeerCertificate`).
#[derive(Debug)]
struct SanCheck {
    inner: Arc<dyn ClientCertVerifier>,
    allowed: Vec<String>,
}

impl ClientCertVerifier for SanCheck {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = self
            .inner
            .verify_client_cert(end_entity, intermediates, now)?;
        let sans = certificate_sans(end_entity.as_ref()).ok_or(
            rustls::Error::InvalidCertificate(CertificateError::BadEncoding),
        )?;
        if sans.iter().any(|san| self.allowed.contains(san)) {
            Ok(verified)
        } else {
            tracing::debug!(found = ?sans, "client certificate has no SAN listed in client_allowed_sans");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// One DER element: (tag, contents, rest). Bounds-checked; `None` on anything malformed,
/// since with `RequireAnyClientCert` the bytes come unverified from the client.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The DNS, e-mail, IP and URI subject alternative names of an X.509 certificate, rendered as
/// Go renders them (IP addresses in their canonical text form).
fn certificate_sans(cert: &[u8]) -> Option<Vec<String>> {
    const SEQUENCE: u8 = 0x30;
    const EXTENSIONS: u8 = 0xa3; // [3] EXPLICIT in TBSCertificate
    const SAN_OID: &[u8] = &[0x55, 0x1d, 0x11]; // 2.5.29.17
    let (tag, certificate, _) = der_element(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, mut tbs, _) = der_element(certificate)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut sans = Vec::new();
    while !tbs.is_empty() {
        let (tag, contents, rest) = der_element(tbs)?;
        tbs = rest;
        if tag != EXTENSIONS {
            continue;
        }
        let (_, mut extensions, _) = der_element(contents)?;
        while !extensions.is_empty() {
            let (_, mut extension, rest) = der_element(extensions)?;
            extensions = rest;
            let (_, oid, after_oid) = der_element(extension)?;
            if oid != SAN_OID {
                continue;
            }
            extension = after_oid;
            // Optional `critical` BOOLEAN, then the OCTET STRING holding GeneralNames.
            let (mut tag, mut value, after) = der_element(extension)?;
            if tag == 0x01 {
                (tag, value, _) = der_element(after)?;
            }
            if tag != 0x04 {
                return None;
            }
            let (_, mut names, _) = der_element(value)?;
            while !names.is_empty() {
                let (tag, name, rest) = der_element(names)?;
                names = rest;
                match tag {
                    // rfc822Name [1], dNSName [2], uniformResourceIdentifier [6]: IA5String
                    0x81 | 0x82 | 0x86 => {
                        if let Ok(s) = std::str::from_utf8(name) {
                            sans.push(s.to_string());
                        }
                    }
                    // iPAddress [7]
                    0x87 => match name.len() {
                        4 => {
                            let octets: [u8; 4] = name.try_into().ok()?;
                            sans.push(IpAddr::V4(Ipv4Addr::from(octets)).to_string());
                        }
                        16 => {
                            let octets: [u8; 16] = name.try_into().ok()?;
                            sans.push(IpAddr::V6(Ipv6Addr::from(octets)).to_string());
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
    }
    Some(sans)
}

// ---------------------------------------------------------------------------------------------
// Certificate rotation

/// Holds the current rustls configuration and rebuilds it when the cert, key or CA files
/// change. Checked on new connections, at most once per [`CERT_RELOAD_INTERVAL`].
struct TlsReloader {
    config: Arc<WebConfig>,
    current: RwLock<Arc<ServerConfig>>,
    state: Mutex<ReloadState>,
}

struct ReloadState {
    last_check: Instant,
    loaded: Vec<u8>,
    /// Fingerprint of contents that failed to load, so a half-rotated pair is logged once
    /// rather than every second.
    failed: Option<Vec<u8>>,
}

impl TlsReloader {
    fn new(config: Arc<WebConfig>) -> Result<TlsReloader, WebConfigError> {
        let ctx = Ctx { path: &config.path };
        let tls = config
            .tls
            .as_ref()
            .ok_or_else(|| ctx.invalid("tls_server_config", "TLS is not configured"))?;
        let material = tls.read_material(&ctx)?;
        let server_config = tls.server_config(&material, &ctx)?;
        let loaded = material.fingerprint();
        Ok(TlsReloader {
            current: RwLock::new(Arc::new(server_config)),
            state: Mutex::new(ReloadState {
                last_check: Instant::now(),
                loaded,
                failed: None,
            }),
            config,
        })
    }

    fn current(&self) -> Arc<ServerConfig> {
        self.maybe_reload();
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn maybe_reload(&self) {
        let Some(tls) = self.config.tls.as_ref().filter(|t| t.has_files()) else {
            return;
        };
        // Another connection is already checking: use the current config rather than wait.
        let Ok(mut state) = self.state.try_lock() else {
            return;
        };
        if state.last_check.elapsed() < CERT_RELOAD_INTERVAL {
            return;
        }
        state.last_check = Instant::now();
        let ctx = Ctx {
            path: &self.config.path,
        };
        // Reading a few KiB of local files at most once a second is cheap enough to do inline.
        let result = tls.read_material(&ctx).and_then(|material| {
            let fingerprint = material.fingerprint();
            if fingerprint == state.loaded || Some(&fingerprint) == state.failed.as_ref() {
                return Ok(None);
            }
            match tls.server_config(&material, &ctx) {
                Ok(config) => Ok(Some((config, fingerprint))),
                Err(e) => {
                    state.failed = Some(fingerprint);
                    Err(e)
                }
            }
        });
        match result {
            Ok(None) => {}
            Ok(Some((config, fingerprint))) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(config);
                state.loaded = fingerprint;
                state.failed = None;
                tracing::info!(file = %self.config.path.display(), "reloaded TLS certificate files");
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot reload TLS certificate files; keeping the previous certificate");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request guard: rate limit, basic auth, headers

struct TokenBucket {
    per_token: Duration,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    fn new(limit: RateLimit) -> TokenBucket {
        TokenBucket {
            per_token: limit.per_token,
            burst: f64::from(limit.burst),
            // Starts full, like Go's rate.Limiter.
            state: Mutex::new((f64::from(limit.burst), Instant::now())),
        }
    }

    fn allow(&self) -> bool {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let refill = now.duration_since(state.1).as_secs_f64() / self.per_token.as_secs_f64();
        state.0 = (state.0 + refill).min(self.burst);
        state.1 = now;
        if state.0 >= 1.0 {
            state.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

struct BasicAuth {
    users: Vec<(Vec<u8>, String)>,
    /// Hash that never matches, with the highest configured cost, for unknown users.
    dummy_hash: String,
    /// Random per-process key mixed into cache keys; `None` disables caching.
    cache_key: Option<[u8; 32]>,
    cache: Mutex<HashSet<Vec<u8>>>,
    /// bcrypt is CPU-bound: at most one verification per core runs at a time, on the blocking
    /// pool, so a flood of bad passwords cannot starve the async workers or spawn hundreds of
    /// threads.
    slots: Semaphore,
}

impl BasicAuth {
    fn new(users: &[(String, String)]) -> BasicAuth {
        let cost = users
            .iter()
            .map(|(_, h)| bcrypt_cost(h))
            .max()
            .unwrap_or(10);
        // The toolkit's dummy ("fakepassword", cost 10) with the cost replaced: the salt and
        // digest stay well-formed, only the work factor changes.
        let dummy_hash =
            format!("$2y${cost:02}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi");
        let mut key = [0u8; 32];
        let cache_key = match rustls::crypto::ring::default_provider()
            .secure_random
            .fill(&mut key)
        {
            Ok(()) => Some(key),
            Err(_) => {
                tracing::warn!(
                    "no system randomness: basic-auth verification results are not cached"
                );
                None
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        BasicAuth {
            users: users
                .iter()
                .map(|(u, h)| (u.as_bytes().to_vec(), h.clone()))
                .collect(),
            dummy_hash,
            cache_key,
            cache: Mutex::new(HashSet::new()),
            slots: Semaphore::new(cores),
        }
    }

    /// Looks the user up comparing every configured name in constant time, so neither the
    /// position of the first differing byte nor the matching entry shows in the timing.
    fn lookup(&self, user: &[u8]) -> Option<&str> {
        let mut found = None;
        for (name, hash) in &self.users {
            if constant_time_eq(name, user) {
                found = Some(hash.as_str());
            }
        }
        found
    }

    fn cache_entry(&self, user: &[u8], password: &[u8]) -> Option<Vec<u8>> {
        let key = self.cache_key?;
        let mut ctx = sha256().start();
        ctx.update(&key);
        ctx.update(&(user.len() as u64).to_be_bytes());
        ctx.update(user);
        ctx.update(password);
        Some(ctx.finish().as_ref().to_vec())
    }

    async fn verify(&self, user: &[u8], password: &[u8]) -> bool {
        let entry = self.cache_entry(user, password);
        if let Some(entry) = &entry {
            if self
                .cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(entry)
            {
                return true;
            }
        }
        let (hash, known) = match self.lookup(user) {
            Some(hash) => (hash.to_string(), true),
            None => (self.dummy_hash.clone(), false),
        };
        let Ok(_slot) = self.slots.acquire().await else {
            return false;
        };
        let password = password.to_vec();
        let matched = tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(false);
        let ok = matched && known;
        if ok {
            if let Some(entry) = entry {
                let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
                if cache.len() >= AUTH_CACHE_CAPACITY {
                    cache.clear();
                }
                cache.insert(entry);
            }
        }
        ok
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for (i, x) in a.iter().enumerate() {
        // Compare against a byte of `b` even past its end so the loop length depends on `a`
        // (a configured name) only.
        let y = b.get(i).copied().unwrap_or(0);
        diff |= std::hint::black_box(x ^ y);
    }
    diff == 0
}

fn sha256() -> &'static dyn rustls::crypto::hash::Hash {
    // The ring provider's SHA-256, reached through a TLS 1.3 suite, avoids a separate hashing
    // dependency. The constant is a TLS 1.3 suite, so the match always takes the first arm.
    match rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256 {
        SupportedCipherSuite::Tls13(suite) => suite.common.hash_provider,
        SupportedCipherSuite::Tls12(suite) => suite.common.hash_provider,
    }
}

/// `Authorization: Basic base64(user:password)`, parsed like Go's `Request.BasicAuth`.
fn basic_credentials(headers: &HeaderMap) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let scheme = value.get(..6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&value[6..])
        .ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    Some((decoded[..colon].to_vec(), decoded[colon + 1..].to_vec()))
}

struct Guard {
    headers: Vec<(HeaderName, HeaderValue)>,
    auth: Option<BasicAuth>,
    rate_limit: Option<TokenBucket>,
    unauthenticated_paths: HashSet<String>,
}

impl Guard {
    fn new(opts: &ServeOptions) -> Guard {
        let config = opts.web_config.as_deref();
        Guard {
            headers: config.map(|c| c.headers.clone()).unwrap_or_default(),
            auth: config
                .filter(|c| !c.users.is_empty())
                .map(|c| BasicAuth::new(&c.users)),
            rate_limit: config.and_then(|c| c.rate_limit).map(TokenBucket::new),
            unauthenticated_paths: opts.unauthenticated_paths.iter().cloned().collect(),
        }
    }

    async fn handle(&self, req: Request<Body>, app: Router) -> Response<Body> {
        let mut response = self.check_and_call(req, app).await;
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        response
    }

    async fn check_and_call(&self, req: Request<Body>, app: Router) -> Response<Body> {
        if let Some(bucket) = &self.rate_limit {
            if !bucket.allow() {
                return (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests\n").into_response();
            }
        }
        if let Some(auth) = &self.auth {
            if !self.unauthenticated_paths.contains(req.uri().path()) {
                let authorized = match basic_credentials(req.headers()) {
                    Some((user, password)) => auth.verify(&user, &password).await,
                    None => false,
                };
                if !authorized {
                    return (
                        StatusCode::UNAUTHORIZED,
                        [(header::WWW_AUTHENTICATE, AUTH_REALM)],
                        "Unauthorized\n",
                    )
                        .into_response();
                }
            }
        }
        match app.oneshot(req).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Server loop

/// Serves `app` on `listener` until `shutdown` completes: plain HTTP, or TLS when the web
/// config has a certificate; with the config's headers, basic auth and rate limit. After
/// `shutdown` no new connection is accepted and in-flight requests get [`SHUTDOWN_GRACE`] to
/// finish. Errors on single connections are logged at debug level and never end the server.
/// The only error is at start: TLS files that [`WebConfig::load`] accepted can no longer be used.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let tls = match opts.web_config.as_ref().filter(|c| c.tls_enabled()) {
        Some(config) => {
            Some(Arc::new(TlsReloader::new(config.clone()).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
            })?))
        }
        None => None,
    };
    let guard = Arc::new(Guard::new(&opts));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(handle_connection(
                        stream,
                        peer,
                        tls.clone(),
                        guard.clone(),
                        app.clone(),
                        stop_rx.clone(),
                    ));
                }
                Err(e) => {
                    // Usually EMFILE or a connection reset before accept; pause so a persistent
                    // error does not spin the loop, then carry on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Reap finished connection tasks so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }

    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            remaining = connections.len(),
            "requests still running after the shutdown grace period; closing their connections"
        );
        connections.shutdown().await;
    }
    Ok(())
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard returned by wait_for is not Send; drop it here.
    let _ = stop.wait_for(|s| *s).await;
}

async fn handle_connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<Arc<TlsReloader>>,
    guard: Arc<Guard>,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let guard = guard.clone();
        let app = app.clone();
        async move {
            let mut req = req.map(Body::new);
            // Lets handlers use axum's ConnectInfo<SocketAddr> extractor.
            req.extensions_mut().insert(ConnectInfo(peer));
            Ok::<_, Infallible>(guard.handle(req, app).await)
        }
    });
    match tls {
        None => serve_http(TokioIo::new(stream), service, peer, stop).await,
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls.current());
            let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream));
            let stream = tokio::select! {
                result = handshake => match result {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake timed out");
                        return;
                    }
                },
                () = stopped(&mut stop) => return,
            };
            serve_http(TokioIo::new(stream), service, peer, stop).await;
        }
    }
}

async fn serve_http<I, S>(io: I, service: S, peer: SocketAddr, mut stop: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::HttpService<Incoming, ResBody = Body> + Send,
    S::Future: Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = builder.serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stopped(&mut stop) => {
            // Finishes the request in flight (if any), then closes instead of keeping alive.
            connection.as_mut().graceful_shutdown();
            connection.as_mut().await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("100ms"), Ok(Duration::from_millis(100)));
        assert_eq!(parse_go_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("0"), Ok(Duration::ZERO));
        assert!(parse_go_duration("10").is_err());
        assert!(parse_go_duration("5d").is_err());
        assert!(parse_go_duration("").is_err());
    }

    #[test]
    fn sans_of_a_generated_certificate() {
        let mut params = rcgen::CertificateParams::new(vec![
            "client.example".to_string(),
            "10.1.2.3".to_string(),
            "::1".to_string(),
        ])
        .unwrap();
        params.subject_alt_names.push(rcgen::SanType::Rfc822Name(
            "ops@example.com".try_into().unwrap(),
        ));
        params.subject_alt_names.push(rcgen::SanType::URI(
            "spiffe://example/prometheus".try_into().unwrap(),
        ));
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let sans = certificate_sans(cert.der()).unwrap();
        assert_eq!(
            sans,
            [
                "client.example",
                "10.1.2.3",
                "::1",
                "ops@example.com",
                "spiffe://example/prometheus"
            ]
        );
    }

    #[test]
    fn malformed_der_is_rejected_not_panicking() {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["a.example".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().as_ref();
        for len in 0..der.len() {
            // Truncations must not panic; most are rejected outright.
            let _ = certificate_sans(&der[..len]);
        }
        assert_eq!(
            certificate_sans(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
        assert_eq!(certificate_sans(&[]), None);
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"prometheus", b"prometheus"));
        assert!(!constant_time_eq(b"prometheus", b"prometheuz"));
        assert!(!constant_time_eq(b"prometheus", b"prometheus2"));
        assert!(!constant_time_eq(b"prometheus", b"prom"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn basic_credentials_follow_go() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("basic dXNlcjpwYTpzcw=="),
        );
        assert_eq!(
            basic_credentials(&headers),
            Some((b"user".to_vec(), b"pa:ss".to_vec()))
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(basic_credentials(&headers), None);
    }

    #[test]
    fn token_bucket_refuses_after_burst() {
        let bucket = TokenBucket::new(RateLimit {
            per_token: Duration::from_secs(3600),
            burst: 2,
        });
        assert!(bucket.allow());
        assert!(bucket.allow());
        assert!(!bucket.allow());
    }
}
