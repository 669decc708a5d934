//! What a receiver is told: where it listens and of which type ([`ListenerSpec`]), the process's
//! caps (`--lss.*`, [`LssOptions`]), and what one tenant sets for its own receiver
//! ([`TenantLss`]: the single-tenant flags' listeners, or a tenant's `lss:` block in the
//! tenants file).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::LogType;

/// `--lss.listen-address`: where, and the log type if named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerSpec {
    /// The type every line on this listener is (else detected per line).
    pub log_type: Option<LogType>,
    /// Where to listen.
    pub addr: SocketAddr,
}

impl ListenerSpec {
    /// The `listener` label: the type's listener name, or `auto`.
    pub fn label(&self) -> &'static str {
        self.log_type.map_or("auto", LogType::listener_name)
    }
}

/// The receiver's settings (`--lss.*`).
#[derive(Debug, Clone)]
pub struct LssOptions {
    /// `--lss.listen-address`; none: the receiver is off.
    pub listeners: Vec<ListenerSpec>,
    /// `--lss.max-line-bytes`.
    pub max_line_bytes: usize,
    /// `--lss.max-connections`, all listeners together.
    pub max_connections: usize,
    /// `--lss.max-series`, per family.
    pub max_series: usize,
    /// `--lss.idle-timeout`: the longest a connection may go without a complete line.
    pub idle_timeout: Duration,
    /// `--lss.tls`: serve TLS with the web config's certificate.
    pub tls: bool,
}

impl Default for LssOptions {
    fn default() -> Self {
        LssOptions {
            listeners: Vec::new(),
            max_line_bytes: 64 * 1024,
            max_connections: 1024,
            max_series: 20_000,
            idle_timeout: Duration::from_secs(300),
            tls: false,
        }
    }
}

/// One tenant's receiver: where, whether over TLS, and whose App Connectors may connect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TenantLss {
    /// `[TYPE=]HOST:PORT` each; none: the tenant has no receiver.
    pub listeners: Vec<ListenerSpec>,
    /// Serve TLS with the web config's certificate.
    pub tls: bool,
    /// With TLS: only clients with a certificate this CA signed may send (the tenant's own
    /// App Connectors), instead of the web config's client settings.
    pub client_ca_file: Option<PathBuf>,
}

impl TenantLss {
    /// The receiver's settings: the process's caps with this tenant's listeners and TLS.
    pub fn options(&self, process: &LssOptions) -> LssOptions {
        LssOptions {
            listeners: self.listeners.clone(),
            tls: self.tls,
            ..process.clone()
        }
    }
}
