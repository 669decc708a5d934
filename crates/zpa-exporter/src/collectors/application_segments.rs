//! Application segments (`/application`): counts per microtenant and enabled state, the newest
//! change, and (opt-in, as tenants have 10 000+ segments) one info series per segment.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::{bool_label, microtenant_label, Collector, MetricWriter, Part, RunContext};
use zpa_api::auth::BoxFuture;
use zpa_api::paging::{id_string, opt_bool, opt_u64};
use zpa_api::Error;

pub const NAME: &str = "application_segments";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSegment {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default)]
    pub segment_group_name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub double_encrypt: Option<bool>,
    #[serde(default)]
    pub bypass_type: Option<String>,
    #[serde(default)]
    pub health_reporting: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

pub struct ApplicationSegments {
    pub per_segment_info: bool,
}

impl Collector for ApplicationSegments {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let endpoint = run.client.mgmt_v1("application", "application");
            let items: Vec<ApplicationSegment> = run.list(&endpoint).await?;
            let part = SegmentsPart::build(items, run.known_microtenants(), self.per_segment_info);
            Ok(Arc::new(part) as Arc<dyn Part>)
        })
    }
}

#[derive(Debug, PartialEq)]
pub struct SegmentInfo {
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
pub struct SegmentsPart {
    /// (microtenant, enabled) -> count, with zeros for every known microtenant.
    pub counts: BTreeMap<(String, bool), u64>,
    pub last_modified: BTreeMap<String, u64>,
    pub info: Vec<SegmentInfo>,
}

impl SegmentsPart {
    pub fn build(
        items: Vec<ApplicationSegment>,
        known_microtenants: impl IntoIterator<Item = String>,
        per_segment_info: bool,
    ) -> Self {
        let mut part = SegmentsPart::default();
        for mt in known_microtenants {
            part.counts.insert((mt.clone(), true), 0);
            part.counts.insert((mt, false), 0);
        }
        for seg in items {
            let microtenant = microtenant_label(seg.microtenant_name.as_deref());
            // A segment without the field is enabled: that is ZPA's default on create.
            let enabled = seg.enabled.unwrap_or(true);
            part.counts
                .entry((microtenant.clone(), !enabled))
                .or_insert(0);
            *part
                .counts
                .entry((microtenant.clone(), enabled))
                .or_insert(0) += 1;
            if let Some(t) = seg.modified_time {
                let newest = part.last_modified.entry(microtenant.clone()).or_insert(0);
                *newest = (*newest).max(t);
            }
            if per_segment_info {
                part.info.push(SegmentInfo {
                    id: seg.id,
                    name: seg.name.unwrap_or_default(),
                    microtenant,
                    segment_group: seg.segment_group_name.unwrap_or_default(),
                    enabled,
                    double_encrypt: seg.double_encrypt.unwrap_or(false),
                    bypass_type: seg.bypass_type.unwrap_or_default(),
                    health_reporting: seg.health_reporting.unwrap_or_default(),
                });
            }
        }
        part.info.sort_by(|a, b| a.id.cmp(&b.id));
        part
    }
}

impl Part for SegmentsPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            "zpa_application_segments",
            "Application segments per microtenant and enabled state (from /application).",
            self.counts.iter().map(|((mt, enabled), n)| {
                (
                    [
                        ("microtenant", mt.as_str()),
                        ("enabled", bool_label(*enabled)),
                    ],
                    *n as i64,
                )
            }),
        )?;
        out.gauge(
            "zpa_application_segment_info",
            "One series per application segment (opt-in: --collector.application_segments.info); value is always 1.",
            self.info.iter().map(|s| {
                (
                    [
                        ("id", s.id.as_str()),
                        ("name", s.name.as_str()),
                        ("microtenant", s.microtenant.as_str()),
                        ("segment_group", s.segment_group.as_str()),
                        ("enabled", bool_label(s.enabled)),
                        ("double_encrypt", bool_label(s.double_encrypt)),
                        ("bypass_type", s.bypass_type.as_str()),
                        ("health_reporting", s.health_reporting.as_str()),
                    ],
                    1i64,
                )
            }),
        )
    }

    fn last_modified(&self) -> Vec<(String, f64)> {
        self.last_modified
            .iter()
            .map(|(mt, t)| (mt.clone(), *t as f64))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let part = SegmentsPart::build(page.items, known, false);
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
        let part = SegmentsPart::build(page.items, Vec::new(), true);
        assert_eq!(part.counts[&("Finance".to_string(), true)], 0);
        assert_eq!(part.info.len(), 3);
        assert_eq!(part.info[0].name, "app \"one\"");
        assert_eq!(part.info[0].segment_group, "grp");
        assert_eq!(part.info[0].bypass_type, "NEVER");
    }
}
