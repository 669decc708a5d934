//! App Connectors (`/connector`): status counts per group, and per connector its up state,
//! versions, and last broker connection.

use zpa_api::models::connector::AppConnector;
use zpa_api::Endpoint;

use super::fleet::{FleetCollector, FleetFamilies, FleetResource, Member, Runtime};
use super::{Class, CollectorSpec, MINUTE};
use crate::metric_model::{gauge, Source};

pub(crate) const NAME: &str = "app_connectors";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Health,
    default_interval: MINUTE,
    estimated_calls: 1,
    families: &[
        &FAMILIES.count,
        &FAMILIES.up,
        &FAMILIES.info,
        &FAMILIES.outdated,
        &FAMILIES.last_connect,
    ],
    build: |_| Box::new(FleetCollector::<AppConnector>::default()),
};

pub(crate) const FAMILIES: FleetFamilies = FleetFamilies {
    count: gauge("zpa_app_connectors", &["microtenant", "connector_group", "status"], Source::Collector(NAME), "App Connectors (from /connector) per microtenant, group and control channel status: authenticated, disconnected, auth_failed, never_connected, other (every value per group)."),
    up: gauge("zpa_app_connector_up", &["id", "name", "connector_group", "microtenant"], Source::Collector(NAME), "1 when the App Connector's control channel is authenticated, else 0."),
    info: gauge("zpa_app_connector_info", &["id", "name", "connector_group", "microtenant", "current_version", "expected_version", "upgrade_status", "platform", "runtime_os", "enabled"], Source::Collector(NAME), "Versions and platform of each App Connector; value is always 1."),
    outdated: gauge("zpa_app_connector_outdated", &["id", "name", "connector_group", "microtenant"], Source::Collector(NAME), "1 when the App Connector runs another version than the expected one."),
    last_connect: gauge("zpa_app_connector_last_broker_connect_timestamp_seconds", &["id", "name", "connector_group", "microtenant"], Source::Collector(NAME), "When the App Connector's control channel last connected to a ZPA broker (Unix time)."),
};

impl From<AppConnector> for Member {
    fn from(c: AppConnector) -> Member {
        let rt = c.assistant_version.unwrap_or_default();
        let runtime = Runtime {
            status: rt.ctrl_channel_status,
            current_version: rt.current_version,
            expected_version: rt.expected_version,
            upgrade_status: rt.upgrade_status,
            platform: rt.platform,
            runtime_os: None,
            last_connect: rt.last_broker_connect_time,
        };
        Member::from_parts(c.machine, c.app_connector_group_name, runtime)
    }
}

impl FleetResource for AppConnector {
    const NAME: &'static str = NAME;
    const FAMILIES: &'static FleetFamilies = &FAMILIES;
    const ENDPOINT: Endpoint = zpa_api::models::connector::LIST;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::fleet::{Fleet, Status};
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
        let fleet = Fleet::new(
            &FAMILIES,
            items.into_iter().map(Member::from).collect(),
        );
        let group =
            |status| fleet.counts[&("Default".to_string(), "DC \"East\"".to_string(), status)];
        assert_eq!(group(Status::Authenticated), 1);
        assert_eq!(group(Status::NeverConnected), 1);
        for status in Status::ALL {
            assert!(
                fleet.counts.contains_key(&(
                    "Default".to_string(),
                    "DC \"East\"".to_string(),
                    status
                )),
                "{status:?} present"
            );
        }
        assert_eq!(fleet.last_modified["Default"], 1773000000);
    }
}
