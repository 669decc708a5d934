//! App Connector Metrics (`zpn_ast_comprehensive_stats`): an App Connector's CPU, memory,
//! ports, file descriptors, microtunnels, targets and disk at its last report (counted as
//! every machine's metrics, `node_metrics.rs`).

use super::machine::Machine;
use super::node_metrics::{ConnectorFamilies, MetricsFamilies, NodeMetricsTally};
use super::{LogTypeSpec, Telltale};
use crate::lss::LogType;
use crate::metric_model::{counter, gauge, Source};

const TYPE: &str = "zpn_ast_comprehensive_stats";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::AppConnectorMetrics,
    families: &[
        &FAMILIES.cpu,
        &FAMILIES.system_memory,
        &FAMILIES.process_memory,
        &FAMILIES.used_ports,
        &FAMILIES.available_ports,
        &FAMILIES.file_descriptors,
        &CONNECTOR.edge_connections,
        &CONNECTOR.targets,
        &CONNECTOR.app_connections_active,
        &CONNECTOR.app_connections_created,
        &CONNECTOR.app_connections_cleared,
        &FAMILIES.disk,
        &FAMILIES.last_report,
    ],
    telltale: Telltale {
        all: &["Connector"],
        any: &["AppConnectionsCreated", "SystemMemoryUtilization", "AvailableDiskBytes"],
        ..Telltale::NONE
    },
    detect_order: 4,
    tally: || Box::new(NodeMetricsTally::new(Machine::AppConnector, &FAMILIES, "app_connector_metrics")),
};

const AC: &[&str] = &["connector", "connector_group", "microtenant"];
const AC_PORTS: &[&str] = &["connector", "connector_group", "microtenant", "protocol", "ip_version"];
const AC_FDS: &[&str] = &["connector", "connector_group", "microtenant", "scope", "state"];

pub(crate) const FAMILIES: MetricsFamilies = MetricsFamilies {
    cpu: gauge("zpa_lss_app_connector_cpu_utilization_ratio", AC, Source::Lss(TYPE), "Highest CPU use of the App Connector in the 5 minutes before its last metrics report (0 to 1)."),
    system_memory: gauge("zpa_lss_app_connector_system_memory_utilization_ratio", AC, Source::Lss(TYPE), "Memory use of the App Connector's whole machine at its last report (0 to 1)."),
    process_memory: gauge("zpa_lss_app_connector_process_memory_utilization_ratio", AC, Source::Lss(TYPE), "Memory use of the App Connector process at its last report (0 to 1)."),
    used_ports: gauge("zpa_lss_app_connector_used_ports", AC_PORTS, Source::Lss(TYPE), "Ports the App Connector uses, by protocol (tcp, udp) and IP version (4, 6)."),
    available_ports: gauge("zpa_lss_app_connector_available_ports", AC, Source::Lss(TYPE), "Ports the App Connector can still use."),
    file_descriptors: gauge("zpa_lss_app_connector_file_descriptors", AC_FDS, Source::Lss(TYPE), "File descriptors of the App Connector's machine (scope system) and process (scope process), used and max."),
    connector: Some(CONNECTOR),
    disk: gauge("zpa_lss_app_connector_available_disk_bytes", AC, Source::Lss(TYPE), "Free disk space of the App Connector at its last report."),
    last_report: gauge("zpa_lss_app_connector_last_report_timestamp_seconds", AC, Source::Lss(TYPE), "When the receiver got the App Connector's last metrics report (Unix time)."),
};

const CONNECTOR: ConnectorFamilies = ConnectorFamilies {
    edge_connections: gauge("zpa_lss_app_connector_service_edge_connections", &["connector", "connector_group", "microtenant", "edge", "state"], Source::Lss(TYPE), "Microtunnel connections of the App Connector to public and private Service Edges, active and disconnected."),
    targets: gauge("zpa_lss_app_connector_targets", &["connector", "connector_group", "microtenant", "state"], Source::Lss(TYPE), "Targets configured for the App Connector (state total) and those alive."),
    app_connections_active: gauge("zpa_lss_app_connector_app_connections_active", AC, Source::Lss(TYPE), "Active application microtunnels of the App Connector at its last report."),
    app_connections_created: counter("zpa_lss_app_connector_app_connections_created_total", AC, Source::Lss(TYPE), "Application microtunnels the App Connector created, summed over its reports."),
    app_connections_cleared: counter("zpa_lss_app_connector_app_connections_cleared_total", AC, Source::Lss(TYPE), "Application microtunnels the App Connector cleared, summed over its reports."),
};
