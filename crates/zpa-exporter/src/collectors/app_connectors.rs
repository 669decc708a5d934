//! App Connectors (`/connector`): status counts per group, and per connector its up state,
//! versions, and last broker connection.

use serde::Deserialize;

use super::fleet::{epoch_seconds, microtenant, FleetNames, FleetResource, Member, Status};
use zpa_api::paging::{id_string, opt_bool, opt_u64};

pub const NAME: &str = "app_connectors";

pub static NAMES: FleetNames = FleetNames {
    collector: NAME,
    endpoint: "connector",
    prefix: "zpa_app_connector",
    count_metric: "zpa_app_connectors",
    group_label: "connector_group",
    what: "App Connectors (from /connector)",
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConnector {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub app_connector_group_name: Option<String>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
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
    /// The runtime record; fills in what the top level leaves out.
    #[serde(default)]
    pub assistant_version: Option<RuntimeRecord>,
}

/// `assistantVersion`: the same facts as the top level, with microsecond times.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeRecord {
    #[serde(default)]
    pub ctrl_channel_status: Option<String>,
    #[serde(default)]
    pub current_version: Option<String>,
    #[serde(default)]
    pub expected_version: Option<String>,
    #[serde(default)]
    pub upgrade_status: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    /// Epoch microseconds.
    #[serde(default, deserialize_with = "opt_u64")]
    pub last_broker_connect_time: Option<u64>,
}

impl From<AppConnector> for Member {
    fn from(c: AppConnector) -> Member {
        let rt = c.assistant_version.unwrap_or_default();
        Member {
            name: c.name.unwrap_or_default(),
            group: c.app_connector_group_name.unwrap_or_default(),
            microtenant: microtenant(&c.microtenant_name),
            enabled: c.enabled.unwrap_or(true),
            status: Status::parse(
                c.control_channel_status
                    .as_deref()
                    .or(rt.ctrl_channel_status.as_deref()),
            ),
            current_version: c.current_version.or(rt.current_version).unwrap_or_default(),
            expected_version: c
                .expected_version
                .or(rt.expected_version)
                .unwrap_or_default(),
            upgrade_status: c.upgrade_status.or(rt.upgrade_status).unwrap_or_default(),
            platform: c.platform.or(rt.platform).unwrap_or_default(),
            runtime_os: c.runtime_os.unwrap_or_default(),
            last_broker_connect: epoch_seconds(c.last_broker_connect_time)
                .or(epoch_seconds(rt.last_broker_connect_time)),
            modified_time: c.modified_time,
            id: c.id,
        }
    }
}

impl FleetResource for AppConnector {
    const NAMES: &'static FleetNames = &NAMES;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::fleet::FleetPart;
    use crate::collectors::Part;
    use zpa_api::paging::parse_page;

    /// Shaped like the help pages' `/connector` examples: an authenticated connector, and one
    /// that never connected (no status, no versions, no connect time).
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
      {"id":"217246660303024865","name":"conn-1","enabled":true,"appConnectorGroupId":"1",
       "appConnectorGroupName":"DC \"East\"","controlChannelStatus":"ZPN_STATUS_AUTHENTICATED",
       "currentVersion":"24.20.1","expectedVersion":"24.26.3","upgradeStatus":"COMPLETE",
       "upgradeAttempt":"0","lastBrokerConnectTime":"1773369874",
       "lastBrokerConnectTimeDuration":"01d 11h 57m 54s","platform":"el9",
       "runtimeOS":"Red Hat Enterprise Linux 9.5","modifiedTime":"1773000000",
       "microtenantName":"Default","enrollmentCert":{"id":"6573","name":"Connector"},
       "assistantVersion":{"ctrlChannelStatus":"ZPN_STATUS_AUTHENTICATED",
         "lastBrokerConnectTime":"1773369874000000","currentVersion":"24.20.1"}},
      {"id":"217246660303024866","name":"conn-new","enabled":false,
       "appConnectorGroupName":"DC \"East\"","microtenantName":"Default"}
    ]}"#;

    #[test]
    fn maps_real_shapes() {
        let items = parse_page::<AppConnector>(FIXTURE.as_bytes())
            .unwrap()
            .items;
        let members: Vec<Member> = items.into_iter().map(Member::from).collect();
        assert_eq!(members[0].status, Status::Authenticated);
        assert_eq!(members[0].last_broker_connect, Some(1773369874.0));
        assert_eq!(members[0].group, "DC \"East\"");
        assert_eq!(members[0].runtime_os, "Red Hat Enterprise Linux 9.5");
        assert_eq!(members[1].status, Status::NeverConnected);
        assert_eq!(members[1].last_broker_connect, None);
        assert!(!members[1].enabled);
    }

    #[test]
    fn nested_record_fills_gaps_in_microseconds() {
        let c: AppConnector = serde_json::from_str(
            r#"{"id":"1","assistantVersion":{"ctrlChannelStatus":"ZPN_STATUS_DISCONNECTED",
                "lastBrokerConnectTime":"1773369874500000","expectedVersion":"2"}}"#,
        )
        .unwrap();
        let m = Member::from(c);
        assert_eq!(m.status, Status::Disconnected);
        assert_eq!(m.last_broker_connect, Some(1773369874.5));
        assert_eq!(m.expected_version, "2");
    }

    #[test]
    fn counts_every_status_per_group() {
        let items = parse_page::<AppConnector>(FIXTURE.as_bytes())
            .unwrap()
            .items;
        let part = FleetPart::new(&NAMES, items.into_iter().map(Member::from).collect());
        let mut registry = prometheus_client::registry::Registry::default();
        #[derive(Debug)]
        struct One(FleetPart);
        impl prometheus_client::collector::Collector for One {
            fn encode(
                &self,
                mut e: prometheus_client::encoding::DescriptorEncoder,
            ) -> std::fmt::Result {
                self.0
                    .encode(&mut super::super::MetricWriter::new(&mut e, ""))
            }
        }
        registry.register_collector(Box::new(One(part)));
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &registry).unwrap();
        for status in [
            "authenticated",
            "disconnected",
            "auth_failed",
            "never_connected",
            "other",
        ] {
            assert!(
                out.contains(&format!("status=\"{status}\"")),
                "{status}: {out}"
            );
        }
        assert!(out.contains(r#"zpa_app_connectors{microtenant="Default",connector_group="DC \"East\"",status="authenticated"} 1"#), "{out}");
        assert!(out.contains(r#"zpa_app_connector_outdated{id="217246660303024865""#));
        assert!(!out.contains(
            r#"zpa_app_connector_last_broker_connect_timestamp_seconds{id="217246660303024866""#
        ));
    }
}
