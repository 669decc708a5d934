//! Private Cloud Controllers (`/privateCloudController`, ZPA's internal name: site controllers)
//! and their groups (`/privateCloudControllerGroup`).
//!
//! No recorded response exists; the shapes are the help pages' examples (zpa-api.md, HELP
//! managing-private-cloud-controller(-group)s-using-api). A controller reports the same
//! top-level machine fields as an App Connector; a group's listing embeds its controllers
//! (`siteControllers[]`, with microsecond times in `siteControllerVersion`). A tenant without
//! the feature answers 401 `authz.featureflag.permission.denied` (zpa-api.md §4).

use serde::Deserialize;

use super::fleet::Machine;
use crate::api::{Area, Endpoint};
use crate::paging::opt_id_string;

/// `GET /mgmtconfig/v1/admin/customers/{id}/privateCloudController`
pub const CONTROLLERS: Endpoint = Endpoint::new(
    "privateCloudController",
    Area::MgmtV1,
    "privateCloudController",
);
/// `GET /mgmtconfig/v1/admin/customers/{id}/privateCloudControllerGroup`; its objects read as
/// [`super::group::Group`].
pub const CONTROLLER_GROUPS: Endpoint = Endpoint::new(
    "privateCloudControllerGroup",
    Area::MgmtV1,
    "privateCloudControllerGroup",
);

/// A Private Cloud Controller: the machine's status and its group.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateCloudController {
    #[serde(flatten)]
    pub machine: Machine,
    /// The help page's list example capitalises these two keys; its by-id example does not.
    #[serde(
        default,
        alias = "PrivateCloudControllerGroupId",
        deserialize_with = "opt_id_string"
    )]
    pub private_cloud_controller_group_id: Option<String>,
    #[serde(default, alias = "PrivateCloudControllerGroupName")]
    pub private_cloud_controller_group_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::group::Group;
    use crate::paging::parse_page;

    /// Shaped like the help page's examples: one connected controller, one that never
    /// connected (no status, no current version), the capitalised group keys.
    const CONTROLLERS_PAGE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
      {"modifiedTime":"1750655686","id":"289397352052032268","scopeName":"Default",
       "enabled":true,"name":"pcc-sjc-01","PrivateCloudControllerGroupId":"289397352052032169",
       "PrivateCloudControllerGroupName":"pcc-group","expectedVersion":"25.44.6",
       "currentVersion":"25.42.4","upgradeStatus":"FAILED",
       "controlChannelStatus":"ZPN_STATUS_DISCONNECTED","lastBrokerConnectTime":"1752834991",
       "platform":"el9","runtimeOS":"Red Hat Enterprise Linux 9.5"},
      {"id":"289397352052032375","enabled":true,"name":"pcc-new",
       "privateCloudControllerGroupId":"289397352052032169",
       "privateCloudControllerGroupName":"pcc-group","upgradeAttempt":"0"}]}"#;

    #[test]
    fn controllers_read_like_connectors() {
        let c = parse_page::<PrivateCloudController>(CONTROLLERS_PAGE.as_bytes())
            .unwrap()
            .items;
        let m = &c[0].machine;
        assert_eq!(
            m.control_channel_status.as_deref(),
            Some("ZPN_STATUS_DISCONNECTED")
        );
        assert_ne!(m.current_version, m.expected_version);
        assert_eq!(m.upgrade_status.as_deref(), Some("FAILED"));
        assert_eq!(m.last_broker_connect_time, Some(1_752_834_991));
        assert_eq!(
            c[0].private_cloud_controller_group_name.as_deref(),
            Some("pcc-group")
        );
        assert!(c[1].machine.control_channel_status.is_none());
        assert_eq!(
            c[1].private_cloud_controller_group_id.as_deref(),
            Some("289397352052032169")
        );
    }

    #[test]
    fn groups_read_as_groups() {
        let page = r#"{"totalPages":"1","list":[{"id":"1","enabled":true,"name":"g",
          "siteControllers":[{"id":"2","siteControllerVersion":{"lastConnectTime":"1743061803494634"}}],
          "modifiedTime":"1740024243"}]}"#;
        let g = parse_page::<Group>(page.as_bytes()).unwrap().items;
        assert_eq!(
            (g[0].enabled, g[0].modified_time),
            (Some(true), Some(1_740_024_243))
        );
    }
}
