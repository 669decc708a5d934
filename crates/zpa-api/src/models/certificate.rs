//! Browser-access (`/clientlessCertificate/issued`) and enrollment (`/enrollmentCert`)
//! certificates. Only names and dates are modelled: PEM bodies and keys never.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_u64};

/// `GET /mgmtconfig/v2/admin/customers/{id}/clientlessCertificate/issued`
pub const BROWSER_ACCESS: Endpoint = Endpoint::new(
    "clientlessCertificate",
    Area::MgmtV2,
    "clientlessCertificate/issued",
);
/// `GET /mgmtconfig/v2/admin/customers/{id}/enrollmentCert`
pub const ENROLLMENT: Endpoint = Endpoint::new("enrollmentCert", Area::MgmtV2, "enrollmentCert");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    /// Absent on enrollment entries that only hold a CSR.
    #[serde(default, deserialize_with = "opt_u64")]
    pub valid_to_in_epoch_sec: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}
