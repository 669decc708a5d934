//! The list endpoints: one engine ([`list`]) that gates, checks the licence, scopes, searches
//! ([`crate::search`]) and pages a resource, and the routes that name what to list (a resource
//! by path segment, the browser-access certificates, an IdP's SCIM groups, a policy type's
//! rules, an association type's provisioning keys).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::faults::FaultKind;
use crate::identity::check_list_scope;
use crate::licence;
use crate::request::{finish, gate_get, get_record, Call};
use crate::respond::{bad_request, json, object_not_found, truncate, zpa_error};
use crate::search::{Filter, SYNTAX};
use crate::store::{OwnerFilter, PageQuery, Resource, KNOWN_POLICY_TYPES, POLICY_TYPES};
use crate::Shared;

type St = State<Arc<Shared>>;

/// Which rows of a resource a list route serves.
pub(crate) enum Scope {
    All,
    /// SCIM groups of one IdP, policy rules of one type.
    Key(String),
    /// A valid request for something the simulator has none of (e.g. SIEM_POLICY rules).
    Nothing,
    /// An invalid one: answer this.
    Reject(Response),
}

fn parse_num(params: &HashMap<String, String>, name: &str) -> Result<Option<u32>, String> {
    match params.get(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("Invalid value {v:?} for {name}")),
    }
}

/// Lists `res` (`None`: a path that names no resource, 404) for `call`: the gates, the
/// microtenant scope, paging, then the page.
pub(crate) async fn list(
    shared: Arc<Shared>,
    endpoint: &str,
    res: Option<Resource>,
    cid: &str,
    scope: impl FnOnce(&Shared) -> Scope,
    call: &Call,
) -> Response {
    let params = &call.params;
    let page = parse_num(params, "page");
    let pagesize = parse_num(params, "pagesize");
    let microtenant_id = call.microtenant_id();
    let rec = get_record(
        &shared,
        endpoint,
        page.as_ref().ok().map(|p| p.unwrap_or(1).max(1)),
        microtenant_id.clone(),
    );
    let Some(res) = res else {
        let resp = zpa_error(
            &shared,
            StatusCode::NOT_FOUND,
            "resource.not.found",
            "resource.not.found",
        );
        return finish(&shared, rec, resp);
    };
    let gated = gate_get(
        &shared,
        call.mount,
        endpoint,
        &rec,
        &call.headers,
        Some(cid),
    )
    .await;
    let shaping = match gated {
        Ok(shaping) => shaping,
        Err(resp) => return finish(&shared, rec, resp),
    };
    let checked = licence::check(&shared, res)
        .and_then(|()| check_list_scope(&shared, res, microtenant_id.as_deref()));
    if let Err(resp) = checked {
        return finish(&shared, rec, *resp);
    }
    let (page, pagesize) = match (page, pagesize) {
        (Ok(p), Ok(s)) => (p.unwrap_or(1).max(1), s.unwrap_or(20).clamp(1, 500)),
        (Err(e), _) | (_, Err(e)) => return finish(&shared, rec, bad_request(&shared, &e)),
    };
    let search = params.get("search").map(String::as_str).unwrap_or("");
    let filter = if res == Resource::ScimGroup {
        Filter::name_contains(search)
    } else {
        match Filter::parse(search) {
            Ok(filter) => filter,
            Err(_) => return finish(&shared, rec, bad_request(&shared, SYNTAX)),
        }
    };
    let key = match scope(&shared) {
        Scope::All => None,
        Scope::Key(k) => Some(k),
        Scope::Nothing => {
            let body = if res.numeric_envelope() {
                r#"{"totalPages":0,"totalCount":0}"#
            } else {
                r#"{"totalPages":"0","totalCount":"0"}"#
            };
            return finish(&shared, rec, json(&shared, StatusCode::OK, body.into()));
        }
        Scope::Reject(resp) => return finish(&shared, rec, resp),
    };
    let query = PageQuery {
        owner: OwnerFilter::from_query(microtenant_id.as_deref()),
        key: key.as_deref(),
        page,
        pagesize,
        repeat: shaping == Some(FaultKind::RepeatPage),
        filter: filter.as_ref(),
    };
    let mut body = shared.read_store().render_page(res, &query);
    if shaping == Some(FaultKind::Truncated) {
        body = truncate(&body);
    }
    finish(&shared, rec, json(&shared, StatusCode::OK, body))
}

/// The v1 resources listed at `/mgmtconfig/v1/admin/customers/{cid}/{resource}`.
const V1: [Resource; 10] = [
    Resource::Microtenants,
    Resource::Application,
    Resource::Connector,
    Resource::ServiceEdge,
    Resource::AppConnectorGroup,
    Resource::ServiceEdgeGroup,
    Resource::SegmentGroup,
    Resource::ServerGroup,
    Resource::PrivateCloudController,
    Resource::PrivateCloudControllerGroup,
];

/// The v2 resources listed at `/mgmtconfig/v2/admin/customers/{cid}/{resource}`.
const V2: [Resource; 3] = [Resource::EnrollmentCert, Resource::Idp, Resource::LssConfig];

pub(crate) async fn list_v1(
    State(shared): St,
    Path((cid, resource)): Path<(String, String)>,
    call: Call,
) -> Response {
    list_named(shared, &cid, &resource, &V1, &call).await
}

pub(crate) async fn list_v2(
    State(shared): St,
    Path((cid, resource)): Path<(String, String)>,
    call: Call,
) -> Response {
    list_named(shared, &cid, &resource, &V2, &call).await
}

/// A list route whose last path segment names the resource, among `known`.
async fn list_named(
    shared: Arc<Shared>,
    cid: &str,
    resource: &str,
    known: &[Resource],
    call: &Call,
) -> Response {
    let res = known.iter().copied().find(|r| r.name() == resource);
    let endpoint = if res.is_some() { resource } else { "unknown" };
    list(shared, endpoint, res, cid, |_| Scope::All, call).await
}

pub(crate) async fn clientless(State(shared): St, Path(cid): Path<String>, call: Call) -> Response {
    let res = Resource::ClientlessCertificate;
    list(shared, res.name(), Some(res), &cid, |_| Scope::All, &call).await
}

pub(crate) async fn scim_groups(
    State(shared): St,
    Path((cid, idp)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Resource::ScimGroup;
    let scope = |shared: &Shared| {
        if shared.read_store().get(Resource::Idp, &idp).is_some() {
            Scope::Key(idp.clone())
        } else {
            Scope::Reject(object_not_found(shared, "idpId"))
        }
    };
    list(shared.clone(), res.name(), Some(res), &cid, scope, &call).await
}

pub(crate) async fn policy_rules(
    State(shared): St,
    Path((cid, ptype)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Resource::PolicyRules;
    let scope = |shared: &Shared| {
        if POLICY_TYPES.iter().any(|(name, _, _)| *name == ptype) {
            Scope::Key(ptype.clone())
        } else if KNOWN_POLICY_TYPES.contains(&ptype.as_str()) {
            Scope::Nothing
        } else {
            Scope::Reject(zpa_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid.policy.type",
                &format!("Invalid policy type {ptype}"),
            ))
        }
    };
    list(shared.clone(), res.name(), Some(res), &cid, scope, &call).await
}

/// The association types whose keys the simulator holds; `NP_ASSISTANT_GRP` (Network Connector
/// groups, also valid per the help page) lists empty.
const ASSOCIATION_TYPES: [&str; 2] = ["CONNECTOR_GRP", "SERVICE_EDGE_GRP"];

pub(crate) async fn provisioning_keys(
    State(shared): St,
    Path((cid, association)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Resource::ProvisioningKey;
    let scope = |shared: &Shared| {
        if ASSOCIATION_TYPES.contains(&association.as_str()) {
            Scope::Key(association.clone())
        } else if association == "NP_ASSISTANT_GRP" {
            Scope::Nothing
        } else {
            Scope::Reject(zpa_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid.association.type",
                "associationType must be CONNECTOR_GRP, SERVICE_EDGE_GRP or NP_ASSISTANT_GRP",
            ))
        }
    };
    list(shared.clone(), res.name(), Some(res), &cid, scope, &call).await
}
