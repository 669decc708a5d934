//! Policy rules (`/policySet/rules/policyType/{TYPE}`) counted per policy type and enabled
//! state. A policy type the tenant has not licensed is skipped; the others still count.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use zpa_api::models::policy::{self, PolicyRule, POLICY_TYPES};
use zpa_api::{BoxFuture, Error};

use super::{
    microtenant_label, newest_per_microtenant, Class, Collector, CollectorSpec, Data, CollectorData,
    LastModified, RunContext, MINUTE,
};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::{bool_label, Writer};

pub(crate) const NAME: &str = "policy_rules";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Inventory,
    default_interval: MINUTE.saturating_mul(10),
    estimated_calls: 5,
    families: &[&COUNT],
    build: |_| Box::new(PolicyRules),
};

const COUNT: Descriptor = gauge("zpa_policy_rules", &["policy_type", "enabled"], Source::Collector(NAME), "Policy rules per policy type and enabled state (from /policySet/rules/policyType/{TYPE}); policy_type is access, timeout, client_forwarding, isolation or inspection.");

pub(crate) struct PolicyRules;

impl Collector for PolicyRules {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let mut by_type = Vec::new();
            let mut unavailable = None;
            for (path_name, label) in POLICY_TYPES {
                match run.list::<PolicyRule>(&policy::rules(path_name)).await {
                    Ok(rules) => by_type.push((label, rules)),
                    Err(e) if e.is_unavailable() => {
                        tracing::debug!(policy_type = path_name, error = %e, "policy type not available");
                        unavailable = Some(e);
                    }
                    Err(e) => return Err(e),
                }
            }
            if by_type.is_empty() {
                if let Some(e) = unavailable {
                    return Err(e);
                }
            }
            Ok(Arc::new(RuleCounts::build(by_type)) as Data)
        })
    }
}

#[derive(Debug)]
pub(crate) struct RuleCounts {
    /// (policy_type label, enabled) -> count, both states for every readable type.
    pub counts: BTreeMap<(&'static str, bool), u64>,
    pub last_modified: LastModified,
}

impl RuleCounts {
    pub(crate) fn build(by_type: Vec<(&'static str, Vec<PolicyRule>)>) -> Self {
        let mut counts = BTreeMap::new();
        let mut modified = Vec::new();
        for (label, rules) in by_type {
            counts.insert((label, true), 0);
            counts.insert((label, false), 0);
            for rule in rules {
                let enabled = !rule.disabled.unwrap_or(false);
                *counts.entry((label, enabled)).or_insert(0) += 1;
                modified.push((
                    microtenant_label(rule.microtenant_name.as_deref()),
                    rule.modified_time,
                ));
            }
        }
        let last_modified = newest_per_microtenant(modified.iter().map(|(mt, t)| (mt, *t)));
        RuleCounts {
            counts,
            last_modified,
        }
    }
}

impl CollectorData for RuleCounts {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(
            &COUNT,
            self.counts
                .iter()
                .map(|((t, enabled), n)| ([*t, bool_label(*enabled)], *n)),
        )
    }

    fn last_modified(&self) -> Option<&LastModified> {
        Some(&self.last_modified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::models::policy::PolicyRule;
    use zpa_api::paging::parse_page;

    /// Shaped like real ACCESS_POLICY rules: `disabled` as "0"/"1", numeric-string policyType.
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"3","list":[
      {"id":"216196257331404630","name":"r1","ruleOrder":"1","priority":"3","policyType":"1",
       "operator":"AND","action":"ALLOW","disabled":"0","defaultRule":false,"modifiedTime":"1773369000",
       "conditions":[{"id":"1","operator":"OR","operands":[{"objectType":"SCIM_GROUP","lhs":"216196257331285825","rhs":"3251059"}]}]},
      {"id":"216196257331404631","name":"r2","policyType":"1","action":"DENY","disabled":"1"},
      {"id":"216196257331404632","name":"Default","policyType":"1","defaultRule":true}]}"#;

    #[test]
    fn disabled_strings() {
        let rules = parse_page::<PolicyRule>(FIXTURE.as_bytes()).unwrap().items;
        let part = RuleCounts::build(vec![("access", rules), ("timeout", Vec::new())]);
        assert_eq!(part.counts[&("access", true)], 2);
        assert_eq!(part.counts[&("access", false)], 1);
        assert_eq!(part.counts[&("timeout", true)], 0);
        assert_eq!(part.counts[&("timeout", false)], 0);
        assert_eq!(
            part.last_modified.into_iter().collect::<Vec<_>>(),
            vec![("Default".to_string(), 1773369000)]
        );
    }
}
