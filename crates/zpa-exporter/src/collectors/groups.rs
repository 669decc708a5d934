//! Configuration groups counted per microtenant and enabled state: App Connector groups,
//! Service Edge groups, segment groups and server groups. They share one shape, so one
//! collector type serves all four, each with its own [`GroupKind`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::{
    bool_label, microtenant_label, newest_per_microtenant, Collector, MetricWriter, Part,
    RunContext,
};
use zpa_api::auth::BoxFuture;
use zpa_api::paging::{opt_bool, opt_u64};
use zpa_api::Error;

/// One kind of group: its collector name, endpoint and metric.
#[derive(Debug)]
pub struct GroupKind {
    pub collector: &'static str,
    /// Endpoint name and path below `/mgmtconfig/v1/admin/customers/{id}/`.
    pub endpoint: &'static str,
    pub metric: &'static str,
    pub help: &'static str,
}

pub static APP_CONNECTOR_GROUPS: GroupKind = GroupKind {
    collector: "app_connector_groups",
    endpoint: "appConnectorGroup",
    metric: "zpa_app_connector_groups",
    help: "App Connector groups per microtenant and enabled state (from /appConnectorGroup).",
};

pub static SERVICE_EDGE_GROUPS: GroupKind = GroupKind {
    collector: "service_edge_groups",
    endpoint: "serviceEdgeGroup",
    metric: "zpa_service_edge_groups",
    help: "Service Edge groups per microtenant and enabled state (from /serviceEdgeGroup).",
};

pub static SEGMENT_GROUPS: GroupKind = GroupKind {
    collector: "segment_groups",
    endpoint: "segmentGroup",
    metric: "zpa_segment_groups",
    help: "Segment groups per microtenant and enabled state (from /segmentGroup).",
};

pub static SERVER_GROUPS: GroupKind = GroupKind {
    collector: "server_groups",
    endpoint: "serverGroup",
    metric: "zpa_server_groups",
    help: "Server groups per microtenant and enabled state (from /serverGroup).",
};

/// Only what the counts need; groups embed large arrays (connectors, applications) that serde
/// skips without building them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

pub struct Groups(pub &'static GroupKind);

impl Collector for Groups {
    fn name(&self) -> &'static str {
        self.0.collector
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let items: Vec<Group> = run
                .list(&run.client.mgmt_v1(self.0.endpoint, self.0.endpoint))
                .await?;
            Ok(
                Arc::new(GroupsPart::build(self.0, items, run.known_microtenants()))
                    as Arc<dyn Part>,
            )
        })
    }
}

#[derive(Debug)]
pub struct GroupsPart {
    kind: &'static GroupKind,
    pub counts: BTreeMap<(String, bool), u64>,
    modified: Vec<(String, f64)>,
}

impl GroupsPart {
    pub fn build(
        kind: &'static GroupKind,
        items: Vec<Group>,
        known_microtenants: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut counts = BTreeMap::new();
        for mt in known_microtenants {
            counts.insert((mt.clone(), true), 0);
            counts.insert((mt, false), 0);
        }
        let labelled: Vec<(String, &Group)> = items
            .iter()
            .map(|g| (microtenant_label(g.microtenant_name.as_deref()), g))
            .collect();
        for (mt, g) in &labelled {
            let enabled = g.enabled.unwrap_or(true);
            counts.entry((mt.clone(), !enabled)).or_insert(0);
            *counts.entry((mt.clone(), enabled)).or_insert(0) += 1;
        }
        let modified = newest_per_microtenant(labelled.iter().map(|(mt, g)| (mt, g.modified_time)));
        GroupsPart {
            kind,
            counts,
            modified,
        }
    }
}

impl Part for GroupsPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            self.kind.metric,
            self.kind.help,
            self.counts.iter().map(|((mt, enabled), n)| {
                (
                    [
                        ("microtenant", mt.as_str()),
                        ("enabled", bool_label(*enabled)),
                    ],
                    *n as i64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Vec<(String, f64)> {
        self.modified.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let part = GroupsPart::build(&SERVICE_EDGE_GROUPS, items, ["Finance".to_string()]);
        assert_eq!(part.counts[&("Default".to_string(), true)], 1);
        assert_eq!(part.counts[&("Default".to_string(), false)], 1);
        assert_eq!(part.counts[&("Finance".to_string(), true)], 0);
        assert_eq!(
            part.last_modified(),
            vec![("Default".to_string(), 1773369500.0)]
        );
    }
}
