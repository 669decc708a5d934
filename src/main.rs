//! The `zpa-exporter` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use zpa_api::error::Chain;
use zpa_exporter::{Command, Config, EnvSecrets};

fn main() -> ExitCode {
    let parsed = match zpa_exporter::parse_command_line(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) if !e.use_stderr() => {
            // --help
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "zpa-exporter: {}",
                zpa_exporter::render_command_line_error(&e)
            );
            return ExitCode::from(2);
        }
    };
    if parsed.cli.version {
        println!("{}", zpa_exporter::version_text());
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
    if let Some(Command::Healthcheck { url }) = &parsed.cli.command {
        return runtime.block_on(zpa_exporter::health_probe(url));
    }
    let config = match Config::from_cli(&parsed, EnvSecrets::from_env()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("zpa-exporter: {}", Chain(&e));
            return ExitCode::from(2);
        }
    };
    zpa_exporter::init_logging(config.log_level, config.log_format);
    match runtime.block_on(zpa_exporter::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Logging is set up by now: one line, on stderr, in the configured format.
            tracing::error!(error = %Chain(&e), "zpa-exporter cannot start");
            ExitCode::from(e.exit_code())
        }
    }
}
