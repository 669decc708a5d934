//! The names LSS records carry (applications, segment groups, connectors and their groups,
//! service edges and theirs, Private Cloud Controllers, microtenants, IdPs, access and
//! inspection rules, the objects an administrator edits), read from the simulator's
//! generated tenant so that a stream joins with the API data of a simulator started with the
//! same seed and sizes: the exporter resolves a record's `Connector` to its group through the
//! API snapshot, by name.

use std::collections::HashMap;

use serde_json::Value;

use crate::store::{Resource, Store};
use crate::SimulatorConfig;

/// An application segment as User Activity names it.
#[derive(Clone, Debug)]
pub struct App {
    /// The segment's id (AppProtection's `Application`).
    pub id: String,
    pub name: String,
    /// The segment group (`AppGroup`).
    pub group: String,
    /// The segment group's id, `"0"` without one (AppProtection's `ApplicationGroup`).
    pub group_id: String,
    pub domains: Vec<String>,
    pub port: u16,
    /// Owning microtenant id (`"0"` for Default): `AppMicroTenantID`.
    pub microtenant: String,
    /// Indexes into [`Names::connectors`] that may serve it (via its server groups).
    pub connectors: Vec<usize>,
}

/// An App Connector, a Private Service Edge or a Private Cloud Controller.
#[derive(Clone, Debug)]
pub struct Node {
    /// The API id (AppProtection's `AssistantID`); `"0"` for Private Cloud Controllers, which
    /// the simulated API does not serve yet.
    pub id: String,
    pub name: String,
    pub group: String,
    pub microtenant: String,
    pub version: String,
    pub platform: String,
    pub location: String,
}

/// An object Audit records say an administrator changed.
#[derive(Clone, Debug)]
pub struct AuditObject {
    /// The `ObjectType`, e.g. `Application Segment`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// Everything a record generator draws names from.
#[derive(Clone, Debug)]
pub struct Names {
    pub customer: String,
    pub customer_id: String,
    pub microtenants: Vec<String>,
    pub apps: Vec<App>,
    pub connectors: Vec<Node>,
    pub service_edges: Vec<Node>,
    pub private_cloud_controllers: Vec<Node>,
    pub idps: Vec<String>,
    pub access_rules: Vec<String>,
    /// Ids of the inspection policy rules that inspect (AppProtection's `InspectionPolicy`).
    pub inspection_rules: Vec<String>,
    /// Ids of the clientless (Browser Access) certificates (AppProtection's `CertificateId`).
    pub certificates: Vec<String>,
    pub audit_objects: Vec<AuditObject>,
}

fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn node(v: &Value, owner: Option<&str>, group_key: &str, version_key: &str) -> Node {
    let version = &v[version_key];
    Node {
        id: text(v, "id"),
        name: text(v, "name"),
        group: text(v, group_key),
        microtenant: owner.unwrap_or("0").to_string(),
        version: Some(text(version, "currentVersion"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "24.692.9".into()),
        platform: Some(text(version, "platform"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "el9".into()),
        location: text(v, "location"),
    }
}

fn parse(store: &Store, res: Resource) -> Vec<(Value, Option<String>)> {
    store
        .rows(res)
        .iter()
        .filter_map(|row| {
            let v: Value = serde_json::from_str(&row.json).ok()?;
            Some((v, row.owner.clone()))
        })
        .collect()
}

impl Names {
    /// The names of the tenant `cfg` generates today (the same tenant a simulator started
    /// with `cfg` serves).
    pub fn generate(cfg: &SimulatorConfig) -> Names {
        let day = crate::unix_now() / 86_400 * 86_400;
        Names::from_store(cfg, &crate::tenant::generate(cfg, day))
    }

    pub fn from_store(cfg: &SimulatorConfig, store: &Store) -> Names {
        let microtenants = parse(store, Resource::Microtenants)
            .iter()
            .map(|(v, _)| text(v, "id"))
            .collect();
        let connectors: Vec<Node> = parse(store, Resource::Connector)
            .iter()
            .filter(|(v, _)| v["enabled"] != false)
            .map(|(v, owner)| {
                node(
                    v,
                    owner.as_deref(),
                    "appConnectorGroupName",
                    "assistantVersion",
                )
            })
            .collect();
        let service_edges = parse(store, Resource::ServiceEdge)
            .iter()
            .map(|(v, owner)| {
                node(
                    v,
                    owner.as_deref(),
                    "serviceEdgeGroupName",
                    "privateBrokerVersion",
                )
            })
            .collect();
        // server group id → the connectors of its connector groups
        let mut by_group: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in connectors.iter().enumerate() {
            by_group.entry(c.group.clone()).or_default().push(i);
        }
        let server_groups: HashMap<String, Vec<usize>> = parse(store, Resource::ServerGroup)
            .iter()
            .map(|(v, _)| {
                let members = v["appConnectorGroups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|g| by_group.get(&text(g, "name")).cloned().unwrap_or_default())
                    .collect();
                (text(v, "id"), members)
            })
            .collect();
        let apps = parse(store, Resource::Application)
            .iter()
            .filter(|(v, _)| v["enabled"] != false)
            .map(|(v, owner)| {
                let mut serving: Vec<usize> = v["serverGroups"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|g| {
                        server_groups
                            .get(&text(g, "id"))
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect();
                serving.sort_unstable();
                serving.dedup();
                let port = v["tcpPortRanges"][0]
                    .as_str()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(443);
                App {
                    id: text(v, "id"),
                    name: text(v, "name"),
                    group: Some(text(v, "segmentGroupName"))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| text(v, "name")),
                    group_id: Some(text(v, "segmentGroupId"))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "0".into()),
                    domains: v["domainNames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d.as_str().map(str::to_string))
                        .collect(),
                    port,
                    microtenant: owner.clone().unwrap_or_else(|| "0".into()),
                    connectors: serving,
                }
            })
            .collect();
        let idps = parse(store, Resource::Idp)
            .iter()
            .map(|(v, _)| text(v, "name"))
            .collect();
        let rules = |policy_type: &str| -> Vec<Value> {
            store
                .rows(Resource::PolicyRules)
                .iter()
                .filter(|row| row.key.as_deref() == Some(policy_type))
                .filter_map(|row| serde_json::from_str::<Value>(&row.json).ok())
                .collect()
        };
        let access_rules = rules("ACCESS_POLICY")
            .iter()
            .map(|v| text(v, "name"))
            .collect();
        let inspection_rules = rules("INSPECTION_POLICY")
            .iter()
            .filter(|v| v["action"] == "INSPECT")
            .map(|v| text(v, "id"))
            .collect();
        // Controllers that never connected have no runtime record and stream nothing.
        let private_cloud_controllers = parse(store, Resource::PrivateCloudController)
            .iter()
            .filter(|(v, _)| !text(v, "currentVersion").is_empty())
            .map(|(v, owner)| Node {
                id: text(v, "id"),
                name: text(v, "name"),
                group: text(v, "privateCloudControllerGroupName"),
                microtenant: owner.clone().unwrap_or_else(|| "0".into()),
                version: text(v, "currentVersion"),
                platform: Some(text(v, "platform"))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "el9".into()),
                location: text(v, "location"),
            })
            .collect();
        Names {
            customer: cfg.customer_name.clone(),
            customer_id: cfg.customer_id.clone(),
            microtenants,
            apps,
            connectors,
            service_edges,
            private_cloud_controllers,
            idps,
            access_rules,
            inspection_rules,
            certificates: parse(store, Resource::ClientlessCertificate)
                .iter()
                .map(|(v, _)| text(v, "id"))
                .collect(),
            audit_objects: audit_objects(store),
        }
    }
}

/// Objects per kind an Audit stream draws from: enough variety, without parsing every segment
/// of a 100 000-segment tenant twice.
const AUDIT_OBJECTS_PER_KIND: usize = 500;

/// What an administrator edits, by the `ObjectType` ZPA's Audit Logs give it.
fn audit_objects(store: &Store) -> Vec<AuditObject> {
    let kinds = [
        (Resource::Application, "Application Segment"),
        (Resource::SegmentGroup, "Segment Group"),
        (Resource::ServerGroup, "Server Group"),
        (Resource::AppConnectorGroup, "Connector Group"),
        (Resource::Connector, "App Connector"),
        (Resource::ServiceEdgeGroup, "Service Edge Group"),
        (Resource::PolicyRules, "Policy"),
    ];
    kinds
        .into_iter()
        .flat_map(|(res, kind)| {
            store
                .rows(res)
                .iter()
                .take(AUDIT_OBJECTS_PER_KIND)
                .filter_map(|row| serde_json::from_str::<Value>(&row.json).ok())
                .map(move |v| AuditObject {
                    kind,
                    id: text(&v, "id"),
                    name: text(&v, "name"),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_generated_tenant_and_apps_know_their_connectors() {
        let cfg = SimulatorConfig::default();
        let names = Names::generate(&cfg);
        assert!(names.apps.len() > cfg.segments / 2, "{}", names.apps.len());
        assert!(!names.connectors.is_empty() && !names.service_edges.is_empty());
        assert!(!names.idps.is_empty() && !names.access_rules.is_empty());
        assert!(names.microtenants.contains(&"0".to_string()));
        for c in names.connectors.iter().chain(&names.service_edges) {
            assert!(!c.name.is_empty() && !c.group.is_empty(), "{c:?}");
        }
        let served = names.apps.iter().filter(|a| !a.connectors.is_empty());
        assert!(served.count() > names.apps.len() / 2);
        for app in &names.apps {
            assert!(!app.name.is_empty() && !app.domains.is_empty(), "{app:?}");
            assert!(app.connectors.iter().all(|&i| i < names.connectors.len()));
            assert!(app.id.parse::<u64>().is_ok() && app.group_id.parse::<u64>().is_ok());
        }
        assert!(names.apps.iter().any(|a| a.group_id != "0"));
        assert!(!names.private_cloud_controllers.is_empty());
        assert!(!names.inspection_rules.is_empty() && !names.certificates.is_empty());
        assert!(names.connectors.iter().all(|c| c.id.parse::<u64>().is_ok()));
        for o in &names.audit_objects {
            assert!(o.id.parse::<u64>().is_ok() && !o.name.is_empty(), "{o:?}");
        }
        let kinds: std::collections::HashSet<&str> =
            names.audit_objects.iter().map(|o| o.kind).collect();
        assert_eq!(kinds.len(), 7, "{kinds:?}");
    }
}
