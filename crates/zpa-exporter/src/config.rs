//! Command-line flags and environment variables, validated into a typed [`Config`].
//!
//! Flags follow Prometheus exporter conventions (`--web.listen-address`, `--collector.<name>`).
//! Every problem becomes one [`ConfigError`] line naming the flag or variable, so `main` can
//! print it and exit non-zero before anything starts.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::collectors::{CollectorOptions, CollectorSpec, ALL as ALL_COLLECTORS};
use crate::http::webconfig::WebConfig;
use zpa_api::cloud::Cloud;
use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;

pub const DEFAULT_PORT: u16 = 9891;

#[derive(Debug, Parser)]
#[command(
    name = "zpa-exporter",
    version,
    about = "Prometheus exporter for the Zscaler Private Access (ZPA) management API",
    after_help = collectors_help(),
    args_override_self = true,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to serve metrics on (host:port; ":9891" means all interfaces)
    #[arg(
        long = "web.listen-address",
        env = "ZPA_EXPORTER_LISTEN_ADDRESS",
        default_value = ":9891"
    )]
    pub listen_address: String,

    /// Path under which to expose metrics
    #[arg(long = "web.telemetry-path", default_value = "/metrics")]
    pub telemetry_path: String,

    /// exporter-toolkit web config file (TLS, basic auth, headers)
    #[arg(long = "web.config.file", env = "ZPA_EXPORTER_WEB_CONFIG_FILE")]
    pub web_config_file: Option<PathBuf>,

    /// Serve /-/healthy and /-/ready without basic auth (for probes that cannot send credentials)
    #[arg(long = "web.unauthenticated-health")]
    pub unauthenticated_health: bool,

    /// ZPA cloud: PRODUCTION, ZPATWO, BETA, GOV, GOVUS, PREVIEW, QA, QA2
    #[arg(long = "zpa.cloud", env = "ZPA_CLOUD", default_value = "PRODUCTION")]
    pub cloud: String,

    /// Override the cloud's API URL (proxies, the simulator); http:// only for loopback hosts
    #[arg(long = "zpa.base-url", env = "ZPA_BASE_URL")]
    pub base_url: Option<String>,

    /// ZPA tenant (customer) id
    #[arg(long = "zpa.customer-id", env = "ZPA_CUSTOMER_ID")]
    pub customer_id: Option<String>,

    /// API key client id
    #[arg(long = "zpa.client-id", env = "ZPA_CLIENT_ID")]
    pub client_id: Option<String>,

    /// File holding the API key secret (else the ZPA_CLIENT_SECRET environment variable)
    #[arg(long = "zpa.client-secret-file", env = "ZPA_CLIENT_SECRET_FILE")]
    pub client_secret_file: Option<PathBuf>,

    /// Scope every call to one microtenant ("0" = Default)
    #[arg(long = "zpa.microtenant-id", env = "ZPA_MICROTENANT_ID")]
    pub microtenant_id: Option<String>,

    /// Client-side limit on GET requests, COUNT/DURATION (ZPA allows 20 per 10 s per org and IP)
    #[arg(
        long = "zpa.rate-limit",
        env = "ZPA_RATE_LIMIT",
        default_value = "20/10s"
    )]
    pub rate_limit: String,

    /// Timeout of one HTTP request to ZPA
    #[arg(
        long = "zpa.request-timeout",
        env = "ZPA_REQUEST_TIMEOUT",
        default_value = "30s"
    )]
    pub request_timeout: String,

    /// One refresh interval for every collector without its own --collector.<name>.interval
    /// (default: each collector's own, listed below; at least 1s)
    #[arg(long = "poll.interval", env = "ZPA_POLL_INTERVAL")]
    pub poll_interval: Option<String>,

    /// Deprecated and ignored: runs are no longer cut off by a deadline (they are bounded by
    /// --zpa.request-timeout and the retry budget)
    #[arg(long = "poll.timeout", env = "ZPA_POLL_TIMEOUT")]
    pub poll_timeout: Option<String>,

    /// Log level: error, warn, info, debug, trace
    #[arg(
        long = "log.level",
        env = "ZPA_EXPORTER_LOG_LEVEL",
        default_value = "info"
    )]
    pub log_level: String,

    /// Log format
    #[arg(long = "log.format", env = "ZPA_EXPORTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Run against a built-in simulated ZPA tenant (no credentials needed)
    #[arg(long = "demo")]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exit 0 when the exporter at URL answers 200 (a container health probe without a shell)
    Healthcheck {
        #[arg(
            long,
            env = "ZPA_EXPORTER_HEALTHCHECK_URL",
            default_value = "http://127.0.0.1:9891/-/healthy"
        )]
        url: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

fn collectors_help() -> String {
    let mut help = String::from(
        "Collectors (enable with --collector.<name>, disable with --no-collector.<name>, \
         set the refresh interval with --collector.<name>.interval=DURATION):\n",
    );
    for spec in ALL_COLLECTORS {
        help.push_str(&format!(
            "  {:<24} every {:<5} {}\n",
            spec.name,
            humantime::format_duration(spec.default_interval).to_string(),
            if spec.default_enabled {
                "[default: enabled]"
            } else {
                "[default: disabled]"
            }
        ));
    }
    help.push_str(
        "  --collector.application_segments.info   one series per segment (off by default)\n",
    );
    help.push_str("\nThe API key secret is read from ZPA_CLIENT_SECRET or --zpa.client-secret-file, never from a flag.");
    help
}

/// Where the exporter gets its data.
#[derive(Debug, Clone)]
pub enum Target {
    /// The built-in simulator, started in-process.
    Demo,
    Zpa(ZpaTarget),
}

#[derive(Debug, Clone)]
pub struct ZpaTarget {
    /// API root, e.g. `https://config.private.zscaler.com`.
    pub base_url: String,
    pub customer_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub microtenant_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen_address: SocketAddr,
    pub telemetry_path: String,
    /// The parsed `--web.config.file`, validated before anything starts.
    pub web_config: Option<Arc<WebConfig>>,
    pub unauthenticated_health: bool,
    pub target: Target,
    pub rate_limit: RateLimit,
    pub request_timeout: Duration,
    /// `--poll.interval`: the interval of every collector without its own.
    pub poll_interval: Option<Duration>,
    /// `--collector.<name>.interval`.
    pub collector_intervals: BTreeMap<&'static str, Duration>,
    pub collectors: Vec<&'static str>,
    pub collector_options: CollectorOptions,
    pub log_level: tracing::Level,
    pub log_format: LogFormat,
    /// Settings accepted but worth a warning at start, one line each.
    pub warnings: Vec<String>,
}

/// One line: what is wrong and which flag or variable to fix.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

fn err(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_string(),
        message: message.into(),
    }
}

/// `--collector.X`, `--no-collector.X` and `--collector.X.interval` are open-ended, so they are
/// taken out of the arguments before clap sees them.
#[derive(Debug, Default, Clone)]
pub struct CollectorFlags {
    toggles: Vec<(String, bool)>,
    /// (collector name, value as given)
    intervals: Vec<(String, String)>,
}

impl CollectorFlags {
    pub fn split(args: impl IntoIterator<Item = String>) -> (Vec<String>, CollectorFlags) {
        let mut rest = Vec::new();
        let mut flags = CollectorFlags::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if let Some(name) = arg.strip_prefix("--no-collector.") {
                flags.toggles.push((name.to_string(), false));
            } else if let Some(name) = arg.strip_prefix("--collector.") {
                match name.split_once('=') {
                    Some((name, value)) if name.ends_with(".interval") => {
                        let name = name.trim_end_matches(".interval");
                        flags.intervals.push((name.to_string(), value.to_string()));
                    }
                    None if name.ends_with(".interval") => {
                        let value = args.next().unwrap_or_default();
                        let name = name.trim_end_matches(".interval");
                        flags.intervals.push((name.to_string(), value));
                    }
                    _ => flags.toggles.push((name.to_string(), true)),
                }
            } else {
                rest.push(arg);
            }
        }
        (rest, flags)
    }
}

fn parse_duration(setting: &str, value: &str) -> Result<Duration, ConfigError> {
    humantime::parse_duration(value.trim()).map_err(|e| {
        err(
            setting,
            format!("{value:?} is not a duration ({e}); use e.g. 60s, 5m"),
        )
    })
}

/// A refresh interval: a duration of at least one second.
fn parse_interval(setting: &str, value: &str) -> Result<Duration, ConfigError> {
    let interval = parse_duration(setting, value)?;
    if interval < Duration::from_secs(1) {
        return Err(err(setting, format!("{value} is below the minimum of 1s")));
    }
    Ok(interval)
}

fn parse_listen_address(value: &str) -> Result<SocketAddr, ConfigError> {
    let setting = "--web.listen-address (ZPA_EXPORTER_LISTEN_ADDRESS)";
    let candidate = match value.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => value.to_string(),
    };
    candidate
        .to_socket_addrs()
        .map_err(|e| {
            err(
                setting,
                format!("{value:?} is not a host:port address ({e})"),
            )
        })?
        .next()
        .ok_or_else(|| err(setting, format!("{value:?} resolves to no address")))
}

/// `https://` always; `http://` only to loopback, so a typo cannot send the secret in clear text.
pub fn validate_base_url(value: &str) -> Result<String, ConfigError> {
    let setting = "--zpa.base-url (ZPA_BASE_URL)";
    let url = reqwest::Url::parse(value.trim())
        .map_err(|e| err(setting, format!("{value:?} is not a URL ({e})")))?;
    let host = url
        .host_str()
        .ok_or_else(|| err(setting, format!("{value:?} has no host")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = bare.eq_ignore_ascii_case("localhost")
                || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(err(
                    setting,
                    format!("plain http:// is only allowed for loopback hosts, not {host:?}; use https://"),
                ));
            }
        }
        other => {
            return Err(err(
                setting,
                format!("unsupported scheme {other:?}; use https://"),
            ))
        }
    }
    if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(err(setting, "must not carry a query string or credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl Config {
    /// Every flag at its default, reading `target`: where code that embeds the exporter (tests,
    /// benchmarks) starts before changing what it needs.
    pub fn for_target(target: Target) -> Config {
        Config {
            listen_address: SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)),
            telemetry_path: "/metrics".into(),
            web_config: None,
            unauthenticated_health: false,
            target,
            rate_limit: RateLimit::ZPA_DEFAULT,
            request_timeout: Duration::from_secs(30),
            poll_interval: None,
            collector_intervals: BTreeMap::new(),
            collectors: ALL_COLLECTORS
                .iter()
                .filter(|s| s.default_enabled)
                .map(|s| s.name)
                .collect(),
            collector_options: CollectorOptions::default(),
            log_level: tracing::Level::INFO,
            log_format: LogFormat::Text,
            warnings: Vec::new(),
        }
    }

    /// The interval a collector is asked to refresh at: its own flag, else `--poll.interval`,
    /// else its default.
    pub fn requested_interval(&self, spec: &CollectorSpec) -> Duration {
        self.collector_intervals
            .get(spec.name)
            .copied()
            .or(self.poll_interval)
            .unwrap_or(spec.default_interval)
    }

    /// Validates the parsed flags. `secret_from_env` is `ZPA_CLIENT_SECRET`, passed in so tests
    /// don't touch the process environment.
    pub fn from_cli(
        cli: &Cli,
        collector_flags: &CollectorFlags,
        secret_from_env: Option<String>,
    ) -> Result<Config, ConfigError> {
        let listen_address = parse_listen_address(&cli.listen_address)?;
        if !cli.telemetry_path.starts_with('/') || cli.telemetry_path.len() < 2 {
            return Err(err(
                "--web.telemetry-path",
                format!(
                    "{:?} must start with / and not be the root",
                    cli.telemetry_path
                ),
            ));
        }
        if ["/-/healthy", "/-/ready"].contains(&cli.telemetry_path.as_str()) {
            return Err(err(
                "--web.telemetry-path",
                "must not clash with the health endpoints",
            ));
        }
        let mut warnings = Vec::new();
        let poll_interval = cli
            .poll_interval
            .as_deref()
            .map(|v| parse_interval("--poll.interval (ZPA_POLL_INTERVAL)", v))
            .transpose()?;
        if let Some(v) = &cli.poll_timeout {
            parse_duration("--poll.timeout (ZPA_POLL_TIMEOUT)", v)?;
            warnings.push(
                "--poll.timeout (ZPA_POLL_TIMEOUT) is deprecated and ignored: a collector run is \
                 no longer cut off by a deadline; --zpa.request-timeout and the retry budget \
                 bound it"
                    .to_string(),
            );
        }
        let request_timeout = parse_duration(
            "--zpa.request-timeout (ZPA_REQUEST_TIMEOUT)",
            &cli.request_timeout,
        )?;
        if request_timeout.is_zero() {
            return Err(err(
                "--zpa.request-timeout (ZPA_REQUEST_TIMEOUT)",
                "must be above zero",
            ));
        }
        let rate_limit: RateLimit = cli
            .rate_limit
            .parse()
            .map_err(|m: String| err("--zpa.rate-limit (ZPA_RATE_LIMIT)", m))?;
        let log_level: tracing::Level = cli.log_level.parse().map_err(|_| {
            err(
                "--log.level",
                format!(
                    "{:?} is not one of error, warn, info, debug, trace",
                    cli.log_level
                ),
            )
        })?;

        let mut collector_options = CollectorOptions::default();
        let mut enabled: Vec<(&'static str, bool)> = ALL_COLLECTORS
            .iter()
            .map(|s| (s.name, s.default_enabled))
            .collect();
        for (name, on) in &collector_flags.toggles {
            if name == "application_segments.info" {
                collector_options.segment_info = *on;
                continue;
            }
            let flag = format!("--{}collector.{name}", if *on { "" } else { "no-" });
            let slot = enabled.iter_mut().find(|(n, _)| n == name).ok_or_else(|| {
                let names: Vec<_> = ALL_COLLECTORS.iter().map(|s| s.name).collect();
                err(
                    &flag,
                    format!("unknown collector; known: {}", names.join(", ")),
                )
            })?;
            slot.1 = *on;
        }
        let collectors: Vec<&'static str> = enabled
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| n)
            .collect();
        let mut collector_intervals = BTreeMap::new();
        for (name, value) in &collector_flags.intervals {
            let flag = format!("--collector.{name}.interval");
            let spec = ALL_COLLECTORS
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| {
                    let names: Vec<_> = ALL_COLLECTORS.iter().map(|s| s.name).collect();
                    err(
                        &flag,
                        format!("unknown collector; known: {}", names.join(", ")),
                    )
                })?;
            collector_intervals.insert(spec.name, parse_interval(&flag, value)?);
        }
        if collectors.is_empty() {
            return Err(err(
                "--no-collector.*",
                "every collector is disabled; nothing to export",
            ));
        }

        let web_config = match &cli.web_config_file {
            Some(path) => Some(Arc::new(WebConfig::load(path).map_err(|e| {
                err(
                    "--web.config.file (ZPA_EXPORTER_WEB_CONFIG_FILE)",
                    e.to_string(),
                )
            })?)),
            None => None,
        };
        let target = if cli.demo {
            Target::Demo
        } else {
            Target::Zpa(Self::zpa_target(cli, secret_from_env)?)
        };
        Ok(Config {
            listen_address,
            telemetry_path: cli.telemetry_path.clone(),
            web_config,
            unauthenticated_health: cli.unauthenticated_health,
            target,
            rate_limit,
            request_timeout,
            poll_interval,
            collector_intervals,
            collectors,
            collector_options,
            log_level,
            log_format: cli.log_format,
            warnings,
        })
    }

    fn zpa_target(cli: &Cli, secret_from_env: Option<String>) -> Result<ZpaTarget, ConfigError> {
        let cloud: Cloud = cli
            .cloud
            .parse()
            .map_err(|m: String| err("--zpa.cloud (ZPA_CLOUD)", m))?;
        let base_url = match &cli.base_url {
            Some(url) => validate_base_url(url)?,
            None => cloud.base_url().to_string(),
        };
        let required = |v: &Option<String>, setting: &str| -> Result<String, ConfigError> {
            match v.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => Ok(s.to_string()),
                _ => Err(err(setting, "is required (or run with --demo)")),
            }
        };
        let customer_id = required(&cli.customer_id, "--zpa.customer-id (ZPA_CUSTOMER_ID)")?;
        if !customer_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(
                "--zpa.customer-id (ZPA_CUSTOMER_ID)",
                "must be the numeric tenant id",
            ));
        }
        let client_id = required(&cli.client_id, "--zpa.client-id (ZPA_CLIENT_ID)")?;
        let secret_setting =
            "ZPA_CLIENT_SECRET / --zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)";
        let env_secret = secret_from_env.filter(|s| !s.is_empty());
        let client_secret = match (&cli.client_secret_file, env_secret) {
            (Some(_), Some(_)) => {
                return Err(err(
                    secret_setting,
                    "set only one of ZPA_CLIENT_SECRET and --zpa.client-secret-file",
                ))
            }
            (Some(path), None) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    err(
                        "--zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                // Files written by `echo` end in a newline that is not part of the secret.
                let secret = text.trim_end_matches(['\r', '\n']).to_string();
                if secret.is_empty() {
                    return Err(err(
                        "--zpa.client-secret-file (ZPA_CLIENT_SECRET_FILE)",
                        format!("{} is empty", path.display()),
                    ));
                }
                Secret::new(secret)
            }
            (None, Some(secret)) => Secret::new(secret),
            (None, None) => return Err(err(secret_setting, "is required (or run with --demo)")),
        };
        let microtenant_id = match cli.microtenant_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) if id.chars().all(|c| c.is_ascii_digit()) => Some(id.to_string()),
            Some(id) => {
                return Err(err(
                    "--zpa.microtenant-id (ZPA_MICROTENANT_ID)",
                    format!("{id:?} is not a numeric microtenant id"),
                ))
            }
        };
        Ok(ZpaTarget {
            base_url,
            customer_id,
            client_id,
            client_secret,
            microtenant_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], secret: Option<&str>) -> Result<Config, ConfigError> {
        let argv = std::iter::once("zpa-exporter")
            .chain(args.iter().copied())
            .map(String::from);
        let (rest, flags) = CollectorFlags::split(argv);
        let cli = Cli::try_parse_from(rest).expect("clap accepts the flags");
        Config::from_cli(&cli, &flags, secret.map(String::from))
    }

    const CREDS: [&str; 4] = [
        "--zpa.customer-id=123",
        "--zpa.client-id=abc",
        "--zpa.cloud=beta",
        "--poll.interval=30s",
    ];

    #[test]
    fn for_target_matches_the_flag_defaults() {
        let from_flags = parse(&["--demo"], None).unwrap();
        let built = Config::for_target(Target::Demo);
        assert_eq!(format!("{from_flags:?}"), format!("{built:?}"));
    }

    #[test]
    fn a_complete_configuration() {
        let c = parse(&CREDS, Some("s3cret")).unwrap();
        let Target::Zpa(t) = &c.target else {
            panic!("not demo")
        };
        assert_eq!(t.base_url, "https://config.zpabeta.net");
        assert_eq!(c.poll_interval, Some(Duration::from_secs(30)));
        assert!(c.warnings.is_empty());
        assert_eq!(c.listen_address.port(), DEFAULT_PORT);
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "Debug must redact the secret"
        );
    }

    #[test]
    fn missing_settings_name_the_flag() {
        let e = parse(&["--zpa.client-id=abc"], Some("s")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--zpa.customer-id (ZPA_CUSTOMER_ID)"),
            "{e}"
        );
        let e = parse(&["--zpa.customer-id=1", "--zpa.client-id=abc"], None).unwrap_err();
        assert!(e.to_string().contains("ZPA_CLIENT_SECRET"), "{e}");
        assert!(
            parse(&["--demo"], None).is_ok(),
            "demo needs no credentials"
        );
    }

    #[test]
    fn bad_values_name_the_flag() {
        let cases: &[(&[&str], &str)] = &[
            (&["--poll.interval=500ms"], "--poll.interval"),
            (&["--poll.interval=often"], "--poll.interval"),
            (&["--zpa.cloud=mars"], "--zpa.cloud"),
            (&["--zpa.base-url=http://example.com"], "--zpa.base-url"),
            (&["--zpa.base-url=ftp://127.0.0.1"], "--zpa.base-url"),
            (&["--web.listen-address=nowhere"], "--web.listen-address"),
            (&["--zpa.rate-limit=fast"], "--zpa.rate-limit"),
            (&["--no-collector.nonsense"], "--no-collector.nonsense"),
            (
                &["--collector.nonsense.interval=1m"],
                "--collector.nonsense.interval",
            ),
            (
                &["--collector.app_connectors.interval=500ms"],
                "--collector.app_connectors.interval",
            ),
            (
                &["--collector.app_connectors.interval", "soon"],
                "--collector.app_connectors.interval",
            ),
            (&["--poll.timeout=never"], "--poll.timeout"),
            (&["--log.level=loud"], "--log.level"),
            (&["--zpa.microtenant-id=abc"], "--zpa.microtenant-id"),
        ];
        for (args, flag) in cases {
            let mut all = CREDS.to_vec();
            all.extend_from_slice(args);
            let e = parse(&all, Some("s")).unwrap_err();
            assert!(e.to_string().starts_with(flag), "{args:?}: {e}");
            assert!(!e.to_string().contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(validate_base_url("http://localhost:1").is_ok());
        assert!(validate_base_url("http://[::1]:1").is_ok());
        assert!(validate_base_url("https://proxy.example.com/zpa").is_ok());
        assert!(validate_base_url("http://10.0.0.1").is_err());
    }

    #[test]
    fn secret_file_and_collector_toggles() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "from-file\n").unwrap();
        let arg = format!("--zpa.client-secret-file={}", file.display());
        let mut args = CREDS.to_vec();
        args.push(&arg);
        args.push("--no-collector.microtenants");
        args.push("--collector.application_segments.info");
        let c = parse(&args, None).unwrap();
        let Target::Zpa(t) = &c.target else { panic!() };
        assert_eq!(t.client_secret.expose(), "from-file");
        assert!(!c.collectors.contains(&"microtenants"));
        assert!(c.collector_options.segment_info);
        let e = parse(&args, Some("also-env")).unwrap_err();
        assert!(e.to_string().contains("only one"), "{e}");
    }

    #[test]
    fn intervals_per_collector_then_poll_interval_then_default() {
        let spec = |name: &str| ALL_COLLECTORS.iter().find(|s| s.name == name).unwrap();
        let c = parse(&["--demo"], None).unwrap();
        assert_eq!(
            c.requested_interval(spec("app_connectors")),
            Duration::from_secs(60)
        );
        assert_eq!(
            c.requested_interval(spec("certificates")),
            Duration::from_secs(3600)
        );

        let c = parse(
            &[
                "--demo",
                "--poll.interval=2m",
                "--collector.certificates.interval=6h",
                "--collector.app_connectors.interval",
                "30s",
            ],
            None,
        )
        .unwrap();
        assert_eq!(
            c.requested_interval(spec("certificates")),
            Duration::from_secs(6 * 3600)
        );
        assert_eq!(
            c.requested_interval(spec("app_connectors")),
            Duration::from_secs(30)
        );
        assert_eq!(
            c.requested_interval(spec("policy_rules")),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn poll_timeout_is_accepted_with_a_warning() {
        let c = parse(&["--demo", "--poll.timeout=50s"], None).unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].starts_with("--poll.timeout (ZPA_POLL_TIMEOUT) is deprecated"));
    }
}
