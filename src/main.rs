//! The `zpa-exporter` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use zpa_api::error::Chain;
use zpa_exporter::config::{cli, Config, EnvSecrets};

fn main() -> ExitCode {
    let parsed = match cli::parse_from(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => {
            // --help
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zpa-exporter: {}", cli::render_error(&e));
            return ExitCode::from(2);
        }
    };
    if parsed.cli.version {
        println!("{}", cli::version_text());
        return ExitCode::SUCCESS;
    }
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
    if let Some(cli::Command::Healthcheck { url }) = &parsed.cli.command {
        return runtime.block_on(zpa_exporter::healthcheck::probe(url));
    }
    let config = match Config::from_cli(&parsed, EnvSecrets::from_env()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("zpa-exporter: {}", Chain(&e));
            return ExitCode::from(2);
        }
    };
    zpa_exporter::logging::init(config.log_level, config.log_format);
    match runtime.block_on(zpa_exporter::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Logging is set up by now: one line, on stderr, in the configured format.
            tracing::error!(error = %Chain(&e), "zpa-exporter cannot start");
            ExitCode::from(e.exit_code())
        }
    }
}
