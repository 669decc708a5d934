//! Private Service Edges (`/serviceEdge`).

use serde::Deserialize;

use super::fleet::Machine;
use crate::api::{Area, Endpoint};
use crate::paging::opt_u64;

/// `GET /mgmtconfig/v1/admin/customers/{id}/serviceEdge`
pub const LIST: Endpoint = Endpoint::new("serviceEdge", Area::MgmtV1, "serviceEdge");

/// A Private Service Edge: the machine's status, its group, and the broker record that fills
/// in what the top level leaves out.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEdge {
    #[serde(flatten)]
    pub machine: Machine,
    #[serde(default)]
    pub service_edge_group_name: Option<String>,
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
