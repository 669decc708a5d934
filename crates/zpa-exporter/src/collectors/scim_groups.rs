//! SCIM groups (userconfig `/scimgroup/idpId/{id}`), counted per SCIM-enabled identity provider.
//! IdPs without SCIM are never asked, to spend no calls on them.

use std::fmt;
use std::sync::Arc;

use serde::de::IgnoredAny;

use super::{Collector, MetricWriter, Part, RunContext};
use zpa_api::auth::BoxFuture;
use zpa_api::Error;

pub const NAME: &str = "scim_groups";

pub struct ScimGroups;

impl Collector for ScimGroups {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let idps = run.identity_providers().await?;
            let mut counts = Vec::new();
            for idp in idps.iter().filter(|i| i.scim_enabled == Some(true)) {
                let endpoint = run
                    .client
                    .userconfig_v1("scimgroup", &format!("scimgroup/idpId/{}", idp.id));
                // Only the count matters: the objects are skipped without being built.
                match run.list::<IgnoredAny>(&endpoint).await {
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
            Ok(Arc::new(ScimGroupsPart { counts }) as Arc<dyn Part>)
        })
    }
}

#[derive(Debug)]
pub struct ScimGroupsPart {
    /// (IdP name, groups)
    pub counts: Vec<(String, usize)>,
}

impl Part for ScimGroupsPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            "zpa_scim_groups",
            "SCIM groups per SCIM-enabled identity provider (from userconfig /scimgroup/idpId/{id}).",
            self.counts
                .iter()
                .map(|(idp, n)| ([("idp", idp.as_str())], *n as i64)),
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
