//! Private Service Edges (`/serviceEdge`).

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_u64};

/// `GET /mgmtconfig/v1/admin/customers/{id}/serviceEdge`
pub const LIST: Endpoint = Endpoint::new("serviceEdge", Area::MgmtV1, "serviceEdge");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEdge {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub service_edge_group_name: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default)]
    pub control_channel_status: Option<String>,
    #[serde(default)]
    pub current_version: Option<String>,
    #[serde(default)]
    pub expected_version: Option<String>,
    #[serde(default)]
    pub upgrade_status: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default, rename = "runtimeOS")]
    pub runtime_os: Option<String>,
    /// Epoch seconds at the top level.
    #[serde(default, deserialize_with = "opt_u64")]
    pub last_broker_connect_time: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
    #[serde(default)]
    pub private_broker_version: Option<BrokerRecord>,
}

/// `privateBrokerVersion`: runtime facts with microsecond times.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerRecord {
    #[serde(default)]
    pub ctrl_channel_status: Option<String>,
    #[serde(default)]
    pub current_version: Option<String>,
    #[serde(default, rename = "runtimeOS")]
    pub runtime_os: Option<String>,
    /// Epoch microseconds.
    #[serde(default, deserialize_with = "opt_u64")]
    pub last_connect_time: Option<u64>,
}
