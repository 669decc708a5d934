//! `zpa-simulator`: serves a simulated ZPA tenant over HTTP for manual testing, demos and
//! benchmarks against a separate process. All behaviour lives in `zpa_exporter::simulator`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use zpa_exporter::simulator::{self, SimulatorConfig};

/// A simulated Zscaler Private Access management API (legacy /signin + mgmtconfig/userconfig
/// list endpoints, also under /zpa), with a control API under /__sim/.
#[derive(Debug, Parser)]
#[command(name = "zpa-simulator", version)]
struct Args {
    /// Address to listen on (loopback by default: the control API has no authentication).
    #[arg(long, default_value = "127.0.0.1:9899")]
    listen: SocketAddr,
    /// Seed for the generated tenant.
    #[arg(long, default_value_t = SimulatorConfig::default().seed)]
    seed: u64,
    #[arg(long, default_value_t = SimulatorConfig::default().customer_id)]
    customer_id: String,
    /// The customer name `GET /mgmtconfig/v1/admin/me` reports.
    #[arg(long, default_value_t = SimulatorConfig::default().customer_name)]
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
    #[arg(long, default_value_t = SimulatorConfig::default().microtenants)]
    microtenants: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().segments)]
    segments: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().connectors)]
    connectors: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().connector_groups)]
    connector_groups: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().service_edges)]
    service_edges: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().service_edge_groups)]
    service_edge_groups: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().segment_groups)]
    segment_groups: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().server_groups)]
    server_groups: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().idps)]
    idps: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().scim_groups_per_idp)]
    scim_groups_per_idp: usize,
    #[arg(long, default_value_t = SimulatorConfig::default().policy_rules_per_type)]
    policy_rules_per_type: usize,
    /// Log level or filter (`error`, `warn`, `info`, `debug`, `trace`, or an EnvFilter).
    #[arg(long = "log.level", default_value = "info")]
    log_level: String,
}

/// `None` means no limit.
#[derive(Clone, Debug)]
struct RateLimitArg(Option<(u32, Duration)>);

fn parse_rate_limit(s: &str) -> Result<RateLimitArg, String> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(RateLimitArg(None));
    }
    let (count, window) = s
        .split_once('/')
        .ok_or_else(|| format!("expected <count>/<window> (e.g. 20/10s) or off, got {s:?}"))?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("bad request count {count:?}"))?;
    let window =
        humantime::parse_duration(window.trim()).map_err(|e| format!("bad window: {e}"))?;
    if count == 0 || window.is_zero() {
        return Err("count and window must be positive (or use `off`)".into());
    }
    Ok(RateLimitArg(Some((count, window))))
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

    let cfg = SimulatorConfig {
        seed: args.seed,
        customer_id: args.customer_id,
        customer_name: args.customer_name,
        key_microtenant: args.key_microtenant,
        client_id: args.client_id,
        client_secret: args.client_secret,
        token_ttl: args.token_ttl,
        oneapi: Default::default(),
        oneapi_only: false,
        rate_limit: args.rate_limit.0,
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
    };
    let sim = match simulator::spawn(cfg.clone(), args.listen).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("zpa-simulator: cannot listen on {}: {e}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "zpa-simulator: ZPA API at {url} (OneAPI style: {url}/zpa), control API at {url}/__sim/\n\
         customer id: {}\nclient id: {}\nclient secret: {}\nPress Ctrl-C to stop.",
        cfg.customer_id,
        cfg.client_id,
        cfg.client_secret,
        url = sim.base_url(),
    );
    tracing::info!(address = %sim.addr(), segments = cfg.segments, seed = cfg.seed, "zpa-simulator started");
    wait_for_signal().await;
    tracing::info!("shutdown signal received");
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
        let d = SimulatorConfig::default();
        assert_eq!(args.listen, SocketAddr::from(([127, 0, 0, 1], 9899)));
        assert_eq!(args.token_ttl, d.token_ttl);
        assert_eq!(args.rate_limit.0, d.rate_limit);
        assert_eq!((args.segments, args.seed), (d.segments, d.seed));
    }
}
