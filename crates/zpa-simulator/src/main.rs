//! `zpa-simulator`: serves a simulated ZPA tenant over HTTP for manual testing, demos and
//! benchmarks against a separate process; `zpa-simulator lss …` streams LSS records of the same
//! tenant to a log receiver instead. All behaviour lives in the library.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use zpa_api::Secret;
use zpa_simulator::{OneApiConfig, SimulatorConfig};

mod lss_cmd;

/// Where the OneAPI client secret comes from when `--oneapi-client-secret-file` is not given.
/// Deliberately no flag value: command lines show up in `ps` and shell history.
const ONEAPI_SECRET_ENV: &str = "ZPA_SIM_ONEAPI_CLIENT_SECRET";

/// A simulated Zscaler Private Access management API: legacy /signin and the
/// mgmtconfig/userconfig endpoints at /, the same endpoints under /zpa behind a OneAPI gateway
/// with its token endpoint at /oauth2/v1/token, and a control API under /__sim/.
///
/// The OneAPI client secret is read from the file given with --oneapi-client-secret-file, else
/// from the ZPA_SIM_ONEAPI_CLIENT_SECRET environment variable, else it is the built-in demo
/// secret `sim-oneapi-secret`.
///
/// `zpa-simulator lss --to HOST:PORT --type TYPE` streams Log Streaming Service records of the
/// tenant the same seed and size flags generate (see `zpa-simulator lss --help`).
#[derive(Debug, Parser)]
#[command(name = "zpa-simulator", version)]
struct Args {
    #[command(subcommand)]
    command: Option<lss_cmd::Command>,
    /// Address to listen on (loopback by default: the control API has no authentication).
    #[arg(long, default_value = "127.0.0.1:9899")]
    listen: SocketAddr,
    /// Seed for the generated tenant.
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().seed)]
    seed: u64,
    #[arg(long, default_value_t = SimulatorConfig::default().customer_id)]
    customer_id: String,
    /// The customer name `GET /mgmtconfig/v1/admin/me` reports.
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().customer_name)]
    customer_name: String,
    /// Scope the API key to this microtenant id (`0` = Default): scoped lists then need
    /// `microtenantId=<id>`, and `/me` reports it. Default: a tenant-wide key.
    #[arg(long)]
    key_microtenant: Option<String>,
    #[arg(long, default_value_t = SimulatorConfig::default().client_id)]
    client_id: String,
    #[arg(long, env = "ZPA_SIM_CLIENT_SECRET", default_value_t = SimulatorConfig::default().client_secret, hide_env_values = true)]
    client_secret: String,
    /// Token lifetime, e.g. `1h`, `90s`.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    token_ttl: Duration,
    /// Server-side limit on API GETs: `<count>/<window>` (e.g. `20/10s`) or `off`.
    #[arg(long, default_value = "20/10s", value_parser = parse_rate_limit)]
    rate_limit: RateLimitArg,
    /// The OneAPI (ZIdentity) API client id.
    #[arg(long, default_value_t = OneApiConfig::default().client_id)]
    oneapi_client_id: String,
    /// File holding the OneAPI client secret (surrounding whitespace is ignored).
    #[arg(long, value_name = "PATH", conflicts_with = "oneapi_no_secret")]
    oneapi_client_secret_file: Option<std::path::PathBuf>,
    /// Accept no client secret on the token endpoint: signed assertions only.
    #[arg(long, requires = "oneapi_public_key")]
    oneapi_no_secret: bool,
    /// RSA public key (PEM) that verifies RS256 client assertions; without it, assertions are
    /// refused.
    #[arg(long, value_name = "PATH")]
    oneapi_public_key: Option<std::path::PathBuf>,
    /// OneAPI token lifetime, e.g. `86399s`, `2m`.
    #[arg(long, default_value = "86399s", value_parser = humantime::parse_duration)]
    oneapi_token_ttl: Duration,
    /// The OneAPI gateway's quota on requests under /zpa: `<count>/<window>`.
    #[arg(long, default_value = "5000/60s", value_parser = parse_quota)]
    oneapi_quota: (u32, Duration),
    /// Simulate a tenant migrated to ZIdentity: the legacy front door refuses everything
    /// (switchable later with POST /__sim/oneapi-only).
    #[arg(long)]
    oneapi_only: bool,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().microtenants)]
    microtenants: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().segments)]
    segments: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().connectors)]
    connectors: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().connector_groups)]
    connector_groups: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().service_edges)]
    service_edges: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().service_edge_groups)]
    service_edge_groups: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().segment_groups)]
    segment_groups: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().server_groups)]
    server_groups: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().idps)]
    idps: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().scim_groups_per_idp)]
    scim_groups_per_idp: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().policy_rules_per_type)]
    policy_rules_per_type: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().private_cloud_controllers)]
    private_cloud_controllers: usize,
    #[arg(long, global = true, default_value_t = SimulatorConfig::default().private_cloud_controller_groups)]
    private_cloud_controller_groups: usize,
    /// The tenant's maximum number of application segments; default: the smallest multiple
    /// of 1000 that leaves a quarter of --segments free.
    #[arg(long, global = true)]
    max_applications: Option<u64>,
    /// A feature the tenant is not licensed for (`privateCloud`, `logStreaming`); repeatable.
    /// Its endpoints answer 401 authz.featureflag.permission.denied.
    #[arg(long, value_name = "FEATURE", value_parser = parse_feature)]
    unlicensed: Vec<zpa_simulator::Feature>,
    /// Serve this many tenants: tenant 0 as configured, tenant i with customer id + i and the
    /// keys sim-client-<i> / sim-secret-<i> (listed at start and by GET /__sim/tenants).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
    tenants: u16,
    /// Log level or filter (`error`, `warn`, `info`, `debug`, `trace`, or an EnvFilter).
    #[arg(long = "log.level", global = true, default_value = "info")]
    log_level: String,
}

/// `None` means no limit.
#[derive(Clone, Debug)]
struct RateLimitArg(Option<(u32, Duration)>);

fn parse_rate_limit(s: &str) -> Result<RateLimitArg, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg(None));
    }
    // The exporter's own parser: one grammar for both sides' `--*rate-limit` flags.
    let limit: zpa_api::ratelimit::RateLimit = s.parse()?;
    Ok(RateLimitArg(Some((limit.max, limit.period))))
}

fn parse_feature(s: &str) -> Result<zpa_simulator::Feature, String> {
    zpa_simulator::Feature::from_name(s).ok_or_else(|| {
        let known: Vec<&str> = zpa_simulator::Feature::ALL
            .iter()
            .map(|f| f.name())
            .collect();
        format!("unknown feature {s:?}; known: {}", known.join(", "))
    })
}

/// Like `--rate-limit`, without `off`: the gateway always has a quota.
fn parse_quota(s: &str) -> Result<(u32, Duration), String> {
    parse_rate_limit(s)?
        .0
        .ok_or_else(|| "the OneAPI quota cannot be off".to_string())
}

/// Reads a small text file given on the command line; errors name the file, never its content.
fn read_text(path: &std::path::Path, what: &str) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > 64 * 1024 => {
            return Err(format!("{what} {} is larger than 64 KiB", path.display()))
        }
        Err(e) => return Err(format!("cannot read {what} {}: {e}", path.display())),
        Ok(_) => {}
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

/// The OneAPI section from the flags, the secret file and the environment.
fn oneapi_config(args: &Args) -> Result<OneApiConfig, String> {
    let client_secret = if args.oneapi_no_secret {
        None
    } else if let Some(path) = &args.oneapi_client_secret_file {
        let text = read_text(path, "OneAPI client secret file")?;
        let secret = text.trim();
        if secret.is_empty() {
            return Err(format!(
                "OneAPI client secret file {} is empty",
                path.display()
            ));
        }
        Some(Secret::new(secret))
    } else {
        match std::env::var(ONEAPI_SECRET_ENV) {
            Ok(v) if !v.trim().is_empty() => Some(Secret::new(v.trim())),
            _ => OneApiConfig::default().client_secret,
        }
    };
    let public_key_pem = match &args.oneapi_public_key {
        Some(path) => Some(read_text(path, "OneAPI public key")?),
        None => None,
    };
    Ok(OneApiConfig {
        client_id: args.oneapi_client_id.clone(),
        client_secret,
        public_key_pem,
        token_ttl: args.oneapi_token_ttl,
        gateway_quota: args.oneapi_quota,
    })
}

/// A secret for the start-up banner: shown only when it is the built-in demo value.
fn shown(secret: Option<&str>, demo: Option<&str>) -> String {
    match secret {
        None => "(none: assertions only)".into(),
        Some(s) if Some(s) == demo => s.to_string(),
        Some(_) => "(set, not shown)".into(),
    }
}

/// The tenant the size flags describe: all `lss` needs (it serves no API, so credentials, OneAPI
/// and the rate limit stay at their defaults), and the base of the served tenant.
fn tenant(args: &Args) -> SimulatorConfig {
    SimulatorConfig {
        seed: args.seed,
        customer_name: args.customer_name.clone(),
        microtenants: args.microtenants,
        segments: args.segments,
        connectors: args.connectors,
        connector_groups: args.connector_groups,
        service_edges: args.service_edges,
        service_edge_groups: args.service_edge_groups,
        segment_groups: args.segment_groups,
        server_groups: args.server_groups,
        idps: args.idps,
        scim_groups_per_idp: args.scim_groups_per_idp,
        policy_rules_per_type: args.policy_rules_per_type,
        private_cloud_controllers: args.private_cloud_controllers,
        private_cloud_controller_groups: args.private_cloud_controller_groups,
        application_limit: args.max_applications,
        unlicensed: args.unlicensed.iter().copied().collect(),
        ..SimulatorConfig::default()
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    if let Some(lss_cmd::Command::Lss(lss)) = &args.command {
        return lss_cmd::run(lss, tenant(&args)).await;
    }
    let oneapi = match oneapi_config(&args) {
        Ok(oneapi) => oneapi,
        Err(e) => {
            eprintln!("zpa-simulator: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let cfg = SimulatorConfig {
        customer_id: args.customer_id.clone(),
        key_microtenant: args.key_microtenant.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
        token_ttl: args.token_ttl,
        oneapi,
        oneapi_only: args.oneapi_only,
        rate_limit: args.rate_limit.0,
        ..tenant(&args)
    };
    if args.tenants > 1 {
        return serve_tenants(cfg, usize::from(args.tenants), args.listen).await;
    }
    let sim = match zpa_simulator::spawn(cfg.clone(), args.listen).await {
        Ok(sim) => sim,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("zpa-simulator: {e}");
            return std::process::ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("zpa-simulator: cannot listen on {}: {e}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    let defaults = SimulatorConfig::default();
    let demo_oneapi = defaults.oneapi.client_secret.as_ref().map(Secret::expose);
    println!(
        "zpa-simulator: control API at {url}/__sim/\n\
         legacy ZPA API at {url}: client id {}, client secret {}{}\n\
         OneAPI at {url}/zpa, token endpoint {url}/oauth2/v1/token: client id {}, \
         client secret {}, client assertions {}\n\
         customer id: {}\nPress Ctrl-C to stop.",
        cfg.client_id,
        shown(Some(&cfg.client_secret), Some(&defaults.client_secret)),
        if cfg.oneapi_only {
            " (refused: OneAPI-only tenant)"
        } else {
            ""
        },
        cfg.oneapi.client_id,
        shown(
            cfg.oneapi.client_secret.as_ref().map(Secret::expose),
            demo_oneapi
        ),
        if cfg.oneapi.public_key_pem.is_some() {
            "on"
        } else {
            "off"
        },
        cfg.customer_id,
        url = sim.base_url(),
    );
    tracing::info!(address = %sim.addr(), segments = cfg.segments, seed = cfg.seed, "zpa-simulator started");
    wait_for_signal().await;
    tracing::info!("shutdown signal received");
    sim.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// `--tenants N`: every tenant behind one address, each listed with its keys.
async fn serve_tenants(
    cfg: SimulatorConfig,
    n: usize,
    listen: SocketAddr,
) -> std::process::ExitCode {
    let sim = match zpa_simulator::spawn_tenants(cfg, n, listen).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("zpa-simulator: cannot serve {n} tenants on {listen}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "zpa-simulator: {n} tenants at {url} (control API {url}/__sim/tenants/<customer id>/)",
        url = sim.base_url()
    );
    let demo = SimulatorConfig::default().client_secret;
    for (i, tenant) in sim.tenants().iter().enumerate() {
        let t = tenant.config();
        // Tenant 0's secret may be a real one given by the environment; the others' are
        // derived demo values.
        let secret = if i == 0 {
            shown(Some(&t.client_secret), Some(&demo))
        } else {
            t.client_secret.clone()
        };
        println!(
            "  customer id {}: client id {}, client secret {}, OneAPI client id {}",
            t.customer_id, t.client_id, secret, t.oneapi.client_id
        );
    }
    wait_for_signal().await;
    sim.shutdown().await;
    std::process::ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_flag() {
        assert_eq!(
            parse_rate_limit("20/10s").unwrap().0,
            Some((20, Duration::from_secs(10)))
        );
        assert_eq!(parse_rate_limit("OFF").unwrap().0, None);
        for bad in ["20", "0/10s", "x/10s", "5/soon"] {
            assert!(parse_rate_limit(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_match_the_library() {
        let args = Args::parse_from(["zpa-simulator"]);
        assert!(args.command.is_none());
        let d = SimulatorConfig::default();
        assert_eq!(args.listen, SocketAddr::from(([127, 0, 0, 1], 9899)));
        assert_eq!(args.token_ttl, d.token_ttl);
        assert_eq!(args.rate_limit.0, d.rate_limit);
        assert_eq!((args.segments, args.seed), (d.segments, d.seed));
        assert_eq!(args.customer_name, d.customer_name);
        assert_eq!(args.key_microtenant, d.key_microtenant);
        assert_eq!(args.oneapi_only, d.oneapi_only);
        let oneapi = oneapi_config(&args).unwrap();
        assert_eq!(oneapi.client_id, d.oneapi.client_id);
        assert_eq!(oneapi.token_ttl, d.oneapi.token_ttl);
        assert_eq!(oneapi.gateway_quota, d.oneapi.gateway_quota);
        assert_eq!(oneapi.public_key_pem, None);
    }

    #[test]
    fn oneapi_secret_from_a_file_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "from-a-file\n").unwrap();
        let args = Args::parse_from([
            "zpa-simulator",
            "--oneapi-client-secret-file",
            file.to_str().unwrap(),
        ]);
        let cfg = oneapi_config(&args).unwrap();
        assert_eq!(cfg.client_secret.unwrap().expose(), "from-a-file");

        std::fs::write(&file, "  \n").unwrap();
        assert!(oneapi_config(&args).unwrap_err().contains("empty"));
        let missing = Args::parse_from([
            "zpa-simulator",
            "--oneapi-client-secret-file",
            "/nonexistent/secret",
        ]);
        assert!(oneapi_config(&missing).is_err());

        let key = dir.path().join("key.pem");
        std::fs::write(&key, "PEM").unwrap();
        let args = Args::parse_from([
            "zpa-simulator",
            "--oneapi-no-secret",
            "--oneapi-public-key",
            key.to_str().unwrap(),
        ]);
        let cfg = oneapi_config(&args).unwrap();
        assert!(cfg.client_secret.is_none());
        assert_eq!(cfg.public_key_pem.as_deref(), Some("PEM"));
        // Assertions only needs a key to check them with.
        assert!(Args::try_parse_from(["zpa-simulator", "--oneapi-no-secret"]).is_err());
    }

    #[test]
    fn lss_takes_the_tenant_flags_after_the_subcommand() {
        let args = Args::try_parse_from([
            "zpa-simulator",
            "lss",
            "--to",
            "127.0.0.1:9514",
            "--type",
            "user_activity",
            "--segments",
            "500",
            "--seed",
            "9",
        ])
        .unwrap();
        assert!(args.command.is_some());
        let t = tenant(&args);
        assert_eq!((t.segments, t.seed), (500, 9));
        assert!(Args::try_parse_from(["zpa-simulator", "lss"]).is_err());
    }

    #[test]
    fn quota_flag_and_banner_secrets() {
        assert_eq!(parse_quota("10/1m").unwrap(), (10, Duration::from_secs(60)));
        assert!(parse_quota("off").is_err());
        assert_eq!(shown(Some("demo"), Some("demo")), "demo");
        assert_eq!(shown(Some("real"), Some("demo")), "(set, not shown)");
        assert!(shown(None, Some("demo")).contains("assertions only"));
    }
}
