//! Policy rules (`/policySet/rules/policyType/{TYPE}`).

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{opt_bool, opt_u64};

/// The policy types the exporter counts: (path name, `policy_type` label).
pub const POLICY_TYPES: [(&str, &str); 5] = [
    ("ACCESS_POLICY", "access"),
    ("TIMEOUT_POLICY", "timeout"),
    ("CLIENT_FORWARDING_POLICY", "client_forwarding"),
    ("ISOLATION_POLICY", "isolation"),
    ("INSPECTION_POLICY", "inspection"),
];

/// `GET /mgmtconfig/v1/admin/customers/{id}/policySet/rules/policyType/{TYPE}`
pub fn rules(policy_type: &str) -> Endpoint {
    Endpoint::with_path(
        "policyRules",
        Area::MgmtV1,
        format!("policySet/rules/policyType/{policy_type}"),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    /// `"0"` enabled, `"1"` disabled.
    #[serde(default, deserialize_with = "opt_bool")]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}
