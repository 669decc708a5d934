//! The `zpa-exporter` binary: parse the configuration, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use zpa_exporter::config::{Cli, CollectorFlags, Command, Config, LogFormat};

fn main() -> ExitCode {
    let (args, collector_flags) = CollectorFlags::split(std::env::args());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            eprintln!("zpa-exporter: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("zpa-exporter: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(Command::Healthcheck { url }) = &cli.command {
        return runtime.block_on(healthcheck(url));
    }
    let config = match Config::from_cli(
        &cli,
        &collector_flags,
        std::env::var("ZPA_CLIENT_SECRET").ok(),
    ) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("zpa-exporter: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_level, config.log_format);
    match runtime.block_on(zpa_exporter::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "zpa-exporter cannot start");
            eprintln!("zpa-exporter: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(level: tracing::Level, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(level.into())
        .from_env_lossy()
        .add_directive("hyper=warn".parse().expect("static directive"))
        .add_directive("reqwest=warn".parse().expect("static directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn healthcheck(url: &str) -> ExitCode {
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .danger_accept_invalid_certs(true)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("healthcheck: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(url).send().await {
        Ok(r) if r.status().is_success() => ExitCode::SUCCESS,
        Ok(r) => {
            eprintln!("healthcheck: {url} answered {}", r.status());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("healthcheck: {url}: {e}");
            ExitCode::FAILURE
        }
    }
}
