//! App Connectors (`/connector`): enrolled machines with a control channel to ZPA.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_u64};

/// `GET /mgmtconfig/v1/admin/customers/{id}/connector`
pub const LIST: Endpoint = Endpoint::new("connector", Area::MgmtV1, "connector");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConnector {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub app_connector_group_name: Option<String>,
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
    /// The runtime record; fills in what the top level leaves out.
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
