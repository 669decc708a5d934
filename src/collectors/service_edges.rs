//! Private Service Edges (`/serviceEdge`): status counts per group, and per edge its up state,
//! versions, and last broker connection.

use zpa_api::models::service_edge::ServiceEdge;
use zpa_api::Endpoint;

use super::fleet::{FleetKind, FleetResource, Member, Runtime};

pub const NAME: &str = "service_edges";

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
    const KIND: FleetKind = FleetKind::ServiceEdges;
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
