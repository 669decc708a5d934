//! Private Service Edge Metrics (`zpn_pbroker_comprehensive_stats`): a Private Service Edge's
//! CPU, memory, ports, file descriptors and disk at its last report (counted as every
//! machine's metrics, `node_metrics.rs`).

use super::machine::Machine;
use super::node_metrics::{MetricsFamilies, NodeMetricsTally};
use super::{LogTypeSpec, Telltale};
use crate::lss::LogType;
use crate::metric_model::{gauge, Source};

const TYPE: &str = "zpn_pbroker_comprehensive_stats";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::ServiceEdgeMetrics,
    families: &[
        &FAMILIES.cpu,
        &FAMILIES.system_memory,
        &FAMILIES.process_memory,
        &FAMILIES.used_ports,
        &FAMILIES.available_ports,
        &FAMILIES.file_descriptors,
        &FAMILIES.disk,
        &FAMILIES.last_report,
    ],
    telltale: Telltale {
        any: &["PrivateSE"],
        ..Telltale::NONE
    },
    detect_order: 1,
    tally: || Box::new(NodeMetricsTally::new(Machine::ServiceEdge, &FAMILIES, "service_edge_metrics")),
};

const SE: &[&str] = &["service_edge", "service_edge_group", "microtenant"];
const SE_PORTS: &[&str] = &["service_edge", "service_edge_group", "microtenant", "protocol", "ip_version"];
const SE_FDS: &[&str] = &["service_edge", "service_edge_group", "microtenant", "scope", "state"];

pub(crate) const FAMILIES: MetricsFamilies = MetricsFamilies {
    cpu: gauge("zpa_lss_service_edge_cpu_utilization_ratio", SE, Source::Lss(TYPE), "Highest CPU use of the Private Service Edge in the 5 minutes before its last metrics report (0 to 1)."),
    system_memory: gauge("zpa_lss_service_edge_system_memory_utilization_ratio", SE, Source::Lss(TYPE), "Memory use of the Private Service Edge's whole machine at its last report (0 to 1)."),
    process_memory: gauge("zpa_lss_service_edge_process_memory_utilization_ratio", SE, Source::Lss(TYPE), "Memory use of the Private Service Edge process at its last report (0 to 1)."),
    used_ports: gauge("zpa_lss_service_edge_used_ports", SE_PORTS, Source::Lss(TYPE), "Ports the Private Service Edge uses, by protocol (tcp, udp) and IP version (4, 6)."),
    available_ports: gauge("zpa_lss_service_edge_available_ports", SE, Source::Lss(TYPE), "Ports the Private Service Edge can still use."),
    file_descriptors: gauge("zpa_lss_service_edge_file_descriptors", SE_FDS, Source::Lss(TYPE), "File descriptors of the Private Service Edge's machine (scope system) and process (scope process), used and max."),
    connector: None,
    disk: gauge("zpa_lss_service_edge_available_disk_bytes", SE, Source::Lss(TYPE), "Free disk space of the Private Service Edge at its last report."),
    last_report: gauge("zpa_lss_service_edge_last_report_timestamp_seconds", SE, Source::Lss(TYPE), "When the receiver got the Private Service Edge's last metrics report (Unix time)."),
};
