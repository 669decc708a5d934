//! The `/__sim/` control API: JSON endpoints that tests, benchmarks and demos use to steer a
//! running simulator (faults, token revocation, the OneAPI-only switch, licensed features,
//! stats, objects, connector status, certificate expiry). It has no authentication and is never counted, rate-limited or faulted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::faults::Fault;
use crate::licence::Feature;
use crate::store::Resource;
use crate::{Control, RequestRecord, Shared};

type St = State<Arc<Shared>>;

/// The control routes, all under `/__sim/`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/__sim/faults",
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route("/__sim/tokens/revoke", post(revoke))
        .route("/__sim/oneapi-only", get(oneapi_only).post(set_oneapi_only))
        .route("/__sim/features", get(features))
        .route("/__sim/features/{feature}", post(set_feature))
        .route("/__sim/stats", get(stats).delete(stats_reset))
        .route("/__sim/requests", get(request_log))
        .route(
            "/__sim/objects/{resource}",
            get(objects_list).post(objects_add),
        )
        .route(
            "/__sim/objects/{resource}/{id}",
            axum::routing::patch(objects_patch).delete(objects_delete),
        )
        .route("/__sim/connectors/{id}/status", post(connector_status))
        .route(
            "/__sim/certificates/{resource}/{id}/expire",
            post(cert_expire),
        )
}

fn control(shared: &Arc<Shared>) -> Control {
    Control {
        shared: shared.clone(),
    }
}

fn bad_request(msg: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({"error": msg.into()})),
    )
        .into_response()
}

fn not_found(msg: impl Into<String>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"error": msg.into()})),
    )
        .into_response()
}

fn resource_or_404(name: &str) -> Result<Resource, Box<Response>> {
    Resource::from_name(name)
        .ok_or_else(|| Box::new(not_found(format!("unknown resource {name:?}"))))
}

async fn faults_list(State(shared): St) -> Response {
    Json(control(&shared).faults()).into_response()
}

async fn faults_add(State(shared): St, body: Bytes) -> Response {
    let faults = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(serde_json::from_value::<Fault>)
            .collect::<Result<Vec<_>, _>>(),
        Ok(one) => serde_json::from_value::<Fault>(one).map(|f| vec![f]),
        Err(e) => Err(e),
    };
    match faults {
        Ok(faults) => {
            let c = control(&shared);
            for f in faults {
                c.set_fault(f);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(format!("not a fault: {e}")),
    }
}

async fn faults_clear(State(shared): St) -> StatusCode {
    control(&shared).clear_faults();
    StatusCode::NO_CONTENT
}

async fn revoke(State(shared): St) -> StatusCode {
    control(&shared).revoke_tokens();
    StatusCode::NO_CONTENT
}

async fn oneapi_only(State(shared): St) -> Json<Value> {
    Json(serde_json::json!({"enabled": control(&shared).oneapi_only()}))
}

async fn set_oneapi_only(State(shared): St, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("enabled").and_then(Value::as_bool))
    {
        Some(enabled) => {
            control(&shared).set_oneapi_only(enabled);
            StatusCode::NO_CONTENT.into_response()
        }
        None => bad_request("expected {\"enabled\": true|false}"),
    }
}

async fn features(State(shared): St) -> Json<Value> {
    let c = control(&shared);
    let map: serde_json::Map<String, Value> = Feature::ALL
        .into_iter()
        .map(|f| (f.name().to_string(), Value::from(c.licensed(f))))
        .collect();
    Json(serde_json::json!({ "licensed": map }))
}

async fn set_feature(State(shared): St, Path(feature): Path<String>, body: Bytes) -> Response {
    let Some(feature) = Feature::from_name(&feature) else {
        return not_found(format!("unknown feature {feature:?}"));
    };
    match serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("licensed").and_then(Value::as_bool))
    {
        Some(licensed) => {
            control(&shared).set_licensed(feature, licensed);
            StatusCode::NO_CONTENT.into_response()
        }
        None => bad_request("expected {\"licensed\": true|false}"),
    }
}

async fn stats(State(shared): St) -> Json<Value> {
    Json(control(&shared).stats_json())
}

async fn stats_reset(State(shared): St) -> StatusCode {
    control(&shared).reset_stats();
    StatusCode::NO_CONTENT
}

async fn request_log(State(shared): St) -> Json<Vec<RequestRecord>> {
    Json(control(&shared).requests())
}

async fn objects_list(State(shared): St, Path(resource): Path<String>) -> Response {
    match resource_or_404(&resource) {
        Ok(res) => Json(shared.read_store().objects(res)).into_response(),
        Err(resp) => *resp,
    }
}

async fn objects_add(State(shared): St, Path(resource): Path<String>, body: Bytes) -> Response {
    let res = match resource_or_404(&resource) {
        Ok(res) => res,
        Err(resp) => return *resp,
    };
    let obj = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("not JSON: {e}")),
    };
    match control(&shared).try_add_object(res, obj) {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({"id": id}))).into_response(),
        Err(e) => bad_request(e),
    }
}

async fn objects_patch(
    State(shared): St,
    Path((resource, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(resp) = resource_or_404(&resource) {
        return *resp;
    }
    let patch = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("not JSON: {e}")),
    };
    if control(&shared).patch_object(&resource, &id, patch) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(format!("no {resource} {id}"))
    }
}

async fn objects_delete(
    State(shared): St,
    Path((resource, id)): Path<(String, String)>,
) -> Response {
    if let Err(resp) = resource_or_404(&resource) {
        return *resp;
    }
    if control(&shared).delete_object(&resource, &id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(format!("no {resource} {id}"))
    }
}

async fn connector_status(State(shared): St, Path(id): Path<String>, body: Bytes) -> Response {
    let status = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => match v.get("status") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Null) | None => None,
            Some(other) => {
                return bad_request(format!("status must be a string or null, not {other}"))
            }
        },
        Err(e) => return bad_request(format!("not JSON: {e}")),
    };
    if control(&shared).set_connector_status(&id, status.as_deref()) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(format!("no connector or service edge {id}"))
    }
}

async fn cert_expire(State(shared): St, Path((resource, id)): Path<(String, String)>) -> Response {
    let res = match resource_or_404(&resource) {
        Ok(res) => res,
        Err(resp) => return *resp,
    };
    if !matches!(
        res,
        Resource::ClientlessCertificate | Resource::EnrollmentCert | Resource::Idp
    ) {
        return bad_request(format!("{resource} has no certificates"));
    }
    if control(&shared).expire_certificate(&resource, &id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(format!("no {resource} {id}"))
    }
}
