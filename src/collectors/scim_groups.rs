//! SCIM groups (userconfig `/scimgroup/idpId/{id}`), counted per SCIM-enabled identity provider.
//! IdPs without SCIM are never asked, to spend no calls on them.

use std::fmt;
use std::sync::Arc;

use serde::de::IgnoredAny;
use zpa_api::models::scim;
use zpa_api::{BoxFuture, Error};

use super::{Class, Collector, CollectorSpec, Data, CollectorData, RunContext, MINUTE};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::Writer;

pub(crate) const NAME: &str = "scim_groups";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Reference,
    default_interval: MINUTE.saturating_mul(30),
    estimated_calls: 2,
    families: &[&COUNT],
    build: |_| Box::new(ScimGroups),
};

const COUNT: Descriptor = gauge(
    "zpa_scim_groups",
    &["idp"],
    Source::Collector(NAME),
    "SCIM groups per SCIM-enabled identity provider (from userconfig /scimgroup/idpId/{id}).",
);

pub(crate) struct ScimGroups;

impl Collector for ScimGroups {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let idps = run.identity_providers().await?;
            let mut counts = Vec::new();
            for idp in idps.iter().filter(|i| i.scim_enabled == Some(true)) {
                // Only the count matters: the objects are skipped without being built.
                match run.list::<IgnoredAny>(&scim::groups_of(&idp.id)).await {
                    Ok(groups) => {
                        counts.push((idp.name.clone().unwrap_or(idp.id.clone()), groups.len()))
                    }
                    Err(e) if e.is_unavailable() => {
                        tracing::debug!(idp = %idp.id, error = %e, "SCIM groups not readable for this IdP");
                    }
                    Err(e) => return Err(e),
                }
            }
            counts.sort();
            Ok(Arc::new(ScimGroupCounts { counts }) as Data)
        })
    }
}

#[derive(Debug)]
pub(crate) struct ScimGroupCounts {
    /// (IdP name, groups)
    pub counts: Vec<(String, usize)>,
}

impl CollectorData for ScimGroupCounts {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(
            &COUNT,
            self.counts
                .iter()
                .map(|(idp, n)| ([idp.as_str()], *n as u64)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::paging::parse_page;

    /// Shaped like the real userconfig page: JSON numbers and ids beyond 2^53.
    const FIXTURE: &str = r#"{"totalPages":72,"totalCount":1424,"list":[
      {"id":3251059,"name":"Engineering","idpId":216196257331285825,"idpGroupId":null,
       "internalId":"3251059","creationTime":1739571169,"modifiedTime":1739571170},
      {"id":3251060,"name":"Finance","idpId":216196257331285825,"creationTime":1739571169}]}"#;

    #[test]
    fn counts_without_building_objects() {
        let page = parse_page::<IgnoredAny>(FIXTURE.as_bytes()).unwrap();
        assert_eq!(page.total_pages, Some(72));
        assert_eq!(page.items.len(), 2);
    }
}
