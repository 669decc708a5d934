//! The router: which path goes to which route module. The legacy API at `/` (with `/signin`,
//! `/signout`), the same API paths under `/zpa` behind the OneAPI gateway, the OneAPI token
//! endpoint, the `/__sim/` control API, and ZPA's 404 for anything else.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{middleware, Router};

use crate::request::finish;
use crate::respond::zpa_error;
use crate::{
    control_api, gateway, identity, lists, objects, oneapi, signin, Control, RequestRecord, Shared,
};

/// The simulator's routes: the legacy API at `/` (with `/signin`, `/signout`), the same API
/// paths under `/zpa` behind the OneAPI gateway, the OneAPI token endpoint, and `/__sim/`.
pub fn router(control: Control) -> Router {
    let shared = control.shared;
    // Legacy sign-in is not mounted under /zpa: OneAPI has no such route, so there it meets
    // the gateway's 401 (or a 404 with a OneAPI token), as in production.
    let zpa = api_routes()
        .fallback(unknown)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ));
    Router::new()
        .merge(
            api_routes()
                .route("/signin", post(signin::signin))
                .route("/signout", post(signin::signout)),
        )
        .nest("/zpa", zpa)
        .route("/oauth2/v1/token", post(oneapi::token))
        .merge(control_api::routes())
        .fallback(unknown)
        .with_state(shared)
}

/// The ZPA API routes both front doors serve.
fn api_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/mgmtconfig/v1/admin/me", get(identity::me))
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/microtenants/{id}",
            get(identity::microtenant),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/policySet/rules/policyType/{ptype}",
            get(lists::policy_rules),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/policySet/{set}/rule/{id}",
            get(objects::policy_rule),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/associationType/{association}/provisioningKey",
            get(lists::provisioning_keys),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/associationType/{association}/provisioningKey/{id}",
            get(objects::provisioning_key),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/application/count/currentAndMaxLimit",
            get(objects::application_limit),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/{resource}",
            get(lists::list_v1),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/{resource}/{id}",
            get(objects::by_id_v1),
        )
        .route(
            "/mgmtconfig/v2/admin/customers/{cid}/clientlessCertificate/issued",
            get(lists::clientless),
        )
        .route(
            "/mgmtconfig/v2/admin/customers/{cid}/{resource}",
            get(lists::list_v2),
        )
        .route(
            "/mgmtconfig/v2/admin/customers/{cid}/{resource}/{id}",
            get(objects::by_id_v2),
        )
        .route(
            "/userconfig/v1/customers/{cid}/scimgroup/idpId/{idp}",
            get(lists::scim_groups),
        )
        .route(
            "/userconfig/v1/customers/{cid}/scimgroup/{id}",
            get(objects::scim_group),
        )
}

/// ZPA's 404 for a path it has no route for; counted as endpoint `unknown` (the control API's
/// own unknown paths are not counted).
async fn unknown(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let resp = zpa_error(
        &shared,
        StatusCode::NOT_FOUND,
        "resource.not.found",
        &format!("No route for {} {}", method, uri.path()),
    );
    if uri.path().starts_with("/__sim/") {
        return resp;
    }
    let rec = RequestRecord::new(&shared, method.as_str(), "unknown");
    finish(&shared, rec, resp)
}
