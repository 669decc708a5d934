//! Identity providers (v2 `/idp`), with their signing certificates.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_id_string, opt_u64};

/// `GET /mgmtconfig/v2/admin/customers/{id}/idp`
pub const LIST: Endpoint = Endpoint::new("idp", Area::MgmtV2, "idp");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProvider {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    /// e.g. `["USER"]`, `["USER","ADMIN"]`.
    #[serde(default)]
    pub sso_type: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub scim_enabled: Option<bool>,
    #[serde(default)]
    pub certificates: Option<Vec<IdpCertificate>>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

/// An IdP signing certificate. Its PEM body is deliberately not modelled: never exported.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpCertificate {
    #[serde(default)]
    pub c_name: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub serial_no: Option<String>,
    /// Epoch seconds (IdPs name it differently from other certificates).
    #[serde(default, deserialize_with = "opt_u64")]
    pub valid_to_in_sec: Option<u64>,
}
