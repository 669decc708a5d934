//! Configuration groups counted per microtenant and enabled state: App Connector groups,
//! Service Edge groups, segment groups and server groups. They share one shape, so one
//! collector type serves all four, each with its own [`GroupKind`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use zpa_api::models::group::{self, Group};
use zpa_api::{BoxFuture, Endpoint, Error};

use super::{
    count_enabled, enabled_rows, microtenant_label, newest_per_microtenant, Class, Collector,
    CollectorOptions, CollectorSpec, Data, CollectorData, LastModified, RunContext, MICROTENANT_ENABLED,
    MINUTE,
};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::Writer;

pub(crate) const APP_CONNECTOR_GROUPS: CollectorSpec = spec(
    GroupKind::AppConnector,
    &[&APP_CONNECTOR_GROUP_COUNT],
    |_| Box::new(Groups(GroupKind::AppConnector)),
);
pub(crate) const SERVICE_EDGE_GROUPS: CollectorSpec = spec(
    GroupKind::ServiceEdge,
    &[&SERVICE_EDGE_GROUP_COUNT],
    |_| Box::new(Groups(GroupKind::ServiceEdge)),
);
pub(crate) const SEGMENT_GROUPS: CollectorSpec = spec(
    GroupKind::Segment,
    &[&SEGMENT_GROUP_COUNT],
    |_| Box::new(Groups(GroupKind::Segment)),
);
pub(crate) const SERVER_GROUPS: CollectorSpec = spec(
    GroupKind::Server,
    &[&SERVER_GROUP_COUNT],
    |_| Box::new(Groups(GroupKind::Server)),
);

/// A group kind's collector: inventory, every 5 minutes, one page on most tenants.
const fn spec(
    kind: GroupKind,
    families: &'static [&'static Descriptor],
    build: fn(&CollectorOptions) -> Box<dyn Collector>,
) -> CollectorSpec {
    CollectorSpec {
        name: kind.collector(),
        default_enabled: true,
        class: Class::Inventory,
        default_interval: MINUTE.saturating_mul(5),
        estimated_calls: 1,
        families,
        build,
    }
}

const APP_CONNECTOR_GROUP_COUNT: Descriptor = gauge(
    "zpa_app_connector_groups",
    MICROTENANT_ENABLED,
    Source::Collector(GroupKind::AppConnector.collector()),
    "App Connector groups per microtenant and enabled state (from /appConnectorGroup).",
);
const SERVICE_EDGE_GROUP_COUNT: Descriptor = gauge(
    "zpa_service_edge_groups",
    MICROTENANT_ENABLED,
    Source::Collector(GroupKind::ServiceEdge.collector()),
    "Service Edge groups per microtenant and enabled state (from /serviceEdgeGroup).",
);
const SEGMENT_GROUP_COUNT: Descriptor = gauge(
    "zpa_segment_groups",
    MICROTENANT_ENABLED,
    Source::Collector(GroupKind::Segment.collector()),
    "Segment groups per microtenant and enabled state (from /segmentGroup).",
);
const SERVER_GROUP_COUNT: Descriptor = gauge(
    "zpa_server_groups",
    MICROTENANT_ENABLED,
    Source::Collector(GroupKind::Server.collector()),
    "Server groups per microtenant and enabled state (from /serverGroup).",
);

/// One kind of group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupKind {
    AppConnector,
    ServiceEdge,
    Segment,
    Server,
}

impl GroupKind {
    /// The collector's name.
    pub(crate) const fn collector(self) -> &'static str {
        match self {
            GroupKind::AppConnector => "app_connector_groups",
            GroupKind::ServiceEdge => "service_edge_groups",
            GroupKind::Segment => "segment_groups",
            GroupKind::Server => "server_groups",
        }
    }

    fn family(self) -> &'static Descriptor {
        match self {
            GroupKind::AppConnector => &APP_CONNECTOR_GROUP_COUNT,
            GroupKind::ServiceEdge => &SERVICE_EDGE_GROUP_COUNT,
            GroupKind::Segment => &SEGMENT_GROUP_COUNT,
            GroupKind::Server => &SERVER_GROUP_COUNT,
        }
    }

    fn endpoint(self) -> Endpoint {
        match self {
            GroupKind::AppConnector => group::APP_CONNECTOR_GROUPS,
            GroupKind::ServiceEdge => group::SERVICE_EDGE_GROUPS,
            GroupKind::Segment => group::SEGMENT_GROUPS,
            GroupKind::Server => group::SERVER_GROUPS,
        }
    }
}

pub(crate) struct Groups(pub GroupKind);

impl Collector for Groups {
    fn name(&self) -> &'static str {
        self.0.collector()
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let items: Vec<Group> = run.list(&self.0.endpoint()).await?;
            let known: Vec<String> = run.known_microtenants().into_iter().collect();
            Ok(Arc::new(GroupCounts::build(self.0, items, &known)) as Data)
        })
    }
}

#[derive(Debug)]
pub(crate) struct GroupCounts {
    pub kind: GroupKind,
    /// (microtenant, enabled) -> count, with zeros for every known microtenant.
    pub counts: BTreeMap<(String, bool), u64>,
    pub last_modified: LastModified,
}

impl GroupCounts {
    pub(crate) fn build(kind: GroupKind, items: Vec<Group>, known_microtenants: &[String]) -> Self {
        let labelled: Vec<(String, &Group)> = items
            .iter()
            .map(|g| (microtenant_label(g.microtenant_name.as_deref()), g))
            .collect();
        GroupCounts {
            kind,
            counts: count_enabled(
                labelled
                    .iter()
                    .map(|(mt, g)| (mt.clone(), g.enabled.unwrap_or(true))),
                known_microtenants,
            ),
            last_modified: newest_per_microtenant(
                labelled.iter().map(|(mt, g)| (mt, g.modified_time)),
            ),
        }
    }
}

impl CollectorData for GroupCounts {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(self.kind.family(), enabled_rows(&self.counts))
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::models::group::Group;
    use zpa_api::paging::parse_page;

    /// Shaped like real `/serviceEdgeGroup` items: `isPublic` as "TRUE"/"FALSE", nested edges.
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
      {"id":"216196257331404681","name":"g1","enabled":true,"isPublic":"FALSE","modifiedTime":"1773369000",
       "serviceEdges":[{"id":"1","name":"e","privateBrokerVersion":{"lastConnectTime":"1773300000123000"}}],
       "microtenantName":"Default"},
      {"id":"216196257331404682","name":"g2","enabled":false,"modifiedTime":"1773369500"}
    ]}"#;

    #[test]
    fn counts_with_zeros() {
        let items = parse_page::<Group>(FIXTURE.as_bytes()).unwrap().items;
        let counts = GroupCounts::build(GroupKind::ServiceEdge, items, &["Finance".to_string()]);
        assert_eq!(counts.counts[&("Default".to_string(), true)], 1);
        assert_eq!(counts.counts[&("Default".to_string(), false)], 1);
        assert_eq!(counts.counts[&("Finance".to_string(), true)], 0);
        assert_eq!(
            counts.last_modified.into_iter().collect::<Vec<_>>(),
            vec![("Default".to_string(), 1773369500)]
        );
    }
}
