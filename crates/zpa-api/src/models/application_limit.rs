//! The tenant's application segment count against its licensed maximum
//! (`/application/count/currentAndMaxLimit`): one object, not a list.
//!
//! No recorded response exists; the field names and their string type are those of Zscaler's
//! Go SDK (`ApplicationCurrentMaxLimitResponse`), which zpa-api.md's "numbers as strings on
//! mgmtconfig" agrees with. Numbers are accepted either way.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::opt_u64;

/// `GET /mgmtconfig/v1/admin/customers/{id}/application/count/currentAndMaxLimit`
pub const LIMIT: Endpoint = Endpoint::new(
    "applicationLimit",
    Area::MgmtV1,
    "application/count/currentAndMaxLimit",
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationLimit {
    #[serde(default, deserialize_with = "opt_u64")]
    pub current_apps_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub max_apps_limit: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_or_numbers() {
        let l: ApplicationLimit =
            serde_json::from_str(r#"{"currentAppsCount":"250","maxAppsLimit":"1000"}"#).unwrap();
        assert_eq!(
            (l.current_apps_count, l.max_apps_limit),
            (Some(250), Some(1000))
        );
        let l: ApplicationLimit = serde_json::from_str(r#"{"currentAppsCount":3}"#).unwrap();
        assert_eq!((l.current_apps_count, l.max_apps_limit), (Some(3), None));
    }
}
