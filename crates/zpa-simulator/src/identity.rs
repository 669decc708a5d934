//! Who the API key is and which microtenants it may read: `GET /mgmtconfig/v1/admin/me`,
//! `GET …/microtenants/{id}`, and the `microtenantId` check of the microtenant-scoped lists
//! (zpa-api.md §5). An exporter uses these at start-up to verify its customer id and scope.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::request::{finish, gate_get, get_record, Mount};
use crate::respond::{json, object_not_found, truncate, zpa_error};
use crate::store::Resource;
use crate::{FaultKind, Shared};

/// Endpoint names in stats, the request log and fault rules.
pub const ME: &str = "me";
pub const MICROTENANT: &str = "microtenant";

fn microtenant_name(shared: &Shared, id: &str) -> String {
    shared.read_store().microtenant_name(id)
}

fn microtenant_exists(shared: &Shared, id: &str) -> bool {
    shared
        .read_store()
        .get(Resource::Microtenants, id)
        .is_some()
}

/// ZPA's answer when a key reads a microtenant it has no access to.
fn denied(shared: &Shared, reason: &str) -> Response {
    zpa_error(shared, StatusCode::FORBIDDEN, "authz.access.denied", reason)
}

/// Whether the key may list `res` with this `microtenantId` (`Err` is the 403 to send).
///
/// * An id that names no microtenant is refused rather than listed empty; `0` is Default and
///   always exists.
/// * A key scoped to microtenant `m` must ask for exactly `m`: ZPA requires a microtenant admin
///   to pass its own id (help page "configuring microtenants using API"), so neither "all"
///   (absent) nor another id, `0` included, is allowed.
/// * Resources that are not microtenant-scoped ignore the parameter, as before.
pub(crate) fn check_list_scope(
    shared: &Shared,
    res: Resource,
    asked: Option<&str>,
) -> Result<(), Box<Response>> {
    if !res.scoped() {
        return Ok(());
    }
    let asked = asked.filter(|id| !id.is_empty());
    if let Some(own) = shared.cfg.key_microtenant.as_deref() {
        if asked != Some(own) {
            return Err(Box::new(denied(
                shared,
                "The API key is scoped to a microtenant; pass its microtenantId",
            )));
        }
    }
    match asked {
        Some(id) if id != "0" && !microtenant_exists(shared, id) => Err(Box::new(denied(
            shared,
            "The API key has no access to the requested microtenant",
        ))),
        _ => Ok(()),
    }
}

/// `GET /mgmtconfig/v1/admin/me`: the customer and, for a microtenant-scoped key, its
/// microtenant. Counted and rate-limited like any GET.
pub(crate) async fn me(
    State(shared): State<Arc<Shared>>,
    mount: Mount,
    headers: HeaderMap,
) -> Response {
    let rec = get_record(&shared, ME, None, None);
    let shaping = match gate_get(&shared, mount, ME, &rec, &headers, None).await {
        Ok(shaping) => shaping,
        Err(resp) => return finish(&shared, rec, resp),
    };
    let cfg = &shared.cfg;
    let mut body = serde_json::json!({
        "customerId": cfg.customer_id,
        "customerName": cfg.customer_name,
    });
    if let Some(mt) = &cfg.key_microtenant {
        body["microtenantId"] = mt.as_str().into();
        body["microtenantName"] = microtenant_name(&shared, mt).into();
    }
    let mut body = body.to_string();
    if shaping == Some(FaultKind::Truncated) {
        body = truncate(&body);
    }
    finish(&shared, rec, json(&shared, StatusCode::OK, body))
}

/// `GET /mgmtconfig/v1/admin/customers/{cid}/microtenants/{id}`: the object as listed; `0` is
/// Default. Unknown → 400 `resource.not.found` (ZPA's "not found", zpa-api.md §4); a scoped key
/// asking for another microtenant → 403.
pub(crate) async fn microtenant(
    State(shared): State<Arc<Shared>>,
    mount: Mount,
    Path((cid, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let rec = get_record(&shared, MICROTENANT, None, None);
    let shaping = match gate_get(&shared, mount, MICROTENANT, &rec, &headers, Some(&cid)).await {
        Ok(shaping) => shaping,
        Err(resp) => return finish(&shared, rec, resp),
    };
    if let Some(own) = shared.cfg.key_microtenant.as_deref() {
        if id != own {
            let resp = denied(
                &shared,
                "The API key has no access to the requested microtenant",
            );
            return finish(&shared, rec, resp);
        }
    }
    let found = shared
        .read_store()
        .get(Resource::Microtenants, &id)
        .map(|r| r.json.clone());
    let resp = match found {
        Some(mut body) => {
            if shaping == Some(FaultKind::Truncated) {
                body = truncate(&body);
            }
            json(&shared, StatusCode::OK, body)
        }
        None => object_not_found(&shared, &id),
    };
    finish(&shared, rec, resp)
}
