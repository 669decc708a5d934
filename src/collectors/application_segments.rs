//! Application segments (`/application`): counts per microtenant and enabled state, the newest
//! change, and (opt-in, as tenants have 10 000+ segments) one info row per segment.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use zpa_api::models::application::{ApplicationSegment, LIST};
use zpa_api::{BoxFuture, Error};

use super::{
    count_enabled, enabled_rows, microtenant_label, Class, Collector, CollectorSpec, Data,
    CollectorData, LastModified, RunContext, MICROTENANT_ENABLED, MINUTE,
};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::{bool_label, Writer};

pub(crate) const NAME: &str = "application_segments";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Inventory,
    default_interval: MINUTE.saturating_mul(5),
    estimated_calls: 1,
    families: &[&COUNT, &INFO],
    build: |o| {
        Box::new(ApplicationSegments {
            per_segment_info: o.segment_info,
        })
    },
};

const COUNT: Descriptor = gauge("zpa_application_segments", MICROTENANT_ENABLED, Source::Collector(NAME), "Application segments per microtenant and enabled state (from /application); both states for every known microtenant.");
const INFO: Descriptor = gauge("zpa_application_segment_info", &["id", "name", "microtenant", "segment_group", "enabled", "double_encrypt", "bypass_type", "health_reporting"], Source::Collector(NAME), "One series per application segment (opt-in: --collector.application_segments.info); value is always 1.");

pub(crate) struct ApplicationSegments {
    pub per_segment_info: bool,
}

impl Collector for ApplicationSegments {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let items: Vec<ApplicationSegment> = run.list(&LIST).await?;
            let known: Vec<String> = run.known_microtenants().into_iter().collect();
            let segments = Segments::build(items, &known, self.per_segment_info);
            Ok(Arc::new(segments) as Data)
        })
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct SegmentInfo {
    pub id: String,
    pub name: String,
    pub microtenant: String,
    pub segment_group: String,
    pub enabled: bool,
    pub double_encrypt: bool,
    pub bypass_type: String,
    pub health_reporting: String,
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Segments {
    /// (microtenant, enabled) -> count, with zeros for every known microtenant.
    pub counts: BTreeMap<(String, bool), u64>,
    pub last_modified: LastModified,
    /// Empty unless per-segment info is on.
    pub info: Vec<SegmentInfo>,
}

impl Segments {
    pub(crate) fn build(
        items: Vec<ApplicationSegment>,
        known_microtenants: &[String],
        info: bool,
    ) -> Self {
        let labelled: Vec<(String, ApplicationSegment)> = items
            .into_iter()
            .map(|s| (microtenant_label(s.microtenant_name.as_deref()), s))
            .collect();
        // A segment without the field is enabled: that is ZPA's default on create.
        let counts = count_enabled(
            labelled
                .iter()
                .map(|(mt, s)| (mt.clone(), s.enabled.unwrap_or(true))),
            known_microtenants,
        );
        let last_modified =
            super::newest_per_microtenant(labelled.iter().map(|(mt, s)| (mt, s.modified_time)));
        let mut rows: Vec<SegmentInfo> = if info {
            labelled
                .into_iter()
                .map(|(microtenant, s)| SegmentInfo {
                    id: s.id,
                    name: s.name.unwrap_or_default(),
                    microtenant,
                    segment_group: s.segment_group_name.unwrap_or_default(),
                    enabled: s.enabled.unwrap_or(true),
                    double_encrypt: s.double_encrypt.unwrap_or(false),
                    bypass_type: s.bypass_type.unwrap_or_default(),
                    health_reporting: s.health_reporting.unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        };
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        Segments {
            counts,
            last_modified,
            info: rows,
        }
    }
}

impl CollectorData for Segments {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(&COUNT, enabled_rows(&self.counts))?;
        w.family(
            &INFO,
            self.info.iter().map(|i| {
                (
                    [
                        i.id.as_str(),
                        i.name.as_str(),
                        i.microtenant.as_str(),
                        i.segment_group.as_str(),
                        bool_label(i.enabled),
                        bool_label(i.double_encrypt),
                        i.bypass_type.as_str(),
                        i.health_reporting.as_str(),
                    ],
                    1u64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::models::application::ApplicationSegment;
    use zpa_api::paging::parse_page;

    /// Shaped like real `/application` pages: string numbers, nested server groups,
    /// `microtenantName` on Default objects, fields the exporter ignores.
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"0","list":[
      {"modifiedTime":"1773369874","creationTime":"1773369874","modifiedBy":"216196257331372705",
       "id":"216196257331404639","domainNames":["a.example.com"],"name":"app \"one\"",
       "serverGroups":[{"id":"216196257331404638","name":"sg","enabled":false,"configSpace":"DEFAULT"}],
       "enabled":true,"tcpPortRanges":["9001","9001"],"tcpPortRange":[{"from":"9001","to":"9001"}],
       "doubleEncrypt":false,"bypassType":"NEVER","healthReporting":"ON_ACCESS","tcpKeepAlive":"0",
       "microtenantName":"Default","segmentGroupId":"216196257331404637","segmentGroupName":"grp"},
      {"id":"216196257331404640","name":"two","enabled":false,"modifiedTime":"1773369999",
       "microtenantName":"Finance"},
      {"id":"216196257331404641","name":"three"}
    ]}"#;

    #[test]
    fn counts_per_microtenant_with_zeros() {
        let page = parse_page::<ApplicationSegment>(FIXTURE.as_bytes()).unwrap();
        let known = ["Default".to_string(), "Finance".into(), "Empty".into()];
        let part = Segments::build(page.items, &known, false);
        let get = |mt: &str, e: bool| part.counts[&(mt.to_string(), e)];
        assert_eq!(
            get("Default", true),
            2,
            "absent enabled and absent microtenant"
        );
        assert_eq!(get("Default", false), 0);
        assert_eq!(get("Finance", false), 1);
        assert_eq!(get("Finance", true), 0);
        assert_eq!(get("Empty", true), 0);
        assert_eq!(get("Empty", false), 0);
        assert_eq!(part.last_modified["Default"], 1773369874);
        assert_eq!(part.last_modified["Finance"], 1773369999);
        assert!(part.info.is_empty(), "per-segment info is opt-in");
    }

    #[test]
    fn unknown_microtenants_still_get_both_states() {
        let page = parse_page::<ApplicationSegment>(FIXTURE.as_bytes()).unwrap();
        let part = Segments::build(page.items, &[], true);
        assert_eq!(part.counts[&("Finance".to_string(), true)], 0);
        assert_eq!(part.info.len(), 3);
        assert_eq!(part.info[0].name, "app \"one\"");
        assert_eq!(part.info[0].segment_group, "grp");
        assert_eq!(part.info[0].bypass_type, "NEVER");
    }
}
