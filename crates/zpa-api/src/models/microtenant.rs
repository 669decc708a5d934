//! Microtenants (`/microtenants`): the partitions of a tenant.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{opt_bool, opt_id_string};

/// `GET /mgmtconfig/v1/admin/customers/{id}/microtenants`
pub const LIST: Endpoint = Endpoint::new("microtenants", Area::MgmtV1, "microtenants");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Microtenant {
    /// The Default microtenant has id "0" in real responses, and none in some help examples.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
}
