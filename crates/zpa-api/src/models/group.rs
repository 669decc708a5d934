//! Configuration groups that share one shape: App Connector groups, Service Edge groups,
//! segment groups and server groups.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{opt_bool, opt_u64};

/// `GET /mgmtconfig/v1/admin/customers/{id}/appConnectorGroup`
pub const APP_CONNECTOR_GROUPS: Endpoint =
    Endpoint::new("appConnectorGroup", Area::MgmtV1, "appConnectorGroup");
/// `GET /mgmtconfig/v1/admin/customers/{id}/serviceEdgeGroup`
pub const SERVICE_EDGE_GROUPS: Endpoint =
    Endpoint::new("serviceEdgeGroup", Area::MgmtV1, "serviceEdgeGroup");
/// `GET /mgmtconfig/v1/admin/customers/{id}/segmentGroup`
pub const SEGMENT_GROUPS: Endpoint = Endpoint::new("segmentGroup", Area::MgmtV1, "segmentGroup");
/// `GET /mgmtconfig/v1/admin/customers/{id}/serverGroup`
pub const SERVER_GROUPS: Endpoint = Endpoint::new("serverGroup", Area::MgmtV1, "serverGroup");

/// Only what the counts need; groups embed large arrays (connectors, applications) that serde
/// skips without building them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}
