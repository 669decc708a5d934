//! The Log Streaming Service (LSS) receiver: ZPA App Connectors stream one JSON record per line
//! over TCP (optionally TLS) to it, and it turns them into metrics served on `/metrics` next to
//! the API's — are users reaching their applications, are connectors saturated.
//!
//! # Design
//!
//! ```text
//! listen ──> frame ──> record ──> aggregate ──> metrics
//! (accept,    (bounded  (one borrowed (label-keyed  (encoded at scrape time,
//!  caps, TLS,  lines)    parse, type   counters,    appended to the snapshot's
//!  idle)                 detection)    the cap,     pre-rendered bytes)
//!                                      the join)
//! ```
//!
//! * [`listen`]: one accept loop per `--lss.listen-address`; every connection counts against
//!   `--lss.max-connections` (all listeners together; over the cap it is closed at once and
//!   counted), TLS reuses `--web.config.file`'s certificate when `--lss.tls` is set, and a
//!   connection that delivers no complete line for `--lss.idle-timeout` is closed: this is
//!   also what ends a slow-loris sender, whose line never completes.
//! * [`frame`]: newline framing in a buffer bounded by `--lss.max-line-bytes`; a longer line is
//!   counted and skipped up to its newline, never buffered.
//! * [`record`]: one `serde_json` parse per line into borrowed fields (unknown keys skipped,
//!   numbers as numbers or strings), the log type from the listener's name or the keys.
//! * [`aggregate`]: the state. Each connection parses what it read, then takes the state's
//!   lock once per read to add the batch: no queue between reading and counting, so when
//!   counting falls behind a connection stops reading and TCP pushes back on the sender.
//!   Label values are interned; every family holds at most `--lss.max-series` series, beyond
//!   which samples fold into an `other` series and `zpa_lss_series_dropped_total` counts them.
//!   Connector and group names come from the API snapshot ([`join`]) so LSS and API series
//!   share label values.
//! * [`metrics`]: the families' descriptors (one table) and their encoding, at scrape time:
//!   LSS state changes continuously, so it cannot be encoded once per API snapshot.
//! * [`ratelog`]: every bad input is counted by reason and logged at most once per 10 s per
//!   reason, so a flood of garbage cannot flood the log.

pub mod aggregate;
mod encode;
pub mod frame;
pub mod join;
pub mod listen;
pub mod metrics;
pub mod ratelog;
pub mod reason;
pub mod record;
pub mod series;

pub use listen::{ListenerSpec, LssOptions, Receiver, ReceiverError};

/// The six log types the receiver turns into metrics, by their ZPA `sourceLogType` ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogType {
    /// User Activity (`zpn_trans_log`).
    UserActivity,
    /// User Status (`zpn_auth_log`).
    UserStatus,
    /// App Connector Status (`zpn_ast_auth_log`).
    AppConnectorStatus,
    /// App Connector Metrics (`zpn_ast_comprehensive_stats`).
    AppConnectorMetrics,
    /// Private Service Edge Status (`zpn_sys_auth_log`).
    ServiceEdgeStatus,
    /// Private Service Edge Metrics (`zpn_pbroker_comprehensive_stats`).
    ServiceEdgeMetrics,
}

impl LogType {
    /// Every type, in label order.
    pub const ALL: [LogType; 6] = [
        LogType::UserActivity,
        LogType::UserStatus,
        LogType::AppConnectorStatus,
        LogType::AppConnectorMetrics,
        LogType::ServiceEdgeStatus,
        LogType::ServiceEdgeMetrics,
    ];

    /// The `log_type` label: ZPA's `sourceLogType`.
    pub fn id(self) -> &'static str {
        match self {
            LogType::UserActivity => "zpn_trans_log",
            LogType::UserStatus => "zpn_auth_log",
            LogType::AppConnectorStatus => "zpn_ast_auth_log",
            LogType::AppConnectorMetrics => "zpn_ast_comprehensive_stats",
            LogType::ServiceEdgeStatus => "zpn_sys_auth_log",
            LogType::ServiceEdgeMetrics => "zpn_pbroker_comprehensive_stats",
        }
    }

    /// The name in `--lss.listen-address TYPE=HOST:PORT`.
    pub fn listener_name(self) -> &'static str {
        match self {
            LogType::UserActivity => "user_activity",
            LogType::UserStatus => "user_status",
            LogType::AppConnectorStatus => "app_connector_status",
            LogType::AppConnectorMetrics => "app_connector_metrics",
            LogType::ServiceEdgeStatus => "service_edge_status",
            LogType::ServiceEdgeMetrics => "service_edge_metrics",
        }
    }

    /// The type a listener name (or a `sourceLogType` id) names.
    pub fn from_name(name: &str) -> Option<LogType> {
        LogType::ALL
            .into_iter()
            .find(|t| t.listener_name() == name || t.id() == name)
    }

    /// Its index in [`LogType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The `log_type` label of lines whose type is neither named nor detected.
pub const UNKNOWN_TYPE: &str = "unknown";
