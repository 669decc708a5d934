//! The settings: the command line ([`cli`]) validated into a typed [`Config`].
//!
//! Flags follow Prometheus exporter conventions (`--web.listen-address`, `--collector.<name>`).
//! clap checks what it can (syntax, durations, enumerations); what needs more (addresses, URLs,
//! files, combinations) is checked here. Every problem is one [`ConfigError`] naming the flag or
//! variable, so `main` can print it and exit 2 before anything starts. How the exporter signs
//! in (legacy API key or OneAPI) is worked out in [`signin`].

pub(crate) mod cli;
pub(crate) mod cli_lss;
pub(crate) mod cli_tenancy;
mod error;
mod parsers;
mod signin;
mod tenancy;
mod tenant;
mod tenant_checks;
pub(crate) mod tenants_file;

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;

use crate::collectors::{CollectorOptions, ALL as ALL_COLLECTORS};
use crate::webconfig::WebConfig;
pub(crate) use cli::{AuthChoice, LogFormat, Parsed};
pub use error::ConfigError;
pub(crate) use error::Problem;
pub(crate) use signin::is_host_label;
pub use signin::{Auth, AuthMethod, EnvSecrets};
pub use tenancy::Shard;
pub(crate) use tenancy::{parse_pod_name, Tenancy};
pub use tenant::{DemoTenant, TenantSpec, ZpaTarget};
pub use tenants_file::FileError;

/// The exporter's port in the Prometheus default port allocations.
pub(crate) const DEFAULT_PORT: u16 = 9891;

/// Everything the exporter needs to start, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to serve (every `--web.listen-address`, in order, without repeats).
    pub listen_addresses: Vec<SocketAddr>,
    /// `--web.systemd-socket`: serve on systemd's sockets instead of `listen_addresses`.
    pub systemd_socket: bool,
    /// The path of the metrics (`--web.telemetry-path`).
    pub telemetry_path: String,
    /// The parsed `--web.config.file`, validated before anything starts.
    pub web_config: Option<Arc<WebConfig>>,
    /// `--web.unauthenticated-health`.
    pub unauthenticated_health: bool,
    /// `--web.max-requests`: concurrent scrapes answered; 0 is no limit.
    pub max_requests: usize,
    /// `--web.max-connections`.
    pub max_connections: usize,
    /// The tenants to poll: the one the `--zpa.*`/`--oneapi.*` flags describe, or the tenants
    /// file's (`--config.file`), validated the same way. Empty with `--demo`.
    pub tenants: Vec<TenantSpec>,
    /// `--demo`: the built-in simulated tenant, read with the flags' budget and intervals once
    /// the exporter has started it.
    pub demo: Option<DemoTenant>,
    /// The timeout of one request to ZPA.
    pub request_timeout: Duration,
    /// The enabled collectors' names.
    pub collectors: Vec<&'static str>,
    /// What collectors export beyond the default.
    pub collector_options: CollectorOptions,
    /// The least severe level logged.
    pub log_level: tracing::Level,
    /// Text or JSON logs.
    pub log_format: LogFormat,
    /// Settings accepted but worth a warning at start, one line each.
    pub warnings: Vec<String>,
    /// The LSS receiver (`--lss.*`); off without listen addresses.
    pub lss: crate::lss::LssOptions,
    /// Several tenants, reloads and shards (`--config.file`, `--shard.*`, ...).
    pub tenancy: Tenancy,
}

const CUSTOMER_ID: &str = "--zpa.customer-id (ZPA_CUSTOMER_ID)";
const CLIENT_ID: &str = "--zpa.client-id (ZPA_CLIENT_ID)";
const SECRET: &str = "ZPA_CLIENT_SECRET / --zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)";
const SECRET_FILE: &str = "--zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)";
const MICROTENANT_ID: &str = "--zpa.microtenant-id (ZPA_MICROTENANT_ID)";
const BASE_URL: &str = "--zpa.base-url (ZPA_BASE_URL)";
const LISTEN_ADDRESS: &str = "--web.listen-address (ZPA_EXPORTER_LISTEN_ADDRESS)";
const TELEMETRY_PATH: &str = "--web.telemetry-path";
const WEB_CONFIG: &str = "--web.config.file (ZPA_EXPORTER_WEB_CONFIG_FILE)";

impl Config {
    /// Every flag at its default, polling `tenant`: where code that embeds the exporter (tests,
    /// benchmarks) starts before changing what it needs.
    pub fn for_tenant(tenant: TenantSpec) -> Config {
        Config {
            tenants: vec![tenant],
            ..Config::defaults()
        }
    }

    /// Every flag at its default, polling the tenants of the tenants file at `path` (as
    /// `--config.file` does, reloaded from it).
    pub fn for_tenants_file(path: &Path) -> Result<Config, FileError> {
        let file = tenants_file::load(path)?;
        let mut config = Config {
            tenants: file.tenants,
            warnings: file.warnings,
            ..Config::defaults()
        };
        config.tenancy.tenants_file = Some(path.to_path_buf());
        Ok(config)
    }

    /// Every flag at its default, on the built-in demo tenant (`--demo`).
    pub fn demo() -> Config {
        Config {
            demo: Some(DemoTenant::default()),
            ..Config::defaults()
        }
    }

    /// The only tenant (tests and benchmarks that poll one): panics when there is not exactly
    /// one.
    pub fn tenant_mut(&mut self) -> &mut TenantSpec {
        assert_eq!(self.tenants.len(), 1, "not a single-tenant configuration");
        &mut self.tenants[0]
    }

    fn defaults() -> Config {
        Config {
            listen_addresses: vec![SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT))],
            systemd_socket: false,
            telemetry_path: "/metrics".into(),
            web_config: None,
            unauthenticated_health: false,
            max_requests: 40,
            max_connections: crate::webconfig::DEFAULT_MAX_CONNECTIONS,
            tenants: Vec::new(),
            demo: None,
            request_timeout: Duration::from_secs(30),
            collectors: ALL_COLLECTORS
                .iter()
                .filter(|s| s.default_enabled)
                .map(|s| s.name)
                .collect(),
            collector_options: CollectorOptions::default(),
            log_level: tracing::Level::INFO,
            log_format: LogFormat::Text,
            warnings: Vec::new(),
            lss: Default::default(),
            tenancy: Tenancy::default(),
        }
    }

    /// Validates the parsed command line. `secrets` are the secrets from the environment
    /// ([`EnvSecrets::from_env`]), passed in so tests don't touch the process environment; a
    /// plain `Option<String>` is `ZPA_CLIENT_SECRET` alone.
    pub fn from_cli(
        parsed: &Parsed,
        secrets: impl Into<EnvSecrets>,
    ) -> Result<Config, ConfigError> {
        let secrets = secrets.into();
        let cli = &parsed.cli;
        let mut listen_addresses = Vec::new();
        for value in &cli.listen_addresses {
            let addr = parse_listen_address(value)?;
            if !listen_addresses.contains(&addr) {
                listen_addresses.push(addr);
            }
        }
        check_telemetry_path(&cli.telemetry_path)?;
        let mut warnings = Vec::new();
        if cli.poll_timeout.is_some() {
            warnings.push(
                "--poll.timeout (ZPA_POLL_TIMEOUT) is deprecated and ignored: a collector run is \
                 no longer cut off by a deadline; --zpa.request-timeout and the retry budget \
                 bound it"
                    .to_string(),
            );
        }
        let collectors: Vec<&'static str> = ALL_COLLECTORS
            .iter()
            .filter(|s| {
                parsed
                    .collectors
                    .enabled
                    .get(s.name)
                    .copied()
                    .unwrap_or(s.default_enabled)
            })
            .map(|s| s.name)
            .collect();
        if collectors.is_empty() {
            return Err(ConfigError::new(
                "--no-collector.*",
                Problem::NothingEnabled,
            ));
        }
        let web_config = match &cli.web_config_file {
            Some(path) => {
                let web = WebConfig::load(path)
                    .map_err(|e| ConfigError::new(WEB_CONFIG, Problem::WebConfig(e)))?;
                warnings.extend(web.warnings().iter().cloned());
                Some(Arc::new(web))
            }
            None => None,
        };
        let per_second = |l: RateLimit| f64::from(l.max) / l.period.as_secs_f64();
        // Either more per second, or a burst larger than one window holds (40/20s may send 40
        // at once).
        if per_second(cli.rate_limit) > per_second(RateLimit::ZPA_DEFAULT)
            || cli.rate_limit.max > RateLimit::ZPA_DEFAULT.max
        {
            warnings.push(format!(
                "--zpa.rate-limit {} is above ZPA's documented budget of 20 GETs per 10 s per \
                 tenant and source IP: expect 429 responses, and other API clients of the tenant \
                 from this address share the budget",
                cli.rate_limit
            ));
        }
        let lss = cli.lss.options(web_config.as_deref())?;
        let (tenancy, from_file) = Tenancy::from_cli(&cli.tenancy, &mut warnings)?;
        let schedule = |name: String, target| TenantSpec {
            name,
            target,
            rate_limit: cli.rate_limit,
            poll_interval: cli.poll_interval,
            collector_intervals: parsed.collectors.intervals.clone(),
            lss: None,
            shard: None,
        };
        // A tenants file replaces the tenant flags; `--demo` starts its own tenant.
        let (tenants, demo) = match from_file {
            Some(_) if !lss.listeners.is_empty() || lss.tls => {
                let flag = if lss.tls {
                    "--lss.tls (ZPA_EXPORTER_LSS_TLS)"
                } else {
                    cli_lss::LSS_LISTEN_ADDRESS
                };
                return Err(ConfigError::new(flag, Problem::LssFlagWithTenantsFile));
            }
            Some(tenants) => (tenants, None),
            None if cli.demo => {
                let demo = DemoTenant {
                    name: cli.tenancy.tenant_name.clone(),
                    rate_limit: cli.rate_limit,
                    poll_interval: cli.poll_interval,
                    collector_intervals: parsed.collectors.intervals.clone(),
                };
                (Vec::new(), Some(demo))
            }
            None => {
                let target = zpa_target(cli, &secrets, &mut warnings)?;
                let name = cli
                    .tenancy
                    .tenant_name
                    .clone()
                    .unwrap_or_else(|| target.customer_id.clone());
                (vec![schedule(name, target)], None)
            }
        };
        Ok(Config {
            listen_addresses,
            systemd_socket: cli.systemd_socket,
            telemetry_path: cli.telemetry_path.clone(),
            web_config,
            unauthenticated_health: cli.unauthenticated_health,
            max_requests: cli.max_requests,
            max_connections: cli.max_connections,
            tenants,
            demo,
            request_timeout: cli.request_timeout,
            collectors,
            collector_options: CollectorOptions {
                segment_info: parsed.collectors.segment_info.unwrap_or(false),
            },
            log_level: cli.log_level.into(),
            log_format: cli.log_format,
            warnings,
            lss,
            tenancy,
        })
    }
}

fn check_telemetry_path(path: &str) -> Result<(), ConfigError> {
    if !path.starts_with('/') || path.len() < 2 {
        return Err(ConfigError::new(
            TELEMETRY_PATH,
            Problem::TelemetryPathShape(path.to_string()),
        ));
    }
    if ["/-/healthy", "/-/ready"].contains(&path) {
        return Err(ConfigError::new(
            TELEMETRY_PATH,
            Problem::TelemetryPathClash,
        ));
    }
    Ok(())
}

fn parse_listen_address(value: &str) -> Result<SocketAddr, ConfigError> {
    host_port(value).map_err(|problem| ConfigError::new(LISTEN_ADDRESS, problem))
}

/// `host:port`, `:port` meaning all interfaces.
/// One `[TYPE=]HOST:PORT`: the flag's value, or an entry of a tenant's `lss.listen_addresses`.
pub(crate) fn listener(value: &str) -> Result<crate::lss::ListenerSpec, Problem> {
    let (log_type, address) = match value.split_once('=') {
        Some((name, address)) => {
            let log_type = crate::lss::LogType::from_name(name.trim())
                .filter(|t| crate::lss::receives(*t))
                .ok_or_else(|| Problem::UnknownLogType(name.into()))?;
            (Some(log_type), address)
        }
        None => (None, value),
    };
    let addr = host_port(address.trim())?;
    Ok(crate::lss::ListenerSpec { log_type, addr })
}

fn host_port(value: &str) -> Result<SocketAddr, Problem> {
    let candidate = match value.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => value.to_string(),
    };
    candidate
        .to_socket_addrs()
        .map_err(|e| Problem::NotAnAddress(value.to_string(), e))?
        .next()
        .ok_or_else(|| Problem::NoAddress(value.to_string()))
}

/// `https://` always; `http://` only to loopback, so a typo cannot send the secret in clear text.
pub(crate) fn validate_base_url(value: &str) -> Result<String, ConfigError> {
    validate_url(value, BASE_URL)
}

/// [`validate_base_url`] for any URL setting: the error names `setting`.
fn validate_url(value: &str, setting: &'static str) -> Result<String, ConfigError> {
    let fail = |problem| ConfigError::new(setting, problem);
    let url = reqwest::Url::parse(value.trim())
        .map_err(|e| fail(Problem::BadUrl(value.to_string(), Box::new(e))))?;
    let host = url
        .host_str()
        .ok_or_else(|| fail(Problem::NoHost(value.to_string())))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = bare.eq_ignore_ascii_case("localhost")
                || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(fail(Problem::PlainHttp(host.to_string())));
            }
        }
        other => return Err(fail(Problem::Scheme(other.to_string()))),
    }
    if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(fail(Problem::QueryOrCredentials));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn required(value: &Option<String>, setting: &'static str) -> Result<String, ConfigError> {
    match value.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(ConfigError::new(setting, Problem::Missing)),
    }
}

/// A file holding a secret; the newline `echo` adds is not part of it.
pub(crate) fn read_secret_file(path: &Path, setting: &'static str) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(setting, Problem::Unreadable(path.to_path_buf(), e)))?;
    let secret = text.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(ConfigError::new(
            setting,
            Problem::EmptyFile(path.to_path_buf()),
        ));
    }
    Ok(Secret::new(secret))
}

fn zpa_target(
    cli: &cli::Cli,
    secrets: &EnvSecrets,
    warnings: &mut Vec<String>,
) -> Result<ZpaTarget, ConfigError> {
    let customer_id = tenant_checks::customer_id(&required(&cli.customer_id, CUSTOMER_ID)?)
        .map_err(|p| ConfigError::new(CUSTOMER_ID, p))?;
    let microtenant_id = tenant_checks::microtenant_id(cli.microtenant_id.as_deref())
        .map_err(|p| ConfigError::new(MICROTENANT_ID, p))?;
    let (choice, reason) = signin::choose(cli);
    if choice == AuthChoice::OneApi {
        warnings.extend(signin::ignored_legacy_settings(cli, secrets));
        let oneapi = signin::oneapi(cli, secrets)?;
        return Ok(ZpaTarget {
            base_url: oneapi.api_root,
            customer_id,
            client_id: oneapi.client_id,
            client_secret: Secret::new(""),
            microtenant_id,
            auth: Auth {
                method: oneapi.method,
                reason,
            },
        });
    }
    warnings.extend(signin::ignored_oneapi_settings(cli, secrets));
    let base_url = match &cli.base_url {
        Some(url) => validate_base_url(url)?,
        None => cli.cloud.base_url().to_string(),
    };
    let client_id = required(&cli.client_id, CLIENT_ID)?;
    let env_secret = secrets.zpa_client_secret.clone().filter(|s| !s.is_empty());
    let client_secret = match (&cli.client_secret_file, env_secret) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::new(
                SECRET,
                Problem::Ambiguous("ZPA_CLIENT_SECRET and --zpa.client-secret-file"),
            ))
        }
        (Some(path), None) => read_secret_file(path, SECRET_FILE)?,
        (None, Some(secret)) => secret,
        (None, None) => return Err(ConfigError::new(SECRET, Problem::Missing)),
    };
    Ok(ZpaTarget {
        base_url,
        customer_id,
        client_id,
        client_secret,
        microtenant_id,
        auth: Auth {
            method: AuthMethod::Legacy,
            reason,
        },
    })
}

#[cfg(test)]
mod tests;
