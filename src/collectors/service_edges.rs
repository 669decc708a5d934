//! Private Service Edges (`/serviceEdge`): status counts per group, and per edge its up state,
//! versions, and last broker connection.

use zpa_api::models::service_edge::ServiceEdge;
use zpa_api::Endpoint;

use super::fleet::{FleetCollector, FleetFamilies, FleetResource, Member, Runtime};
use super::{Class, CollectorSpec, MINUTE};
use crate::metric_model::{gauge, Source};

pub(crate) const NAME: &str = "service_edges";

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
    build: |_| Box::new(FleetCollector::<ServiceEdge>::default()),
};

pub(crate) const FAMILIES: FleetFamilies = FleetFamilies {
    count: gauge("zpa_service_edges", &["microtenant", "service_edge_group", "status"], Source::Collector(NAME), "Private Service Edges (from /serviceEdge) per microtenant, group and control channel status: authenticated, disconnected, auth_failed, never_connected, other (every value per group)."),
    up: gauge("zpa_service_edge_up", &["id", "name", "service_edge_group", "microtenant"], Source::Collector(NAME), "1 when the Private Service Edge's control channel is authenticated, else 0."),
    info: gauge("zpa_service_edge_info", &["id", "name", "service_edge_group", "microtenant", "current_version", "expected_version", "upgrade_status", "platform", "runtime_os", "enabled"], Source::Collector(NAME), "Versions and platform of each Private Service Edge; value is always 1."),
    outdated: gauge("zpa_service_edge_outdated", &["id", "name", "service_edge_group", "microtenant"], Source::Collector(NAME), "1 when the Private Service Edge runs another version than the expected one."),
    last_connect: gauge("zpa_service_edge_last_broker_connect_timestamp_seconds", &["id", "name", "service_edge_group", "microtenant"], Source::Collector(NAME), "When the Private Service Edge's control channel last connected to a ZPA broker (Unix time)."),
};

impl From<ServiceEdge> for Member {
    fn from(e: ServiceEdge) -> Member {
        let rt = e.private_broker_version.unwrap_or_default();
        let runtime = Runtime {
            status: rt.ctrl_channel_status,
            current_version: rt.current_version,
            runtime_os: rt.runtime_os,
            last_connect: rt.last_connect_time,
            ..Runtime::default()
        };
        Member::from_parts(e.machine, e.service_edge_group_name, runtime)
    }
}

impl FleetResource for ServiceEdge {
    const NAME: &'static str = NAME;
    const FAMILIES: &'static FleetFamilies = &FAMILIES;
    const ENDPOINT: Endpoint = zpa_api::models::service_edge::LIST;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::fleet::Status;
    use zpa_api::paging::parse_page;

    /// Shaped like the help page's `/serviceEdge` list and the real nested
    /// `privateBrokerVersion` records (microsecond times, disconnected).
    const FIXTURE: &str = r#"{"totalPages":"1","list":[
      {"id":"216196257331404680","name":"pse-1","enabled":true,"serviceEdgeGroupName":"Edge West",
       "controlChannelStatus":"ZPN_STATUS_AUTHENTICATED","currentVersion":"24.1","expectedVersion":"24.1",
       "lastBrokerConnectTime":"1773369000","microtenantName":"Finance"},
      {"id":"216196257331404681","name":"pse-2","enabled":true,"serviceEdgeGroupName":"Edge West",
       "privateBrokerVersion":{"ctrlChannelStatus":"ZPN_STATUS_DISCONNECTED",
         "lastConnectTime":"1773300000123000","currentVersion":"23.9","runtimeOS":"Ubuntu 22.04"}}
    ]}"#;

    #[test]
    fn maps_real_shapes() {
        let items = parse_page::<ServiceEdge>(FIXTURE.as_bytes()).unwrap().items;
        let m: Vec<Member> = items.into_iter().map(Member::from).collect();
        assert_eq!(m[0].status, Status::Authenticated);
        assert_eq!(m[0].microtenant, "Finance");
        assert_eq!(m[0].last_broker_connect, Some(1773369000.0));
        assert_eq!(m[1].status, Status::Disconnected);
        assert_eq!(m[1].microtenant, "Default");
        assert_eq!(m[1].last_broker_connect, Some(1773300000.123));
        assert_eq!(m[1].runtime_os, "Ubuntu 22.04");
        assert_eq!(m[1].current_version, "23.9");
    }
}
