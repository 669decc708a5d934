//! The command line, parsed by clap: every flag with its environment variable (the OneAPI
//! sign-in settings under the names Zscaler's SDKs read, `ZSCALER_*`), value parsers for
//! durations, rate limits, clouds and log levels, and the generated collector flags
//! (`--[no-]collector.<name>`, `--collector.<name>.interval`), one set per collector in
//! [`crate::collectors::ALL`]. Errors keep clap's suggestions and possible values.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::ValueParser;
use clap::error::ContextKind;
use clap::{
    Arg, ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};
use zpa_api::cloud::{Cloud, OneApiCloud};
use zpa_api::ratelimit::RateLimit;

use super::parsers::{
    parse_at_least_one, parse_cloud, parse_interval, parse_oneapi_cloud, parse_positive_duration,
    parse_rate_limit,
};
use crate::collectors::ALL as ALL_COLLECTORS;

/// The flags every exporter has; the collector flags are added by [`command`].
#[derive(Debug, Parser)]
#[command(
    name = "zpa-exporter",
    about = "Prometheus exporter for the Zscaler Private Access (ZPA) management API",
    after_help = SECRETS_HELP,
    args_override_self = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// A subcommand instead of running the exporter.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Print the version, revision, build date, rustc version and target
    #[arg(long, action = ArgAction::SetTrue)]
    pub version: bool,

    /// Address to serve metrics on (host:port; ":9891" means all interfaces); repeat the flag
    /// (or separate with commas in the variable) to serve on several, e.g. IPv4 and IPv6
    #[arg(
        long = "web.listen-address",
        env = "ZPA_EXPORTER_LISTEN_ADDRESS",
        default_value = ":9891",
        action = clap::ArgAction::Append,
        value_delimiter = ','
    )]
    pub listen_addresses: Vec<String>,

    /// Serve on the sockets systemd passes (socket activation, Linux) instead of
    /// --web.listen-address
    #[arg(long = "web.systemd-socket")]
    pub systemd_socket: bool,

    /// Path under which to expose metrics
    #[arg(long = "web.telemetry-path", default_value = "/metrics")]
    pub telemetry_path: String,

    /// exporter-toolkit web config file (TLS, basic auth, headers)
    #[arg(long = "web.config.file", env = "ZPA_EXPORTER_WEB_CONFIG_FILE")]
    pub web_config_file: Option<PathBuf>,

    /// Serve /-/healthy and /-/ready without basic auth (for probes that cannot send credentials)
    #[arg(long = "web.unauthenticated-health")]
    pub unauthenticated_health: bool,

    /// Scrapes of the metrics path answered at once; more get 503 (0 = no limit)
    #[arg(
        long = "web.max-requests",
        env = "ZPA_EXPORTER_MAX_REQUESTS",
        default_value_t = 40
    )]
    pub max_requests: usize,

    /// Open connections at once, all addresses together; at the cap the oldest one that sent no
    /// request or stopped reading gives way, else the new one is closed
    #[arg(long = "web.max-connections", env = "ZPA_EXPORTER_MAX_CONNECTIONS", default_value_t = crate::webconfig::DEFAULT_MAX_CONNECTIONS, value_parser = parse_at_least_one)]
    pub max_connections: usize,

    /// How to sign in: legacy (a ZPA API key) or oneapi (a ZIdentity API client) [default:
    /// oneapi when ZSCALER_CLIENT_ID or ZSCALER_VANITY_DOMAIN is set, else legacy]
    #[arg(long = "zpa.auth", env = "ZPA_AUTH", value_enum)]
    pub auth: Option<AuthChoice>,

    /// ZPA cloud of the legacy API key: PRODUCTION, ZPATWO, BETA, GOV, GOVUS, PREVIEW, QA, QA2
    #[arg(long = "zpa.cloud", env = "ZPA_CLOUD", default_value = "PRODUCTION", value_parser = parse_cloud)]
    pub cloud: Cloud,

    /// Override the legacy cloud's API URL (proxies, the simulator); http:// only for loopback
    /// hosts
    #[arg(long = "zpa.base-url", env = "ZPA_BASE_URL")]
    pub base_url: Option<String>,

    /// ZPA tenant (customer) id
    #[arg(long = "zpa.customer-id", env = "ZPA_CUSTOMER_ID")]
    pub customer_id: Option<String>,

    /// Legacy API key client id
    #[arg(long = "zpa.client-id", env = "ZPA_CLIENT_ID")]
    pub client_id: Option<String>,

    /// File holding the legacy API key secret (else the ZPA_CLIENT_SECRET environment variable)
    #[arg(long = "zpa.client-secret-file", env = "ZPA_CLIENT_SECRET_FILE")]
    pub client_secret_file: Option<PathBuf>,

    /// Scope every call to one microtenant ("0" = Default)
    #[arg(long = "zpa.microtenant-id", env = "ZPA_MICROTENANT_ID")]
    pub microtenant_id: Option<String>,

    /// OneAPI API client id (ZIdentity)
    #[arg(long = "oneapi.client-id", env = "ZSCALER_CLIENT_ID", help_heading = ONEAPI)]
    pub oneapi_client_id: Option<String>,

    /// File holding the OneAPI client secret (else the ZSCALER_CLIENT_SECRET environment
    /// variable)
    #[arg(long = "oneapi.client-secret-file", env = "ZSCALER_CLIENT_SECRET_FILE", help_heading = ONEAPI)]
    pub oneapi_client_secret_file: Option<PathBuf>,

    /// PEM file with the OneAPI API client's RSA private key: signs a JWT client assertion
    /// instead of sending a secret
    #[arg(long = "oneapi.private-key-file", env = "ZSCALER_PRIVATE_KEY_FILE", help_heading = ONEAPI)]
    pub oneapi_private_key_file: Option<PathBuf>,

    /// The tenant's ZIdentity vanity domain (acme for acme.zslogin.net)
    #[arg(long = "oneapi.vanity-domain", env = "ZSCALER_VANITY_DOMAIN", help_heading = ONEAPI)]
    pub oneapi_vanity_domain: Option<String>,

    /// OneAPI cloud: PRODUCTION, beta, gov, govus or another Zscaler cloud name
    #[arg(long = "oneapi.cloud", env = "ZSCALER_CLOUD", default_value = "PRODUCTION", value_parser = parse_oneapi_cloud, help_heading = ONEAPI)]
    pub oneapi_cloud: OneApiCloud,

    /// Override the token URL derived from the vanity domain and cloud (proxies, the
    /// simulator); http:// only for loopback hosts
    #[arg(long = "oneapi.token-url", env = "ZPA_ONEAPI_TOKEN_URL", help_heading = ONEAPI)]
    pub oneapi_token_url: Option<String>,

    /// Override the OneAPI gateway URL derived from the cloud (ZPA is below its /zpa); http://
    /// only for loopback hosts
    #[arg(long = "oneapi.base-url", env = "ZPA_ONEAPI_BASE_URL", help_heading = ONEAPI)]
    pub oneapi_base_url: Option<String>,

    /// Client-side limit on GET requests, COUNT/DURATION (ZPA allows 20 per 10 s per org and IP)
    #[arg(long = "zpa.rate-limit", env = "ZPA_RATE_LIMIT", default_value = "20/10s", value_parser = parse_rate_limit)]
    pub rate_limit: RateLimit,

    /// Timeout of one HTTP request to ZPA
    #[arg(long = "zpa.request-timeout", env = "ZPA_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_positive_duration)]
    pub request_timeout: Duration,

    /// One refresh interval for every collector without its own --collector.<name>.interval
    /// (default: each collector's own, listed below; at least 1s, at most 7d)
    #[arg(long = "poll.interval", env = "ZPA_POLL_INTERVAL", value_parser = parse_interval)]
    pub poll_interval: Option<Duration>,

    /// Deprecated and ignored: runs are no longer cut off by a deadline (they are bounded by
    /// --zpa.request-timeout and the retry budget)
    #[arg(long = "poll.timeout", env = "ZPA_POLL_TIMEOUT", value_parser = parse_positive_duration)]
    pub poll_timeout: Option<Duration>,

    /// Log level
    #[arg(long = "log.level", env = "ZPA_EXPORTER_LOG_LEVEL", value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,

    /// Log format
    #[arg(long = "log.format", env = "ZPA_EXPORTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Run against a built-in simulated ZPA tenant (no credentials needed)
    #[arg(long = "demo")]
    pub demo: bool,

    /// The LSS receiver.
    #[command(flatten)]
    pub lss: super::cli_lss::LssArgs,

    /// Several tenants, reloads and shards.
    #[command(flatten)]
    pub tenancy: super::cli_tenancy::TenancyArgs,
}

/// `--zpa.auth`: which way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthChoice {
    /// A legacy ZPA API key (ZPA_CLIENT_ID, ZPA_CLIENT_SECRET)
    Legacy,
    /// A OneAPI API client (ZSCALER_CLIENT_ID, ZSCALER_CLIENT_SECRET or a private key)
    #[value(name = "oneapi")]
    OneApi,
}

/// The help heading of the OneAPI settings.
const ONEAPI: &str = "OneAPI sign-in (--zpa.auth=oneapi)";

/// Where secrets come from, in `--help`.
const SECRETS_HELP: &str = "Secrets never come from a flag: the legacy API key secret is read \
     from ZPA_CLIENT_SECRET or --zpa.client-secret-file, a OneAPI client secret from \
     ZSCALER_CLIENT_SECRET or --oneapi.client-secret-file.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exit 0 when the exporter at URL answers 200 (a container health probe without a shell)
    Healthcheck {
        /// The URL to probe
        #[arg(
            long,
            env = "ZPA_EXPORTER_HEALTHCHECK_URL",
            default_value = "http://127.0.0.1:9891/-/healthy"
        )]
        url: String,
    },
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines
    Text,
    /// One JSON object per line
    Json,
}

/// The least severe level logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)] // The levels are tracing's.
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl From<LogLevel> for tracing::Level {
    fn from(level: LogLevel) -> tracing::Level {
        match level {
            LogLevel::Error => tracing::Level::ERROR,
            LogLevel::Warn => tracing::Level::WARN,
            LogLevel::Info => tracing::Level::INFO,
            LogLevel::Debug => tracing::Level::DEBUG,
            LogLevel::Trace => tracing::Level::TRACE,
        }
    }
}

/// What the collector flags say; `None` where a flag was not given.
#[derive(Debug, Default, Clone)]
pub struct CollectorArgs {
    /// `--collector.<name>` (true) or `--no-collector.<name>` (false), the last one given.
    pub enabled: BTreeMap<&'static str, bool>,
    /// `--collector.<name>.interval`.
    pub intervals: BTreeMap<&'static str, Duration>,
    /// `--[no-]collector.application_segments.info`.
    pub segment_info: Option<bool>,
}

/// The parsed command line.
#[derive(Debug)]
pub struct Parsed {
    /// The fixed flags.
    pub cli: Cli,
    /// The generated collector flags.
    pub collectors: CollectorArgs,
}

const SEGMENT_INFO: &str = "application_segments.info";

/// The full command: [`Cli`] plus the generated collector flags.
pub(crate) fn command() -> clap::Command {
    let mut cmd = Cli::command().next_help_heading("Collectors");
    let toggles = ALL_COLLECTORS
        .iter()
        .map(|spec| {
            (
                spec.name,
                format!(
                    "the {} collector (every {} by default) [default: {}]",
                    spec.name,
                    humantime::format_duration(spec.default_interval),
                    if spec.default_enabled { "on" } else { "off" }
                ),
            )
        })
        .chain([(
            SEGMENT_INFO,
            "one zpa_application_segment_info series per segment [default: off]".to_string(),
        )]);
    for (name, help) in toggles {
        let (on, off) = (format!("collector.{name}"), format!("no-collector.{name}"));
        cmd = cmd
            .arg(
                Arg::new(on.clone())
                    .long(on.clone())
                    .action(ArgAction::SetTrue)
                    .overrides_with(off.clone())
                    .help(format!("Enable {help}")),
            )
            .arg(
                Arg::new(off.clone())
                    .long(off)
                    .action(ArgAction::SetTrue)
                    .overrides_with(on)
                    .hide(true),
            );
    }
    for spec in ALL_COLLECTORS {
        let id = format!("collector.{}.interval", spec.name);
        cmd = cmd.arg(
            Arg::new(id.clone())
                .long(id)
                .value_name("DURATION")
                .value_parser(ValueParser::new(parse_interval))
                .hide(true),
        );
    }
    cmd.after_help(format!(
        "Collectors are switched off with --no-collector.<name> and given their own refresh \
         interval with --collector.<name>.interval=DURATION (at least 1s, at most 7d).\n\n{SECRETS_HELP}"
    ))
}

/// Parses `args` (the program name first).
pub fn parse_from<I, T>(args: I) -> Result<Parsed, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    Ok(Parsed {
        cli,
        collectors: collector_args(&matches),
    })
}

fn collector_args(matches: &ArgMatches) -> CollectorArgs {
    let given = |id: &str| {
        matches
            .value_source(id)
            .is_some_and(|s| s == clap::parser::ValueSource::CommandLine)
            && matches.get_flag(id)
    };
    let toggle = |name: &str| {
        if given(&format!("collector.{name}")) {
            Some(true)
        } else if given(&format!("no-collector.{name}")) {
            Some(false)
        } else {
            None
        }
    };
    let mut args = CollectorArgs {
        segment_info: toggle(SEGMENT_INFO),
        ..CollectorArgs::default()
    };
    for spec in ALL_COLLECTORS {
        if let Some(on) = toggle(spec.name) {
            args.enabled.insert(spec.name, on);
        }
        if let Some(interval) =
            matches.get_one::<Duration>(&format!("collector.{}.interval", spec.name))
        {
            args.intervals.insert(spec.name, *interval);
        }
    }
    args
}

/// clap's error as the exporter prints it: the first line names the flag and its environment
/// variable; clap's tips and possible values follow; the usage block does not.
pub fn render_error(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let mut first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    if let Some(clap::error::ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) {
        let flag = arg.split_whitespace().next().unwrap_or(arg);
        let env = command()
            .get_arguments()
            .find(|a| a.get_long().is_some_and(|l| flag == format!("--{l}")))
            .and_then(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()));
        if let Some(env) = env {
            first = first.replace(&format!("'{arg}'"), &format!("{flag} ({env})"));
        }
    }
    let rest: Vec<&str> = lines
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.starts_with("For more information"))
        .collect();
    std::iter::once(first.as_str())
        .chain(rest)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &[&str]) -> String {
        let argv = std::iter::once("zpa-exporter").chain(args.iter().copied());
        render_error(&parse_from(argv).unwrap_err())
    }

    #[test]
    fn the_command_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn mistyped_flags_keep_clap_suggestions() {
        let e = err(&["--web.listen-adress=:1"]);
        assert!(
            e.starts_with("unexpected argument '--web.listen-adress' found"),
            "{e}"
        );
        assert!(
            e.contains("a similar argument exists: '--web.listen-address'"),
            "{e}"
        );
        assert!(!e.contains("Usage:"), "{e}");
        let e = err(&["--log.format=logfmt"]);
        assert!(e.contains("[possible values: text, json]"), "{e}");
    }

    #[test]
    fn invalid_values_name_the_environment_variable() {
        let e = err(&["--poll.interval=200ms"]);
        assert!(
            e.starts_with("invalid value '200ms' for --poll.interval (ZPA_POLL_INTERVAL)"),
            "{e}"
        );
        assert!(e.contains("below the minimum of 1s"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }

    /// Every duration flag, collector intervals and the rate limit's period included, refuses
    /// more than a week: a larger value would overflow the scheduler's clock arithmetic.
    #[test]
    fn every_duration_flag_has_a_maximum() {
        for flag in [
            "--poll.interval",
            "--poll.timeout",
            "--zpa.request-timeout",
            "--collector.certificates.interval",
            "--collector.app_connectors.interval",
        ] {
            let e = err(&[&format!("{flag}=500000000years")]);
            assert!(e.contains(flag), "{e}");
            assert!(
                e.contains("500000000years is above the maximum of 7days"),
                "{e}"
            );
            assert_eq!(e.lines().count(), 1, "{e}");
            let ok = parse_from(["zpa-exporter", &format!("{flag}=7d")]);
            assert!(ok.is_ok(), "{flag}=7d is the maximum, still allowed");
        }
        let e = err(&["--zpa.rate-limit=20/8d"]);
        assert!(
            e.contains("--zpa.rate-limit (ZPA_RATE_LIMIT)") && e.contains("above the maximum"),
            "{e}"
        );
        let e = err(&["--zpa.request-timeout=0s"]);
        assert!(e.contains("must be above zero"), "{e}");
    }

    #[test]
    fn collector_flags_are_generated_and_the_last_one_wins() {
        let p = parse_from([
            "zpa-exporter",
            "--no-collector.scim_groups",
            "--collector.certificates.interval=6h",
            "--collector.application_segments.info",
            "--no-collector.policy_rules",
            "--collector.policy_rules",
        ])
        .unwrap();
        assert_eq!(p.collectors.enabled.get("scim_groups"), Some(&false));
        assert_eq!(p.collectors.enabled.get("policy_rules"), Some(&true));
        assert_eq!(p.collectors.enabled.get("app_connectors"), None);
        assert_eq!(
            p.collectors.intervals.get("certificates"),
            Some(&Duration::from_secs(6 * 3600))
        );
        assert_eq!(p.collectors.segment_info, Some(true));
        let e = err(&["--no-collector.bogus"]);
        assert!(e.contains("'--no-collector.bogus'"), "{e}");
    }

    #[test]
    fn version_in_the_prometheus_style() {
        let v = crate::build_info::version_text();
        assert!(v.starts_with(&format!(
            "zpa-exporter, version {} (revision: ",
            env!("CARGO_PKG_VERSION")
        )));
        for part in ["build date:", "rustc version:", "target:"] {
            assert!(v.contains(part), "{v}");
        }
    }
}
