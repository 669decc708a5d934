//! The simulated tenant's objects, kept as pre-serialised JSON rows so that a list request only
//! concatenates the rows of the requested page. This is what lets a 100 000-segment tenant
//! answer a 500-item page in milliseconds; the rare control-API mutations pay for a parse and a
//! re-serialisation of the one row they touch.

use std::fmt::Write as _;

use serde_json::Value;

pub use crate::json_text::{json_array, push_json_str, Obj};
use crate::search::Filter;

/// A resource kind: one collection of objects, named like the ZPA endpoint that lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    Microtenants,
    Application,
    Connector,
    ServiceEdge,
    AppConnectorGroup,
    ServiceEdgeGroup,
    SegmentGroup,
    ServerGroup,
    ClientlessCertificate,
    EnrollmentCert,
    Idp,
    ScimGroup,
    PolicyRules,
    /// Keyed by association type (`CONNECTOR_GRP`, `SERVICE_EDGE_GRP`).
    ProvisioningKey,
    LssConfig,
    PrivateCloudController,
    PrivateCloudControllerGroup,
}

impl Resource {
    pub const ALL: [Resource; 17] = [
        Resource::Microtenants,
        Resource::Application,
        Resource::Connector,
        Resource::ServiceEdge,
        Resource::AppConnectorGroup,
        Resource::ServiceEdgeGroup,
        Resource::SegmentGroup,
        Resource::ServerGroup,
        Resource::ClientlessCertificate,
        Resource::EnrollmentCert,
        Resource::Idp,
        Resource::ScimGroup,
        Resource::PolicyRules,
        Resource::ProvisioningKey,
        Resource::LssConfig,
        Resource::PrivateCloudController,
        Resource::PrivateCloudControllerGroup,
    ];

    /// The endpoint name: used in request counts, fault matching and the control API.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Microtenants => "microtenants",
            Resource::Application => "application",
            Resource::Connector => "connector",
            Resource::ServiceEdge => "serviceEdge",
            Resource::AppConnectorGroup => "appConnectorGroup",
            Resource::ServiceEdgeGroup => "serviceEdgeGroup",
            Resource::SegmentGroup => "segmentGroup",
            Resource::ServerGroup => "serverGroup",
            Resource::ClientlessCertificate => "clientlessCertificate",
            Resource::EnrollmentCert => "enrollmentCert",
            Resource::Idp => "idp",
            Resource::ScimGroup => "scimgroup",
            Resource::PolicyRules => "policyRules",
            Resource::ProvisioningKey => "provisioningKey",
            Resource::LssConfig => "lssConfig",
            Resource::PrivateCloudController => "privateCloudController",
            Resource::PrivateCloudControllerGroup => "privateCloudControllerGroup",
        }
    }

    pub fn from_name(name: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Whether ZPA scopes this resource by microtenant (the "inheritable" resources of the
    /// microtenant help page); the others ignore `microtenantId`.
    pub fn scoped(self) -> bool {
        !matches!(
            self,
            Resource::EnrollmentCert
                | Resource::Idp
                | Resource::ScimGroup
                | Resource::PolicyRules
                | Resource::LssConfig
                | Resource::PrivateCloudController
                | Resource::PrivateCloudControllerGroup
        )
    }

    /// Whether objects of the Default microtenant say `"microtenantName":"Default"`; the
    /// recorded provisioning keys name no microtenant at all.
    fn names_default_microtenant(self) -> bool {
        self.scoped() && !matches!(self, Resource::Microtenants | Resource::ProvisioningKey)
    }

    /// userconfig endpoints send real JSON numbers in the envelope; mgmtconfig sends strings.
    pub fn numeric_envelope(self) -> bool {
        self == Resource::ScimGroup
    }
}

/// Policy types served under `policySet/rules/policyType/{TYPE}`, with the numeric string ZPA
/// puts into each rule's `policyType` and the policy set's name.
pub const POLICY_TYPES: [(&str, &str, &str); 5] = [
    ("ACCESS_POLICY", "1", "Global_Policy"),
    ("TIMEOUT_POLICY", "2", "ReAuth_Policy"),
    ("CLIENT_FORWARDING_POLICY", "4", "Bypass_Policy"),
    ("ISOLATION_POLICY", "5", "Isolation_Policy"),
    // Not seen in any recording; 6 follows the order of the SDKs' policy type lists.
    ("INSPECTION_POLICY", "6", "Inspection_Policy"),
];

/// Every policy type name ZPA accepts in the path; those not in [`POLICY_TYPES`] list empty.
pub const KNOWN_POLICY_TYPES: [&str; 13] = [
    "ACCESS_POLICY",
    "TIMEOUT_POLICY",
    "CLIENT_FORWARDING_POLICY",
    "ISOLATION_POLICY",
    "INSPECTION_POLICY",
    "CREDENTIAL_POLICY",
    "CAPABILITIES_POLICY",
    "CLIENTLESS_SESSION_PROTECTION_POLICY",
    "PRIVILEGED_PORTAL_POLICY",
    "REDIRECTION_POLICY",
    "SIEM_POLICY",
    "VPN_TUNNEL_POLICY",
    "USER_PORTAL",
];

/// Maps a policy type given as a name ("ACCESS_POLICY") or a numeric string ("1") to
/// `(name, number)`.
pub fn policy_type(given: &str) -> Option<(&'static str, &'static str)> {
    POLICY_TYPES
        .iter()
        .find(|(name, num, _)| *name == given || *num == given)
        .map(|(name, num, _)| (*name, *num))
}

/// One stored object.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    /// Owning microtenant id; `None` is the Default microtenant.
    pub owner: Option<String>,
    /// Secondary key the path filters on: the IdP id of a SCIM group, the policy type name of a
    /// policy rule, the association type of a provisioning key.
    pub key: Option<String>,
    pub json: String,
}

/// Which microtenant a list request asks for.
#[derive(Clone, Copy, Debug)]
pub enum OwnerFilter<'a> {
    All,
    Default,
    Id(&'a str),
}

impl<'a> OwnerFilter<'a> {
    pub fn from_query(microtenant_id: Option<&'a str>) -> Self {
        match microtenant_id {
            None | Some("") => OwnerFilter::All,
            Some("0") => OwnerFilter::Default,
            Some(id) => OwnerFilter::Id(id),
        }
    }

    pub fn accepts(self, owner: Option<&str>) -> bool {
        match self {
            OwnerFilter::All => true,
            OwnerFilter::Default => owner.is_none(),
            OwnerFilter::Id(id) => owner == Some(id),
        }
    }
}

/// One list request, after parameter parsing.
#[derive(Clone, Copy, Debug)]
pub struct PageQuery<'a> {
    pub owner: OwnerFilter<'a>,
    pub key: Option<&'a str>,
    /// 1-based.
    pub page: u32,
    pub pagesize: u32,
    /// The `RepeatPage` fault: always page 1, with a `totalPages` that never ends.
    pub repeat: bool,
    /// The `search` parameter: only objects it matches are listed (and counted).
    pub filter: Option<&'a Filter>,
}

/// All collections of the tenant.
#[derive(Debug)]
pub struct Store {
    cols: Vec<Vec<Row>>,
    /// Next id for objects added without one (mgmtconfig style, near the customer id).
    pub next_id: u64,
    /// Next id for SCIM groups added without one (userconfig ids are small numbers).
    pub next_scim_id: u64,
}

impl Store {
    pub fn new(next_id: u64, next_scim_id: u64) -> Store {
        Store {
            cols: vec![Vec::new(); Resource::ALL.len()],
            next_id,
            next_scim_id,
        }
    }

    pub fn rows(&self, res: Resource) -> &[Row] {
        &self.cols[res.index()]
    }

    pub fn push(&mut self, res: Resource, row: Row) {
        self.cols[res.index()].push(row);
    }

    /// Renders one page of a list response, envelope included.
    pub fn render_page(&self, res: Resource, q: &PageQuery<'_>) -> String {
        let rows = self.rows(res);
        let owner = if res.scoped() {
            q.owner
        } else {
            OwnerFilter::All
        };
        let pagesize = q.pagesize.max(1) as usize;
        let page = if q.repeat { 1 } else { q.page.max(1) as usize };
        let start = (page - 1).saturating_mul(pagesize);
        let end = start.saturating_add(pagesize);
        let mut total = 0usize;
        let mut list = String::new();
        for row in rows {
            if !owner.accepts(row.owner.as_deref()) {
                continue;
            }
            if let Some(key) = q.key {
                if row.key.as_deref() != Some(key) {
                    continue;
                }
            }
            if q.filter.is_some_and(|f| !f.matches_json(&row.json)) {
                continue;
            }
            if total >= start && total < end {
                if list.is_empty() {
                    list.reserve(row.json.len() * pagesize.min(rows.len()) + 64);
                    list.push('[');
                } else {
                    list.push(',');
                }
                list.push_str(&row.json);
            }
            total += 1;
        }
        let total_pages = if q.repeat {
            999_999
        } else {
            total.div_ceil(pagesize)
        };
        let mut out = String::with_capacity(list.len() + 64);
        let quote = if res.numeric_envelope() { "" } else { "\"" };
        let _ = write!(
            out,
            "{{\"totalPages\":{quote}{total_pages}{quote},\"totalCount\":{quote}{total}{quote}"
        );
        if !list.is_empty() {
            out.push_str(",\"list\":");
            out.push_str(&list);
            out.push(']');
        }
        out.push('}');
        out
    }

    pub fn objects(&self, res: Resource) -> Vec<Value> {
        self.rows(res)
            .iter()
            .filter_map(|r| serde_json::from_str(&r.json).ok())
            .collect()
    }

    fn position(&self, res: Resource, id: &str) -> Option<usize> {
        self.rows(res).iter().position(|r| r.id == id)
    }

    /// The row of `res` with `id`, if any.
    pub fn get(&self, res: Resource, id: &str) -> Option<&Row> {
        self.position(res, id).map(|i| &self.rows(res)[i])
    }

    /// The name of microtenant `id`, or a stand-in for an id the store does not know.
    pub fn microtenant_name(&self, id: &str) -> String {
        self.get(Resource::Microtenants, id)
            .and_then(|r| serde_json::from_str::<Value>(&r.json).ok())
            .and_then(|v| v.get("name").and_then(Value::as_str).map(String::from))
            .unwrap_or_else(|| format!("microtenant-{id}"))
    }

    /// Adds an object (or replaces the one with the same id) and returns its id.
    pub fn add(&mut self, res: Resource, mut obj: Value) -> Result<String, String> {
        let Some(map) = obj.as_object_mut() else {
            return Err("an object must be a JSON object".into());
        };
        if map.get("id").is_none_or(Value::is_null) {
            let id = if res == Resource::ScimGroup {
                self.next_scim_id += 1;
                Value::from(self.next_scim_id - 1)
            } else {
                self.next_id += 1;
                Value::from((self.next_id - 1).to_string())
            };
            map.insert("id".into(), id);
        }
        // A provisioning key's association type is in its path, not in ZPA's object: taken
        // from the posted object (or the key it replaces), never stored in the JSON.
        let association = match res {
            Resource::ProvisioningKey => map.remove("associationType").and_then(|v| id_text(&v)),
            _ => None,
        };
        self.normalise(res, &mut obj)?;
        let mut row = self.make_row(res, &obj)?;
        let id = row.id.clone();
        if res == Resource::ProvisioningKey {
            let previous = self.get(res, &id).and_then(|r| r.key.clone());
            row.key = association.or(previous);
            match row.key.as_deref() {
                Some("CONNECTOR_GRP" | "SERVICE_EDGE_GRP") => {}
                _ => {
                    return Err(
                        "a provisioning key needs an associationType: CONNECTOR_GRP or SERVICE_EDGE_GRP"
                            .into(),
                    )
                }
            }
        }
        match self.position(res, &id) {
            Some(i) => self.cols[res.index()][i] = row,
            None => self.push(res, row),
        }
        Ok(id)
    }

    /// Applies an RFC 7386 JSON merge patch to one object; the id cannot be patched away.
    pub fn patch(&mut self, res: Resource, id: &str, patch: &Value) -> bool {
        self.modify(res, id, |v| merge_patch(v, patch))
    }

    /// Runs `f` on the parsed object and stores the result.
    pub fn modify(&mut self, res: Resource, id: &str, f: impl FnOnce(&mut Value)) -> bool {
        let Some(i) = self.position(res, id) else {
            return false;
        };
        let Ok(mut obj) = serde_json::from_str::<Value>(&self.cols[res.index()][i].json) else {
            return false;
        };
        let original_id = obj.get("id").cloned();
        f(&mut obj);
        if let (Some(map), Some(original)) = (obj.as_object_mut(), original_id) {
            map.insert("id".into(), original);
        }
        if self.normalise(res, &mut obj).is_err() {
            return false;
        }
        match self.make_row(res, &obj) {
            Ok(mut row) => {
                let old = &self.cols[res.index()][i];
                if row.key.is_none() {
                    row.key = old.key.clone();
                }
                self.cols[res.index()][i] = row;
                true
            }
            Err(_) => false,
        }
    }

    pub fn delete(&mut self, res: Resource, id: &str) -> bool {
        match self.position(res, id) {
            Some(i) => {
                self.cols[res.index()].remove(i);
                true
            }
            None => false,
        }
    }

    /// Fills in what ZPA always sends, so hand-written test objects look like real ones.
    fn normalise(&self, res: Resource, obj: &mut Value) -> Result<(), String> {
        let map = obj.as_object_mut().ok_or("not an object")?;
        if res.scoped() && res != Resource::Microtenants {
            let mt = map.get("microtenantId").and_then(id_text);
            match mt.as_deref() {
                None | Some("0") => {
                    map.remove("microtenantId");
                    if res.names_default_microtenant() {
                        map.entry("microtenantName")
                            .or_insert_with(|| Value::from("Default"));
                    }
                }
                Some(mt) => {
                    if !map.contains_key("microtenantName") {
                        let name = self.microtenant_name(mt);
                        map.insert("microtenantName".into(), name.into());
                    }
                }
            }
        }
        if res == Resource::PolicyRules {
            let given = map
                .get("policyType")
                .and_then(id_text)
                .ok_or("a policy rule needs a policyType (e.g. \"ACCESS_POLICY\")")?;
            let (name, num) =
                policy_type(&given).ok_or_else(|| format!("unknown policyType {given:?}"))?;
            map.insert("policyType".into(), num.into());
            if !map.contains_key("policySetId") {
                let set = self
                    .rows(Resource::PolicyRules)
                    .iter()
                    .filter(|r| r.key.as_deref() == Some(name))
                    .find_map(|r| {
                        serde_json::from_str::<Value>(&r.json)
                            .ok()
                            .and_then(|v| v.get("policySetId").cloned())
                    });
                if let Some(set) = set {
                    map.insert("policySetId".into(), set);
                }
            }
        }
        if res == Resource::ScimGroup && map.get("idpId").and_then(id_text).is_none() {
            return Err("a SCIM group needs an idpId".into());
        }
        Ok(())
    }

    fn make_row(&self, res: Resource, obj: &Value) -> Result<Row, String> {
        let id = obj
            .get("id")
            .and_then(id_text)
            .ok_or("id must be a string or a number")?;
        let owner = match res {
            Resource::Microtenants => (id != "0").then(|| id.clone()),
            r if r.scoped() => obj
                .get("microtenantId")
                .and_then(id_text)
                .filter(|m| m != "0"),
            _ => None,
        };
        let key = match res {
            Resource::ScimGroup => obj.get("idpId").and_then(id_text),
            Resource::PolicyRules => obj
                .get("policyType")
                .and_then(id_text)
                .and_then(|t| policy_type(&t))
                .map(|(name, _)| name.to_string()),
            _ => None,
        };
        let json = serde_json::to_string(obj).map_err(|e| e.to_string())?;
        Ok(Row {
            id,
            owner,
            key,
            json,
        })
    }
}

/// An id as text, whether ZPA sent it as a string (mgmtconfig) or a number (userconfig).
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Value::Object(map) = target else { return };
    for (k, v) in patch {
        if v.is_null() {
            map.remove(k);
        } else {
            merge_patch(map.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut v = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut v, &json!({"a": "z", "c": {"f": null}, "n": [1]}));
        assert_eq!(v, json!({"a": "z", "c": {"d": "e"}, "n": [1]}));
    }
}
