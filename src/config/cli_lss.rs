//! The LSS receiver's flags (`--lss.*`) and their validation into
//! [`LssOptions`]. Flattened into [`super::cli::Cli`].

use std::time::Duration;

use super::error::{ConfigError, Problem};
use super::parsers::{parse_at_least_one, parse_positive_duration};
use crate::lss::LssOptions;
use crate::webconfig::WebConfig;

/// The help heading of the LSS receiver's settings.
const LSS: &str = "Log Streaming Service receiver (off unless --lss.listen-address)";

pub(super) const LSS_LISTEN_ADDRESS: &str =
    "--lss.listen-address (ZPA_EXPORTER_LSS_LISTEN_ADDRESS)";

/// `--lss.listen-address`, `--lss.max-*`, `--lss.idle-timeout`, `--lss.tls`.
/// (Field names keep the `lss_` prefix: clap's argument ids are the field names, global to
/// the command, and `listen_addresses` is `--web.listen-address`'s.)
#[derive(clap::Args, Debug, Clone)]
pub struct LssArgs {
    /// Receive ZPA Log Streaming Service records here: TYPE=HOST:PORT or HOST:PORT (the type
    /// then told from each record's fields), TYPE one of user_activity, user_status,
    /// app_connector_status, app_connector_metrics, service_edge_status, service_edge_metrics;
    /// repeat for several. Off when not given
    #[arg(long = "lss.listen-address", env = "ZPA_EXPORTER_LSS_LISTEN_ADDRESS", action = clap::ArgAction::Append, value_delimiter = ',', help_heading = LSS)]
    pub lss_listen_addresses: Vec<String>,

    /// Longest LSS line; a longer one is counted (line_too_long) and skipped
    #[arg(long = "lss.max-line-bytes", env = "ZPA_EXPORTER_LSS_MAX_LINE_BYTES", default_value_t = 64 * 1024, value_parser = parse_at_least_one, help_heading = LSS)]
    pub lss_max_line_bytes: usize,

    /// Open LSS connections at once, all listeners together; more are closed at once
    #[arg(long = "lss.max-connections", env = "ZPA_EXPORTER_LSS_MAX_CONNECTIONS", default_value_t = 1024, value_parser = parse_at_least_one, help_heading = LSS)]
    pub lss_max_connections: usize,

    /// Series per LSS metric family; beyond, samples fold into an `other` series
    #[arg(long = "lss.max-series", env = "ZPA_EXPORTER_LSS_MAX_SERIES", default_value_t = 20_000, value_parser = parse_at_least_one, help_heading = LSS)]
    pub lss_max_series: usize,

    /// Close an LSS connection that delivers no complete line for this long
    #[arg(long = "lss.idle-timeout", env = "ZPA_EXPORTER_LSS_IDLE_TIMEOUT", default_value = "5m", value_parser = parse_positive_duration, help_heading = LSS)]
    pub lss_idle_timeout: Duration,

    /// Serve the LSS listeners over TLS with the certificate (and client CA) of
    /// --web.config.file
    #[arg(long = "lss.tls", env = "ZPA_EXPORTER_LSS_TLS", help_heading = LSS)]
    pub lss_tls: bool,
}

impl LssArgs {
    /// The receiver's settings: listeners `TYPE=HOST:PORT` or `HOST:PORT`; TLS only with a
    /// certificate.
    pub fn options(&self, web_config: Option<&WebConfig>) -> Result<LssOptions, ConfigError> {
        let listeners = self
            .lss_listen_addresses
            .iter()
            .map(|value| {
                super::listener(value).map_err(|p| ConfigError::new(LSS_LISTEN_ADDRESS, p))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.lss_tls && !web_config.is_some_and(WebConfig::tls_enabled) {
            return Err(ConfigError::new(
                "--lss.tls (ZPA_EXPORTER_LSS_TLS)",
                Problem::LssTlsWithoutCertificate,
            ));
        }
        Ok(LssOptions {
            listeners,
            max_line_bytes: self.lss_max_line_bytes,
            max_connections: self.lss_max_connections,
            max_series: self.lss_max_series,
            idle_timeout: self.lss_idle_timeout,
            tls: self.lss_tls,
        })
    }
}
