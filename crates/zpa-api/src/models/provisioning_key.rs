//! Provisioning keys (`/associationType/{CONNECTOR_GRP|SERVICE_EDGE_GRP}/provisioningKey`): the
//! keys App Connectors and Private Service Edges enrol with, how often each was used against
//! its maximum, and when it expires.
//!
//! The key itself (`provisioningKey`, an enrolment secret) is deliberately not modelled: serde
//! skips it, so it is never held, logged or exported.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_id_string, opt_u64};

/// `GET /mgmtconfig/v1/admin/customers/{id}/associationType/CONNECTOR_GRP/provisioningKey`
pub const CONNECTOR_KEYS: Endpoint = Endpoint::new(
    "provisioningKey",
    Area::MgmtV1,
    "associationType/CONNECTOR_GRP/provisioningKey",
);
/// `GET /mgmtconfig/v1/admin/customers/{id}/associationType/SERVICE_EDGE_GRP/provisioningKey`
pub const SERVICE_EDGE_KEYS: Endpoint = Endpoint::new(
    "provisioningKey",
    Area::MgmtV1,
    "associationType/SERVICE_EDGE_GRP/provisioningKey",
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningKey {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    /// Enrolments so far.
    #[serde(default, deserialize_with = "opt_u64")]
    pub usage_count: Option<u64>,
    /// Enrolments allowed.
    #[serde(default, deserialize_with = "opt_u64")]
    pub max_usage: Option<u64>,
    /// Epoch seconds; absent on keys that never expire. Not in the recorded responses (none
    /// of those keys expires); the field is named as Zscaler's Go SDK names it.
    #[serde(default, deserialize_with = "opt_u64")]
    pub expiration_in_epoch_sec: Option<u64>,
    /// The group the key enrols into.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub zcomponent_id: Option<String>,
    #[serde(default)]
    pub zcomponent_name: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::parse_page;

    /// Shaped like the recorded CONNECTOR_GRP page (numbers as strings, no microtenant, the
    /// enrolment secret present), plus the expiry the recordings lack.
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
      {"id":"58856","modifiedTime":"1773369925","creationTime":"1773369925",
       "modifiedBy":"216196257331372705","name":"tests-pkacg","usageCount":"19","maxUsage":"20",
       "zcomponentId":"216196257331404676","enabled":true,"zcomponentName":"SJC-Connectors",
       "exportable":true,"readOnly":false,"zscalerManaged":false,"enrollmentCertId":"6573",
       "enrollmentCertName":"Connector","provisioningKey":"3|api.private.zscaler.com|c2VjcmV0-1"},
      {"id":"58860","name":"temp","usageCount":0,"maxUsage":5,"enabled":"false",
       "expirationInEpochSec":"1780000000","zcomponentId":216196257331404677,
       "microtenantName":"Finance"}]}"#;

    #[test]
    fn usage_expiry_and_group() {
        let keys = parse_page::<ProvisioningKey>(FIXTURE.as_bytes())
            .unwrap()
            .items;
        assert_eq!(keys[0].id, "58856");
        assert_eq!(
            (keys[0].usage_count, keys[0].max_usage),
            (Some(19), Some(20))
        );
        assert_eq!(keys[0].zcomponent_id.as_deref(), Some("216196257331404676"));
        assert_eq!(keys[0].zcomponent_name.as_deref(), Some("SJC-Connectors"));
        assert_eq!(keys[0].expiration_in_epoch_sec, None);
        assert_eq!(keys[1].enabled, Some(false));
        assert_eq!(keys[1].expiration_in_epoch_sec, Some(1_780_000_000));
        assert_eq!(keys[1].zcomponent_id.as_deref(), Some("216196257331404677"));
    }

    #[test]
    fn the_enrolment_secret_is_not_kept() {
        let keys = parse_page::<ProvisioningKey>(FIXTURE.as_bytes())
            .unwrap()
            .items;
        let shown = format!("{keys:?}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
    }
}
