//! App Connectors (`/connector`): enrolled machines with a control channel to ZPA.

use serde::Deserialize;

use super::fleet::Machine;
use crate::api::{Area, Endpoint};
use crate::paging::opt_u64;

/// `GET /mgmtconfig/v1/admin/customers/{id}/connector`
pub const LIST: Endpoint = Endpoint::new("connector", Area::MgmtV1, "connector");

/// An App Connector: the machine's status, its group, and the runtime record that fills in
/// what the top level leaves out.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConnector {
    #[serde(flatten)]
    pub machine: Machine,
    #[serde(default)]
    pub app_connector_group_name: Option<String>,
    #[serde(default)]
    pub assistant_version: Option<RuntimeRecord>,
}

/// `assistantVersion`: the same facts as the top level, with microsecond times.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeRecord {
    #[serde(default)]
    pub ctrl_channel_status: Option<String>,
    #[serde(default)]
    pub current_version: Option<String>,
    #[serde(default)]
    pub expected_version: Option<String>,
    #[serde(default)]
    pub upgrade_status: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    /// Epoch microseconds.
    #[serde(default, deserialize_with = "opt_u64")]
    pub last_broker_connect_time: Option<u64>,
}
