//! The LSS families: their descriptors, one table ([`ALL`]) that is part of the exporter's
//! metrics table. How they are written from the receiver's state is [`super::encode`].

use crate::metrics::descriptors::{Descriptor, Kind, Source};

const fn d(
    name: &'static str,
    kind: Kind,
    labels: &'static [&'static str],
    log_type: &'static str,
    help: &'static str,
) -> Descriptor {
    Descriptor {
        name,
        kind,
        help,
        labels,
        source: Source::Lss(log_type),
    }
}

use Kind::{Counter, Gauge, Histogram};

const UA: &str = "zpn_trans_log";
const US: &str = "zpn_auth_log";
const ACS: &str = "zpn_ast_auth_log";
const ACM: &str = "zpn_ast_comprehensive_stats";
const SES: &str = "zpn_sys_auth_log";
const SEM: &str = "zpn_pbroker_comprehensive_stats";
const RCV: &str = "receiver";

const AC: &[&str] = &["connector", "connector_group", "microtenant"];
const AC_PORTS: &[&str] = &[
    "connector",
    "connector_group",
    "microtenant",
    "protocol",
    "ip_version",
];
const AC_FDS: &[&str] = &[
    "connector",
    "connector_group",
    "microtenant",
    "scope",
    "state",
];
const SE: &[&str] = &["service_edge", "service_edge_group", "microtenant"];
const SE_PORTS: &[&str] = &[
    "service_edge",
    "service_edge_group",
    "microtenant",
    "protocol",
    "ip_version",
];
const SE_FDS: &[&str] = &[
    "service_edge",
    "service_edge_group",
    "microtenant",
    "scope",
    "state",
];

pub const USER_CONNECTIONS: Descriptor = d("zpa_lss_user_connections_total", Counter, &["microtenant", "application", "app_group", "connector_group", "status", "reason", "result"], UA, "User Activity records: status is open, active, close or other; reason the InternalReason as sent (none when empty); result its class (success, error, policy_block, info, unknown).");
pub const SERVER_SETUP: Descriptor = d(
    "zpa_lss_server_setup_seconds",
    Histogram,
    &["application", "connector_group"],
    UA,
    "ServerSetupTime of User Activity records, when above zero.",
);
pub const POLICY_PROCESSING: Descriptor = d(
    "zpa_lss_policy_processing_seconds",
    Histogram,
    &["application"],
    UA,
    "PolicyProcessingTime of User Activity records, when above zero.",
);
pub const USER_BYTES: Descriptor = d("zpa_lss_user_bytes_total", Counter, &["application", "connector_group", "direction"], UA, "Bytes through the Service Edge, summed from the per-record deltas (ZENBytes*); direction is from_client, to_client, from_connector or to_connector.");
pub const AC_CPU: Descriptor = d("zpa_lss_app_connector_cpu_utilization_ratio", Gauge, AC, ACM, "Highest CPU use of the App Connector in the 5 minutes before its last metrics report (0 to 1).");
pub const AC_SYSTEM_MEMORY: Descriptor = d(
    "zpa_lss_app_connector_system_memory_utilization_ratio",
    Gauge,
    AC,
    ACM,
    "Memory use of the App Connector's whole machine at its last report (0 to 1).",
);
pub const AC_PROCESS_MEMORY: Descriptor = d(
    "zpa_lss_app_connector_process_memory_utilization_ratio",
    Gauge,
    AC,
    ACM,
    "Memory use of the App Connector process at its last report (0 to 1).",
);
pub const AC_USED_PORTS: Descriptor = d(
    "zpa_lss_app_connector_used_ports",
    Gauge,
    AC_PORTS,
    ACM,
    "Ports the App Connector uses, by protocol (tcp, udp) and IP version (4, 6).",
);
pub const AC_AVAILABLE_PORTS: Descriptor = d(
    "zpa_lss_app_connector_available_ports",
    Gauge,
    AC,
    ACM,
    "Ports the App Connector can still use.",
);
pub const AC_FILE_DESCRIPTORS: Descriptor = d("zpa_lss_app_connector_file_descriptors", Gauge, AC_FDS, ACM, "File descriptors of the App Connector's machine (scope system) and process (scope process), used and max.");
pub const AC_EDGE_CONNECTIONS: Descriptor = d("zpa_lss_app_connector_service_edge_connections", Gauge, &["connector", "connector_group", "microtenant", "edge", "state"], ACM, "Microtunnel connections of the App Connector to public and private Service Edges, active and disconnected.");
pub const AC_TARGETS: Descriptor = d(
    "zpa_lss_app_connector_targets",
    Gauge,
    &["connector", "connector_group", "microtenant", "state"],
    ACM,
    "Targets configured for the App Connector (state total) and those alive.",
);
pub const AC_APP_CONNECTIONS_ACTIVE: Descriptor = d(
    "zpa_lss_app_connector_app_connections_active",
    Gauge,
    AC,
    ACM,
    "Active application microtunnels of the App Connector at its last report.",
);
pub const AC_APP_CONNECTIONS_CREATED: Descriptor = d(
    "zpa_lss_app_connector_app_connections_created_total",
    Counter,
    AC,
    ACM,
    "Application microtunnels the App Connector created, summed over its reports.",
);
pub const AC_APP_CONNECTIONS_CLEARED: Descriptor = d(
    "zpa_lss_app_connector_app_connections_cleared_total",
    Counter,
    AC,
    ACM,
    "Application microtunnels the App Connector cleared, summed over its reports.",
);
pub const AC_DISK: Descriptor = d(
    "zpa_lss_app_connector_available_disk_bytes",
    Gauge,
    AC,
    ACM,
    "Free disk space of the App Connector at its last report.",
);
pub const AC_LAST_REPORT: Descriptor = d(
    "zpa_lss_app_connector_last_report_timestamp_seconds",
    Gauge,
    AC,
    ACM,
    "When the receiver got the App Connector's last metrics report (Unix time).",
);
pub const SE_CPU: Descriptor = d("zpa_lss_service_edge_cpu_utilization_ratio", Gauge, SE, SEM, "Highest CPU use of the Private Service Edge in the 5 minutes before its last metrics report (0 to 1).");
pub const SE_SYSTEM_MEMORY: Descriptor = d(
    "zpa_lss_service_edge_system_memory_utilization_ratio",
    Gauge,
    SE,
    SEM,
    "Memory use of the Private Service Edge's whole machine at its last report (0 to 1).",
);
pub const SE_PROCESS_MEMORY: Descriptor = d(
    "zpa_lss_service_edge_process_memory_utilization_ratio",
    Gauge,
    SE,
    SEM,
    "Memory use of the Private Service Edge process at its last report (0 to 1).",
);
pub const SE_USED_PORTS: Descriptor = d(
    "zpa_lss_service_edge_used_ports",
    Gauge,
    SE_PORTS,
    SEM,
    "Ports the Private Service Edge uses, by protocol (tcp, udp) and IP version (4, 6).",
);
pub const SE_AVAILABLE_PORTS: Descriptor = d(
    "zpa_lss_service_edge_available_ports",
    Gauge,
    SE,
    SEM,
    "Ports the Private Service Edge can still use.",
);
pub const SE_FILE_DESCRIPTORS: Descriptor = d("zpa_lss_service_edge_file_descriptors", Gauge, SE_FDS, SEM, "File descriptors of the Private Service Edge's machine (scope system) and process (scope process), used and max.");
pub const SE_DISK: Descriptor = d(
    "zpa_lss_service_edge_available_disk_bytes",
    Gauge,
    SE,
    SEM,
    "Free disk space of the Private Service Edge at its last report.",
);
pub const SE_LAST_REPORT: Descriptor = d(
    "zpa_lss_service_edge_last_report_timestamp_seconds",
    Gauge,
    SE,
    SEM,
    "When the receiver got the Private Service Edge's last metrics report (Unix time).",
);
pub const AC_SESSIONS: Descriptor = d("zpa_lss_app_connector_session_events_total", Counter, &["connector_group", "status"], ACS, "App Connector Status records by SessionStatus: authenticated, auth_failed, disconnected or other.");
pub const AC_VERSION: Descriptor = d(
    "zpa_lss_app_connector_version_info",
    Gauge,
    &["connector", "connector_group", "version", "platform"],
    ACS,
    "The version and platform of each App Connector's latest status record; value is always 1.",
);
pub const AC_LAST_AUTH: Descriptor = d(
    "zpa_lss_app_connector_last_authentication_timestamp_seconds",
    Gauge,
    &["connector", "connector_group"],
    ACS,
    "When the App Connector last authenticated (TimestampAuthentication, Unix time).",
);
pub const SE_SESSIONS: Descriptor = d("zpa_lss_service_edge_session_events_total", Counter, &["service_edge_group", "status"], SES, "Private Service Edge Status records by SessionStatus: authenticated, auth_failed, disconnected or other.");
pub const SE_VERSION: Descriptor = d("zpa_lss_service_edge_version_info", Gauge, &["service_edge", "service_edge_group", "version", "platform"], SES, "The version and platform of each Private Service Edge's latest status record; value is always 1.");
pub const SE_LAST_AUTH: Descriptor = d(
    "zpa_lss_service_edge_last_authentication_timestamp_seconds",
    Gauge,
    &["service_edge", "service_edge_group"],
    SES,
    "When the Private Service Edge last authenticated (TimestampAuthentication, Unix time).",
);
pub const USER_SESSIONS: Descriptor = d("zpa_lss_user_sessions_total", Counter, &["microtenant", "status", "client_type"], US, "User Status records by SessionStatus (authenticated, auth_failed, disconnected, other) and ClientType as sent.");
pub const USER_POSTURES: Descriptor = d(
    "zpa_lss_user_posture_checks_total",
    Counter,
    &["posture", "result"],
    US,
    "Posture profiles in User Status records: result hit (PosturesHit) or miss (PosturesMiss).",
);
pub const RECEIVED: Descriptor = d(
    "zpa_lss_records_received_total",
    Counter,
    &["log_type"],
    RCV,
    "Lines received, by the listener's log type, else the detected one, else unknown.",
);
pub const PARSED: Descriptor = d(
    "zpa_lss_records_parsed_total",
    Counter,
    &["log_type"],
    RCV,
    "Lines parsed into a record of a known log type.",
);
pub const REJECTED: Descriptor = d("zpa_lss_records_rejected_total", Counter, &["log_type", "reason"], RCV, "Lines not counted as records, by reason: invalid_json, line_too_long, not_json, binary, unknown_type, tls_on_plain.");
pub const RECEIVED_BYTES: Descriptor = d(
    "zpa_lss_received_bytes_total",
    Counter,
    &["listener"],
    RCV,
    "Bytes read from LSS connections, by listener (its log type name, or auto).",
);
pub const CONNECTIONS: Descriptor = d(
    "zpa_lss_receiver_connections",
    Gauge,
    &["listener"],
    RCV,
    "Open LSS connections, by listener.",
);
pub const CONNECTIONS_TOTAL: Descriptor = d("zpa_lss_receiver_connections_total", Counter, &["listener", "result"], RCV, "LSS connections by how they were handled: accepted, refused_over_cap (--lss.max-connections), tls_failed, idle_timeout (no complete line for --lss.idle-timeout).");
pub const SERIES_DROPPED: Descriptor = d(
    "zpa_lss_series_dropped_total",
    Counter,
    &["family"],
    RCV,
    "Samples folded into a family's other series because it holds --lss.max-series series.",
);
pub const LAST_RECORD: Descriptor = d(
    "zpa_lss_last_record_timestamp_seconds",
    Gauge,
    &["log_type"],
    RCV,
    "When the last record of the log type was parsed (Unix time).",
);

/// Every LSS metric, in the order `/metrics` serves them.
pub const ALL: &[&Descriptor] = &[
    &USER_CONNECTIONS,
    &SERVER_SETUP,
    &POLICY_PROCESSING,
    &USER_BYTES,
    &AC_CPU,
    &AC_SYSTEM_MEMORY,
    &AC_PROCESS_MEMORY,
    &AC_USED_PORTS,
    &AC_AVAILABLE_PORTS,
    &AC_FILE_DESCRIPTORS,
    &AC_EDGE_CONNECTIONS,
    &AC_TARGETS,
    &AC_APP_CONNECTIONS_ACTIVE,
    &AC_APP_CONNECTIONS_CREATED,
    &AC_APP_CONNECTIONS_CLEARED,
    &AC_DISK,
    &AC_LAST_REPORT,
    &SE_CPU,
    &SE_SYSTEM_MEMORY,
    &SE_PROCESS_MEMORY,
    &SE_USED_PORTS,
    &SE_AVAILABLE_PORTS,
    &SE_FILE_DESCRIPTORS,
    &SE_DISK,
    &SE_LAST_REPORT,
    &AC_SESSIONS,
    &AC_VERSION,
    &AC_LAST_AUTH,
    &SE_SESSIONS,
    &SE_VERSION,
    &SE_LAST_AUTH,
    &USER_SESSIONS,
    &USER_POSTURES,
    &RECEIVED,
    &PARSED,
    &REJECTED,
    &RECEIVED_BYTES,
    &CONNECTIONS,
    &CONNECTIONS_TOTAL,
    &SERIES_DROPPED,
    &LAST_RECORD,
];
