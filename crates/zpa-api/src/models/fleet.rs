//! What App Connectors and Private Service Edges report alike: the top-level status of an
//! enrolled machine (control channel, versions, last broker connection).

use serde::Deserialize;

use crate::paging::{id_string, opt_bool, opt_u64};

/// The top-level fields every fleet member carries (times in epoch **seconds**).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    /// Absent for a machine that never connected.
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
}
