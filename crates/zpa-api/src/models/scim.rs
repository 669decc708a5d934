//! SCIM groups (userconfig `/scimgroup/idpId/{id}`): only counted, so no fields are modelled.

use crate::api::{Area, Endpoint};

/// `GET /userconfig/v1/customers/{id}/scimgroup/idpId/{idp}`
pub fn groups_of(idp_id: &str) -> Endpoint {
    Endpoint::with_path(
        "scimgroup",
        Area::UserconfigV1,
        format!("scimgroup/idpId/{idp_id}"),
    )
}
