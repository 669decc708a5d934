//! App Connector Status (`zpn_ast_auth_log`): an App Connector's control-session events, its
//! version and its last authentication (counted as every machine's status, `node_status.rs`).

use super::machine::Machine;
use super::node_status::{NodeStatus, StatusFamilies};
use super::{LogTypeSpec, Telltale};
use crate::lss::LogType;
use crate::metric_model::{counter, gauge, Source};

const TYPE: &str = "zpn_ast_auth_log";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::AppConnectorStatus,
    families: &[&FAMILIES.sessions, &FAMILIES.version, &FAMILIES.last_auth],
    telltale: Telltale {
        any: &["ConnectorGroup"],
        values: &[("SessionType", "ZPN_ASSISTANT_BROKER_CONTROL")],
        ..Telltale::NONE
    },
    detect_order: 3,
    tally: || Box::new(NodeStatus::new(Machine::AppConnector, &FAMILIES)),
};

pub(crate) const FAMILIES: StatusFamilies = StatusFamilies {
    sessions: counter("zpa_lss_app_connector_session_events_total", &["connector_group", "status"], Source::Lss(TYPE), "App Connector Status records by SessionStatus: authenticated, auth_failed, disconnected or other."),
    version: gauge(
        "zpa_lss_app_connector_version_info",
        &["connector", "connector_group", "version", "platform"],
        Source::Lss(TYPE),
        "The version and platform of each App Connector's latest status record; value is always 1.",
    ),
    last_auth: gauge(
        "zpa_lss_app_connector_last_authentication_timestamp_seconds",
        &["connector", "connector_group"],
        Source::Lss(TYPE),
        "When the App Connector last authenticated (TimestampAuthentication, Unix time).",
    ),
};
