//! The binary's `lss` subcommand: flags → [`zpa_simulator::lss::stream`]. The tenant's seed and
//! size flags are the top-level ones (global, so they may follow `lss`), which is what makes the
//! stream's names match a simulator started with the same flags.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use zpa_simulator::lss::{self, Backoff, LogType, Names, StreamConfig, TlsClient};
use zpa_simulator::SimulatorConfig;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Stream Log Streaming Service records (one JSON object per line, ZPA's default templates)
    /// to a log receiver, e.g. `zpa-simulator lss --to 127.0.0.1:9514 --type user_activity
    /// --rate 50`. Names come from the tenant the seed and size flags generate.
    Lss(LssArgs),
}

#[derive(Debug, Args)]
pub struct LssArgs {
    /// The log receiver, `HOST:PORT`.
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// user_activity, user_status, app_connector_status, app_connector_metrics,
    /// service_edge_status, service_edge_metrics, browser_access, app_protection, audit,
    /// private_cloud_controller_status or private_cloud_controller_metrics (ZPA's ids, e.g.
    /// zpn_trans_log, work too).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    log_type: LogType,
    /// Records per second.
    #[arg(long, default_value_t = 10.0, value_parser = parse_rate)]
    rate: f64,
    /// Stop after this long, e.g. `10m` (default: run until stopped).
    #[arg(long, value_parser = humantime::parse_duration)]
    duration: Option<Duration>,
    /// Stop after sending this many records.
    #[arg(long)]
    count: Option<u64>,
    /// Connect with TLS (LSS's "TLS Encryption"), trusting the CA in --ca-file.
    #[arg(long, requires = "ca_file")]
    tls: bool,
    /// PEM file with the CA certificate(s) that signed the receiver's certificate.
    #[arg(long, value_name = "PATH", requires = "tls")]
    ca_file: Option<PathBuf>,
    /// The name to verify the receiver's certificate against (default: the host of --to).
    #[arg(long, requires = "tls")]
    server_name: Option<String>,
    /// Consecutive failed connection attempts before giving up; 0 keeps trying. The wait
    /// between attempts doubles from 100 ms up to 10 s.
    #[arg(long, default_value_t = 30)]
    reconnect_attempts: u32,
}

fn parse_type(s: &str) -> Result<LogType, String> {
    s.parse()
        .map_err(|e: zpa_api::lss::UnknownLogType| e.to_string())
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 && r <= 1_000_000.0 => Ok(r),
        _ => Err(format!(
            "{s:?} is not a rate between 0 and 1000000 records per second"
        )),
    }
}

/// The host part of `HOST:PORT` (`[v6]:port` too).
fn host_of(to: &str) -> &str {
    let host = to.rsplit_once(':').map_or(to, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}

fn stream_config(args: &LssArgs, seed: u64) -> Result<StreamConfig, String> {
    if !args.to.contains(':') {
        return Err(format!("--to {}: want HOST:PORT", args.to));
    }
    let tls = match &args.ca_file {
        Some(path) if args.tls => {
            let pem =
                std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            let name = args
                .server_name
                .clone()
                .unwrap_or_else(|| host_of(&args.to).to_string());
            Some(
                TlsClient::with_ca_pem(&pem, &name)
                    .map_err(|e| format!("--ca-file {}: {e}", path.display()))?,
            )
        }
        _ => None,
    };
    Ok(StreamConfig {
        to: args.to.clone(),
        log_type: args.log_type,
        rate: args.rate,
        count: args.count,
        duration: args.duration,
        seed,
        tls,
        backoff: Backoff {
            max_attempts: (args.reconnect_attempts > 0).then_some(args.reconnect_attempts),
            ..Backoff::default()
        },
    })
}

pub async fn run(args: &LssArgs, tenant: SimulatorConfig) -> ExitCode {
    let cfg = match stream_config(args, tenant.seed) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("zpa-simulator: {e}");
            return ExitCode::from(2);
        }
    };
    let names = Arc::new(Names::generate(&tenant));
    tracing::info!(
        to = %cfg.to,
        log_type = cfg.log_type.listener_name(),
        rate = cfg.rate,
        applications = names.apps.len(),
        connectors = names.connectors.len(),
        "streaming LSS records"
    );
    let result = tokio::select! {
        r = lss::stream(cfg, names) => r,
        _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
    };
    match result {
        Ok(report) => {
            println!(
                "zpa-simulator lss: sent {} records over {} connections ({} dropped: receiver away, failed writes, or skipped to keep the rate)",
                report.sent, report.connections, report.dropped
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            eprintln!("zpa-simulator lss: {msg}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    fn parse(args: &[&str]) -> Result<LssArgs, clap::Error> {
        let mut argv = vec!["x", "lss"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).map(|c| match c.command {
            Command::Lss(a) => a,
        })
    }

    #[test]
    fn flags_parse_and_bad_ones_name_themselves() {
        let a = parse(&[
            "--to",
            "127.0.0.1:9514",
            "--type",
            "zpn_trans_log",
            "--rate",
            "2.5",
        ])
        .unwrap();
        assert_eq!(a.log_type, LogType::UserActivity);
        for t in LogType::ALL {
            for name in [t.listener_name(), t.id()] {
                let a = parse(&["--to", "h:1", "--type", name]).unwrap();
                assert_eq!(a.log_type, t, "{name}");
            }
        }
        assert_eq!(a.rate, 2.5);
        let cfg = stream_config(&a, 3).unwrap();
        assert_eq!(cfg.backoff.max_attempts, Some(30));
        assert!(cfg.tls.is_none());
        for bad in [
            vec!["--to", "h:1", "--type", "zms_flow_log"],
            vec!["--to", "h:1", "--type", "user_status", "--rate", "0"],
            vec!["--to", "h:1", "--type", "user_status", "--tls"],
        ] {
            let e = parse(&bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
        let a = parse(&["--to", "nohost", "--type", "user_status"]).unwrap();
        assert!(stream_config(&a, 1).unwrap_err().contains("--to"));
        let a = parse(&[
            "--to",
            "h:1",
            "--type",
            "user_status",
            "--tls",
            "--ca-file",
            "/nonexistent.pem",
        ])
        .unwrap();
        assert!(stream_config(&a, 1).unwrap_err().starts_with("--ca-file"));
        assert_eq!(host_of("[::1]:9514"), "::1");
        assert_eq!(host_of("exporter:9514"), "exporter");
    }
}
