//! Private Service Edge Status (`zpn_sys_auth_log`): a Private Service Edge's control-session
//! events, its version and its last authentication (counted as every machine's status,
//! `node_status.rs`).

use super::machine::Machine;
use super::node_status::{NodeStatus, StatusFamilies};
use super::{LogTypeSpec, Telltale};
use crate::lss::LogType;
use crate::metric_model::{counter, gauge, Source};

const TYPE: &str = "zpn_sys_auth_log";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::ServiceEdgeStatus,
    families: &[&FAMILIES.sessions, &FAMILIES.version, &FAMILIES.last_auth],
    telltale: Telltale {
        any: &["ServiceEdge", "ServiceEdgeGroup"],
        ..Telltale::NONE
    },
    detect_order: 2,
    tally: || Box::new(NodeStatus::new(Machine::ServiceEdge, &FAMILIES)),
};

pub(crate) const FAMILIES: StatusFamilies = StatusFamilies {
    sessions: counter("zpa_lss_service_edge_session_events_total", &["service_edge_group", "status"], Source::Lss(TYPE), "Private Service Edge Status records by SessionStatus: authenticated, auth_failed, disconnected or other."),
    version: gauge("zpa_lss_service_edge_version_info", &["service_edge", "service_edge_group", "version", "platform"], Source::Lss(TYPE), "The version and platform of each Private Service Edge's latest status record; value is always 1."),
    last_auth: gauge(
        "zpa_lss_service_edge_last_authentication_timestamp_seconds",
        &["service_edge", "service_edge_group"],
        Source::Lss(TYPE),
        "When the Private Service Edge last authenticated (TimestampAuthentication, Unix time).",
    ),
};
