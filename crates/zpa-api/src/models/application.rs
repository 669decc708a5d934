//! Application segments (`/application`).

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_u64};

/// `GET /mgmtconfig/v1/admin/customers/{id}/application`
pub const LIST: Endpoint = Endpoint::new("application", Area::MgmtV1, "application");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSegment {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default)]
    pub segment_group_name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub double_encrypt: Option<bool>,
    #[serde(default)]
    pub bypass_type: Option<String>,
    #[serde(default)]
    pub health_reporting: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}
