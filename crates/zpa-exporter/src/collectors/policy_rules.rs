//! Policy rules (`/policySet/rules/policyType/{TYPE}`) counted per policy type and enabled
//! state. A policy type the tenant has not licensed is skipped; the others still count.

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

pub const NAME: &str = "policy_rules";

/// (path name, `policy_type` label)
pub const POLICY_TYPES: [(&str, &str); 5] = [
    ("ACCESS_POLICY", "access"),
    ("TIMEOUT_POLICY", "timeout"),
    ("CLIENT_FORWARDING_POLICY", "client_forwarding"),
    ("ISOLATION_POLICY", "isolation"),
    ("INSPECTION_POLICY", "inspection"),
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    /// `"0"` enabled, `"1"` disabled.
    #[serde(default, deserialize_with = "opt_bool")]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub microtenant_name: Option<String>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

pub struct PolicyRules;

impl Collector for PolicyRules {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(
        &'a self,
        run: &'a RunContext<'a>,
    ) -> BoxFuture<'a, Result<Arc<dyn Part>, Error>> {
        Box::pin(async move {
            let mut by_type = Vec::new();
            let mut unavailable = None;
            for (path_name, label) in POLICY_TYPES {
                let endpoint = run.client.mgmt_v1(
                    "policyRules",
                    &format!("policySet/rules/policyType/{path_name}"),
                );
                match run.list::<PolicyRule>(&endpoint).await {
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
            Ok(Arc::new(PolicyRulesPart::build(by_type)) as Arc<dyn Part>)
        })
    }
}

#[derive(Debug)]
pub struct PolicyRulesPart {
    pub counts: BTreeMap<(&'static str, bool), u64>,
    modified: Vec<(String, f64)>,
}

impl PolicyRulesPart {
    pub fn build(by_type: Vec<(&'static str, Vec<PolicyRule>)>) -> Self {
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
        let modified = newest_per_microtenant(modified.iter().map(|(mt, t)| (mt, *t)));
        PolicyRulesPart { counts, modified }
    }
}

impl Part for PolicyRulesPart {
    fn encode(&self, out: &mut MetricWriter<'_, '_>) -> fmt::Result {
        out.gauge(
            "zpa_policy_rules",
            "Policy rules per policy type and enabled state (from /policySet/rules/policyType/{TYPE}).",
            self.counts.iter().map(|((t, enabled), n)| {
                (
                    [("policy_type", *t), ("enabled", bool_label(*enabled))],
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
        let part = PolicyRulesPart::build(vec![("access", rules), ("timeout", Vec::new())]);
        assert_eq!(part.counts[&("access", true)], 2);
        assert_eq!(part.counts[&("access", false)], 1);
        assert_eq!(part.counts[&("timeout", true)], 0);
        assert_eq!(part.counts[&("timeout", false)], 0);
        assert_eq!(
            part.last_modified(),
            vec![("Default".to_string(), 1773369000.0)]
        );
    }
}
