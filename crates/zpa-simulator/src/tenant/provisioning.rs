//! Provisioning keys (`associationType/{CONNECTOR_GRP|SERVICE_EDGE_GRP}/provisioningKey`) in the
//! recorded shape: one key per group the fleet enrols with, plus a few a monitoring setup should
//! notice: one at 95 % of its maximum usage, one expiring in 9 days, a disabled, used-up and
//! expired one. Keys live in their group's microtenant; the Default ones name none, as recorded.
//!
//! `expirationInEpochSec` is not in any recording (none of the recorded keys expires); it is
//! named as Zscaler's Go SDK names it and, like other unset fields, omitted when a key has none.

use super::*;

/// The ids the generated connectors and service edges already name as their keys.
const CONNECTOR_KEY_ID: u64 = 58_856;
const EDGE_KEY_ID: u64 = 58_857;

/// One key to generate.
struct KeyPlan {
    name: String,
    group: usize,
    usage: u64,
    max: u64,
    /// Seconds from the tenant's anchor (negative: already expired).
    expires_in: Option<i64>,
    enabled: bool,
}

impl Gen<'_> {
    pub(super) fn provisioning_keys(&mut self, connector_groups: &[Group], edge_groups: &[Group]) {
        let mut next_id = EDGE_KEY_ID + 1;
        let connectors = self.cfg.connectors as u64;
        let mut plans = vec![KeyPlan {
            name: "connector-provisioning-key".into(),
            group: 0,
            usage: connectors,
            max: (2 * connectors).max(10),
            expires_in: None,
            enabled: true,
        }];
        let n = connector_groups.len().max(1);
        let named = |i: usize, what: &str| {
            let g = &connector_groups[i % n];
            format!("{} {what}", g.name)
        };
        if !connector_groups.is_empty() {
            plans.extend([
                KeyPlan {
                    name: named(1, "bulk enrolment"),
                    group: 1 % n,
                    usage: 19,
                    max: 20,
                    expires_in: Some(120 * DAY as i64),
                    enabled: true,
                },
                KeyPlan {
                    name: named(2, "temporary"),
                    group: 2 % n,
                    usage: 1,
                    max: 5,
                    expires_in: Some(9 * DAY as i64),
                    enabled: true,
                },
                KeyPlan {
                    name: named(3, "retired"),
                    group: 3 % n,
                    usage: 3,
                    max: 3,
                    expires_in: Some(-30 * DAY as i64),
                    enabled: false,
                },
            ]);
            for (i, g) in connector_groups.iter().enumerate().skip(4) {
                let max = *self.rng.pick(&[10, 20, 50]);
                plans.push(KeyPlan {
                    name: format!("{} key", g.name),
                    group: i,
                    usage: self.rng.below(max / 2),
                    max,
                    expires_in: self
                        .rng
                        .percent(50)
                        .then(|| self.rng.range(60, 720) as i64 * DAY as i64),
                    enabled: true,
                });
            }
        }
        for (k, plan) in plans.iter().enumerate() {
            let Some(group) = connector_groups.get(plan.group) else {
                break;
            };
            let id = if k == 0 { CONNECTOR_KEY_ID } else { next_id };
            if k > 0 {
                next_id += 1;
            }
            self.provisioning_key(id, plan, group, "CONNECTOR_GRP", (6_573, "Connector"));
        }

        let edges = self.cfg.service_edges as u64;
        let edge_plans = [
            KeyPlan {
                name: "service-edge-provisioning-key".into(),
                group: 0,
                usage: edges,
                max: (2 * edges).max(10),
                expires_in: None,
                enabled: true,
            },
            KeyPlan {
                name: edge_groups
                    .get(1)
                    .map_or("edge key".into(), |g| format!("{} key", g.name)),
                group: 1,
                usage: 2,
                max: 10,
                expires_in: Some(365 * DAY as i64),
                enabled: true,
            },
        ];
        for (k, plan) in edge_plans.iter().enumerate() {
            let Some(group) = edge_groups.get(plan.group) else {
                break;
            };
            let id = if k == 0 { EDGE_KEY_ID } else { next_id };
            if k > 0 {
                next_id += 1;
            }
            self.provisioning_key(id, plan, group, "SERVICE_EDGE_GRP", (6_574, "Service Edge"));
        }
    }

    fn provisioning_key(
        &mut self,
        id: u64,
        plan: &KeyPlan,
        group: &Group,
        association: &str,
        (cert_id, cert_name): (u64, &str),
    ) {
        let mut o = Obj::new();
        o.ns("id", id);
        self.stamp(&mut o);
        o.s("name", &plan.name)
            .ns("usageCount", plan.usage)
            .ns("maxUsage", plan.max)
            .s("zcomponentId", &group.id)
            .b("enabled", plan.enabled);
        if let Some(secs) = plan.expires_in {
            o.ns("expirationInEpochSec", self.anchor as i64 + secs);
        }
        let secret: String = (0..6).map(|_| self.fingerprint()).collect();
        o.s("zcomponentName", &group.name)
            .b("exportable", true)
            .b("readOnly", false)
            .b("zscalerManaged", false)
            .ns("enrollmentCertId", cert_id)
            .s("enrollmentCertName", cert_name)
            .s(
                "provisioningKey",
                &format!("3|api.private.zscaler.com|{secret}-{}", group.id),
            );
        if group.mt != 0 {
            self.owner_fields(&mut o, group.mt);
        }
        let json = o.done();
        self.push(
            Resource::ProvisioningKey,
            id.to_string(),
            group.mt,
            Some(association.to_string()),
            json,
        );
    }
}
