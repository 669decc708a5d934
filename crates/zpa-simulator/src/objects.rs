//! Reads of one object: any listed object by id (`GET …/{resource}/{id}`, the object exactly as
//! listed), and the tenant's application count against its maximum. An unknown id answers as
//! ZPA does (zpa-api.md §4): 400 `resource.not.found` naming the id. Endpoint names in stats
//! and fault rules are the resource's with `/{id}` (`application/{id}`); the application limit
//! is `applicationLimit`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::faults::FaultKind;
use crate::identity::check_list_scope;
use crate::licence;
use crate::request::{finish, gate_get, get_record, Call};
use crate::respond::{json, object_not_found, truncate, zpa_error};
use crate::store::{OwnerFilter, Resource};
use crate::Shared;

type St = State<Arc<Shared>>;

/// Endpoint name of `GET …/application/count/currentAndMaxLimit`.
pub const APPLICATION_LIMIT: &str = "applicationLimit";

/// What besides its id an object must match to be found under a path.
enum Under<'a> {
    Anywhere,
    /// A provisioning key's association type.
    Key(&'a str),
    /// A policy rule's `policySetId`.
    PolicySet(&'a str),
}

/// Reads `res`'s object `id` (`None`: the path names no resource, ZPA's 404).
async fn read(
    shared: Arc<Shared>,
    res: Option<Resource>,
    cid: &str,
    id: &str,
    under: Under<'_>,
    call: &Call,
) -> Response {
    let endpoint = res.map_or("unknown".to_string(), |r| format!("{}/{{id}}", r.name()));
    let asked = call.microtenant_id();
    let rec = get_record(&shared, &endpoint, None, asked.clone());
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
        &endpoint,
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
        .and_then(|()| check_list_scope(&shared, res, asked.as_deref()));
    if let Err(resp) = checked {
        return finish(&shared, rec, *resp);
    }
    let found = {
        let store = shared.read_store();
        store.get(res, id).cloned().filter(|row| {
            let owner_ok = !res.scoped()
                || OwnerFilter::from_query(asked.as_deref()).accepts(row.owner.as_deref());
            owner_ok
                && match under {
                    Under::Anywhere => true,
                    Under::Key(key) => row.key.as_deref() == Some(key),
                    Under::PolicySet(set) => serde_json::from_str::<Value>(&row.json)
                        .is_ok_and(|v| v.get("policySetId").and_then(Value::as_str) == Some(set)),
                }
        })
    };
    let resp = match found {
        Some(row) => {
            let mut body = row.json;
            if shaping == Some(FaultKind::Truncated) {
                body = truncate(&body);
            }
            json(&shared, StatusCode::OK, body)
        }
        None => object_not_found(&shared, id),
    };
    finish(&shared, rec, resp)
}

/// The resources read at `/mgmtconfig/v1/admin/customers/{cid}/{resource}/{id}`; the
/// browser-access certificates listed under v2 are read at v1 `certificate/{id}`, enrollment
/// certificates and IdPs at v1 too (zpa-api.md §6.1). Microtenants have their own route
/// ([`crate::identity::microtenant`]).
fn v1_resource(segment: &str) -> Option<Resource> {
    match segment {
        "certificate" => Some(Resource::ClientlessCertificate),
        "scimgroup" | "policyRules" | "lssConfig" | "microtenants" | "provisioningKey" => None,
        other => Resource::from_name(other),
    }
}

pub(crate) async fn by_id_v1(
    State(shared): St,
    Path((cid, resource, id)): Path<(String, String, String)>,
    call: Call,
) -> Response {
    let res = v1_resource(&resource);
    read(shared, res, &cid, &id, Under::Anywhere, &call).await
}

/// `/mgmtconfig/v2/admin/customers/{cid}/lssConfig/{id}`: the one v2 read by id.
pub(crate) async fn by_id_v2(
    State(shared): St,
    Path((cid, resource, id)): Path<(String, String, String)>,
    call: Call,
) -> Response {
    let res = (resource == "lssConfig").then_some(Resource::LssConfig);
    read(shared, res, &cid, &id, Under::Anywhere, &call).await
}

pub(crate) async fn provisioning_key(
    State(shared): St,
    Path((cid, association, id)): Path<(String, String, String)>,
    call: Call,
) -> Response {
    let res = Some(Resource::ProvisioningKey);
    read(shared, res, &cid, &id, Under::Key(&association), &call).await
}

pub(crate) async fn policy_rule(
    State(shared): St,
    Path((cid, set, id)): Path<(String, String, String)>,
    call: Call,
) -> Response {
    let res = Some(Resource::PolicyRules);
    read(shared, res, &cid, &id, Under::PolicySet(&set), &call).await
}

pub(crate) async fn scim_group(
    State(shared): St,
    Path((cid, id)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Some(Resource::ScimGroup);
    read(shared, res, &cid, &id, Under::Anywhere, &call).await
}

/// `GET …/application/count/currentAndMaxLimit`: the segments the tenant holds now, against
/// [`crate::SimulatorConfig::max_applications`]. Numbers as strings, as Zscaler's Go SDK reads
/// them (no recording exists); not microtenant-scoped.
pub(crate) async fn application_limit(
    State(shared): St,
    Path(cid): Path<String>,
    call: Call,
) -> Response {
    let rec = get_record(&shared, APPLICATION_LIMIT, None, call.microtenant_id());
    let gated = gate_get(
        &shared,
        call.mount,
        APPLICATION_LIMIT,
        &rec,
        &call.headers,
        Some(&cid),
    )
    .await;
    let shaping = match gated {
        Ok(shaping) => shaping,
        Err(resp) => return finish(&shared, rec, resp),
    };
    let current = shared.read_store().rows(Resource::Application).len();
    let mut body = serde_json::json!({
        "currentAppsCount": current.to_string(),
        "maxAppsLimit": shared.cfg.max_applications().to_string(),
    })
    .to_string();
    if shaping == Some(FaultKind::Truncated) {
        body = truncate(&body);
    }
    finish(&shared, rec, json(&shared, StatusCode::OK, body))
}
