//! Logging to stderr: text (coloured only on a terminal, never when `NO_COLOR` is set, so
//! journald, `docker logs` and files get plain lines) or JSON (one object per line, the event's
//! fields at the top level, as log pipelines expect).

use std::io::IsTerminal;

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` refines `level` per module.
pub fn init(level: tracing::Level, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::builder()
        .with_default_directive(level.into())
        .from_env_lossy()
        .add_directive("hyper=warn".parse().expect("static directive"))
        .add_directive("reqwest=warn".parse().expect("static directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
        LogFormat::Text => builder
            .with_ansi(colour(std::io::stderr().is_terminal()))
            .init(),
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set (to anything but empty).
fn colour(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
