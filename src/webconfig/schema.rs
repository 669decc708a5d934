//! The exporter-toolkit YAML schema (its field names, unknown fields rejected) and the checks of
//! everything in it except the TLS section ([`super::tls`] checks that): the header allow-list,
//! bcrypt hashes and the rate limit. Every error names the file and the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use base64::Engine as _;
use serde::Deserialize;

use super::limit::RateLimit;
use super::WebConfigError;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub tls_server_config: Option<RawTls>,
    pub http_server_config: Option<RawHttp>,
    pub basic_auth_users: Option<BTreeMap<String, String>>,
    pub rate_limit: Option<RawRateLimit>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTls {
    pub cert: Option<String>,
    pub key: Option<String>,
    pub client_ca: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub client_auth_type: Option<String>,
    pub client_ca_file: Option<String>,
    pub cipher_suites: Option<Vec<String>>,
    pub curve_preferences: Option<Vec<String>>,
    pub min_version: Option<String>,
    pub max_version: Option<String>,
    pub prefer_server_cipher_suites: Option<bool>,
    pub client_allowed_sans: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHttp {
    // Accepted for compatibility; only HTTP/1.1 is served (see the module docs).
    #[serde(rename = "http2")]
    _http2: Option<bool>,
    pub headers: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRateLimit {
    burst: Option<u32>,
    // Go's yaml decodes a time.Duration from a Go duration string or integer nanoseconds.
    interval: Option<serde_yaml_ng::Value>,
}

/// The highest bcrypt cost accepted. Every refused check does the work of the highest configured
/// cost (see [`super::auth`]); at 14 that is about a second of one core, and each step doubles
/// it, so a higher cost would hand anyone who sends a wrong password a denial of service.
pub(super) const MAX_BCRYPT_COST: u32 = 14;

/// A parsed file and which sections were written down with nothing in them (`key:` alone is
/// YAML null), which the toolkit reads as "off" and which usually means a mistake.
pub(super) struct Parsed {
    pub raw: RawFile,
    pub empty_file: bool,
    pub null_sections: Vec<&'static str>,
}

/// Reads and parses `path` (not yet validated).
pub(super) fn read(path: &Path) -> Result<Parsed, WebConfigError> {
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
    if value.is_null() {
        return Ok(Parsed {
            raw: RawFile::default(),
            empty_file: true,
            null_sections: Vec::new(),
        });
    }
    let null_sections = ["tls_server_config", "basic_auth_users"]
        .into_iter()
        .filter(|key| value.get(key).is_some_and(serde_yaml_ng::Value::is_null))
        .collect();
    Ok(Parsed {
        raw: serde_yaml_ng::from_str(&text).map_err(parse_error)?,
        empty_file: false,
        null_sections,
    })
}

/// Error context: the file being loaded.
pub(super) struct LoadingFile<'a> {
    pub path: &'a Path,
}

impl LoadingFile<'_> {
    pub(super) fn invalid(
        &self,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> WebConfigError {
        WebConfigError::Invalid {
            path: self.path.to_path_buf(),
            field: field.into(),
            message: one_line(&message.into()),
        }
    }

    /// Relative paths in the file are relative to the file's directory (toolkit `SetDirectory`).
    pub(super) fn resolve(&self, file: &str) -> PathBuf {
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

/// The toolkit's allow-list (`extraHTTPHeaders`): only these may be set, two of them only to
/// well-known values, so every Prometheus component behaves alike.
const ALLOWED_HEADERS: &[(&str, &[&str])] = &[
    ("Strict-Transport-Security", &[]),
    ("X-Content-Type-Options", &["nosniff"]),
    ("X-Frame-Options", &["deny", "sameorigin"]),
    ("X-XSS-Protection", &[]),
    ("Content-Security-Policy", &[]),
];

pub(super) fn validate_headers(
    headers: BTreeMap<String, String>,
    ctx: &LoadingFile<'_>,
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

pub(super) fn validate_users(
    users: BTreeMap<String, String>,
    ctx: &LoadingFile<'_>,
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
    if !(4..=MAX_BCRYPT_COST).contains(&cost) {
        return Err(format!(
            "bcrypt cost {cost} is outside 4..={MAX_BCRYPT_COST}: every wrong password costs \
             the work of the highest cost, and each step doubles it"
        ));
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

pub(super) fn bcrypt_cost(hash: &str) -> u32 {
    hash.parse::<bcrypt::HashParts>()
        .map(|p| p.get_cost())
        .unwrap_or(0)
}

pub(super) fn validate_rate_limit(
    raw: RawRateLimit,
    ctx: &LoadingFile<'_>,
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
}
